/* raw.c - raw images (files and block devices) through io_uring: readv/writev (direct I/O where it can), fdatasync, fallocate. */
#define _GNU_SOURCE	/* O_DIRECT */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/disk.h"

/* Direct I/O wants file offsets, lengths and buffers aligned to the
 * device's logical block: 4 KiB covers every one there is. */
#define RAW_DIRECT_ALIGN	4096u
#define RAW_DIRECT_TAG		1ul	/* in an SQE's user data: sent to direct */

struct raw {
	struct disk disk;		/* first: the interface */
	int file;
	int direct;			/* the image opened O_DIRECT; -1: none */
	struct io_uring ring;
};

/* The image's size: a file's length or a block device's capacity. */
static int image_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) ? -errno : 0;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	*size = st.st_size;
	return 0;
}

/* Open the image (with extra flags); a block device written alone is
 * opened exclusively (O_EXCL: refused while mounted or in use in dom0). */
static int open_image(const char *path, bool ro, bool shared, int extra)
{
	struct stat st;
	int fd, flags = (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | extra;

	if (!ro && !shared && !stat(path, &st) && S_ISBLK(st.st_mode))
		flags |= O_EXCL;
	fd = open(path, flags);
	return fd < 0 ? -errno : fd;
}

/*
 * Whether io can go to the O_DIRECT file: a read or write whose offset,
 * length and buffers are aligned. The outer disk then DMAs straight
 * into or out of the guest's pages (docs/device-model.md), with no copy
 * through dom0's page cache.
 */
static bool raw_direct_ok(const struct raw *r, const struct disk_io *io)
{
	unsigned int i;

	if (r->direct < 0 || (io->op != DISK_READ && io->op != DISK_WRITE) ||
	    (io->off | io->len) % RAW_DIRECT_ALIGN)
		return false;
	for (i = 0; i < io->nr_iov; i++)
		if (((uintptr_t)io->iov[i].iov_base | io->iov[i].iov_len) % RAW_DIRECT_ALIGN)
			return false;
	return true;
}

/* One SQE per request: readv/writev straight to the guest's buffers. */
static int raw_submit(struct disk *d, struct disk_io *io)
{
	struct raw *r = (struct raw *)d;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);
	bool direct = raw_direct_ok(r, io);
	int fd = direct ? r->direct : r->file;

	if (!sqe) {
		io_uring_submit(&r->ring);
		sqe = io_uring_get_sqe(&r->ring);
		if (!sqe)
			return -EBUSY;
	}
	switch (io->op) {
	case DISK_READ:
		io_uring_prep_readv(sqe, fd, io->iov, io->nr_iov, io->off);
		break;
	case DISK_WRITE:
		io_uring_prep_writev(sqe, fd, io->iov, io->nr_iov, io->off);
		break;
	case DISK_FLUSH:
		io_uring_prep_fsync(sqe, r->file, IORING_FSYNC_DATASYNC);
		break;
	case DISK_DISCARD:
		io_uring_prep_fallocate(sqe, r->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					io->off, io->len);
		break;
	case DISK_WRITE_ZEROES:
		io_uring_prep_fallocate(sqe, r->file, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
					io->off, io->len);
		break;
	}
	io_uring_sqe_set_data64(sqe, (uintptr_t)io | (direct ? RAW_DIRECT_TAG : 0));
	/* Queued now whatever submit says: if the kernel refused it for the
	 * moment, raw_complete() submits it again (io must not be failed). */
	io_uring_submit(&r->ring);
	return 0;
}

static short raw_events(struct disk *d)
{
	(void)d;
	return POLLIN;
}

/*
 * A direct request the kernel refused before moving a byte: the guest's
 * pages cannot be pinned (dom0 maps its RAM without struct pages: the
 * module's window fallback) or the file wants another alignment. The
 * O_DIRECT file is given up and io goes again through the page cache.
 */
static bool raw_direct_refused(struct raw *r, struct disk_io *io, int res)
{
	if (res != -EFAULT && res != -EINVAL && res != -EOPNOTSUPP)
		return false;
	fprintf(stderr, "xenolith-dm: direct I/O refused (%s): the image goes through dom0's "
		"page cache from now on\n", strerror(-res));
	close(r->direct);
	r->direct = -1;
	return !raw_submit(&r->disk, io);
}

/* The eventfd fired: reap every CQE, a short transfer being -EIO. */
static void raw_complete(struct disk *d, short revents)
{
	struct raw *r = (struct raw *)d;
	struct io_uring_cqe *cqe;
	uint64_t n;

	(void)revents;
	if (read(d->fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	while (!io_uring_peek_cqe(&r->ring, &cqe)) {
		uint64_t data = io_uring_cqe_get_data64(cqe);
		struct disk_io *io = (struct disk_io *)(uintptr_t)(data & ~RAW_DIRECT_TAG);
		int res = cqe->res;

		io_uring_cqe_seen(&r->ring, cqe);
		if ((data & RAW_DIRECT_TAG) && r->direct >= 0 && raw_direct_refused(r, io, res))
			continue;
		if (res >= 0 && (io->op == DISK_READ || io->op == DISK_WRITE))
			res = (uint64_t)res == io->len ? 0 : -EIO;
		io->done(io, res < 0 ? res : 0);
	}
	if (io_uring_sq_ready(&r->ring))
		io_uring_submit(&r->ring);
}

static int raw_read_now(struct disk *d, void *buf, size_t n, uint64_t off)
{
	struct raw *r = (struct raw *)d;
	size_t done = 0;

	while (done < n) {
		ssize_t got = pread(r->file, (char *)buf + done, n - done, (off_t)(off + done));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? -errno : -EIO;
		done += (size_t)got;
	}
	return 0;
}

static void raw_close(struct disk *d)
{
	struct raw *r = (struct raw *)d;

	io_uring_queue_exit(&r->ring);
	/* A detached disk may be copied or attached elsewhere at once: on
	 * stable storage first (a failure here has nobody left to tell). */
	if (!d->ro)
		fdatasync(r->file);
	close(d->fd);
	if (r->direct >= 0)
		close(r->direct);
	close(r->file);
	free(r);
}

static const struct disk_ops raw_ops = {
	.submit = raw_submit,
	.events = raw_events,
	.complete = raw_complete,
	.read_now = raw_read_now,
	.close = raw_close,
};

int disk_raw_open(const char *path, bool ro, bool shared, unsigned int depth,
		  struct disk **out, char *err, size_t errlen)
{
	struct raw *r = calloc(1, sizeof(*r));
	const char *what = "open";
	int ret;

	if (!r) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	r->disk = (struct disk){ .ops = &raw_ops, .ro = ro, .fd = -1 };
	r->file = open_image(path, ro, shared, 0);
	if (r->file < 0) {
		ret = r->file;
		goto err_free;
	}
	/* Beside it, without O_EXCL (the first file holds the claim), the
	 * same image for direct I/O; none where the file system refuses
	 * O_DIRECT (tmpfs). */
	r->direct = open_image(path, ro, true, O_DIRECT);
	what = "lock (in use elsewhere?)";
	if (flock(r->file, (ro || shared ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		ret = -errno;
		goto err_file;
	}
	what = "size";
	ret = image_size(r->file, &r->disk.size);
	if (ret)
		goto err_file;
	what = "io_uring";
	ret = io_uring_queue_init(depth, &r->ring, 0);
	if (ret)
		goto err_file;
	r->disk.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ret = r->disk.fd < 0 ? -errno : io_uring_register_eventfd(&r->ring, r->disk.fd);
	if (ret)
		goto err_ring;
	*out = &r->disk;
	return 0;

err_ring:
	if (r->disk.fd >= 0)
		close(r->disk.fd);
	io_uring_queue_exit(&r->ring);
err_file:
	if (r->direct >= 0)
		close(r->direct);
	close(r->file);
err_free:
	snprintf(err, errlen, "%s: %s: %s", path, what,
		 ret == -EINVAL && !strcmp(what, "size") ? "not a file or block device" : strerror(-ret));
	free(r);
	return ret;
}
