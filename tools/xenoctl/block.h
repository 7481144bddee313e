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

/* Send line (newline added) to the socket at path and read the answer
 * up to the device model's end of the connection, within timeout_ms.
 * 0 with the answer in reply ("ok ...\n" or "error: ...\n"), or -errno
 * with err (-ENOENT: no socket there, no device model). */
int block_ctl_request(const char *path, const char *line, int timeout_ms, char *reply,
		      size_t len, char *err, size_t errlen);

#endif
