/* vd_change.c - pool disks after creation: their size and use, clone, resize, delete. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd.h"
#include "vd_cmd.h"

#define EXT_MAGIC_OFFSET	1080	/* superblock at 1024, s_magic at +56 */
#define EXT_MAGIC		0xef53

int vd_image_info(const char *path, enum disk_format fmt, struct vd_info *info,
		  char *err, size_t errlen)
{
	unsigned char head[512];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	info->format = fmt;
	info->size = (uint64_t)st.st_size;
	info->alloc = (uint64_t)st.st_blocks * 512;
	if (fmt == DISK_FORMAT_QCOW2) {
		n = pread(fd, head, sizeof(head), 0);
		ret = disk_qcow2_header(head, n > 0 ? (size_t)n : 0, info->size,
					&info->size, err, errlen);
	}
	vd_holders(path, info->holders, sizeof(info->holders));
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Whether the raw image at path holds an ext2/3/4 file system at offset 0. */
static int change_has_ext(const char *path)
{
	unsigned char m[2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ok = fd >= 0 && pread(fd, m, 2, EXT_MAGIC_OFFSET) == 2 &&
		 (m[0] | m[1] << 8) == EXT_MAGIC;

	if (fd >= 0)
		close(fd);
	return ok;
}

int vd_image_clone(const char *src, const char *dst, char *err, size_t errlen)
{
	char from[DISK_PATH_MAX], tmp[DISK_PATH_MAX], path[DISK_PATH_MAX], holders[256];
	enum disk_format fmt;
	int ret = vd_image_find(src, from, sizeof(from), &fmt, err, errlen);

	if (ret || (ret = vd_check_free(dst, err, errlen)))
		return ret;
	if (!vd_holders(from, holders, sizeof(holders)) && strstr(holders, "(w")) {
		snprintf(err, errlen, "disk '%s' is attached writable to %s: its copy "
			 "would not be consistent; shut the domain down first", src, holders);
		return -EBUSY;
	}
	vd_tmp_path(dst, fmt == DISK_FORMAT_QCOW2 ? "qcow2" : "img", tmp, sizeof(tmp));
	vd_image_path(dst, fmt, path, sizeof(path));
	vd_say("vd clone: copying %s to %s\n", src, dst);
	if (fmt == DISK_FORMAT_RAW)
		ret = vd_copy_sparse(from, tmp, err, errlen);
	else
		ret = vd_run((const char *[]){ "qemu-img", "convert",
			     vd_progress() ? "-p" : "-q", "-f", "qcow2", "-O", "qcow2",
			     from, tmp, NULL }, vd_progress(), err, errlen);
	if (!ret && vd_interrupted)
		ret = -EINTR;	/* cmd_vd says so */
	if (!ret)
		ret = vd_commit(tmp, path, err, errlen);
	unlink(tmp);
	return ret ? -EIO : 0;
}

/* Grow a raw image, and the ext file system on it; back to the old size
 * if the file system cannot follow. */
static int change_grow_raw(const char *path, uint64_t old, uint64_t size,
			   char *err, size_t errlen)
{
	int ext = change_has_ext(path), ret;

	if (ext && (ret = vd_run((const char *[]){ "e2fsck", "-f", "-p", path, NULL },
				 0, err, errlen)) > 1)
		return -EIO;	/* 1: errors corrected, fine */
	if (truncate(path, (off_t)size) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (!ext)
		return 0;
	vd_say("vd resize: growing the file system\n");
	ret = vd_run((const char *[]){ "resize2fs", path, NULL }, 0, err, errlen);
	if (ret && truncate(path, (off_t)old) < 0)
		return -errno;
	return ret ? -EIO : 0;
}

int vd_image_resize(const char *name, uint64_t size, char *err, size_t errlen)
{
	char path[DISK_PATH_MAX], now[32], want[32], sz[32];
	enum disk_format fmt;
	struct vd_info info;
	int ret = vd_image_find(name, path, sizeof(path), &fmt, err, errlen);

	if (ret || (ret = vd_check_unused(name, path, "resize", err, errlen)) ||
	    (ret = vd_image_info(path, fmt, &info, err, errlen)))
		return ret;
	vd_size_format(info.size, now, sizeof(now));
	vd_size_format(size, want, sizeof(want));
	if (size < info.size) {
		snprintf(err, errlen, "disk '%s' is %s: shrinking to %s is not supported "
			 "(it would cut off the end of its file system)", name, now, want);
		return -EINVAL;
	}
	if (size == info.size)
		return 0;
	if (fmt == DISK_FORMAT_RAW)
		return change_grow_raw(path, info.size, size, err, errlen);
	snprintf(sz, sizeof(sz), "%llu", (unsigned long long)size);
	ret = vd_run((const char *[]){ "qemu-img", "resize", "-q", "-f", "qcow2",
		     path, sz, NULL }, 0, err, errlen);
	return ret ? -EIO : 0;
}

int vd_image_delete(const char *name, char *err, size_t errlen)
{
	char path[DISK_PATH_MAX];
	enum disk_format fmt;
	int ret = vd_image_find(name, path, sizeof(path), &fmt, err, errlen);

	if (ret || (ret = vd_check_unused(name, path, "delete", err, errlen)))
		return ret;
	if (unlink(path) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	}
	return ret;
}
