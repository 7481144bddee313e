/* test_dm_fuzz.c - a deterministic random mutator over descriptor tables, requests, register accesses and I/O requests of a virtio-blk device on the PCI bus, under ASan and UBSan. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "dispatch.h"
#include "dm_fuzzlib.h"
#include "dm_testlib.h"
#include "virtio/blk.h"

#define DISK_SIZE	(64u << 10)
#define QBASE		0x10000
#define QSIZE		16
#define AREA		FUZZ_AREA

struct fuzz {
	struct xl_guest_ram ram;
	struct virtio_blk blk;
	struct disk *disk;
	struct fake_vq f;
	struct msi_log msi;
	struct pci_bus bus;
	unsigned long maps;
};

static void map_count(void *opaque, uint64_t addr, uint64_t len, bool on)
{
	struct fuzz *z = opaque;

	(void)addr;
	(void)len;
	(void)on;
	z->maps++;
}

/* An I/O request as the hypervisor could send one: mostly at the
 * configuration ports or in the device's BAR, any size, either way. */
static void rnd_ioreq(struct fuzz *z)
{
	static const uint64_t sizes[] = { 1, 2, 4, 8, 3, 0, 16 };
	struct xl_ioreq req = { .size = pick(sizes, rnd() % 4 ? 4 : 7), .dir = rnd() & 1,
				.data = rnd(), .state = XL_IOREQ_READY };

	if (rnd() % 2) {
		req.type = XL_IOREQ_PIO;
		req.addr = rnd() % 8 ? 0xcf8 + rnd() % 8 : rnd() & 0xffff;
		if (req.addr == 0xcf8 && rnd() % 2)	/* select slot 0 or 1, any register */
			req.data = 0x80000000u | (rnd() % 2) << 11 | (rnd() & 0xfc);
	} else {
		req.type = XL_IOREQ_MMIO;
		req.addr = rnd() % 8 ? z->blk.vp.pci.bar[0].addr + rnd() % 0x8000 : rnd();
	}
	dm_dispatch(&z->bus, &req);
}

/* Headers with every type, sectors near the end, discard segments. */
static void rnd_area(struct fuzz *z)
{
	static const uint64_t types[] = { VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH,
		VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_DISCARD, VIRTIO_BLK_T_WRITE_ZEROES, 99 };
	static const uint64_t sectors[] = { 0, 1, DISK_SIZE / 512 - 1, DISK_SIZE / 512,
		~0ull, ~0ull >> 9 };
	uint8_t *area = gpa(&z->ram, AREA);
	unsigned int i;

	for (i = 0; i < 64; i++) {
		uint32_t *h = (uint32_t *)(area + 32 * (rnd() % 2048));
		uint64_t s = rnd() % 2 ? pick(sectors, 6) : rnd() % (DISK_SIZE / 512);

		h[0] = pick(types, 7);
		h[1] = 0;
		h[2] = (uint32_t)s;
		h[3] = s >> 32;
		h[4] = rnd() % 2 ? rnd() % 16 : rnd();	/* a discard's num_sectors... */
		h[5] = rnd() % 3;			/* ... and flags */
	}
}

/* One round: new descriptors (some chains laid out sensibly, some not),
 * indirect tables, avail entries, maybe a register poke, a kick. */
static void round_once(struct fuzz *z)
{
	struct fake_desc *table = gpa(&z->ram, AREA + 0xf000);
	unsigned int i, n = rnd() % 4 + 1;

	for (i = 0; i < QSIZE; i++)
		if (rnd() % 3 == 0)
			rnd_desc(fake_desc(&z->f, i), QSIZE);
	for (i = 0; i < 16; i++)
		if (rnd() % 2)
			rnd_desc(&table[i], 16);
	if (rnd() % 4 == 0)
		*fake_desc(&z->f, rnd() % QSIZE) = (struct fake_desc){ AREA + 0xf000,
			(uint32_t)(16 * (rnd() % 18)), VIRTQ_DESC_F_INDIRECT, 0 };
	if (rnd() % 8 == 0)
		rnd_area(z);
	for (i = 0; i < n; i++)
		fake_vq_offer(&z->f, rnd() % 16 ? rnd() % QSIZE : rnd());
	if (rnd() % 32 == 0)		/* an avail index far ahead */
		((uint16_t *)gpa(&z->ram, z->f.avail))[1] += rnd();
	if (rnd() % 16 == 0) {		/* a register access anywhere in BAR 0 */
		static const uint64_t sizes[] = { 1, 2, 4, 8 };
		unsigned int size = pick(sizes, 4);
		uint64_t off = rnd() % VIRTIO_PCI_BAR_SIZE & ~(uint64_t)(size - 1);

		if (rnd() % 2)
			z->blk.vp.pci.ops->bar_write(&z->blk.vp.pci, 0, off, size, rnd());
		else
			z->blk.vp.pci.ops->bar_read(&z->blk.vp.pci, 0, off, size);
	}
	if (rnd() % 64 == 0)		/* a config space write */
		pci_dev_cfg_write(&z->blk.vp.pci, 0x40 + rnd() % 0xc0 / 4 * 4, 4, rnd());
	if (rnd() % 4 == 0)
		rnd_ioreq(z);
	if (rnd() % 8 == 0)		/* posted kicks: any slot, any queue bits */
		pci_bus_kick(&z->bus, rnd() % 4 ? 1 : rnd() % 64, rnd() % 2 ? 1 : rnd());
	fake_kick(&z->blk.vp, rnd() % 32 ? 0 : rnd() % 4);
	virtio_blk_complete(&z->blk, POLLIN);
	if ((z->blk.vp.status & VIRTIO_STATUS_NEEDS_RESET) || rnd() % 256 == 0 ||
	    !virtio_pci_queue_live(&z->blk.vp, 0)) {
		z->blk.vp.pci.ops->bar_write(&z->blk.vp.pci, 0, 0x14, 1, 0);
		fake_driver_ok(&z->blk.vp, &z->f, 0, QBASE, QSIZE, rnd() & (3ull << 28));
	}
}

/* Wait until the backend has been quiet for 300 ms: nothing in flight
 * writes into the guest RAM about to be freed. */
static void drain(struct fuzz *z)
{
	struct pollfd p = { .fd = z->disk->fd, .events = POLLIN };

	while (poll(&p, 1, 300) > 0)
		virtio_blk_complete(&z->blk, POLLIN);
}

/* Run for $DM_FUZZ_SECONDS (20) from seed $DM_FUZZ_SEED (a fixed one). */
static void test_fuzz(void **state)
{
	const char *seed = getenv("DM_FUZZ_SEED");
	char path[] = "/tmp/test_dm_fuzz.XXXXXX", err[256];
	struct fuzz *z = calloc(1, sizeof(*z));
	unsigned long rounds = 0;
	const char *secs = getenv("DM_FUZZ_SECONDS");
	time_t end = time(NULL) + (secs ? atoi(secs) : 20);
	int fd = mkstemp(path);

	(void)state;
	fuzz_seed(seed);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, DISK_SIZE), 0);
	fake_ram_init(&z->ram);
	assert_int_equal(disk_raw_open(path, false, false, 64, &z->disk, err, sizeof(err)), 0);
	virtio_blk_init(&z->blk, z->disk, "xvda", 1, &z->ram,
			(struct msix_sink){ msi_log_raise, &z->msi });
	pci_bus_init(&z->bus, map_count, z);
	assert_int_equal(pci_bus_add(&z->bus, &z->blk.vp.pci), 1);
	fake_driver_ok(&z->blk.vp, &z->f, 0, QBASE, QSIZE, 0);
	while (time(NULL) < end) {
		for (unsigned int i = 0; i < 1000; i++)
			round_once(z);
		rounds += 1000;
	}
	drain(z);
	printf("test_dm_fuzz: %lu rounds, seed %s, %u interrupts, %lu BAR maps\n", rounds,
	       seed ? seed : "default", z->msi.count, z->maps);
	z->disk->ops->close(z->disk);
	close(fd);
	unlink(path);
	fake_ram_free(&z->ram);
	free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
