/* bootloader_ext2.h - reading files of an ext2/3/4 file system inside an image (libext2fs), for pygrub only. */
#ifndef XENOCTL_BOOTLOADER_EXT2_H
#define XENOCTL_BOOTLOADER_EXT2_H

#include <stddef.h>
#include <stdint.h>

struct struct_ext2_filsys;
struct struct_io_manager;

/* An open file system, read-only. */
struct bootloader_fs {
	struct struct_ext2_filsys *fs;
};

/* Open the file system starting offset bytes into image: a file or a
 * block device if manager is NULL, else what manager reads (a qcow2
 * image through bootloader_nbd_io_manager()). 0, or -EINVAL with why. */
int bootloader_ext2_open(const char *image, uint64_t offset,
			 struct struct_io_manager *manager, struct bootloader_fs *fs,
			 char *why, size_t len);
void bootloader_ext2_close(struct bootloader_fs *fs);
/* Whether path names a regular file (symbolic links followed). */
int bootloader_ext2_exists(struct bootloader_fs *fs, const char *path);
/* Append the file at path to fd; refuse one larger than max bytes.
 * 0, or -errno with "PATH: ..." in why. */
int bootloader_ext2_copy(struct bootloader_fs *fs, const char *path, int fd,
			 uint64_t max, char *why, size_t len);
/* The whole file (at most max bytes) into a malloc'd, NUL-terminated
 * *text of *n bytes. 0, or -errno with why. */
int bootloader_ext2_read(struct bootloader_fs *fs, const char *path, uint64_t max,
			 char **text, size_t *n, char *why, size_t len);

#endif
