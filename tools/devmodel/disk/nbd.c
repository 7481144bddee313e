/* nbd.c - images in other formats (qcow2, ...) through a qemu-nbd child, with libnbd's asynchronous API. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "disk/disk.h"
#include "disk/nbd_lib.h"
#include "virtio/iov.h"

#define CHUNK_MAX	(32u << 20)	/* bytes per NBD command: qemu-nbd's limit */

struct nbd {
	struct disk disk;		/* first: the interface */
	struct nbd_handle *h;
	const struct nbd_lib *lib;	/* libnbd's calls */
};

/* One disk_io in flight as one or more NBD commands. */
struct nbd_req {
	struct disk_io *io;
	unsigned int pending;		/* commands not yet completed, + 1 while issuing */
	int err;
	char *bounce;			/* the io's buffers in one piece, or NULL */
};

/* The last reference to r is gone: a read through the bounce buffer is
 * scattered into the io's buffers, and the request reported. */
static void req_put(struct nbd_req *r)
{
	if (--r->pending)
		return;
	if (r->bounce && !r->err && r->io->op == DISK_READ)
		iov_from_buf(r->io->iov, r->io->nr_iov, r->bounce, r->io->len);
	free(r->bounce);
	r->io->done(r->io, r->err);
	free(r);
}

/* libnbd's completion callback of one command. */
static int cmd_done(void *user_data, int *error)
{
	struct nbd_req *r = user_data;

	if (*error && !r->err)
		r->err = -*error;
	req_put(r);
	return 1;			/* retire the command */
}

/* Issue one command for [off, off + len) (buf for reads and writes). */
static int issue(struct nbd *n, struct nbd_req *r, void *buf, uint64_t off, uint64_t len)
{
	nbd_completion_callback cb = { .callback = cmd_done, .user_data = r };
	int64_t ret = -1;

	r->pending++;
	switch (r->io->op) {
	case DISK_READ: ret = n->lib->aio_pread(n->h, buf, len, off, cb, 0); break;
	case DISK_WRITE: ret = n->lib->aio_pwrite(n->h, buf, len, off, cb, 0); break;
	case DISK_FLUSH: ret = n->lib->aio_flush(n->h, cb, 0); break;
	/* NBD's trim need not zero: a discard is a zero write that may punch. */
	case DISK_DISCARD: ret = n->lib->aio_zero(n->h, len, off, cb, 0); break;
	case DISK_WRITE_ZEROES: ret = n->lib->aio_zero(n->h, len, off, cb, LIBNBD_CMD_FLAG_NO_HOLE); break;
	}
	if (ret < 0) {
		r->pending--;		/* never issued: no callback will come */
		return -EIO;
	}
	return 0;
}

/*
 * Split io into commands of at most CHUNK_MAX bytes, one buffer at a time;
 * a read or write of several buffers (a guest's request is often one per
 * 4 KiB page) goes as one command through a bounce buffer instead, as
 * each command is a round trip through qemu-nbd.
 */
static int issue_all(struct nbd *n, struct nbd_req *r)
{
	struct disk_io *io = r->io;
	uint64_t off = io->off, len, done;
	unsigned int i;

	if (io->op == DISK_FLUSH)
		return issue(n, r, NULL, 0, 0);
	if ((io->op == DISK_READ || io->op == DISK_WRITE) && io->nr_iov > 1 &&
	    io->len <= CHUNK_MAX && (r->bounce = malloc(io->len))) {
		if (io->op == DISK_WRITE)
			iov_to_buf(io->iov, io->nr_iov, r->bounce, io->len);
		return issue(n, r, r->bounce, io->off, io->len);
	}
	if (io->op != DISK_READ && io->op != DISK_WRITE) {
		for (done = 0; done < io->len; done += len) {
			len = io->len - done < CHUNK_MAX ? io->len - done : CHUNK_MAX;
			if (issue(n, r, NULL, off + done, len))
				return -EIO;
		}
		return 0;
	}
	for (i = 0; i < io->nr_iov; i++) {
		for (done = 0; done < io->iov[i].iov_len; done += len) {
			len = io->iov[i].iov_len - done;
			len = len < CHUNK_MAX ? len : CHUNK_MAX;
			if (len && issue(n, r, (char *)io->iov[i].iov_base + done, off, len))
				return -EIO;
			off += len;
		}
	}
	return 0;
}

static int nbd_submit(struct disk *d, struct disk_io *io)
{
	struct nbd *n = (struct nbd *)d;
	struct nbd_req *r = malloc(sizeof(*r));

	if (!r)
		return -ENOMEM;
	*r = (struct nbd_req){ .io = io, .pending = 1 };
	if (issue_all(n, r)) {
		if (r->pending == 1) {
			free(r->bounce);
			free(r);	/* nothing went out: the caller fails io */
			return -EIO;
		}
		r->err = -EIO;		/* a part went out: fail when it is back */
	}
	req_put(r);			/* done() once the issued commands are */
	return 0;
}

/* What libnbd's state machine waits for on the socket. */
static short nbd_events(struct disk *d)
{
	struct nbd *n = (struct nbd *)d;
	unsigned int dir = n->lib->aio_get_direction(n->h);

	return (dir & LIBNBD_AIO_DIRECTION_READ ? POLLIN : 0) |
	       (dir & LIBNBD_AIO_DIRECTION_WRITE ? POLLOUT : 0);
}

static void nbd_complete(struct disk *d, short revents)
{
	struct nbd *n = (struct nbd *)d;

	if (revents & (POLLIN | POLLHUP | POLLERR))
		n->lib->aio_notify_read(n->h);
	if (revents & POLLOUT)
		n->lib->aio_notify_write(n->h);
}

/* libnbd's synchronous read: it runs the handle's state machine until this
 * command is back, completing other commands on the way (their done()). */
static int nbd_read_now(struct disk *d, void *buf, size_t n, uint64_t off)
{
	struct nbd *nb = (struct nbd *)d;

	return nb->lib->pread(nb->h, buf, n, off, 0) ? -EIO : 0;
}

static void nbd_close_disk(struct disk *d)
{
	struct nbd *n = (struct nbd *)d;

	n->lib->close(n->h);		/* the server sees EOF, exits, is reaped */
	free(n);
}

static const struct disk_ops nbd_ops = {
	.submit = nbd_submit,
	.events = nbd_events,
	.complete = nbd_complete,
	.read_now = nbd_read_now,
	.close = nbd_close_disk,
};

int disk_nbd_open(const char *path, const char *format, bool ro, struct disk **out,
		  char *err, size_t errlen)
{
	char *argv[] = { "qemu-nbd", "-f", (char *)format, "--discard=unmap",
			 ro ? "--read-only" : "--cache=writeback", "--", (char *)path, NULL };
	const struct nbd_lib *lib = nbd_lib(err, errlen);
	struct nbd *n;
	int64_t size;

	if (!lib)
		return -ENOENT;
	n = calloc(1, sizeof(*n));
	if (!n) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	n->lib = lib;
	n->h = lib->create();
	if (!n->h || n->lib->connect_systemd_socket_activation(n->h, argv) ||
	    (size = n->lib->get_size(n->h)) < 0)
		goto err;
	if (!ro && n->lib->is_read_only(n->h) == 1) {
		snprintf(err, errlen, "%s: qemu-nbd serves it read-only", path);
		goto err_msg;
	}
	n->disk = (struct disk){ .ops = &nbd_ops, .size = size, .ro = ro,
				 .fd = n->lib->aio_get_fd(n->h) };
	*out = &n->disk;
	return 0;

err:
	snprintf(err, errlen, "%s: qemu-nbd -f %s: %s", path, format, lib->get_error());
err_msg:
	n->lib->close(n->h);
	free(n);
	return -EIO;
}
