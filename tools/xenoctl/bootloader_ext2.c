/* bootloader_ext2.c - files of an ext2/3/4 file system inside an image, read through libext2fs without mounting. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ext2fs/ext2fs.h>

#include "bootloader_ext2.h"

#define EXT2_BUF	(1 << 20)

/* libext2fs's error as text (com_err), never NULL. */
static const char *ext2_why(errcode_t e)
{
	const char *m = error_message(e);

	return m ? m : "error";
}

int bootloader_ext2_open(const char *image, uint64_t offset,
			 struct struct_io_manager *manager, struct bootloader_fs *fs,
			 char *why, size_t len)
{
	char opts[64];
	errcode_t e;

	initialize_ext2_error_table();
	snprintf(opts, sizeof(opts), "offset=%llu", (unsigned long long)offset);
	e = ext2fs_open2(image, opts, 0, 0, 0, manager ? manager : unix_io_manager,
			 &fs->fs);
	if (e) {
		snprintf(why, len, "no ext2/3/4 file system at offset %llu: %s",
			 (unsigned long long)offset, ext2_why(e));
		return -EINVAL;
	}
	return 0;
}

void bootloader_ext2_close(struct bootloader_fs *fs)
{
	if (fs->fs)
		ext2fs_close_free(&fs->fs);
}

/* The inode of path (symbolic links followed), or an error. */
static int ext2_lookup(struct bootloader_fs *fs, const char *path, ext2_ino_t *ino,
		       char *why, size_t len)
{
	struct ext2_inode inode;
	errcode_t e = ext2fs_namei_follow(fs->fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, ino);

	if (!e)
		e = ext2fs_read_inode(fs->fs, *ino, &inode);
	if (e) {
		snprintf(why, len, "%s: %s", path, ext2_why(e));
		return -ENOENT;
	}
	if (!LINUX_S_ISREG(inode.i_mode)) {
		snprintf(why, len, "%s: not a regular file", path);
		return -EINVAL;
	}
	return 0;
}

int bootloader_ext2_exists(struct bootloader_fs *fs, const char *path)
{
	char why[256];
	ext2_ino_t ino;

	return !ext2_lookup(fs, path, &ino, why, sizeof(why));
}

/* Feed the contents of path, chunk by chunk, to sink (0 or -errno);
 * refuse files larger than max bytes. */
static int ext2_read_all(struct bootloader_fs *fs, const char *path, uint64_t max,
			 int (*sink)(void *ctx, const char *buf, unsigned int n),
			 void *ctx, char *why, size_t len)
{
	char *buf = malloc(EXT2_BUF);
	ext2_file_t file = NULL;
	unsigned int got = 0;
	uint64_t total = 0;
	ext2_ino_t ino;
	errcode_t e = 0;
	int ret = buf ? ext2_lookup(fs, path, &ino, why, len) : -ENOMEM;

	if (!ret && (e = ext2fs_file_open(fs->fs, ino, 0, &file)))
		ret = -EIO;
	while (!ret && !(e = ext2fs_file_read(file, buf, EXT2_BUF, &got)) && got) {
		total += got;
		if (total > max) {
			snprintf(why, len, "%s: larger than %llu MiB", path,
				 (unsigned long long)(max >> 20));
			ret = -EFBIG;
		} else if ((ret = sink(ctx, buf, got))) {
			snprintf(why, len, "%s: keeping its copy: %s", path, strerror(-ret));
		}
	}
	if (!ret && e)
		ret = -EIO;
	if (ret == -EIO && e)
		snprintf(why, len, "%s: %s", path, ext2_why(e));
	if (ret == -ENOMEM)
		snprintf(why, len, "out of memory");
	if (file)
		ext2fs_file_close(file);
	free(buf);
	return ret;
}

static int ext2_sink_fd(void *ctx, const char *buf, unsigned int n)
{
	return write(*(int *)ctx, buf, n) == (ssize_t)n ? 0 : errno ? -errno : -EIO;
}

int bootloader_ext2_copy(struct bootloader_fs *fs, const char *path, int fd,
			 uint64_t max, char *why, size_t len)
{
	return ext2_read_all(fs, path, max, ext2_sink_fd, &fd, why, len);
}

struct ext2_text {
	char *buf;
	size_t n;
};

static int ext2_sink_mem(void *ctx, const char *buf, unsigned int n)
{
	struct ext2_text *t = ctx;
	char *grown = realloc(t->buf, t->n + n + 1);

	if (!grown)
		return -ENOMEM;
	memcpy(grown + t->n, buf, n);
	t->buf = grown;
	t->n += n;
	t->buf[t->n] = '\0';
	return 0;
}

int bootloader_ext2_read(struct bootloader_fs *fs, const char *path, uint64_t max,
			 char **text, size_t *n, char *why, size_t len)
{
	struct ext2_text t = { NULL, 0 };
	int ret = ext2_read_all(fs, path, max, ext2_sink_mem, &t, why, len);

	if (!ret && !t.buf)
		t.buf = calloc(1, 1);
	if (!ret && !t.buf)
		ret = -ENOMEM;
	if (ret) {
		free(t.buf);
		return ret;
	}
	*text = t.buf;
	*n = t.n;
	return 0;
}
