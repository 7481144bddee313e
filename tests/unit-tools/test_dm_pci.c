/* test_dm_pci.c - the device model's PCI bus: configuration mechanism #1, the host bridge, BAR sizing and decoding, capabilities, request dispatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dispatch.h"
#include "pci_bus.h"

#define CONF(slot, reg)	(0x80000000u | (slot) << 11 | (reg))

struct map_log {
	unsigned int calls;
	uint64_t addr, len;
	bool on;
};

static void map_record(void *opaque, uint64_t addr, uint64_t len, bool on)
{
	struct map_log *l = opaque;

	l->calls++;
	l->addr = addr;
	l->len = len;
	l->on = on;
}

static uint64_t last_off;
static unsigned int last_bar;

static uint64_t dev_read(struct pci_dev *d, unsigned int bar, uint64_t off, unsigned int size)
{
	(void)d;
	(void)size;
	last_bar = bar;
	last_off = off;
	return 0x1122334455667788ull;
}

static void dev_write(struct pci_dev *d, unsigned int bar, uint64_t off, unsigned int size,
		      uint64_t val)
{
	(void)d;
	(void)size;
	(void)val;
	last_bar = bar;
	last_off = off;
}

static const struct pci_dev_ops dev_ops = { .bar_read = dev_read, .bar_write = dev_write };

static uint32_t cfg_read(struct pci_bus *b, unsigned int slot, unsigned int reg, unsigned int size)
{
	pci_bus_pio_write(b, PCI_LAYOUT_CONF_ADDR, 4, CONF(slot, reg & 0xfc));
	return pci_bus_pio_read(b, PCI_LAYOUT_CONF_DATA + (reg & 3), size);
}

static void cfg_write(struct pci_bus *b, unsigned int slot, unsigned int reg, unsigned int size,
		      uint32_t val)
{
	pci_bus_pio_write(b, PCI_LAYOUT_CONF_ADDR, 4, CONF(slot, reg & 0xfc));
	pci_bus_pio_write(b, PCI_LAYOUT_CONF_DATA + (reg & 3), size, val);
}

static void test_conf1_and_host_bridge(void **state)
{
	struct map_log log = { 0 };
	struct pci_bus b;

	(void)state;
	pci_bus_init(&b, map_record, &log);
	/* Linux's pci_check_type1(): the address register reads back. */
	pci_bus_pio_write(&b, 0xcf8, 4, 0x80000000u);
	assert_int_equal(pci_bus_pio_read(&b, 0xcf8, 4), 0x80000000u);
	pci_bus_pio_write(&b, 0xcf8, 4, 0x8000ff03u);	/* low 2 bits are 0 */
	assert_int_equal(pci_bus_pio_read(&b, 0xcf8, 4), 0x8000ff00u);
	assert_int_equal(cfg_read(&b, 0, 0, 4), 0x00081b36);
	assert_int_equal(cfg_read(&b, 0, 0x0a, 2), 0x0600);	/* host bridge class */
	assert_int_equal(cfg_read(&b, 0, 0x02, 2), 0x0008);
	assert_int_equal(cfg_read(&b, 0, 0x01, 1), 0x1b);
	cfg_write(&b, 0, 0, 4, 0);				/* ignored */
	assert_int_equal(cfg_read(&b, 0, 0, 4), 0x00081b36);
	/* Nothing else: empty slots, other functions, other buses, disabled. */
	assert_int_equal(cfg_read(&b, 1, 0, 4), 0xffffffffu);
	assert_int_equal(cfg_read(&b, 31, 0, 2), 0xffff);
	assert_int_equal(cfg_read(&b, 5, 0, 1), 0xff);
	pci_bus_pio_write(&b, 0xcf8, 4, 0x80000100u);	/* 00.1 */
	assert_int_equal(pci_bus_pio_read(&b, 0xcfc, 4), 0xffffffffu);
	pci_bus_pio_write(&b, 0xcf8, 4, 0x80010000u);	/* bus 1 */
	assert_int_equal(pci_bus_pio_read(&b, 0xcfc, 4), 0xffffffffu);
	pci_bus_pio_write(&b, 0xcf8, 4, 0x00000000u);	/* not enabled */
	assert_int_equal(pci_bus_pio_read(&b, 0xcfc, 4), 0xffffffffu);
	/* Misaligned or dword-crossing data accesses, byte accesses at 0xcf8. */
	pci_bus_pio_write(&b, 0xcf8, 4, 0x80000000u);
	assert_int_equal(pci_bus_pio_read(&b, 0xcfd, 2), 0xffffffffu);
	assert_int_equal(pci_bus_pio_read(&b, 0xcfe, 4), 0xffffffffu);
	pci_bus_pio_write(&b, 0xcf8, 1, 0);
	assert_int_equal(pci_bus_pio_read(&b, 0xcf8, 4), 0x80000000u);
	assert_int_equal(log.calls, 0);
}

static void test_bars(void **state)
{
	struct map_log log = { 0 };
	struct pci_dev d;
	struct pci_bus b;

	(void)state;
	pci_bus_init(&b, map_record, &log);
	pci_dev_init(&d, 0x1234, 0x5678, 0x018000, 1, &dev_ops, NULL);
	pci_dev_add_bar(&d, 0, 0x1000, false);
	pci_dev_add_bar(&d, 2, 0x10000, true);
	assert_int_equal(pci_bus_add(&b, &d), 1);
	/* Addresses in the window, naturally aligned, decoding off. */
	assert_int_equal(cfg_read(&b, 1, 0x10, 4), 0xc0000000u);
	assert_int_equal(cfg_read(&b, 1, 0x18, 4), 0xc0010000u | PCI_BAR_MEM_64);
	assert_int_equal(cfg_read(&b, 1, 0x1c, 4), 0);
	assert_int_equal(cfg_read(&b, 1, 0x14, 4), 0);	/* no BAR 1 */
	assert_int_equal(log.calls, 0);

	/* Sizing: all ones reads back the size mask with the type bits. */
	cfg_write(&b, 1, 0x10, 4, 0xffffffffu);
	assert_int_equal(cfg_read(&b, 1, 0x10, 4), 0xfffff000u);
	cfg_write(&b, 1, 0x18, 4, 0xffffffffu);
	cfg_write(&b, 1, 0x1c, 4, 0xffffffffu);
	assert_int_equal(cfg_read(&b, 1, 0x18, 4), 0xffff0000u | PCI_BAR_MEM_64);
	assert_int_equal(cfg_read(&b, 1, 0x1c, 4), 0xffffffffu);
	cfg_write(&b, 1, 0x14, 4, 0xffffffffu);
	assert_int_equal(cfg_read(&b, 1, 0x14, 4), 0);
	assert_int_equal(log.calls, 0);

	/* Program them, then enable memory decoding: both map. */
	cfg_write(&b, 1, 0x10, 4, 0xd0000000u);
	cfg_write(&b, 1, 0x18, 4, 0xd0010000u);
	cfg_write(&b, 1, 0x1c, 4, 0);
	cfg_write(&b, 1, 0x04, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(cfg_read(&b, 1, 0x04, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(log.calls, 2);
	assert_true(log.on);
	assert_int_equal(log.addr, 0xd0010000u);
	assert_int_equal(log.len, 0x10000);

	/* MMIO reaches the owner at the BAR's offset; outside reads all ones. */
	struct xl_ioreq req = { .addr = 0xd0000010, .size = 4, .type = XL_IOREQ_MMIO,
				.dir = XL_IOREQ_READ };
	dm_dispatch(&b, &req);
	assert_int_equal(req.data, 0x55667788);
	assert_int_equal(last_bar, 0);
	assert_int_equal(last_off, 0x10);
	req = (struct xl_ioreq){ .addr = 0xd001fff8, .size = 8, .type = XL_IOREQ_MMIO,
				 .dir = XL_IOREQ_WRITE, .data = 1 };
	dm_dispatch(&b, &req);
	assert_int_equal(last_bar, 2);
	assert_int_equal(last_off, 0xfff8);
	req = (struct xl_ioreq){ .addr = 0xd0000ffe, .size = 4, .type = XL_IOREQ_MMIO };
	dm_dispatch(&b, &req);				/* crosses the BAR's end */
	assert_int_equal(req.data, 0xffffffffu);

	/* Moving a decoding BAR unmaps the old range and maps the new one. */
	log.calls = 0;
	cfg_write(&b, 1, 0x12, 2, 0xd100);		/* a word write to the high half */
	assert_int_equal(log.calls, 2);
	assert_true(log.on);
	assert_int_equal(log.addr, 0xd1000000u);
	/* Decoding off unmaps both. */
	log.calls = 0;
	cfg_write(&b, 1, 0x04, 2, 0);
	assert_int_equal(log.calls, 2);
	assert_false(log.on);
	req = (struct xl_ioreq){ .addr = 0xd1000000, .size = 4, .type = XL_IOREQ_MMIO };
	dm_dispatch(&b, &req);
	assert_int_equal(req.data, 0xffffffffu);
	/* A BAR at 0 (never assigned) does not decode. */
	cfg_write(&b, 1, 0x10, 4, 0);
	log.calls = 0;
	cfg_write(&b, 1, 0x04, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(log.calls, 1);
	assert_int_equal(log.addr, 0xd0010000u);
}

/* What the bus says of posted writes, in order: "+slot@addr*nr" / "-slot@addr*nr",
 * and the map calls between them as "m" / "u". */
static char post_log[256];

static void post_record(void *opaque, unsigned int slot, uint64_t addr, unsigned int nr, bool on)
{
	(void)opaque;
	snprintf(post_log + strlen(post_log), sizeof(post_log) - strlen(post_log), "%c%u@%llx*%u ",
		 on ? '+' : '-', slot, (unsigned long long)addr, nr);
}

static void map_mark(void *opaque, uint64_t addr, uint64_t len, bool on)
{
	map_record(opaque, addr, len, on);
	strcat(post_log, on ? "m " : "u ");
}

static unsigned int writes;
static uint64_t write_offs[8], write_vals[8];

static void dev_write_log(struct pci_dev *d, unsigned int bar, uint64_t off, unsigned int size,
			  uint64_t val)
{
	(void)d;
	(void)bar;
	assert_int_equal(size, 2);
	write_offs[writes] = off;
	write_vals[writes++] = val;
}

static const struct pci_dev_ops log_ops = { .bar_write = dev_write_log };

/* A device's kick addresses are posted while its BAR decodes (made posted
 * after the map, taken back before the unmap); kicks become its writes. */
static void test_posted_kicks(void **state)
{
	struct map_log log = { 0 };
	struct pci_dev d, e;
	struct pci_bus b;

	(void)state;
	post_log[0] = 0;
	writes = 0;
	pci_bus_init(&b, map_mark, &log);
	b.post = post_record;
	pci_dev_init(&e, 0x1234, 0x5678, 0x018000, 1, &log_ops, NULL);	/* no posted writes */
	pci_dev_add_bar(&e, 0, 0x1000, false);
	pci_dev_init(&d, 0x1234, 0x5678, 0x018000, 1, &log_ops, NULL);
	pci_dev_add_bar(&d, 0, 0x1000, false);
	pci_dev_add_bar(&d, 2, 0x8000, true);
	d.posted = (struct pci_posted){ .off = 0x3000, .nr = 3, .bar = 2 };
	assert_int_equal(pci_bus_add(&b, &e), 1);
	assert_int_equal(pci_bus_add(&b, &d), 2);
	pci_bus_kick(&b, 2, 1);				/* not decoding: nothing */
	assert_int_equal(writes, 0);
	cfg_write(&b, 1, 0x04, 2, PCI_COMMAND_MEMORY);
	cfg_write(&b, 2, 0x04, 2, PCI_COMMAND_MEMORY);
	assert_string_equal(post_log, "m m m +2@c000b000*3 ");	/* e's BAR, d's BAR 0 and 2 */
	pci_bus_kick(&b, 2, 1u << 2 | 1u << 0 | 1ull << 63);	/* q 63 is past its queues */
	assert_int_equal(writes, 2);
	assert_int_equal(write_offs[0], 0x3000);
	assert_int_equal(write_vals[0], 0);
	assert_int_equal(write_offs[1], 0x3008);
	assert_int_equal(write_vals[1], 2);
	pci_bus_kick(&b, 1, 1);				/* e: none posted */
	pci_bus_kick(&b, 0, 1);				/* the host bridge */
	pci_bus_kick(&b, 7, 1);				/* an empty slot */
	pci_bus_kick(&b, 99, 1);
	assert_int_equal(writes, 2);
	post_log[0] = 0;
	pci_bus_remove(&b, 2);
	assert_string_equal(post_log, "u -2@c000b000*3 u ");
	pci_bus_kick(&b, 2, 1);
	assert_int_equal(writes, 2);
}

static void test_caps_and_readonly(void **state)
{
	struct pci_dev d;
	unsigned int a, c;

	(void)state;
	pci_dev_init(&d, 0x1234, 0x5678, 0x018000, 1, &dev_ops, NULL);
	assert_int_equal(pci_dev_cfg_read(&d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, 0);
	a = pci_dev_add_cap(&d, 0x09, 17);
	c = pci_dev_add_cap(&d, 0x11, 12);
	assert_int_equal(pci_dev_cfg_read(&d, PCI_CAP_PTR, 1), a);
	assert_int_equal(a, 0x40);
	assert_int_equal(c, 0x54);			/* 17 bytes, dword-aligned */
	assert_int_equal(pci_dev_cfg_read(&d, a + 1, 1), c);
	assert_int_equal(pci_dev_cfg_read(&d, c + 1, 1), 0);
	assert_int_equal(pci_dev_cfg_read(&d, c, 1), 0x11);
	assert_true(pci_dev_cfg_read(&d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	/* Ids, class, capabilities are read-only; the interrupt line is not. */
	pci_dev_cfg_write(&d, 0, 4, 0);
	pci_dev_cfg_write(&d, 0x08, 4, 0);
	pci_dev_cfg_write(&d, a, 4, 0);
	pci_dev_cfg_write(&d, 0x3c, 1, 0x0b);
	assert_int_equal(pci_dev_cfg_read(&d, 0, 4), 0x56781234);
	assert_int_equal(pci_dev_cfg_read(&d, 0x08, 4), 0x01800001);
	assert_int_equal(pci_dev_cfg_read(&d, a + 1, 1), c);
	assert_int_equal(pci_dev_cfg_read(&d, 0x3c, 1), 0x0b);
	assert_int_equal(pci_dev_cfg_read(&d, 0x3d, 1), 0);	/* no INTx pin */
}

static void test_dispatch_pio(void **state)
{
	struct map_log log = { 0 };
	struct pci_bus b;
	struct xl_ioreq req = { .addr = 0xcf8, .size = 4, .type = XL_IOREQ_PIO,
				.dir = XL_IOREQ_WRITE, .data = 0x80000000u };

	(void)state;
	pci_bus_init(&b, map_record, &log);
	dm_dispatch(&b, &req);
	req = (struct xl_ioreq){ .addr = 0xcfc, .size = 2, .type = XL_IOREQ_PIO,
				 .dir = XL_IOREQ_READ, .data = 0xdead };
	dm_dispatch(&b, &req);
	assert_int_equal(req.data, 0x1b36);
	req.size = 8;					/* no 8-byte port accesses */
	dm_dispatch(&b, &req);
	assert_int_equal(req.data, ~0ull);
	req.size = 3;
	req.type = XL_IOREQ_MMIO;
	dm_dispatch(&b, &req);
	assert_int_equal(req.data, ~0ull);
	req.size = 16;					/* found by test_dm_fuzz */
	dm_dispatch(&b, &req);
	assert_int_equal(req.data, ~0ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf1_and_host_bridge),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_posted_kicks),
		cmocka_unit_test(test_caps_and_readonly),
		cmocka_unit_test(test_dispatch_pio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
