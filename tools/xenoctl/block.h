/* block.h - block-attach, block-detach, block-list: talking to a domain's device model (docs/disks.md "Disks at run time"). */
#ifndef XENOCTL_BLOCK_H
#define XENOCTL_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "disk.h"

/* How long xenoctl waits for the device model's answer: longer than the
 * 10 s a detach gives the guest. */
#define BLOCK_REPLY_TIMEOUT_MS	30000
#define BLOCK_REPLY_MAX		(128 * 1024)	/* xenolith-dm's longest answer */

/* The control socket of domain domid's device model, RUN/ID.dm.sock
 * (saved_run_dir()); xenolith-dm --control is given this path. */
void block_ctl_path(const char *run_dir, uint32_t domid, char *buf, size_t len);

/* The device model's attach argument for d (checked by disk_check, so
 * its target has no comma): "TARGET,vdev=xvdX,access=rw|ro|shared,format=raw|qcow2" (shared: w!). */
void block_dm_spec(const struct disk_spec *d, char *buf, size_t len);

#define BLOCK_READ_MAX		32768	/* bytes of one "read": xenolith-dm's DM_READ_MAX */

/* A domain's disk read through its device model ("read xvdX OFFSET
 * LENGTH"), so raw and qcow2 images read alike and nothing else opens
 * them; a window of up to BLOCK_READ_MAX bytes is kept for the small
 * reads that follow. Set path and vdev, have 0. */
struct block_reader {
	const char *path;		/* the control socket */
	char vdev[8];			/* "xvdb" */
	uint64_t at;			/* the window's offset on the disk */
	size_t have;			/* bytes in it; 0: none */
	unsigned char win[BLOCK_READ_MAX];
	char err[512];			/* why the last read failed */
};

/* n (at most BLOCK_READ_MAX) bytes at off of r's disk (ctx is a struct
 * block_reader: disk_inuse_find's read). 0, or -errno with r->err. */
int block_reader_read(void *ctx, uint64_t off, void *buf, size_t n);

/* Send line (newline added) to the socket at path and read the answer
 * up to the device model's end of the connection, within timeout_ms.
 * 0 with the answer in reply ("ok ...\n" or "error: ...\n"), or -errno
 * with err (-ENOENT: no socket there, no device model). */
int block_ctl_request(const char *path, const char *line, int timeout_ms, char *reply,
		      size_t len, char *err, size_t errlen);

#endif
