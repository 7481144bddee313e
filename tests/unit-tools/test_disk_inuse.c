/* test_disk_inuse.c - unit tests of "a file system the guest has mounted" (tools/xenoctl/disk_inuse.c, bootloader_part.c) on images made by sfdisk and mke2fs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "xenoctl/disk.h"

#define IMG_MAX		(48u << 20)
#define MIB		(1u << 20)

static char dir[64];
static unsigned char *img;	/* the image under test, in memory */
static size_t img_len;

static void sh(const char *fmt, ...)
{
	char cmd[1024], full[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd %s && { %s; } >/dev/null 2>&1", dir, cmd);
	if (system(full))
		fail_msg("failed: %s", cmd);
}

/* Read the image file name into img. */
static void load(const char *name)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	img_len = fread(img, 1, IMG_MAX, f);
	fclose(f);
}

static int read_img(void *ctx, uint64_t off, void *buf, size_t n)
{
	(void)ctx;
	if (off > img_len || n > img_len - off)
		return -EIO;
	memcpy(buf, img + off, n);
	return 0;
}

/* The superblock of the file system at byte fs of img. */
static unsigned char *sb(uint64_t fs)
{
	return img + fs + 1024;
}

/* Mark the file system at fs as a read-write mount does: ext3/4 set the
 * journal's needs_recovery, ext2 clears "cleanly unmounted". */
static void mount_rw(uint64_t fs, int journal)
{
	if (journal)
		sb(fs)[96] |= 0x04;
	else
		sb(fs)[58] &= (unsigned char)~0x01;
}

static void expect(const char *want)
{
	char what[64] = "";
	int ret = disk_inuse_find(read_img, NULL, "xvdb", what, sizeof(what));

	if (!want) {
		if (ret)
			fail_msg("expected nothing in use, saw %d '%s'", ret, what);
		return;
	}
	assert_int_equal(ret, 1);
	assert_string_equal(what, want);
}

static int setup(void **state)
{
	(void)state;
	img = malloc(IMG_MAX);
	if (!img || !tmpdir_make(dir, sizeof(dir), "test_disk_inuse"))
		return -1;
	sh("truncate -s 16M bare4.img && mke2fs -q -F -t ext4 bare4.img && "
	   "truncate -s 16M bare2.img && mke2fs -q -F -t ext2 bare2.img && "
	   "truncate -s 16M bare3.img && mke2fs -q -F -t ext3 bare3.img && "
	   "truncate -s 40M mbr.img && printf 'start=2048, size=16384, type=83\\n"
	   "start=20480, size=40000, type=5\\nstart=22528, size=30000, type=83\\n' | "
	   "sfdisk -q mbr.img && mke2fs -q -F -t ext2 -E offset=1048576 mbr.img 8M && "
	   "mke2fs -q -F -t ext4 -E offset=11534336 mbr.img 14M && "
	   "truncate -s 40M gpt.img && printf 'label: gpt\\nstart=2048, size=16384\\n"
	   "start=20480, size=40000\\n' | sfdisk -q gpt.img && "
	   "mke2fs -q -F -t ext4 -E offset=10485760 gpt.img 16M");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(img);
	return tmpdir_remove(dir);
}

static void test_bare(void **state)
{
	(void)state;
	load("bare4.img");
	expect(NULL);				/* made, never mounted: clean */
	assert_null(disk_inuse_ext(sb(0)));
	mount_rw(0, 1);
	expect("ext4 on xvdb");
	load("bare3.img");
	mount_rw(0, 1);
	expect("ext3 on xvdb");
	load("bare2.img");
	expect(NULL);
	mount_rw(0, 0);
	expect("ext2 on xvdb");
	sb(0)[56] = 0;				/* no ext magic: nothing to say */
	expect(NULL);
}

static void test_partitions(void **state)
{
	(void)state;
	load("mbr.img");
	expect(NULL);
	mount_rw(11534336, 1);			/* the logical partition: vdb5 */
	expect("ext4 on xvdb5");
	load("mbr.img");
	mount_rw(1048576, 0);
	expect("ext2 on xvdb1");
	load("gpt.img");
	expect(NULL);
	mount_rw(10485760, 1);
	expect("ext4 on xvdb2");
}

/* Tables that point anywhere, a disk shorter than a sector. */
static void test_hostile(void **state)
{
	(void)state;
	load("mbr.img");
	img[446 + 8] = 0xff;			/* partition 1 far past the end */
	img[446 + 9] = 0xff;
	img[446 + 10] = 0xff;
	img[446 + 11] = 0x7f;
	mount_rw(11534336, 1);
	expect("ext4 on xvdb5");
	img_len = 100;
	assert_int_equal(disk_inuse_find(read_img, NULL, "xvdb", (char[64]){ 0 }, 64), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare),
		cmocka_unit_test(test_partitions),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
