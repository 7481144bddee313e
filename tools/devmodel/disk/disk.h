/* disk.h - the block backends' interface: asynchronous reads, writes, flushes and discards on an image. */
#ifndef DEVMODEL_DISK_DISK_H
#define DEVMODEL_DISK_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

enum disk_op {
	DISK_READ,
	DISK_WRITE,
	DISK_FLUSH,		/* every write completed before it is on stable storage */
	DISK_DISCARD,		/* [off, off + len) reads as zeros after, space freed */
	DISK_WRITE_ZEROES,	/* [off, off + len) reads as zeros after, space kept */
};

/* One request, owned by the caller until done() is called with 0 or
 * -errno (a short read or write is -EIO). iov (READ/WRITE) must stay valid
 * until then. done() may come before submit() returns. */
struct disk_io {
	enum disk_op op;
	uint64_t off, len;		/* bytes; len = the iovecs' total for READ/WRITE */
	const struct iovec *iov;
	unsigned int nr_iov;
	void (*done)(struct disk_io *io, int res);
};

struct disk;
struct disk_ops {
	/* Start io; 0 (done() will be called) or -errno (it never will). */
	int (*submit)(struct disk *d, struct disk_io *io);
	/* The poll events to wait for on fd now (0: none). */
	short (*events)(struct disk *d);
	/* fd reported revents: make progress, calling done() of what finished. */
	void (*complete)(struct disk *d, short revents);
	/* Read n bytes at off now, waiting for them, beside the requests in
	 * flight (the control socket's read). 0 or -errno (-EIO if short). */
	int (*read_now)(struct disk *d, void *buf, size_t n, uint64_t off);
	void (*close)(struct disk *d);
};

struct disk {
	const struct disk_ops *ops;
	uint64_t size;			/* bytes */
	bool ro;
	int fd;				/* to poll for ops->events() */
};

/* A raw image: a regular file (sparse or not) or a block device, opened
 * read-only if ro, with up to depth requests in flight. The image is
 * locked with flock so that two device models cannot write it at once:
 * exclusive when written alone, shared when read (ro) or written by
 * consent (shared, xl's w!: other shared writers and readers may hold it,
 * a plain writer may not). A block device written alone is also opened
 * O_EXCL. On failure err names the path and the reason. */
int disk_raw_open(const char *path, bool ro, bool shared, unsigned int depth,
		  struct disk **out, char *err, size_t errlen);
/* An image in format (qcow2, vmdk, ...: what qemu-nbd reads) served by a
 * qemu-nbd child started with systemd socket activation, read-only if
 * ro. On failure err names the path and the reason. */
int disk_nbd_open(const char *path, const char *format, bool ro, struct disk **out,
		  char *err, size_t errlen);
/* A disk whose image is gone (a forced detach): same size, every request
 * fails with -EIO, nothing to poll or close. */
void disk_gone_init(struct disk *d, uint64_t size, bool ro);

#endif
