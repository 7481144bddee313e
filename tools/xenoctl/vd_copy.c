/* vd_copy.c - copy a raw image sparsely (data extents only), with a percentage on a terminal. */
#define _GNU_SOURCE	/* SEEK_DATA, SEEK_HOLE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd_cmd.h"

#define COPY_CHUNK	(1 << 20)

/* Copy bytes [off, end) of in to out at the same offsets. */
static int copy_extent(int in, int out, off_t off, off_t end, char *buf,
		       off_t total, int *shown)
{
	while (off < end && !vd_interrupted) {
		size_t want = end - off > COPY_CHUNK ? COPY_CHUNK : (size_t)(end - off);
		ssize_t r = pread(in, buf, want, off), w;

		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		w = pwrite(out, buf, (size_t)r, off);
		if (w != r)
			return w < 0 ? -errno : -ENOSPC;
		off += r;
		if (total && (int)(off * 100 / total) != *shown) {
			*shown = (int)(off * 100 / total);
			vd_say("\r%3d%%", *shown);
		}
	}
	return vd_interrupted ? -EINTR : 0;
}

int vd_copy_sparse(const char *src, const char *dst, char *err, size_t errlen)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, shown = -1, ret = 0;
	char *buf = malloc(COPY_CHUNK);
	off_t data = 0, hole, size = 0;
	struct stat st;

	if (in < 0 || !buf || fstat(in, &st) < 0) {
		ret = buf ? -errno : -ENOMEM;
		goto out;
	}
	size = st.st_size;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0 || ftruncate(out, size) < 0) {
		ret = -errno;
		goto out;
	}
	while (!ret && (data = lseek(in, data, SEEK_DATA)) >= 0) {
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			hole = size;
		ret = copy_extent(in, out, data, hole, buf, size, &shown);
		data = hole;
	}
	if (!ret && data < 0 && errno != ENXIO)
		ret = -errno;
	if (!ret && fsync(out) < 0)
		ret = -errno;
	if (shown >= 0)
		vd_say("\r100%%\n");
out:
	if (ret && ret != -EINTR)
		snprintf(err, errlen, "copying %s to %s: %s", src, dst, strerror(-ret));
	free(buf);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ret;
}
