/* raw.c - raw images (files and block devices) through io_uring: readv/writev, fdatasync, fallocate. */
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

struct raw {
	struct disk disk;		/* first: the interface */
	int file;
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

/* Open the image; a block device written alone is opened exclusively
 * (O_EXCL: refused while mounted or in use in dom0). */
static int open_image(const char *path, bool ro, bool shared)
{
	struct stat st;
	int fd, flags = (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC;

	if (!ro && !shared && !stat(path, &st) && S_ISBLK(st.st_mode))
		flags |= O_EXCL;
	fd = open(path, flags);
	return fd < 0 ? -errno : fd;
}

/* One SQE per request: readv/writev straight to the guest's buffers. */
static int raw_submit(struct disk *d, struct disk_io *io)
{
	struct raw *r = (struct raw *)d;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);

	if (!sqe) {
		io_uring_submit(&r->ring);
		sqe = io_uring_get_sqe(&r->ring);
		if (!sqe)
			return -EBUSY;
	}
	switch (io->op) {
	case DISK_READ:
		io_uring_prep_readv(sqe, r->file, io->iov, io->nr_iov, io->off);
		break;
	case DISK_WRITE:
		io_uring_prep_writev(sqe, r->file, io->iov, io->nr_iov, io->off);
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
	io_uring_sqe_set_data(sqe, io);
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
		struct disk_io *io = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&r->ring, cqe);
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
	r->file = open_image(path, ro, shared);
	if (r->file < 0) {
		ret = r->file;
		goto err_free;
	}
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
	close(r->file);
err_free:
	snprintf(err, errlen, "%s: %s: %s", path, what,
		 ret == -EINVAL && !strcmp(what, "size") ? "not a file or block device" : strerror(-ret));
	free(r);
	return ret;
}
