/* vd.h - the storage pool of virtual disks (`xenoctl vd`): names, sizes, where the pool lives. */
#ifndef XENOCTL_VD_H
#define XENOCTL_VD_H

#include <stddef.h>
#include <stdint.h>

#include "disk.h"

/*
 * The pool is a directory of images NAME.img (raw) and NAME.qcow2. It is
 * $XENOLITH_POOL if set, else /var/lib/xenolith/pool (docs/disks.md): in
 * RAM on the live CD until `vd pool add DEVICE` mounts a partition there.
 */

#define VD_POOL_DEFAULT		"/var/lib/xenolith/pool"
#define VD_POOL_RECORD		"/etc/xenolith/pool"	/* $XENOLITH_POOL_RECORD */

/* The pool's directory. */
const char *vd_pool_dir(void);
/* Where `vd pool add` records its device. */
const char *vd_pool_record(void);

/* mkdir -p dir (mode 0755). 0, or -errno with "PATH: reason" in err. */
int vd_mkdirs(const char *dir, char *err, size_t errlen);

/* Mount the recorded pool device on the pool directory if it is not
 * mounted (after a reboot); `vd` and `create` call it first
 * (vd_pool_dev.c). 0, or -errno with err. */
int vd_pool_ready(char *err, size_t errlen);

/* A disk's name: 1..64 of A-Z a-z 0-9 _ . -, not starting with '.'.
 * 0, or -EINVAL with "name 'x': ..." in why. */
int vd_name_check(const char *name, char *why, size_t len);

/* The image of pool disk name: its path and format. 0; -ENOENT with
 * "no disk 'name' in the pool DIR" in why; -EEXIST if both NAME.img
 * and NAME.qcow2 exist. */
int vd_image_find(const char *name, char *path, size_t pathlen,
		  enum disk_format *fmt, char *why, size_t len);
/* The path NAME would have in the pool in format fmt. */
void vd_image_path(const char *name, enum disk_format fmt, char *path,
		   size_t len);

/* A size "512M", "4G", "10G", "1T", "1048576" (bytes), "1.5G": into
 * bytes, a multiple of 512, at least 1 MiB, at most 64 TiB. 0, or
 * -EINVAL with "size 'x': ..." in why. */
int vd_size_parse(const char *s, uint64_t *bytes, char *why, size_t len);
/* bytes as "512M", "4.0G", "1.5T" (binary units, one decimal). */
void vd_size_format(uint64_t bytes, char *buf, size_t len);

#endif
