/* vd_pool.c - where the pool of virtual disks lives, its disks' names and image paths. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd.h"

const char *vd_pool_dir(void)
{
	const char *d = getenv("XENOLITH_POOL");

	return d && *d ? d : VD_POOL_DEFAULT;
}

const char *vd_pool_record(void)
{
	const char *r = getenv("XENOLITH_POOL_RECORD");

	return r && *r ? r : VD_POOL_RECORD;
}

int vd_mkdirs(const char *dir, char *err, size_t errlen)
{
	char path[DISK_PATH_MAX];
	size_t n = strlen(dir);

	if (n >= sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; ; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			int ret = -errno;

			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return ret;
		}
		if (!c)
			return 0;
		*p = c;
	}
}

int vd_name_check(const char *name, char *why, size_t len)
{
	size_t n = strlen(name);
	size_t ok = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			   "0123456789_.-");

	if (!n || n > DISK_NAME_MAX) {
		snprintf(why, len, "name '%s': 1 to %d characters", name, DISK_NAME_MAX);
		return -EINVAL;
	}
	if (ok != n) {
		snprintf(why, len, "name '%s': invalid character '%c' (allowed: "
			 "A-Z a-z 0-9 _ . -)", name,
			 name[ok] > ' ' && name[ok] < 127 ? name[ok] : '?');
		return -EINVAL;
	}
	if (name[0] == '.' || name[0] == '-') {
		snprintf(why, len, "name '%s': must not start with '%c'", name, name[0]);
		return -EINVAL;
	}
	return 0;
}

void vd_image_path(const char *name, enum disk_format fmt, char *path,
		   size_t len)
{
	snprintf(path, len, "%s/%s.%s", vd_pool_dir(), name,
		 fmt == DISK_FORMAT_QCOW2 ? "qcow2" : "img");
}

int vd_image_find(const char *name, char *path, size_t pathlen,
		  enum disk_format *fmt, char *why, size_t len)
{
	char raw[DISK_PATH_MAX], qcow[DISK_PATH_MAX];
	int has_raw, has_qcow;

	vd_image_path(name, DISK_FORMAT_RAW, raw, sizeof(raw));
	vd_image_path(name, DISK_FORMAT_QCOW2, qcow, sizeof(qcow));
	has_raw = access(raw, F_OK) == 0;
	has_qcow = access(qcow, F_OK) == 0;
	if (has_raw && has_qcow) {
		snprintf(why, len, "disk '%s': both %s and %s exist; remove one",
			 name, raw, qcow);
		return -EEXIST;
	}
	if (!has_raw && !has_qcow) {
		snprintf(why, len, "no disk '%s' in the pool %s (`xenoctl vd list`)",
			 name, vd_pool_dir());
		return -ENOENT;
	}
	*fmt = has_raw ? DISK_FORMAT_RAW : DISK_FORMAT_QCOW2;
	snprintf(path, pathlen, "%s", has_raw ? raw : qcow);
	return 0;
}
