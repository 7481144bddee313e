/* test_dm_blk.c - virtio-blk end to end: requests through a queue against a temporary raw file over io_uring. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "dm_testlib.h"
#include "virtio/blk.h"

#define DISK_SIZE	(1u << 20)
#define QBASE		0x10000
#define HDR		0x20000
#define STATUS		0x20100
#define SEG		0x20200		/* a discard segment */
#define DATA		0x30000

struct fixture {
	struct xl_guest_ram ram;
	struct virtio_blk blk;
	struct disk *disk;
	struct fake_vq f;
	struct msi_log msi;
	char path[64];
	char qcow2[80];			/* the image qemu-nbd serves, or "" */
	char loop[32];			/* the loop device over path, or "" */
	int file;
	uint16_t seen;			/* used entries consumed */
};

/* A device over a 1 MiB disk whose sector n starts with n * 512: the raw
 * temporary file, or (qcow2) a copy of it as qcow2 served by qemu-nbd. */
static struct fixture *make_with(bool ro, unsigned int queues, bool qcow2)
{
	struct fixture *x = calloc(1, sizeof(*x));
	char err[256], cmd[256];
	unsigned int i;

	fake_ram_init(&x->ram);
	snprintf(x->path, sizeof(x->path), "/tmp/test_dm_blk.XXXXXX");
	x->file = mkstemp(x->path);
	assert_true(x->file >= 0);
	assert_int_equal(ftruncate(x->file, DISK_SIZE), 0);
	for (i = 0; i < DISK_SIZE; i += 512)		/* sector i/512 starts with its number */
		assert_int_equal(pwrite(x->file, &i, sizeof(i), i), sizeof(i));
	if (qcow2) {
		snprintf(x->qcow2, sizeof(x->qcow2), "%s.qcow2", x->path);
		snprintf(cmd, sizeof(cmd), "qemu-img convert -q -f raw -O qcow2 %s %s",
			 x->path, x->qcow2);
		assert_int_equal(system(cmd), 0);
		if (disk_nbd_open(x->qcow2, "qcow2", ro, &x->disk, err, sizeof(err)))
			fail_msg("disk_nbd_open: %s", err);
	} else {
		assert_int_equal(disk_raw_open(x->path, ro, false, 64, &x->disk, err, sizeof(err)), 0);
	}
	virtio_blk_init(&x->blk, x->disk, "xvdb", queues, &x->ram,
			(struct msix_sink){ msi_log_raise, &x->msi });
	fake_driver_ok(&x->blk.vp, &x->f, 0, QBASE, 16, 1ull << VIRTIO_BLK_F_FLUSH);
	return x;
}

static struct fixture *make(bool ro, unsigned int queues)
{
	return make_with(ro, queues, false);
}

static int setup(void **state)
{
	*state = make(false, 1);
	return 0;
}

static int setup_ro(void **state)
{
	*state = make(true, 1);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;

	char cmd[64];

	if (x->disk)
		x->disk->ops->close(x->disk);
	if (x->loop[0]) {
		snprintf(cmd, sizeof(cmd), "losetup -d %s", x->loop);
		assert_int_equal(system(cmd), 0);
	}
	close(x->file);
	unlink(x->path);
	if (x->qcow2[0])
		unlink(x->qcow2);
	fake_ram_free(&x->ram);
	free(x);
	return 0;
}

/* Wait (at most 5 s) until the device has used n more entries. */
static void wait_used(struct fixture *x, uint16_t n)
{
	struct pollfd p = { .fd = x->disk->fd };
	int tries = 50;

	while (fake_used_idx(&x->f) != (uint16_t)(x->seen + n) && tries--) {
		p.events = x->disk->ops->events(x->disk);
		if (poll(&p, 1, 100) > 0)
			virtio_blk_complete(&x->blk, p.revents);
	}
	assert_int_equal(fake_used_idx(&x->f), (uint16_t)(x->seen + n));
}

/* One request: header, len bytes of data at DATA (device-writable if
 * in), status. Returns the status byte; *used gets the used length. */
static int request(struct fixture *x, uint32_t type, uint64_t sector, uint32_t len, bool in,
		   uint32_t *used)
{
	uint32_t hdr[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };
	uint64_t addr[3] = { HDR, DATA, STATUS };
	uint32_t lens[3] = { 16, len, 1 };
	uint16_t flags[3] = { 0, in ? VIRTQ_DESC_F_WRITE : 0, VIRTQ_DESC_F_WRITE };
	uint8_t *status = gpa(&x->ram, STATUS);

	memcpy(gpa(&x->ram, HDR), hdr, 16);
	*status = 0xee;
	if (len) {
		fake_vq_chain(&x->f, 0, 3, addr, lens, flags);
	} else {
		addr[1] = STATUS;
		lens[1] = 1;
		flags[1] = VIRTQ_DESC_F_WRITE;
		fake_vq_chain(&x->f, 0, 2, addr, lens, flags);
	}
	fake_kick(&x->blk.vp, 0);
	wait_used(x, 1);
	if (used)
		*used = fake_used_len(&x->f, x->seen);
	x->seen++;
	return *status;
}

static uint32_t file_word(struct fixture *x, uint64_t off)
{
	uint32_t v;

	assert_int_equal(pread(x->file, &v, sizeof(v), off), sizeof(v));
	return v;
}

static void test_config(void **state)
{
	struct fixture *x = *state;
	const struct pci_dev_ops *o = x->blk.vp.pci.ops;

	assert_int_equal(o->bar_read(&x->blk.vp.pci, 0, VIRTIO_PCI_DEVICE_OFF, 8), DISK_SIZE / 512);
	assert_int_equal(o->bar_read(&x->blk.vp.pci, 0, VIRTIO_PCI_DEVICE_OFF + 12, 4),
			 VIRTIO_BLK_SEG_MAX);
	assert_int_equal(o->bar_read(&x->blk.vp.pci, 0, VIRTIO_PCI_DEVICE_OFF + 20, 4), 512);
	assert_int_equal(o->bar_read(&x->blk.vp.pci, 0, VIRTIO_PCI_DEVICE_OFF + 34, 2), 1);
	assert_false(x->blk.vp.features >> VIRTIO_BLK_F_RO & 1);
	assert_false(x->blk.vp.features >> VIRTIO_BLK_F_MQ & 1);
	assert_true(x->blk.vp.features >> VIRTIO_BLK_F_DISCARD & 1);
}

static void test_read_write_flush(void **state)
{
	struct fixture *x = *state;
	uint8_t *data = gpa(&x->ram, DATA);
	uint32_t used, i;

	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 3, 1024, true, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(used, 1025);
	assert_int_equal(*(uint32_t *)data, 3 * 512);
	assert_int_equal(*(uint32_t *)(data + 512), 4 * 512);
	assert_true(x->msi.count > 0);
	assert_int_equal(x->msi.data, 0x41);			/* queue 0's vector 1 */

	for (i = 0; i < 4096; i++)
		data[i] = i * 7;
	assert_int_equal(request(x, VIRTIO_BLK_T_OUT, 16, 4096, false, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(used, 1);
	assert_int_equal(file_word(x, 16 * 512), 0x150e0700);
	assert_int_equal(request(x, VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
	memset(data, 0, 4096);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 16, 4096, true, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(data[4095], (uint8_t)(4095 * 7));

	/* The last sector is fine, one past it is not; nor are partial sectors. */
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, DISK_SIZE / 512 - 1, 512, true, NULL),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, DISK_SIZE / 512, 512, true, &used),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(used, 1);
	assert_int_equal(request(x, VIRTIO_BLK_T_OUT, DISK_SIZE / 512 - 1, 1024, false, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 0, 100, true, NULL), VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, ~0ull, 512, true, NULL), VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, ~0ull >> 9, 512, true, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(x, 99, 0, 512, true, NULL), VIRTIO_BLK_S_UNSUPP);
}

/* Requests large and aligned enough for the O_DIRECT file (/tmp is no tmpfs
 * here; on one they go through the page cache and must read the same),
 * mixed with small ones through the page cache: each sees the other's data. */
static void test_direct_large(void **state)
{
	struct fixture *x = *state;
	uint8_t *data = gpa(&x->ram, DATA);
	uint32_t i, len = 64 << 10;

	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 128, len, true, NULL), VIRTIO_BLK_S_OK);
	for (i = 0; i < len; i += 512)
		assert_int_equal(*(uint32_t *)(data + i), 128 * 512 + i);
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 13 + 1);
	assert_int_equal(request(x, VIRTIO_BLK_T_OUT, 256, len, false, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(file_word(x, 256 * 512 + 4), 0x5c4f4235);
	*(uint32_t *)data = 0xfeedf00d;				/* small: the page cache */
	assert_int_equal(request(x, VIRTIO_BLK_T_OUT, 264, 4096, false, NULL), VIRTIO_BLK_S_OK);
	memset(data, 0, len);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 256, len, true, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint32_t *)(data + 8 * 512), 0xfeedf00d);
	assert_int_equal(data[len - 1], (uint8_t)((len - 1) * 13 + 1));
	assert_int_equal(request(x, VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
}

static void test_get_id(void **state)
{
	struct fixture *x = *state;
	uint32_t used;

	memset(gpa(&x->ram, DATA), 'z', 32);
	assert_int_equal(request(x, VIRTIO_BLK_T_GET_ID, 0, 20, true, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(used, 21);
	assert_memory_equal(gpa(&x->ram, DATA), "xvdb\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0z", 21);
}

/* A DISCARD or WRITE_ZEROES segment for [sector, + n). */
static int zero_range(struct fixture *x, uint32_t type, uint64_t sector, uint32_t n,
		      uint32_t flags)
{
	uint32_t seg[4] = { (uint32_t)sector, (uint32_t)(sector >> 32), n, flags };

	memcpy(gpa(&x->ram, DATA), seg, sizeof(seg));
	return request(x, type, 0, 16, false, NULL);
}

static void test_discard_write_zeroes(void **state)
{
	struct fixture *x = *state;
	struct stat before, after;

	assert_int_equal(fstat(x->file, &before), 0);
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_DISCARD, 64, 64, 0), VIRTIO_BLK_S_OK);
	assert_int_equal(file_word(x, 64 * 512), 0);
	assert_int_equal(file_word(x, 127 * 512), 0);
	assert_int_equal(file_word(x, 128 * 512), 128 * 512);
	assert_int_equal(fstat(x->file, &after), 0);
	assert_true(after.st_blocks < before.st_blocks);	/* a hole: space freed */
	assert_int_equal(after.st_size, DISK_SIZE);

	assert_int_equal(zero_range(x, VIRTIO_BLK_T_WRITE_ZEROES, 200, 8, 0), VIRTIO_BLK_S_OK);
	assert_int_equal(file_word(x, 200 * 512), 0);
	assert_int_equal(file_word(x, 208 * 512), 208 * 512);
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_WRITE_ZEROES, 300, 8, 1), VIRTIO_BLK_S_OK);
	assert_int_equal(file_word(x, 300 * 512), 0);
	/* Unmap on DISCARD and unknown flags are unsupported; ranges checked. */
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_DISCARD, 0, 8, 1), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 2), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_DISCARD, DISK_SIZE / 512 - 4, 8, 0),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_DISCARD, ~0ull, 8, 0), VIRTIO_BLK_S_IOERR);
	assert_int_equal(file_word(x, 0), 0);
	assert_int_equal(file_word(x, 512), 512);
}

static void test_read_only(void **state)
{
	struct fixture *x = *state;

	assert_true(x->blk.vp.features >> VIRTIO_BLK_F_RO & 1);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 1, 512, true, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint32_t *)gpa(&x->ram, DATA), 512);
	assert_int_equal(request(x, VIRTIO_BLK_T_OUT, 1, 512, false, NULL), VIRTIO_BLK_S_IOERR);
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_DISCARD, 1, 1, 0), VIRTIO_BLK_S_IOERR);
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_WRITE_ZEROES, 1, 1, 0), VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(x, VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(file_word(x, 512), 512);
}

/* One request of n descriptors (the header's first): the header says type
 * and sector. Returns the status byte; *used gets the used length. */
static int chain_request(struct fixture *x, uint32_t type, uint64_t sector, unsigned int n,
			 uint64_t *addr, uint32_t *lens, uint16_t *flags, uint32_t *used)
{
	uint32_t hdr[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };
	uint8_t *status = gpa(&x->ram, STATUS);

	memcpy(gpa(&x->ram, HDR), hdr, 16);
	*status = 0xee;
	fake_vq_chain(&x->f, 0, n, addr, lens, flags);
	fake_kick(&x->blk.vp, 0);
	wait_used(x, 1);
	if (used)
		*used = fake_used_len(&x->f, x->seen);
	x->seen++;
	return *status;
}

/* Any framing: the header in two pieces, data in three, status alone. */
static void test_split_framing(void **state)
{
	struct fixture *x = *state;
	uint64_t addr[6] = { HDR, HDR + 8, DATA, DATA + 0x1000, FAKE_HIGH_GPA, STATUS };
	uint32_t lens[6] = { 8, 8, 100, 312, 100, 1 }, used;
	uint16_t w = VIRTQ_DESC_F_WRITE, flags[6] = { 0, 0, w, w, w, w };

	assert_int_equal(chain_request(x, VIRTIO_BLK_T_IN, 5, 6, addr, lens, flags, &used),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(used, 513);
	assert_int_equal(*(uint32_t *)gpa(&x->ram, DATA), 5 * 512);
}

static void test_malformed_needs_reset(void **state)
{
	struct fixture *x = *state;
	uint64_t addr[2] = { HDR, FAKE_LOW - 4 };
	uint32_t lens[2] = { 16, 8 };
	uint16_t flags[2] = { 0, VIRTQ_DESC_F_WRITE };

	fake_vq_chain(&x->f, 0, 2, addr, lens, flags);
	fake_kick(&x->blk.vp, 0);
	assert_true(x->blk.vp.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(x->msi.data, 0x40);			/* the config vector */
	assert_int_equal(fake_used_idx(&x->f), 0);
	/* A chain without a writable byte cannot be answered either. */
	x->blk.vp.pci.ops->bar_write(&x->blk.vp.pci, 0, 0x14, 1, 0);
	fake_driver_ok(&x->blk.vp, &x->f, 0, QBASE, 16, 0);
	fake_vq_chain(&x->f, 0, 1, addr, lens, flags);
	fake_kick(&x->blk.vp, 0);
	assert_true(x->blk.vp.status & VIRTIO_STATUS_NEEDS_RESET);
	/* After a reset the device works again. */
	x->blk.vp.pci.ops->bar_write(&x->blk.vp.pci, 0, 0x14, 1, 0);
	fake_driver_ok(&x->blk.vp, &x->f, 0, QBASE, 16, 0);
	x->seen = 0;
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 2, 512, true, NULL), VIRTIO_BLK_S_OK);
}

/* push_read: one 512-byte read of sector 1 into DATA on queue 0 (not kicked). */
static void push_read(struct fixture *x)
{
	static const uint32_t hdr[4] = { VIRTIO_BLK_T_IN, 0, 1, 0 };
	uint64_t addr[3] = { HDR, DATA, STATUS };
	uint32_t lens[3] = { 16, 512, 1 };
	uint16_t flags[3] = { 0, VIRTQ_DESC_F_WRITE, VIRTQ_DESC_F_WRITE };

	memcpy(gpa(&x->ram, HDR), hdr, 16);
	fake_vq_chain(&x->f, 0, 3, addr, lens, flags);
}

/* A reset with a read in flight: its completion is dropped. */
static void test_reset_in_flight(void **state)
{
	struct fixture *x = *state;
	struct pollfd p = { .fd = x->disk->fd, .events = POLLIN };

	*(uint8_t *)gpa(&x->ram, STATUS) = 0xee;
	push_read(x);
	fake_kick(&x->blk.vp, 0);
	x->blk.vp.pci.ops->bar_write(&x->blk.vp.pci, 0, 0x14, 1, 0);
	poll(&p, 1, 2000);
	virtio_blk_complete(&x->blk, POLLIN);
	assert_int_equal(fake_used_idx(&x->f), 0);
	assert_int_equal(*(uint8_t *)gpa(&x->ram, STATUS), 0xee);
}

/* More requests than the queue holds, reusing heads: bounded in flight. */
static void test_many(void **state)
{
	struct fixture *x = *state;
	unsigned int round, i;

	for (round = 0; round < 4; round++) {
		for (i = 0; i < 16; i++)
			push_read(x);	/* head 0, 16 times */
		fake_kick(&x->blk.vp, 0);
		assert_true(x->blk.inflight[0] <= 16);
		wait_used(x, 16);
		x->seen += 16;
	}
	assert_int_equal(x->blk.inflight[0], 0);
}

/* Requests that complete together cost one interrupt: eight reads all
 * done before the event loop looks are pushed in one pass, one MSI. */
static void test_one_interrupt_per_pass(void **state)
{
	struct fixture *x = *state;
	struct pollfd p = { .fd = x->disk->fd, .events = POLLIN };
	unsigned int i, before;

	for (i = 0; i < 8; i++)
		push_read(x);
	fake_kick(&x->blk.vp, 0);
	assert_int_equal(fake_used_idx(&x->f), 0);
	before = x->msi.count;
	assert_true(poll(&p, 1, 2000) > 0);
	usleep(200000);			/* let the other seven finish too */
	virtio_blk_complete(&x->blk, POLLIN);
	assert_int_equal(fake_used_idx(&x->f), 8);
	assert_int_equal(x->msi.count, before + 1);
}

/* A write the guest saw flushed survives SIGKILL of the device model: a
 * child process serves the write and the flush, then is killed. */
static void test_flush_survives_kill(void **state)
{
	struct fixture *x = *state;
	uint8_t *data = gpa(&x->ram, DATA);
	char err[256];
	int status;
	pid_t pid;

	x->disk->ops->close(x->disk);		/* its lock would keep the child out */
	x->disk = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		assert_int_equal(disk_raw_open(x->path, false, false, 64, &x->disk, err, sizeof(err)), 0);
		virtio_blk_init(&x->blk, x->disk, "xvdb", 1, &x->ram,
				(struct msix_sink){ msi_log_raise, &x->msi });
		fake_driver_ok(&x->blk.vp, &x->f, 0, QBASE, 16, 1ull << VIRTIO_BLK_F_FLUSH);
		memset(data, 0x5a, 4096);
		if (request(x, VIRTIO_BLK_T_OUT, 40, 4096, false, NULL) == VIRTIO_BLK_S_OK &&
		    request(x, VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL) == VIRTIO_BLK_S_OK)
			raise(SIGKILL);
		_exit(1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(file_word(x, 40 * 512), 0x5a5a5a5a);
	assert_int_equal(file_word(x, 47 * 512 + 508), 0x5a5a5a5a);
	assert_int_equal(file_word(x, 48 * 512), 48 * 512);
}

/* read_now (the control socket's read): sector 5's first word, nothing
 * past the end. */
static void check_read_now(struct disk *d)
{
	uint32_t word = 0;

	assert_int_equal(d->ops->read_now(d, &word, sizeof(word), 5 * 512), 0);
	assert_int_equal(word, 5 * 512);
	assert_int_not_equal(d->ops->read_now(d, &word, sizeof(word), DISK_SIZE), 0);
}

/* read_now of a raw image, and of a disk forced out (every read fails). */
static void test_read_now(void **state)
{
	struct fixture *x = *state;
	struct disk gone;
	char byte;

	check_read_now(x->disk);
	disk_gone_init(&gone, DISK_SIZE, false);
	assert_int_equal(gone.ops->read_now(&gone, &byte, 1, 0), -EIO);
}

/* qcow2 through qemu-nbd: the same requests, then the data checked in a
 * raw copy of the image made after the device model let go of it. */
static void test_nbd_qcow2(void **state)
{
	struct fixture *x = make_with(false, 1, true);
	uint8_t *data = gpa(&x->ram, DATA);
	char cmd[256];
	uint32_t used, i;

	*state = x;
	assert_int_equal(x->disk->size, DISK_SIZE);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 3, 1024, true, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(used, 1025);
	assert_int_equal(*(uint32_t *)(data + 512), 4 * 512);
	for (i = 0; i < 4096; i++)
		data[i] = i * 7;
	assert_int_equal(request(x, VIRTIO_BLK_T_OUT, 16, 4096, false, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(request(x, VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
	memset(data, 0, 4096);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 16, 4096, true, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(data[4095], (uint8_t)(4095 * 7));
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_DISCARD, 64, 64, 0), VIRTIO_BLK_S_OK);
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_WRITE_ZEROES, 200, 8, 0), VIRTIO_BLK_S_OK);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, DISK_SIZE / 512, 512, true, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(x, VIRTIO_BLK_T_GET_ID, 0, 20, true, NULL), VIRTIO_BLK_S_OK);
	check_read_now(x->disk);

	x->disk->ops->close(x->disk);			/* qemu-nbd exits */
	x->disk = NULL;
	snprintf(cmd, sizeof(cmd), "qemu-img convert -q -f qcow2 -O raw %s %s", x->qcow2, x->path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(file_word(x, 16 * 512), 0x150e0700);
	assert_int_equal(file_word(x, 64 * 512), 0);
	assert_int_equal(file_word(x, 127 * 512), 0);
	assert_int_equal(file_word(x, 128 * 512), 128 * 512);
	assert_int_equal(file_word(x, 200 * 512), 0);
	assert_int_equal(file_word(x, 208 * 512), 208 * 512);
}

/* qcow2, a request whose data is in three buffers (one NBD command through
 * a bounce buffer): the write gathers them in order, the read scatters. */
static void test_nbd_split_buffers(void **state)
{
	struct fixture *x = make_with(false, 1, true);
	uint64_t addr[5] = { HDR, DATA, DATA + 0x1000, FAKE_HIGH_GPA, STATUS };
	uint32_t lens[5] = { 16, 100, 312, 100, 1 }, used, i, b;
	uint16_t w = VIRTQ_DESC_F_WRITE, out[5] = { 0, 0, 0, 0, w }, in[5] = { 0, w, w, w, w };
	uint8_t *buf[3] = { gpa(&x->ram, DATA), gpa(&x->ram, DATA + 0x1000),
			    gpa(&x->ram, FAKE_HIGH_GPA) };

	*state = x;
	for (b = 0; b < 3; b++)
		for (i = 0; i < lens[b + 1]; i++)
			buf[b][i] = (uint8_t)(b * 100 + i);
	assert_int_equal(chain_request(x, VIRTIO_BLK_T_OUT, 40, 5, addr, lens, out, NULL),
			 VIRTIO_BLK_S_OK);
	for (b = 0; b < 3; b++)
		memset(buf[b], 0, lens[b + 1]);
	assert_int_equal(chain_request(x, VIRTIO_BLK_T_IN, 40, 5, addr, lens, in, &used),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(used, 513);
	for (b = 0; b < 3; b++)
		for (i = 0; i < lens[b + 1]; i++)
			assert_int_equal(buf[b][i], (uint8_t)(b * 100 + i));
	/* In one piece on the disk: the second buffer's first byte at 100. */
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 40, 512, true, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(buf[0][100], 100);
	assert_int_equal(buf[0][412], 200);
}

static void test_nbd_read_only(void **state)
{
	struct fixture *x = make_with(true, 1, true);

	*state = x;
	assert_true(x->blk.vp.features >> VIRTIO_BLK_F_RO & 1);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 1, 512, true, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint32_t *)gpa(&x->ram, DATA), 512);
	assert_int_equal(request(x, VIRTIO_BLK_T_OUT, 1, 512, false, NULL), VIRTIO_BLK_S_IOERR);
}

/* A block device: a loop device over the file (needs root: else skipped). */
static void test_block_device(void **state)
{
	struct fixture *x = *state;
	uint8_t *data = gpa(&x->ram, DATA);
	char cmd[128], err[256];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "losetup --find --show %s 2>/dev/null", x->path);
	p = popen(cmd, "r");
	if (!p || !fgets(x->loop, sizeof(x->loop), p) || pclose(p)) {
		x->loop[0] = 0;
		skip();
	}
	x->loop[strcspn(x->loop, "\n")] = 0;
	x->disk->ops->close(x->disk);
	x->disk = NULL;
	assert_int_equal(disk_raw_open(x->loop, false, false, 64, &x->disk, err, sizeof(err)), 0);
	assert_int_equal(x->disk->size, DISK_SIZE);		/* BLKGETSIZE64 */
	virtio_blk_init(&x->blk, x->disk, "xvdb", 1, &x->ram,
			(struct msix_sink){ msi_log_raise, &x->msi });
	fake_driver_ok(&x->blk.vp, &x->f, 0, QBASE, 16, 1ull << VIRTIO_BLK_F_FLUSH);
	x->seen = 0;
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 9, 512, true, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint32_t *)data, 9 * 512);
	memset(data, 0x77, 4096);
	assert_int_equal(request(x, VIRTIO_BLK_T_OUT, 24, 4096, false, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(request(x, VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(file_word(x, 24 * 512), 0x77777777);
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_WRITE_ZEROES, 64, 8, 0), VIRTIO_BLK_S_OK);
	assert_int_equal(zero_range(x, VIRTIO_BLK_T_DISCARD, 72, 8, 0), VIRTIO_BLK_S_OK);
	assert_int_equal(request(x, VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 64, 8192, true, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint32_t *)data, 0);
	assert_int_equal(*(uint32_t *)(data + 8192 - 4), 0);
	assert_int_equal(request(x, VIRTIO_BLK_T_IN, 80, 512, true, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint32_t *)data, 80 * 512);
}

/* An image open for writing is locked against a second writer or reader. */
static void test_image_lock(void **state)
{
	struct fixture *x = *state;
	struct disk *d, *e;
	char err[256];

	assert_int_equal(disk_raw_open(x->path, false, false, 8, &d, err, sizeof(err)), -EWOULDBLOCK);
	assert_non_null(strstr(err, x->path));
	assert_non_null(strstr(err, "lock"));
	assert_int_equal(disk_raw_open(x->path, true, false, 8, &d, err, sizeof(err)), -EWOULDBLOCK);
	x->disk->ops->close(x->disk);
	x->disk = NULL;
	assert_int_equal(disk_raw_open(x->path, true, false, 8, &d, err, sizeof(err)), 0);
	assert_int_equal(disk_raw_open(x->path, true, false, 8, &e, err, sizeof(err)), 0);
	assert_int_equal(disk_raw_open(x->path, false, false, 8, &x->disk, err, sizeof(err)), -EWOULDBLOCK);
	x->disk = NULL;
	d->ops->close(d);
	e->ops->close(e);
	assert_int_equal(disk_raw_open("/nonexistent/img", false, false, 8, &d, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/img: open: No such file or directory");
	assert_int_equal(disk_raw_open("/dev/null", true, false, 8, &d, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "/dev/null: size: not a file or block device");
}

/* Shared writers (w!) and readers hold the image together; a plain writer
 * is kept out while they do, and they are while it does. */
static void test_shared_lock(void **state)
{
	struct fixture *x = *state;
	struct disk *s, *t, *r, *w;
	char err[256];

	assert_int_equal(disk_raw_open(x->path, false, true, 8, &s, err, sizeof(err)), -EWOULDBLOCK);
	x->disk->ops->close(x->disk);
	x->disk = NULL;
	assert_int_equal(disk_raw_open(x->path, false, true, 8, &s, err, sizeof(err)), 0);
	assert_false(s->ro);
	assert_int_equal(disk_raw_open(x->path, false, true, 8, &t, err, sizeof(err)), 0);
	assert_int_equal(disk_raw_open(x->path, true, false, 8, &r, err, sizeof(err)), 0);
	assert_int_equal(disk_raw_open(x->path, false, false, 8, &w, err, sizeof(err)), -EWOULDBLOCK);
	assert_non_null(strstr(err, "lock"));
	s->ops->close(s);
	t->ops->close(t);
	r->ops->close(r);
	assert_int_equal(disk_raw_open(x->path, false, false, 8, &w, err, sizeof(err)), 0);
	w->ops->close(w);
}

static void test_multiqueue(void **state)
{
	struct fixture *x = make(false, 4);

	(void)state;
	assert_true(x->blk.vp.features >> VIRTIO_BLK_F_MQ & 1);
	assert_int_equal(x->blk.vp.nr_queues, 4);
	assert_int_equal(x->blk.vp.pci.ops->bar_read(&x->blk.vp.pci, 0,
						      VIRTIO_PCI_DEVICE_OFF + 34, 2), 4);
	assert_int_equal(x->blk.vp.msix.nr, 5);
	teardown((void **)&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_write_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_direct_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_write_zeroes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup_ro, teardown),
		cmocka_unit_test_setup_teardown(test_split_framing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_needs_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_interrupt_per_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_survives_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_now, setup, teardown),
		cmocka_unit_test(test_multiqueue),
		cmocka_unit_test_teardown(test_nbd_qcow2, teardown),
		cmocka_unit_test_teardown(test_nbd_read_only, teardown),
		cmocka_unit_test_teardown(test_nbd_split_buffers, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
