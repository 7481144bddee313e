/* test_dm_guest.c - a guest's driver, as Linux's PCI core and virtio_pci go about it, speaking only in I/O requests to the device model: enumeration, BAR sizing and placement, capabilities, MSI-X, a virtio-blk read. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "dispatch.h"
#include "dm_testlib.h"
#include "virtio/blk.h"

#define BAR_GPA		0xe0000000ull	/* where the "guest" moves BAR 0 */
#define QBASE		0x10000
#define HDR		0x30000
#define DATA		0x31000
#define STATUS		0x32000

struct guest {
	struct xl_guest_ram ram;
	struct pci_bus bus;
	struct virtio_blk blk;
	struct disk *disk;
	struct msi_log msi;
	uint64_t mapped_addr, mapped_len;
	unsigned int maps;
	char path[64];
};

static void map_record(void *opaque, uint64_t addr, uint64_t len, bool on)
{
	struct guest *g = opaque;

	g->maps++;
	g->mapped_addr = on ? addr : 0;
	g->mapped_len = on ? len : 0;
}

/* One I/O request, as the hypervisor would pass it on. */
static uint64_t io(struct guest *g, uint8_t type, uint8_t dir, uint64_t addr, uint32_t size,
		   uint64_t val)
{
	struct xl_ioreq req = { .addr = addr, .data = val, .size = size, .type = type, .dir = dir,
				.state = XL_IOREQ_READY };

	dm_dispatch(&g->bus, &req);
	return req.data;
}

static uint32_t cfg_rd(struct guest *g, unsigned int slot, unsigned int reg, unsigned int size)
{
	io(g, XL_IOREQ_PIO, XL_IOREQ_WRITE, 0xcf8, 4, 0x80000000u | slot << 11 | (reg & 0xfc));
	return io(g, XL_IOREQ_PIO, XL_IOREQ_READ, 0xcfc + (reg & 3), size, 0);
}

static void cfg_wr(struct guest *g, unsigned int slot, unsigned int reg, unsigned int size,
		   uint32_t val)
{
	io(g, XL_IOREQ_PIO, XL_IOREQ_WRITE, 0xcf8, 4, 0x80000000u | slot << 11 | (reg & 0xfc));
	io(g, XL_IOREQ_PIO, XL_IOREQ_WRITE, 0xcfc + (reg & 3), size, val);
}

static uint64_t mmio_rd(struct guest *g, uint64_t off, unsigned int size)
{
	return io(g, XL_IOREQ_MMIO, XL_IOREQ_READ, BAR_GPA + off, size, 0);
}

static void mmio_wr(struct guest *g, uint64_t off, unsigned int size, uint64_t val)
{
	io(g, XL_IOREQ_MMIO, XL_IOREQ_WRITE, BAR_GPA + off, size, val);
}

/* The offset in BAR 0 of the virtio structure of cfg_type type. */
static uint32_t virtio_cap(struct guest *g, unsigned int slot, uint8_t type, uint32_t *extra)
{
	unsigned int c;

	for (c = cfg_rd(g, slot, 0x34, 1); c; c = cfg_rd(g, slot, c + 1, 1))
		if (cfg_rd(g, slot, c, 1) == 0x09 && cfg_rd(g, slot, c + 3, 1) == type) {
			assert_int_equal(cfg_rd(g, slot, c + 4, 1), 0);
			if (extra)
				*extra = cfg_rd(g, slot, c + 16, 4);
			return cfg_rd(g, slot, c + 8, 4);
		}
	fail_msg("no virtio capability of type %u", type);
	return 0;
}

static void test_guest_reads_a_disk(void **state)
{
	struct guest *g = calloc(1, sizeof(*g));
	uint32_t common, notify, device, mult, lo, hi, size0, slot, c, msix = 0;
	uint32_t hdr[4] = { VIRTIO_BLK_T_IN, 0, 7, 0 };
	uint64_t addr[3] = { HDR, DATA, STATUS };
	uint32_t lens[3] = { 16, 512, 1 };
	uint16_t flags[3] = { 0, VIRTQ_DESC_F_WRITE, VIRTQ_DESC_F_WRITE };
	struct pollfd p;
	struct fake_vq f;
	struct virtq dummy;
	char err[256];
	int fd, tries;

	(void)state;
	fake_ram_init(&g->ram);
	snprintf(g->path, sizeof(g->path), "/tmp/test_dm_guest.XXXXXX");
	fd = mkstemp(g->path);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	assert_int_equal(pwrite(fd, "sector7!", 8, 7 * 512), 8);
	assert_int_equal(disk_raw_open(g->path, false, false, 64, &g->disk, err, sizeof(err)), 0);
	pci_bus_init(&g->bus, map_record, g);
	virtio_blk_init(&g->blk, g->disk, "xvda", 1, &g->ram,
			(struct msix_sink){ msi_log_raise, &g->msi });
	assert_int_equal(pci_bus_add(&g->bus, &g->blk.vp.pci), 1);

	/* pci_check_type1() and the scan of bus 0. */
	io(g, XL_IOREQ_PIO, XL_IOREQ_WRITE, 0xcf8, 4, 0x80000000u);
	assert_int_equal(io(g, XL_IOREQ_PIO, XL_IOREQ_READ, 0xcf8, 4, 0), 0x80000000u);
	assert_int_equal(cfg_rd(g, 0, 0x0a, 2), 0x0600);
	for (slot = 1; slot < 32; slot++)
		if (cfg_rd(g, slot, 0, 2) != 0xffff)
			break;
	assert_int_equal(slot, 1);
	assert_int_equal(cfg_rd(g, slot, 0, 4), 0x10421af4);
	assert_int_equal(cfg_rd(g, slot, 0x0e, 1), 0);		/* one function */
	assert_int_equal(cfg_rd(g, slot, 0x3d, 1), 0);		/* no INTx */

	/* __pci_read_base(): size the 64-bit BAR 0 with decoding off. */
	lo = cfg_rd(g, slot, 0x10, 4);
	hi = cfg_rd(g, slot, 0x14, 4);
	assert_int_equal(lo & 0xf, PCI_BAR_MEM_64);
	assert_true(lo >= 0xc0000000u && hi == 0);		/* placed in the window */
	cfg_wr(g, slot, 0x10, 4, ~0u);
	cfg_wr(g, slot, 0x14, 4, ~0u);
	size0 = ~(cfg_rd(g, slot, 0x10, 4) & ~0xfu) + 1;
	assert_int_equal(size0, VIRTIO_PCI_BAR_SIZE);
	assert_int_equal(cfg_rd(g, slot, 0x14, 4), ~0u);
	/* Then give it another address and enable it: the bus maps it. */
	cfg_wr(g, slot, 0x10, 4, (uint32_t)BAR_GPA);
	cfg_wr(g, slot, 0x14, 4, 0);
	assert_int_equal(g->maps, 0);
	cfg_wr(g, slot, 0x04, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(g->mapped_addr, BAR_GPA);
	assert_int_equal(g->mapped_len, VIRTIO_PCI_BAR_SIZE);

	/* vp_modern_probe(): the capabilities. */
	common = virtio_cap(g, slot, 1, NULL);
	notify = virtio_cap(g, slot, 2, &mult);
	device = virtio_cap(g, slot, 4, NULL);
	assert_int_equal(virtio_cap(g, slot, 3, NULL), VIRTIO_PCI_ISR_OFF);

	/* MSI-X: masked while the table is written, then unmasked. */
	for (c = cfg_rd(g, slot, 0x34, 1); c; c = cfg_rd(g, slot, c + 1, 1))
		if (cfg_rd(g, slot, c, 1) == 0x11)
			msix = c;
	assert_int_equal(cfg_rd(g, slot, msix + 4, 4), VIRTIO_PCI_MSIX_TABLE_OFF);
	cfg_wr(g, slot, msix + 2, 2, MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	mmio_wr(g, VIRTIO_PCI_MSIX_TABLE_OFF + 16, 4, 0xfee00000u);
	mmio_wr(g, VIRTIO_PCI_MSIX_TABLE_OFF + 20, 4, 0);
	mmio_wr(g, VIRTIO_PCI_MSIX_TABLE_OFF + 24, 4, 0x4061);
	mmio_wr(g, VIRTIO_PCI_MSIX_TABLE_OFF + 28, 4, 0);
	cfg_wr(g, slot, msix + 2, 2, MSIX_CTRL_ENABLE);

	/* virtio_dev_probe(): status, features, the queue, DRIVER_OK. */
	mmio_wr(g, common + 0x14, 1, 0);
	mmio_wr(g, common + 0x14, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	mmio_wr(g, common + 0x00, 4, 1);
	assert_true(mmio_rd(g, common + 0x04, 4) & 1);		/* VERSION_1 */
	mmio_wr(g, common + 0x08, 4, 0);
	mmio_wr(g, common + 0x0c, 4, 1u << VIRTIO_BLK_F_FLUSH);
	mmio_wr(g, common + 0x08, 4, 1);
	mmio_wr(g, common + 0x0c, 4, 1);
	mmio_wr(g, common + 0x14, 1, 0x0b);
	assert_int_equal(mmio_rd(g, common + 0x14, 1), 0x0b);
	assert_int_equal(mmio_rd(g, device, 4) | mmio_rd(g, device + 4, 4) << 32, 2048);
	mmio_wr(g, common + 0x16, 2, 0);
	assert_int_equal(mmio_rd(g, common + 0x18, 2), VIRTQ_MAX_SIZE);
	fake_vq_init(&f, &dummy, &g->ram, QBASE, VIRTQ_MAX_SIZE);
	mmio_wr(g, common + 0x1a, 2, 1);
	assert_int_equal(mmio_rd(g, common + 0x1a, 2), 1);
	mmio_wr(g, common + 0x20, 4, (uint32_t)f.desc);
	mmio_wr(g, common + 0x24, 4, 0);
	mmio_wr(g, common + 0x28, 4, (uint32_t)f.avail);
	mmio_wr(g, common + 0x2c, 4, 0);
	mmio_wr(g, common + 0x30, 4, (uint32_t)f.used);
	mmio_wr(g, common + 0x34, 4, 0);
	mmio_wr(g, common + 0x1c, 2, 1);
	mmio_wr(g, common + 0x14, 1, 0x0f);

	/* One read of sector 7, kicked at notify + notify_off * multiplier. */
	memcpy(gpa(&g->ram, HDR), hdr, 16);
	fake_vq_chain(&f, 0, 3, addr, lens, flags);
	mmio_wr(g, notify + mmio_rd(g, common + 0x1e, 2) * mult, 2, 0);
	p = (struct pollfd){ .fd = g->disk->fd, .events = POLLIN };
	for (tries = 0; tries < 50 && fake_used_idx(&f) != 1; tries++)
		if (poll(&p, 1, 100) > 0)
			virtio_blk_complete(&g->blk, p.revents);
	assert_int_equal(fake_used_idx(&f), 1);
	assert_int_equal(*(uint8_t *)gpa(&g->ram, STATUS), VIRTIO_BLK_S_OK);
	assert_memory_equal(gpa(&g->ram, DATA), "sector7!", 8);
	assert_int_equal(g->msi.count, 1);
	assert_int_equal(g->msi.addr, 0xfee00000u);
	assert_int_equal(g->msi.data, 0x4061);

	/* Decoding off: the range goes back, accesses read all ones. */
	cfg_wr(g, slot, 0x04, 2, 0);
	assert_int_equal(g->mapped_len, 0);
	assert_int_equal(mmio_rd(g, common + 0x14, 1), 0xff);

	g->disk->ops->close(g->disk);
	close(fd);
	unlink(g->path);
	fake_ram_free(&g->ram);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_reads_a_disk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
