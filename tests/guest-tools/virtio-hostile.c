/* virtio-hostile.c - run as root in a domU: take a virtio-blk function from its driver and feed it malformed descriptor chains, one scenario at a time, printing what the device did. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vpci.h"

#define QSIZE		8
#define SECTOR		8		/* the scratch sector the good requests use */
#define F_NEXT		1
#define F_WRITE		2
#define F_INDIRECT	4
#define T_IN		0
#define T_OUT		1
#define FAR_AWAY	(1ull << 46)	/* no guest RAM there */
#define WAIT_MS		3000

/* The pages every scenario uses, and the device. */
static struct vpci dev;
static struct vpci_page desc_pg, avail_pg, used_pg, hdr_pg, data_pg, table_pg;
static struct vpci_desc *desc;
static struct vpci_avail *avail;
static struct vpci_used *used;
static uint8_t *status_byte;		/* in hdr_pg, after the header */

/* How a scenario sets the queue up; 0 fields take the defaults. */
struct setup {
	uint16_t size;			/* QSIZE */
	uint64_t desc_pa;		/* desc_pg */
	uint64_t avail_pa;		/* avail_pg */
};

struct scenario {
	const char *name;
	struct setup (*setup)(void);	/* NULL: the defaults */
	void (*offer)(void);		/* fill the rings; NULL: none */
	uint64_t msi_addr;		/* if not 0: queue 0 interrupts with this MSI */
	uint32_t msi_data;
};

static void put(unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	desc[i] = (struct vpci_desc){ addr, len, flags, next };
}

/* Make head the next available chain. */
static void offer_head(uint16_t head)
{
	avail->ring[avail->idx % QSIZE] = head;
	__atomic_store_n(&avail->idx, avail->idx + 1, __ATOMIC_RELEASE);
}

/* The request header (type, sector) in hdr_pg; its address. */
static uint64_t header(uint32_t type, uint64_t sector)
{
	uint32_t h[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };

	memcpy(hdr_pg.va, h, sizeof(h));
	*status_byte = 0xff;
	return hdr_pg.pa;
}

/* A three-descriptor request at 0..2: header, data (addr, len, flags),
 * status; offered. */
static void request(uint32_t type, uint64_t addr, uint32_t len, uint16_t flags)
{
	put(0, header(type, SECTOR), 16, F_NEXT, 1);
	put(1, addr, len, flags | F_NEXT, 2);
	put(2, hdr_pg.pa + 16, 1, F_WRITE, 0);
	offer_head(0);
}

/* The data page filled with the pattern of a good write. */
static void pattern(void)
{
	for (int i = 0; i < 512; i++)
		((uint8_t *)data_pg.va)[i] = (uint8_t)(i * 7 + 3);
}

static void good_write(void)
{
	pattern();
	request(T_OUT, data_pg.pa, 512, 0);
}

static void good_read(void)
{
	memset(data_pg.va, 0, 512);
	request(T_IN, data_pg.pa, 512, F_WRITE);
}

static void loop(void)
{
	put(0, header(T_IN, SECTOR), 16, F_NEXT, 1);
	put(1, data_pg.pa, 512, F_WRITE | F_NEXT, 0);
	offer_head(0);
}

static void loop_self(void)
{
	put(0, header(T_IN, SECTOR), 16, F_NEXT, 0);
	offer_head(0);
}

static void next_out_of_range(void)
{
	put(0, header(T_IN, SECTOR), 16, F_NEXT, QSIZE);
	offer_head(0);
}

static void head_out_of_range(void)
{
	request(T_IN, data_pg.pa, 512, F_WRITE);
	avail->ring[0] = QSIZE + 3;
}

static void addr_outside_ram(void)
{
	request(T_IN, FAR_AWAY, 512, F_WRITE);
}

static void addr_device_mmio(void)
{
	request(T_IN, dev.bar_pa, 512, F_WRITE);
}

static void addr_wraps(void)
{
	request(T_IN, 0xfffffffffffff000ull, 0x2000, F_WRITE);
}

static void huge_len(void)
{
	request(T_IN, data_pg.pa, 0xffffffffu, F_WRITE);
}

static void status_readable(void)
{
	request(T_IN, data_pg.pa, 512, F_WRITE);
	desc[2].flags = 0;
}

/* A read into a buffer marked device-readable: the device must not write it. */
static void write_to_readable(void)
{
	memset(data_pg.va, 0x5a, 512);
	request(T_IN, data_pg.pa, 512, 0);
}

static void readable_after_writable(void)
{
	put(0, header(T_IN, SECTOR), 16, F_NEXT, 1);
	put(1, data_pg.pa, 512, F_WRITE | F_NEXT, 2);
	put(2, hdr_pg.pa, 16, F_NEXT, 3);
	put(3, hdr_pg.pa + 16, 1, F_WRITE, 0);
	offer_head(0);
}

/* An indirect table in table_pg: header, data, status (entries 0..2). */
static struct vpci_desc *indirect_table(void)
{
	struct vpci_desc *t = table_pg.va;

	t[0] = (struct vpci_desc){ header(T_IN, SECTOR), 16, F_NEXT, 1 };
	t[1] = (struct vpci_desc){ data_pg.pa, 512, F_WRITE | F_NEXT, 2 };
	t[2] = (struct vpci_desc){ hdr_pg.pa + 16, 1, F_WRITE, 0 };
	return t;
}

static void indirect_good(void)
{
	memset(data_pg.va, 0, 512);
	indirect_table();
	put(0, table_pg.pa, 48, F_INDIRECT, 0);
	offer_head(0);
}

static void indirect_nested(void)
{
	struct vpci_desc *t = indirect_table();

	t[1] = (struct vpci_desc){ table_pg.pa + 256, 48, F_INDIRECT | F_NEXT, 2 };
	memcpy(t + 16, t, 48);
	put(0, table_pg.pa, 48, F_INDIRECT, 0);
	offer_head(0);
}

static void indirect_len_not_16(void)
{
	indirect_table();
	put(0, table_pg.pa, 40, F_INDIRECT, 0);
	offer_head(0);
}

static void indirect_loop(void)
{
	indirect_table()[1].next = 0;
	put(0, table_pg.pa, 48, F_INDIRECT, 0);
	offer_head(0);
}

static void indirect_and_next(void)
{
	indirect_table();
	put(0, table_pg.pa, 48, F_INDIRECT | F_NEXT, 1);
	put(1, hdr_pg.pa + 16, 1, F_WRITE, 0);
	offer_head(0);
}

/* A chain of 64 readable buffers in a queue of 8 (the longest is 8). */
static void indirect_too_long(void)
{
	struct vpci_desc *t = table_pg.va;

	for (int i = 0; i < 64; i++)
		t[i] = (struct vpci_desc){ hdr_pg.pa, 16, F_NEXT, (uint16_t)(i + 1) };
	t[63].flags = F_WRITE;
	put(0, table_pg.pa, 64 * 16, F_INDIRECT, 0);
	offer_head(0);
}

static void indirect_outside_ram(void)
{
	put(0, FAR_AWAY, 48, F_INDIRECT, 0);
	offer_head(0);
}

static void avail_idx_jump(void)
{
	request(T_IN, data_pg.pa, 512, F_WRITE);
	__atomic_store_n(&avail->idx, QSIZE + 5, __ATOMIC_RELEASE);
}

static struct setup size_not_power_of_2(void)
{
	return (struct setup){ .size = 6 };
}

static struct setup size_too_big(void)
{
	return (struct setup){ .size = 4096 };
}

static struct setup ring_in_device_mmio(void)
{
	return (struct setup){ .desc_pa = dev.bar_pa };
}

static struct setup ring_outside_ram(void)
{
	return (struct setup){ .avail_pa = FAR_AWAY };
}

/* In order: the good ones first and last, to show the device works before
 * the attack and after a reset. */
static const struct scenario scenarios[] = {
	{ "good-write", NULL, good_write, 0, 0 },
	{ "good-read", NULL, good_read, 0, 0 },
	{ "good-indirect", NULL, indirect_good, 0, 0 },
	{ "loop", NULL, loop, 0, 0 },
	{ "loop-self", NULL, loop_self, 0, 0 },
	{ "next-out-of-range", NULL, next_out_of_range, 0, 0 },
	{ "head-out-of-range", NULL, head_out_of_range, 0, 0 },
	{ "addr-outside-ram", NULL, addr_outside_ram, 0, 0 },
	{ "addr-device-mmio", NULL, addr_device_mmio, 0, 0 },
	{ "addr-wraps", NULL, addr_wraps, 0, 0 },
	{ "huge-len", NULL, huge_len, 0, 0 },
	{ "status-readable", NULL, status_readable, 0, 0 },
	{ "write-to-readable", NULL, write_to_readable, 0, 0 },
	{ "readable-after-writable", NULL, readable_after_writable, 0, 0 },
	{ "indirect-nested", NULL, indirect_nested, 0, 0 },
	{ "indirect-len-not-16", NULL, indirect_len_not_16, 0, 0 },
	{ "indirect-loop", NULL, indirect_loop, 0, 0 },
	{ "indirect-and-next", NULL, indirect_and_next, 0, 0 },
	{ "indirect-too-long", NULL, indirect_too_long, 0, 0 },
	{ "indirect-outside-ram", NULL, indirect_outside_ram, 0, 0 },
	{ "avail-idx-jump", NULL, avail_idx_jump, 0, 0 },
	{ "size-not-power-of-2", size_not_power_of_2, NULL, 0, 0 },
	{ "size-too-big", size_too_big, NULL, 0, 0 },
	{ "ring-in-device-mmio", ring_in_device_mmio, NULL, 0, 0 },
	{ "ring-outside-ram", ring_outside_ram, NULL, 0, 0 },
	/* Interrupts the hypervisor must refuse: outside the LAPIC window, vector 5. */
	{ "msi-bad-address", NULL, good_read, 0xdead0000, 0xffffffff },
	{ "msi-low-vector", NULL, good_read, 0xfee00000, 0x05 },
	{ "good-read-after", NULL, good_read, 0, 0 },
};

/* Whether data_pg holds what good_write wrote. */
static int pattern_back(void)
{
	for (int i = 0; i < 512; i++)
		if (((uint8_t *)data_pg.va)[i] != (uint8_t)(i * 7 + 3))
			return 0;
	return 1;
}

/* Run s: set up, offer, kick, wait; describe the outcome in out:
 * "used:STATUS[:data-ok|:data-bad][:untouched|:written]", "reset" (NEEDS_RESET,
 * nothing used) or "none". */
static void run(const struct scenario *s, char *out, size_t len)
{
	struct setup u = s->setup ? s->setup() : (struct setup){ 0 };
	uint8_t st;
	int n;

	memset(desc_pg.va, 0, 4096);
	memset(avail_pg.va, 0, 4096);
	memset(used_pg.va, 0, 4096);
	memset(table_pg.va, 0, 4096);
	st = vpci_setup(&dev, 1ull << VPCI_F_INDIRECT_DESC, u.size ? u.size : QSIZE,
			u.desc_pa ? u.desc_pa : desc_pg.pa, u.avail_pa ? u.avail_pa : avail_pg.pa,
			used_pg.pa);
	if (s->msi_addr && vpci_msix(&dev, s->msi_addr, s->msi_data)) {
		snprintf(out, len, "no-msix");
		return;
	}
	if (s->offer && !(st & VPCI_NEEDS_RESET)) {
		s->offer();
		vpci_kick(&dev);
	}
	for (int ms = 0; ms < WAIT_MS; ms++) {
		st = vpci_status(&dev);
		if (__atomic_load_n(&used->idx, __ATOMIC_ACQUIRE) || (st & VPCI_NEEDS_RESET))
			break;
		usleep(1000);
	}
	if (!__atomic_load_n(&used->idx, __ATOMIC_ACQUIRE)) {
		snprintf(out, len, "%s", st & VPCI_NEEDS_RESET ? "reset" : "none");
		return;
	}
	n = snprintf(out, len, "used:%u", *status_byte);
	if (s->offer == good_read || s->offer == indirect_good)
		snprintf(out + n, len - n, pattern_back() ? ":data-ok" : ":data-bad");
	if (s->offer == write_to_readable)
		snprintf(out + n, len - n, ((uint8_t *)data_pg.va)[0] == 0x5a &&
			 ((uint8_t *)data_pg.va)[511] == 0x5a ? ":untouched" : ":written");
}

int main(int argc, char **argv)
{
	struct vpci_page *pages[] = { &desc_pg, &avail_pg, &used_pg, &hdr_pg, &data_pg, &table_pg };
	char out[64], summary[2048];
	size_t n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: virtio-hostile BDF (a virtio-blk function, e.g. 0000:00:01.0)\n");
		return 2;
	}
	if (vpci_open(&dev, argv[1]))
		return 1;
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (vpci_page(pages[i]))
			return 1;
	desc = desc_pg.va;
	avail = avail_pg.va;
	used = used_pg.va;
	status_byte = (uint8_t *)hdr_pg.va + 16;
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		run(&scenarios[i], out, sizeof(out));
		printf("hostile: %s -> %s\n", scenarios[i].name, out);
		fflush(stdout);
		n += snprintf(summary + n, sizeof(summary) - n, " %s=%s", scenarios[i].name, out);
	}
	vpci_w8(&dev, 0x14, 0);		/* leave the device reset */
	printf("RESULT-hostile%s RESULT-hostile-end\n", summary);
	return 0;
}
