/* test_bootloader_pygrub.c - pygrub on images made by mke2fs -d: bare, MBR, GPT, a /boot partition, qcow2 (tools/xenoctl/bootloader_*.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "xenoctl/bootloader.h"
#include "xenoctl/bootloader_nbd.h"

static char dir[64], err[1024];

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd)) {
		print_error("failed: %s\n", cmd);
		fail();
	}
}

/* A root tree (grub.cfg in /boot/grub) and a /boot tree (in /grub). */
static int setup(void **state)
{
	(void)state;
	assert_non_null(tmpdir_make(dir, sizeof(dir), "test_pygrub"));
	sh("cd %s && mkdir -p root/boot/grub boot/grub && "
	   "printf 'set default=\"1\"\\nmenuentry \"old\" {\\n linux /boot/vmlinuz-old\\n}\\n"
	   "menuentry \"new\" {\\n linux /boot/vmlinuz-new root=/dev/vda ro\\n"
	   " initrd /boot/ucode /boot/initrd.img-new\\n}\\n' > root/boot/grub/grub.cfg && "
	   "printf KERNEL-NEW > root/boot/vmlinuz-new && printf UCODE > root/boot/ucode && "
	   "printf INITRD-NEW > root/boot/initrd.img-new && "
	   "printf 'menuentry \"b\" {\\n linux /vmlinuz root=/dev/vda2\\n}\\n' > boot/grub/grub.cfg && "
	   "printf KERNEL-B > boot/vmlinuz-b && ln -s vmlinuz-b boot/vmlinuz && "
	   "truncate -s 16M bare.img && mke2fs -q -F -t ext4 -d root bare.img && "
	   "truncate -s 40M mbr.img && echo 'start=2048, size=32768, type=83' | "
	   "sfdisk -q mbr.img >/dev/null && "
	   "mke2fs -q -F -t ext4 -E offset=1048576 -d root mbr.img 16M && "
	   "truncate -s 40M gpt.img && printf 'label: gpt\\nstart=2048, size=16384\\n"
	   "start=20480, size=40000\\n' | sfdisk -q gpt.img >/dev/null && "
	   "mke2fs -q -F -t ext2 -E offset=1048576 -d boot gpt.img 8M && "
	   "mke2fs -q -F -t ext4 -E offset=10485760 -d root gpt.img 16M && "
	   "truncate -s 40M logical.img && printf 'start=2048, size=4096, type=82\n"
	   "start=8192, size=65536, type=5\nstart=10240, size=32768, type=83\n' | "
	   "sfdisk -q logical.img >/dev/null && "
	   "mke2fs -q -F -t ext4 -E offset=5242880 -d root logical.img 16M && "
	   "truncate -s 8M empty.img && mke2fs -q -F empty.img && "
	   "qemu-img convert -f raw -O qcow2 bare.img bare.qcow2 && "
	   "qemu-img convert -f raw -O qcow2 gpt.img gpt.qcow2", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void domain(struct domain_config *dc, const char *image, const char *cmdline)
{
	memset(dc, 0, sizeof(*dc));
	dc->boot = CONFIG_BOOT_PYGRUB;
	dc->ndisks = 1;
	snprintf(dc->disks[0].target, sizeof(dc->disks[0].target), "%s/%s", dir, image);
	snprintf(dc->cmdline, sizeof(dc->cmdline), "%s", cmdline);
}

static void assert_file(const char *path, const char *want)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	assert_string_equal(buf, want);
}

static void boot(const char *image, const char *cmdline, const char *kernel,
		 const char *initrd, const char *want_cmdline)
{
	struct bootloader_files f;
	struct domain_config dc;
	char kpath[CONFIG_PATH_MAX];
	int ret;

	domain(&dc, image, cmdline);
	if (strstr(image, ".qcow2"))
		dc.disks[0].format = DISK_FORMAT_QCOW2;
	ret = bootloader_prepare(&dc, &f, err, sizeof(err));
	if (ret)
		print_error("%s: %s\n", image, err);
	assert_int_equal(ret, 0);
	assert_string_equal(dc.kernel, f.kernel);
	assert_file(f.kernel, kernel);
	if (initrd)
		assert_file(f.ramdisk, initrd);
	else
		assert_string_equal(f.ramdisk, "");
	assert_string_equal(dc.cmdline, want_cmdline);
	snprintf(kpath, sizeof(kpath), "%s", f.kernel);
	bootloader_files_remove(&f);
	assert_int_equal(access(kpath, F_OK), -1);
	bootloader_files_remove(&f);
}

static void test_images(void **state)
{
	(void)state;
	boot("bare.img", "console=hvc0", "KERNEL-NEW", "UCODEINITRD-NEW",
	     "root=/dev/vda ro console=hvc0");
	boot("mbr.img", "", "KERNEL-NEW", "UCODEINITRD-NEW", "root=/dev/vda ro");
	boot("logical.img", "", "KERNEL-NEW", "UCODEINITRD-NEW", "root=/dev/vda ro");
	/* the GPT's first partition is a /boot with /grub/grub.cfg */
	boot("gpt.img", "quiet", "KERNEL-B", NULL, "root=/dev/vda2 quiet");
}

/* qcow2 images: read through qemu-nbd and libnbd. */
static void test_qcow2(void **state)
{
	(void)state;
	if (system("command -v qemu-nbd >/dev/null"))
		skip();
	boot("bare.qcow2", "", "KERNEL-NEW", "UCODEINITRD-NEW", "root=/dev/vda ro");
	boot("gpt.qcow2", "", "KERNEL-B", NULL, "root=/dev/vda2");
}

/* The NBD read cache: what it returns is the image's bytes (across windows,
 * at the disk's end), and reading a disk 1 KiB at a time, as libext2fs
 * reads a file, fetches each window once. */
static void test_nbd_cache(void **state)
{
	static char want[BOOTLOADER_NBD_WINDOW * 3 + 512], got[sizeof(want)];
	struct bootloader_nbd n = { .h = NULL };
	char path[128], why[512];
	FILE *f;

	(void)state;
	if (system("command -v qemu-nbd >/dev/null"))
		skip();
	sh("cd %s && head -c %zu /dev/urandom > cache.img && "
	   "qemu-img convert -f raw -O qcow2 cache.img cache.qcow2", dir, sizeof(want));
	snprintf(path, sizeof(path), "%s/cache.img", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fread(want, 1, sizeof(want), f), sizeof(want));
	fclose(f);
	snprintf(path, sizeof(path), "%s/cache.qcow2", dir);
	assert_int_equal(bootloader_nbd_open(path, "qcow2", &n, why, sizeof(why)), 0);
	assert_int_equal(n.size, sizeof(want));
	for (size_t off = 0; off < sizeof(want); off += 1024) {
		size_t len = sizeof(want) - off < 1024 ? sizeof(want) - off : 1024;

		assert_int_equal(bootloader_nbd_read(&n, off, got + off, len), 0);
	}
	assert_memory_equal(got, want, sizeof(want));
	assert_int_equal(n.fetches, 4);		/* 3 windows and the tail */
	/* a read across two windows, one ending at the disk's end, one past it */
	assert_int_equal(bootloader_nbd_read(&n, BOOTLOADER_NBD_WINDOW - 100, got, 300), 0);
	assert_memory_equal(got, want + BOOTLOADER_NBD_WINDOW - 100, 300);
	assert_int_equal(bootloader_nbd_read(&n, sizeof(want) - 10, got, 10), 0);
	assert_memory_equal(got, want + sizeof(want) - 10, 10);
	assert_int_equal(bootloader_nbd_read(&n, sizeof(want) - 10, got, 11), -EIO);
	assert_int_equal(bootloader_nbd_read(&n, 0, got, sizeof(want)), 0);
	assert_memory_equal(got, want, sizeof(want));
	bootloader_nbd_close(&n);
	assert_null(n.h);
}

static void test_errors(void **state)
{
	struct bootloader_files f;
	struct domain_config dc;
	char want[512];

	(void)state;
	domain(&dc, "empty.img", "");
	assert_int_equal(bootloader_prepare(&dc, &f, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "pygrub: %s/empty.img: no /boot/grub/grub.cfg in an "
		 "ext2/3/4 file system (the whole disk, or an MBR or GPT partition)", dir);
	assert_string_equal(err, want);
	domain(&dc, "none.img", "");
	assert_int_equal(bootloader_prepare(&dc, &f, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "pygrub: %s/none.img: No such file or directory", dir);
	assert_string_equal(err, want);
	domain(&dc, "bare.img", "");
	dc.disks[0].format = DISK_FORMAT_QCOW2;		/* it is raw */
	assert_int_equal(bootloader_prepare(&dc, &f, err, sizeof(err)), -EIO);
	snprintf(want, sizeof(want), "pygrub: %s/bare.img: qemu-nbd: Failed to "
		 "blk_new_open '%s/bare.img': Image is not in qcow2 format", dir, dir);
	assert_string_equal(err, want);
	domain(&dc, "bare.img", "");
	dc.boot = CONFIG_BOOT_KERNEL;
	snprintf(dc.kernel, sizeof(dc.kernel), "/k");
	assert_int_equal(bootloader_prepare(&dc, &f, err, sizeof(err)), 0);
	assert_string_equal(dc.kernel, "/k");
	assert_string_equal(f.kernel, "");
	sh("cd %s && sed -i 's|/boot/vmlinuz-new|/boot/vmlinuz-gone|' root/boot/grub/grub.cfg && "
	   "truncate -s 16M gone.img && mke2fs -q -F -t ext4 -d root gone.img", dir);
	domain(&dc, "gone.img", "");
	assert_int_equal(bootloader_prepare(&dc, &f, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "pygrub: %s/gone.img: /boot/vmlinuz-gone: File not found by ext2_lookup", dir);
	assert_string_equal(err, want);
	sh("ls /tmp/xenoctl-pygrub-* 2>/dev/null | wc -l | grep -qx 0");
}

static unsigned char img[8192];

static int read_img(void *ctx, uint64_t off, void *buf, size_t n)
{
	(void)ctx;
	if (off + n > sizeof(img))
		return -EIO;
	memcpy(buf, img + off, n);
	return 0;
}

static void test_partitions(void **state)
{
	struct bootloader_part p[8];

	(void)state;
	memset(img, 0, sizeof(img));
	img[510] = 0x55;
	img[511] = 0xaa;
	img[446 + 4] = 0x83;		/* partition 1 at LBA 2048 */
	img[446 + 9] = 0x08;
	img[462 + 4] = 0x05;		/* an extended partition at LBA 4 */
	img[462 + 8] = 4;
	img[4 * 512 + 446 + 4] = 0x83;	/* logical 1 at 4 + 100 */
	img[4 * 512 + 446 + 8] = 100;
	img[4 * 512 + 462 + 4] = 0x05;	/* next EBR at 4 + 8 */
	img[4 * 512 + 462 + 8] = 8;
	img[4 * 512 + 510] = 0x55;
	img[4 * 512 + 511] = 0xaa;
	img[12 * 512 + 446 + 4] = 0x83;	/* logical 2 at 12 + 200, the last */
	img[12 * 512 + 446 + 8] = 200;
	img[12 * 512 + 510] = 0x55;
	img[12 * 512 + 511] = 0xaa;
	img[478 + 4] = 0x82;		/* swap at LBA 0x100000 */
	img[478 + 10] = 0x10;
	assert_int_equal(bootloader_partitions(read_img, NULL, p, 8), 5);
	assert_int_equal(p[0].off, 0);
	assert_int_equal(p[0].num, 0);
	assert_int_equal(p[1].off, 2048 * 512);
	assert_int_equal(p[1].num, 1);
	assert_int_equal(p[2].off, 104 * 512);
	assert_int_equal(p[2].num, 5);
	assert_int_equal(p[3].off, 212 * 512);
	assert_int_equal(p[3].num, 6);
	assert_int_equal(p[4].off, 0x100000ull * 512);
	assert_int_equal(p[4].num, 3);
	assert_int_equal(bootloader_partitions(read_img, NULL, p, 2), 2);
	img[510] = 0;
	assert_int_equal(bootloader_partitions(read_img, NULL, p, 8), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partitions),
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_qcow2),
		cmocka_unit_test(test_nbd_cache),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("bootloader_pygrub", tests, setup, teardown);
}
