/* bootloader_pygrub.c - pygrub: find grub.cfg on a domain's first disk, take its default entry's kernel and initrd out. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootloader.h"
#include "bootloader_ext2.h"
#include "bootloader_nbd.h"

#define PYGRUB_PARTS		16
#define PYGRUB_CFG_MAX		(4ull << 20)
#define PYGRUB_KERNEL_MAX	(256ull << 20)
#define PYGRUB_INITRD_MAX	(1024ull << 20)

/* Where grub.cfg may be: a root file system's /boot, a /boot partition. */
static const char *const pygrub_cfgs[] = {
	"/boot/grub/grub.cfg", "/grub/grub.cfg", "/boot/grub2/grub.cfg", "/grub2/grub.cfg",
};

static int pygrub_read_at(void *ctx, uint64_t off, void *buf, size_t n)
{
	return pread(*(int *)ctx, buf, n, (off_t)off) == (ssize_t)n ? 0 : -EIO;
}

/* The first file system of the image holding a grub.cfg: open in fs,
 * its default entry in e. A qcow2 image is read through qemu-nbd (nbd
 * stays connected while fs is open). 0, or -errno with why. */
static int pygrub_find(const struct disk_spec *d, struct bootloader_nbd *nbd,
		       struct bootloader_fs *fs, struct bootloader_entry *e,
		       char *why, size_t len)
{
	struct struct_io_manager *manager = NULL;
	struct bootloader_part parts[PYGRUB_PARTS];
	char *text, scratch[256];
	int fd = -1, n, ret;
	size_t tlen;

	if (d->format == DISK_FORMAT_QCOW2) {
		ret = bootloader_nbd_open(d->target, "qcow2", nbd, why, len);
		if (ret)
			return ret;
		manager = bootloader_nbd_io_manager(nbd);
		n = bootloader_partitions(bootloader_nbd_read, nbd, parts, PYGRUB_PARTS);
	} else {
		fd = open(d->target, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			snprintf(why, len, "%s", strerror(errno));
			return -errno;
		}
		n = bootloader_partitions(pygrub_read_at, &fd, parts, PYGRUB_PARTS);
		close(fd);
	}
	for (int i = 0; i < n; i++) {
		if (bootloader_ext2_open(d->target, parts[i].off, manager, fs, scratch,
					 sizeof(scratch)))
			continue;
		for (size_t c = 0; c < sizeof(pygrub_cfgs) / sizeof(pygrub_cfgs[0]); c++) {
			if (!bootloader_ext2_exists(fs, pygrub_cfgs[c]))
				continue;
			ret = bootloader_ext2_read(fs, pygrub_cfgs[c], PYGRUB_CFG_MAX, &text,
						   &tlen, why, len);
			if (!ret) {
				ret = bootloader_grub_default(text, tlen, e, why, len);
				free(text);
			}
			if (ret)
				bootloader_ext2_close(fs);
			return ret;
		}
		bootloader_ext2_close(fs);
	}
	snprintf(why, len, "no /boot/grub/grub.cfg in an ext2/3/4 file system (the whole "
		 "disk, or an MBR or GPT partition)");
	return -ENOENT;
}

/* A new temporary file for out (TMPDIR or /tmp); its descriptor. */
static int pygrub_tmp(const char *what, char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");

	snprintf(path, len, "%s/xenoctl-pygrub-%s.XXXXXX", dir && *dir ? dir : "/tmp", what);
	return mkstemp(path);
}

/* Copy path out of fs into a new temporary file; a path that is not
 * there is tried under /boot too (a grub.cfg written for a /boot partition). */
static int pygrub_extract(struct bootloader_fs *fs, const char *const *paths,
			  unsigned int n, uint64_t max, const char *what,
			  char *out, size_t outlen, char *why, size_t len)
{
	char alt[CONFIG_PATH_MAX + 8];
	int fd = pygrub_tmp(what, out, outlen), ret = 0;

	if (fd < 0) {
		snprintf(why, len, "%s: %s", out, strerror(errno));
		out[0] = '\0';
		return -errno;
	}
	for (unsigned int i = 0; i < n && !ret; i++) {
		const char *p = paths[i];

		snprintf(alt, sizeof(alt), "/boot%s", p);
		if (!bootloader_ext2_exists(fs, p) && bootloader_ext2_exists(fs, alt))
			p = alt;
		ret = bootloader_ext2_copy(fs, p, fd, max, why, len);
	}
	if (close(fd) && !ret) {
		snprintf(why, len, "%s: %s", out, strerror(errno));
		ret = -EIO;
	}
	return ret;
}

int bootloader_pygrub(const struct domain_config *dc, struct bootloader_files *out,
		      char *err, size_t errlen)
{
	struct bootloader_entry e = { .ninitrd = 0 };
	const struct disk_spec *d = &dc->disks[0];
	const char *initrds[BOOTLOADER_MAX_INITRDS];
	const char *kernel[1] = { e.kernel };
	struct bootloader_fs fs = { NULL };
	struct bootloader_nbd nbd = { .h = NULL };
	char why[1024];
	size_t la, lc;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!dc->ndisks) {
		snprintf(err, errlen, "pygrub: the domain has no disk to boot from");
		return -EINVAL;
	}
	ret = pygrub_find(d, &nbd, &fs, &e, why, sizeof(why));
	if (!ret)
		ret = pygrub_extract(&fs, kernel, 1, PYGRUB_KERNEL_MAX, "kernel",
				     out->kernel, sizeof(out->kernel), why, sizeof(why));
	for (unsigned int i = 0; i < e.ninitrd; i++)
		initrds[i] = e.initrd[i];
	if (!ret && e.ninitrd)
		ret = pygrub_extract(&fs, initrds, e.ninitrd, PYGRUB_INITRD_MAX, "initrd",
				     out->ramdisk, sizeof(out->ramdisk), why, sizeof(why));
	bootloader_ext2_close(&fs);
	bootloader_nbd_close(&nbd);
	/* grub's command line, then the configuration's (console=hvc0 ...) */
	la = strlen(e.args);
	lc = strlen(dc->cmdline);
	if (!ret && la + lc + 1 >= sizeof(out->cmdline)) {
		snprintf(why, sizeof(why), "the command line of grub.cfg and the "
			 "configuration is too long (%zu bytes, at most %zu)", la + lc + 1,
			 sizeof(out->cmdline) - 1);
		ret = -E2BIG;
	}
	if (!ret) {
		memcpy(out->cmdline, e.args, la);
		out->cmdline[la] = ' ';
		memcpy(out->cmdline + la + (la && lc), dc->cmdline, lc + 1);
	}
	memcpy(out->title, e.title, sizeof(out->title));
	if (ret) {
		snprintf(err, errlen, "pygrub: %s: %s", d->target, why);
		bootloader_files_remove(out);
	}
	return ret;
}

void bootloader_files_remove(struct bootloader_files *out)
{
	if (out->kernel[0])
		unlink(out->kernel);
	if (out->ramdisk[0])
		unlink(out->ramdisk);
	out->kernel[0] = out->ramdisk[0] = '\0';
}

int bootloader_prepare(struct domain_config *dc, struct bootloader_files *files,
		       char *err, size_t errlen)
{
	int ret;

	memset(files, 0, sizeof(*files));
	if (dc->boot != CONFIG_BOOT_PYGRUB)
		return 0;
	ret = bootloader_pygrub(dc, files, err, errlen);
	if (ret)
		return ret;
	snprintf(dc->kernel, sizeof(dc->kernel), "%s", files->kernel);
	snprintf(dc->ramdisk, sizeof(dc->ramdisk), "%s", files->ramdisk);
	snprintf(dc->cmdline, sizeof(dc->cmdline), "%s", files->cmdline);
	return 0;
}
