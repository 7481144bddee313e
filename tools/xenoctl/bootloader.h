/* bootloader.h - pygrub: the kernel, initrd and command line of a guest's disk, read from its grub.cfg without mounting. */
#ifndef XENOCTL_BOOTLOADER_H
#define XENOCTL_BOOTLOADER_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define BOOTLOADER_MAX_INITRDS	4	/* initrd lines may name several: concatenated */
#define BOOTLOADER_TITLE_MAX	256

/* One menu entry of a grub.cfg, as far as booting it goes. */
struct bootloader_entry {
	char title[BOOTLOADER_TITLE_MAX];
	char id[BOOTLOADER_TITLE_MAX];		/* --id or $menuentry_id_option */
	char kernel[CONFIG_PATH_MAX];		/* linux PATH, "(dev)" cut off */
	char args[CONFIG_CMDLINE_MAX];		/* the rest of the linux line */
	char initrd[BOOTLOADER_MAX_INITRDS][CONFIG_PATH_MAX];
	unsigned int ninitrd;
	int top, sub;				/* menu position; sub -1 at top level */
};

/* Choose the default entry of grub.cfg (len bytes of text): `set
 * default=` (N, "N>M", a title or an id, "saved" and variables meaning
 * 0), the first menuentry of a submenu chosen as a whole. 0 with *e
 * filled; -ENOENT with why if no entry has a linux line; -EINVAL with
 * "grub.cfg:LINE: ..." for an entry whose linux line names no file. */
int bootloader_grub_default(const char *text, size_t len,
			    struct bootloader_entry *e, char *why, size_t whylen);

/* Where a file system may start on a disk image. */
struct bootloader_part {
	uint64_t off;			/* bytes from the disk's start */
	unsigned int num;		/* the partition's number as Linux gives it (vda1..; MBR
					 * logical from 5); 0: the whole disk */
};

/* Offset 0 (a bare file system) and each partition of an MBR (primary
 * and logical) or GPT table. read gives n bytes at off of the image
 * (0, or -errno). Returns how many (at most max) were put in parts, or
 * -EIO if the first sector cannot be read. */
int bootloader_partitions(int (*read)(void *ctx, uint64_t off, void *buf, size_t n),
			  void *ctx, struct bootloader_part *parts, int max);

/* What pygrub found: temporary files for the builder, and the command
 * line (grub's, then the configuration's cmdline/root/extra). */
struct bootloader_files {
	char kernel[CONFIG_PATH_MAX];		/* "" until made */
	char ramdisk[CONFIG_PATH_MAX];		/* "" = no initrd */
	char cmdline[CONFIG_CMDLINE_MAX];
	char title[BOOTLOADER_TITLE_MAX];
};

/* Read /boot/grub/grub.cfg (or /grub/grub.cfg on a /boot partition)
 * from dc's first disk (checked by disk_check: target resolved; raw
 * images and block devices, a bare ext2/3/4 file system or one in a
 * partition), extract its default entry's kernel and initrds into
 * temporary files. 0, or -errno with one line "pygrub: DISK: ..." in
 * err and nothing left behind. The caller removes the files after the
 * build with bootloader_files_remove(). */
int bootloader_pygrub(const struct domain_config *dc, struct bootloader_files *out,
		      char *err, size_t errlen);
/* Delete the temporary files of out; it may be called twice. */
void bootloader_files_remove(struct bootloader_files *out);

/* For a domain booted by pygrub, run it and put its kernel, initrd and
 * command line into dc (files to remove in *files). 0 if dc boots a
 * kernel= anyway; else bootloader_pygrub's result. */
int bootloader_prepare(struct domain_config *dc, struct bootloader_files *files,
		       char *err, size_t errlen);

#endif
