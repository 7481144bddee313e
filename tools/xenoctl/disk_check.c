/* disk_check.c - a domain's disk targets on this host: found, of the right kind, in the format the spec says. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk.h"
#include "vd.h"

/* "FILE:LINE: disk[N]: msg" into err; returns ret. */
static int __attribute__((format(printf, 6, 7)))
check_error(int ret, const struct disk_spec *d, const char *filename,
	    char *err, size_t errlen, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->line)
		snprintf(err, errlen, "%s:%u: disk[%u]: %s", filename, d->line,
			 d->entry, msg);
	else
		snprintf(err, errlen, "command line: disk[%u]: %s", d->entry, msg);
	return ret;
}

/* The first bytes of the target, and its size, into buf (*got bytes) and *size. */
static int check_read_head(const char *path, const struct stat *st,
			   unsigned char *buf, size_t n, size_t *got,
			   uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	*size = (uint64_t)st->st_size;
	if (S_ISBLK(st->st_mode)) {
		off_t end = lseek(fd, 0, SEEK_END);

		*size = end > 0 ? (uint64_t)end : 0;
	}
	r = pread(fd, buf, n, 0);
	close(fd);
	if (r < 0)
		return -EIO;
	*got = (size_t)r;
	return 0;
}

/* A relative target made absolute (the monitor rebuilds from "/"); then
 * no comma in it: the device model's disk argument is comma-separated. */
static int check_path(struct disk_spec *d, const char *filename, char *err, size_t errlen)
{
	char abs[PATH_MAX];

	if (d->target[0] != '/' && realpath(d->target, abs) && strlen(abs) < sizeof(d->target))
		strcpy(d->target, abs);
	if (strchr(d->target, ','))
		return check_error(-EINVAL, d, filename, err, errlen, "target '%s': a comma "
			"in the path is not supported (rename the image or link it from a "
			"path without one)", d->target);
	return 0;
}

/* One disk: resolve vd:NAME, then look at the target. */
static int check_one(struct disk_spec *d, const char *filename, char *err,
		     size_t errlen)
{
	unsigned char head[512];
	char why[512];
	enum disk_format pool_fmt;
	uint64_t size = 0, vsize;
	struct stat st;
	size_t got = 0;
	int ret;

	if (d->kind == DISK_KIND_POOL) {
		ret = vd_image_find(d->pool_name, d->target, sizeof(d->target),
				    &pool_fmt, why, sizeof(why));
		if (ret)
			return check_error(ret, d, filename, err, errlen, "%s", why);
		if (d->format_given && d->format != pool_fmt)
			return check_error(-EINVAL, d, filename, err, errlen,
				"format %s: pool disk '%s' is %s", disk_format_name(d->format),
				d->pool_name, disk_format_name(pool_fmt));
		d->format = pool_fmt;
	}
	if (stat(d->target, &st) < 0)
		return check_error(-errno, d, filename, err, errlen, "target '%s': %s",
				   d->target, strerror(errno));
	ret = check_path(d, filename, err, errlen);
	if (ret)
		return ret;
	if (d->kind == DISK_KIND_PHY && !S_ISBLK(st.st_mode))
		return check_error(-EINVAL, d, filename, err, errlen, "target '%s': "
			"phy: needs a block device (for a file write file:)", d->target);
	if ((d->kind == DISK_KIND_FILE || d->kind == DISK_KIND_POOL) &&
	    !S_ISREG(st.st_mode))
		return check_error(-EINVAL, d, filename, err, errlen, "target '%s': "
			"not a regular file%s", d->target, S_ISBLK(st.st_mode) ?
			" (for a block device write phy:)" : "");
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return check_error(-EINVAL, d, filename, err, errlen, "target '%s': "
			"neither a file nor a block device", d->target);
	ret = check_read_head(d->target, &st, head, sizeof(head), &got, &size);
	if (ret)
		return check_error(ret, d, filename, err, errlen, "target '%s': %s",
				   d->target, strerror(-ret));
	if (d->format == DISK_FORMAT_RAW && disk_qcow2_is(head, got))
		return check_error(-EINVAL, d, filename, err, errlen, "target '%s' "
			"is a qcow2 image, not raw (write tap:qcow2:%s or format=qcow2)",
			d->target, d->target);
	if (d->format == DISK_FORMAT_QCOW2 && d->access == DISK_ACCESS_RW_SHARED)
		return check_error(-EINVAL, d, filename, err, errlen, "access w!: target '%s' "
			"is qcow2, which two domains cannot write at once (its tables would "
			"be corrupted); share a raw image", d->target);
	if (d->format == DISK_FORMAT_QCOW2 &&
	    (disk_qcow2_header(head, got, size, &vsize, why, sizeof(why)) ||
	     disk_qcow2_opens(d->target, why, sizeof(why))))
		return check_error(-EINVAL, d, filename, err, errlen,
				   "target '%s': %s", d->target, why);
	if (!size)
		return check_error(-EINVAL, d, filename, err, errlen,
				   "target '%s': empty (0 bytes)", d->target);
	return 0;
}

int disk_check(struct disk_spec *disks, unsigned int n, const char *filename,
	       char *err, size_t errlen)
{
	for (unsigned int i = 0; i < n; i++) {
		int ret = check_one(&disks[i], filename, err, errlen);

		if (ret)
			return ret;
	}
	return 0;
}
