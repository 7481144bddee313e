/* vd_image.c - the images of the pool: create (sparse, with a file system from a directory or tar), clone, resize, delete. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd.h"
#include "vd_cmd.h"
#include "xenoctl.h"

int vd_holders(const char *path, char *buf, size_t len)
{
	struct disk_claims_env env = { saved_run_dir(), NULL, NULL };

	return disk_claims_holders(&env, path, buf, len);
}

int vd_check_unused(const char *name, const char *path, const char *verb,
		    char *err, size_t errlen)
{
	char holders[256];

	if (vd_holders(path, holders, sizeof(holders)) || !holders[0])
		return 0;
	snprintf(err, errlen, "disk '%s' is attached to %s: cannot %s it while "
		 "a domain uses it", name, holders, verb);
	return -EBUSY;
}

int vd_check_free(const char *name, char *err, size_t errlen)
{
	char path[DISK_PATH_MAX], why[512];
	enum disk_format fmt;
	int ret = vd_name_check(name, err, errlen);

	if (ret)
		return ret;
	ret = vd_image_find(name, path, sizeof(path), &fmt, why, sizeof(why));
	if (ret == -ENOENT)
		return 0;
	if (ret)
		snprintf(err, errlen, "%s", why);
	else
		snprintf(err, errlen, "disk '%s' exists already (%s)", name, path);
	return -EEXIST;
}

void vd_tmp_path(const char *name, const char *ext, char *buf, size_t len)
{
	snprintf(buf, len, "%s/.%s.%s.tmp%d", vd_pool_dir(), name, ext, (int)getpid());
}

int vd_commit(const char *tmp, const char *path, char *err, size_t errlen)
{
	if (link(tmp, path) < 0) {
		int ret = -errno;

		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	unlink(tmp);
	return 0;
}

/* The file system of a new raw image: mke2fs, filled from a directory,
 * or from a tar extracted into a scratch directory first. */
static int image_mkfs(const struct vd_create *c, const char *raw, char *err,
		      size_t errlen)
{
	char scratch[DISK_PATH_MAX];
	const char *src = c->from;
	struct stat st;
	int ret = 0;

	scratch[0] = '\0';
	if (src && stat(src, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "--from %s: %s", src, strerror(errno));
		return ret;
	}
	if (src && !S_ISDIR(st.st_mode)) {
		vd_tmp_path(c->name, "from", scratch, sizeof(scratch));
		if (mkdir(scratch, 0700) < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", scratch, strerror(errno));
			return ret;
		}
		vd_say("vd create: extracting %s\n", src);
		ret = vd_run((const char *[]){ "tar", "-xpf", src, "-C", scratch,
			     "--numeric-owner", NULL }, 0, err, errlen);
		src = scratch;
	}
	if (!ret && !vd_interrupted) {
		vd_say("vd create: making the %s file system%s%s\n", c->fs,
		       src ? " from " : "", src ? c->from : "");
		ret = vd_run(src ? (const char *[]){ "mke2fs", "-q", "-F", "-t", c->fs,
					"-d", src, raw, NULL }
				 : (const char *[]){ "mke2fs", "-q", "-F", "-t", c->fs,
					raw, NULL }, 0, err, errlen);
	}
	if (scratch[0])
		vd_run((const char *[]){ "rm", "-rf", "--one-file-system", scratch, NULL },
		       0, scratch, sizeof(scratch));
	return ret;
}

int vd_image_create(const struct vd_create *c, char *err, size_t errlen)
{
	char raw[DISK_PATH_MAX], qcow[DISK_PATH_MAX], path[DISK_PATH_MAX], size[32];
	int fd, ret = vd_check_free(c->name, err, errlen);

	if (ret)
		return ret;
	vd_tmp_path(c->name, "img", raw, sizeof(raw));
	vd_tmp_path(c->name, "qcow2", qcow, sizeof(qcow));
	vd_image_path(c->name, c->format, path, sizeof(path));
	fd = open(raw, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)c->size) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", raw, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	if (c->fs)
		ret = image_mkfs(c, raw, err, errlen);
	snprintf(size, sizeof(size), "%llu", (unsigned long long)c->size);
	if (!ret && c->format == DISK_FORMAT_QCOW2)
		ret = c->fs ? vd_run((const char *[]){ "qemu-img", "convert",
				     vd_progress() ? "-p" : "-q", "-f", "raw", "-O", "qcow2",
				     raw, qcow, NULL }, vd_progress(), err, errlen)
			    : vd_run((const char *[]){ "qemu-img", "create", "-q", "-f",
				     "qcow2", qcow, size, NULL }, 0, err, errlen);
	if (!ret && vd_interrupted)
		ret = -EINTR;	/* cmd_vd says so */
	if (!ret)
		chmod(c->format == DISK_FORMAT_QCOW2 ? qcow : raw, 0600);
	if (!ret)
		ret = vd_commit(c->format == DISK_FORMAT_QCOW2 ? qcow : raw, path,
				   err, errlen);
out:
	unlink(raw);
	unlink(qcow);
	return ret ? -EIO : 0;
}
