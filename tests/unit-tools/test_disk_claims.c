/* test_disk_claims.c - unit tests of disk sharing: claims, dom0 mounts, loop devices, holders (tools/xenoctl/disk_claims.c, disk_mounts.c). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "xenoctl/disk.h"

static char dir[64], err[1024];
static char file_a[128], file_b[128], mountinfo[128], sysfs[128];
static struct disk_claims_env env;

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mkdirs(const char *fmt, ...)
{
	char path[512], cmd[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	assert_int_equal(system(cmd), 0);
}

/* A fake /sys: loop3 backed by file b, sda with partition sda1 under LVM. */
static int setup(void **state)
{
	char path[512];

	(void)state;
	assert_non_null(tmpdir_make(dir, sizeof(dir), "test_disk_claims"));
	snprintf(file_a, sizeof(file_a), "%s/a.img", dir);
	snprintf(file_b, sizeof(file_b), "%s/b.img", dir);
	snprintf(mountinfo, sizeof(mountinfo), "%s/mountinfo", dir);
	snprintf(sysfs, sizeof(sysfs), "%s/sys", dir);
	put(file_a, "a");
	put(file_b, "b");
	mkdirs("%s/sys/dev/block/7:3/loop", dir);
	snprintf(path, sizeof(path), "%s/sys/dev/block/7:3/loop/backing_file", dir);
	put(path, file_b);
	strcat(path, "\n");
	mkdirs("%s/sys/devices/sda/sda1", dir);
	snprintf(path, sizeof(path), "%s/sys/devices/sda/dev", dir);
	put(path, "8:0\n");
	snprintf(path, sizeof(path), "%s/sys/devices/sda/sda1/partition", dir);
	put(path, "1\n");
	snprintf(path, sizeof(path), "%s/sys/dev/block/8:1", dir);
	assert_int_equal(symlink("../../devices/sda/sda1", path), 0);
	snprintf(path, sizeof(path), "%s/sys/dev/block/8:0", dir);
	assert_int_equal(symlink("../../devices/sda", path), 0);
	mkdirs("%s/sys/devices/sda/sda1/holders/dm-0", dir);	/* LVM on sda1 */
	mkdirs("%s/sys/devices/sda/holders", dir);
	put(mountinfo, "21 1 0:20 / /proc rw,nosuid - proc proc rw\n");
	env.run_dir = dir;
	env.mountinfo = mountinfo;
	env.sysfs = sysfs;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static struct disk_spec disk(const char *target, enum disk_access a, unsigned int entry)
{
	struct disk_spec d;

	memset(&d, 0, sizeof(d));
	snprintf(d.target, sizeof(d.target), "%s", target);
	d.access = a;
	d.entry = entry;
	return d;
}

static void claim_ok(const char *domain, const char *target, enum disk_access a)
{
	struct disk_spec d = disk(target, a, 0);
	int ret = disk_claims_claim(&env, domain, &d, 1, err, sizeof(err));

	if (ret)
		print_error("%s: %s\n", domain, err);
	assert_int_equal(ret, 0);
}

/* The claim must fail with want_fmt, its %s the target. */
static void claim_busy(const char *domain, const char *target, enum disk_access a,
		       const char *want_fmt)
{
	struct disk_spec d = disk(target, a, 0);
	char want[1024];

	snprintf(want, sizeof(want), want_fmt, target);
	assert_int_equal(disk_claims_claim(&env, domain, &d, 1, err, sizeof(err)), -EBUSY);
	assert_string_equal(err, want);
}

static void test_conflict_rule(void **state)
{
	(void)state;
	assert_false(disk_claims_conflict(DISK_ACCESS_RO, DISK_ACCESS_RO));
	assert_true(disk_claims_conflict(DISK_ACCESS_RO, DISK_ACCESS_RW));
	assert_false(disk_claims_conflict(DISK_ACCESS_RO, DISK_ACCESS_RW_SHARED));
	assert_true(disk_claims_conflict(DISK_ACCESS_RW, DISK_ACCESS_RO));
	assert_true(disk_claims_conflict(DISK_ACCESS_RW, DISK_ACCESS_RW));
	assert_false(disk_claims_conflict(DISK_ACCESS_RW, DISK_ACCESS_RW_SHARED));
	assert_false(disk_claims_conflict(DISK_ACCESS_RW_SHARED, DISK_ACCESS_RO));
	assert_true(disk_claims_conflict(DISK_ACCESS_RW_SHARED, DISK_ACCESS_RW));
	assert_false(disk_claims_conflict(DISK_ACCESS_RW_SHARED, DISK_ACCESS_RW_SHARED));
}

static void test_domains(void **state)
{
	char holders[256];

	(void)state;
	claim_ok("ro1", file_a, DISK_ACCESS_RO);
	claim_busy("web", file_a, DISK_ACCESS_RW, "disk[0]: '%s' is attached read-only "
		   "to domain ro1 (w! shares it writable, if you are certain)");
	claim_ok("ro2", file_a, DISK_ACCESS_RO);
	disk_claims_release(&env, "ro1");
	disk_claims_release(&env, "ro2");
	claim_ok("web", file_a, DISK_ACCESS_RW);
	claim_busy("db", file_a, DISK_ACCESS_RW, "disk[0]: '%s' is attached writable to "
		   "domain web (w! shares it writable, if you are certain)");
	claim_busy("db", file_a, DISK_ACCESS_RO, "disk[0]: '%s' is attached writable to "
		   "domain web");
	claim_ok("db", file_a, DISK_ACCESS_RW_SHARED);
	assert_int_equal(disk_claims_holders(&env, file_a, holders, sizeof(holders)), 0);
	assert_true(!strcmp(holders, "web(w) db(w!)") || !strcmp(holders, "db(w!) web(w)"));
	/* the same domain again (a stale claim) does not block itself */
	claim_ok("web", file_a, DISK_ACCESS_RW_SHARED);
	disk_claims_rename(&env, "db", "db2");
	assert_int_equal(disk_claims_holders(&env, file_a, holders, sizeof(holders)), 0);
	assert_true(!strcmp(holders, "web(w!) db2(w!)") || !strcmp(holders, "db2(w!) web(w!)"));
	disk_claims_rename(&env, "db2", "db");
	disk_claims_release(&env, "web");
	disk_claims_release(&env, "db");
	assert_int_equal(disk_claims_holders(&env, file_a, holders, sizeof(holders)), 0);
	assert_string_equal(holders, "");
	/* a failed claim leaves nothing behind */
	claim_ok("x", file_b, DISK_ACCESS_RW);
	{
		struct disk_spec two[2] = { disk(file_a, DISK_ACCESS_RW, 0),
					    disk(file_b, DISK_ACCESS_RW, 1) };

		assert_int_equal(disk_claims_claim(&env, "y", two, 2, err, sizeof(err)), -EBUSY);
		assert_int_equal(disk_claims_holders(&env, file_a, holders, sizeof(holders)), 0);
		assert_string_equal(holders, "");
	}
	disk_claims_release(&env, "x");
}

/* block-attach and block-detach: one disk at a time; a refused one leaves
 * the domain's other claims alone. */
static void test_one_at_a_time(void **state)
{
	char holders[256];

	(void)state;
	claim_ok("web", file_a, DISK_ACCESS_RW);
	claim_ok("db", file_b, DISK_ACCESS_RW);
	claim_busy("web", file_b, DISK_ACCESS_RO, "disk[0]: '%s' is attached writable to "
		   "domain db");
	assert_int_equal(disk_claims_holders(&env, file_a, holders, sizeof(holders)), 0);
	assert_string_equal(holders, "web(w)");
	disk_claims_release_one(&env, "db", file_b);
	claim_ok("web", file_b, DISK_ACCESS_RO);
	disk_claims_release_one(&env, "web", file_a);
	assert_int_equal(disk_claims_holders(&env, file_a, holders, sizeof(holders)), 0);
	assert_string_equal(holders, "");
	assert_int_equal(disk_claims_holders(&env, file_b, holders, sizeof(holders)), 0);
	assert_string_equal(holders, "web(r)");
	disk_claims_release_one(&env, "web", "/nonexistent");	/* nothing to do */
	disk_claims_release(&env, "web");
}

static void test_own_disks(void **state)
{
	struct disk_spec two[2] = { disk(file_a, DISK_ACCESS_RO, 0),
				    disk(file_a, DISK_ACCESS_RW, 2) };
	char want[512];

	(void)state;
	assert_int_equal(disk_claims_check(&env, "web", two, 2, err, sizeof(err)), -EBUSY);
	snprintf(want, sizeof(want), "disk[2]: '%s' is also disk[0] of this domain", file_a);
	assert_string_equal(err, want);
	two[1].access = DISK_ACCESS_RO;
	assert_int_equal(disk_claims_check(&env, "web", two, 2, err, sizeof(err)), 0);
}

static void test_dom0_mounts(void **state)
{
	struct disk_id sda = { 1, makedev(8, 0), 0 }, sdb = { 1, makedev(8, 16), 0 };
	enum disk_access a;
	char where[256];

	(void)state;
	put(mountinfo, "21 1 0:20 / /proc rw,nosuid - proc proc rw\n"
		       "40 1 7:3 / /mnt/loop ro,relatime - ext4 /dev/loop3 ro\n"
		       "41 1 8:1 / /data rw,relatime - ext4 /dev/sda1 rw\n");
	assert_int_equal(disk_mounts_find(mountinfo, sysfs, &sda, &a, where, sizeof(where)), 1);
	assert_int_equal(a, DISK_ACCESS_RW);
	assert_string_equal(where, "/data");
	assert_int_equal(disk_mounts_find(mountinfo, sysfs, &sdb, &a, where, sizeof(where)), 0);
	/* file b, loop-mounted read-only: reading is fine, writing is not */
	claim_ok("r", file_b, DISK_ACCESS_RO);
	disk_claims_release(&env, "r");
	claim_busy("w", file_b, DISK_ACCESS_RW, "disk[0]: '%s' is mounted read-only in "
		   "dom0 on /mnt/loop (unmount it, or write w! if you are certain)");
	claim_ok("w", file_b, DISK_ACCESS_RW_SHARED);
	disk_claims_release(&env, "w");
	put(mountinfo, "40 1 7:3 / /mnt/loop rw,relatime - ext4 /dev/loop3 rw\n");
	claim_busy("r", file_b, DISK_ACCESS_RO, "disk[0]: '%s' is mounted read-write in "
		   "dom0 on /mnt/loop (unmount it)");
	claim_ok("r", file_a, DISK_ACCESS_RW);
	disk_claims_release(&env, "r");
	assert_int_equal(disk_mounts_find("/nonexistent", sysfs, &sda, &a, where,
					  sizeof(where)), -ENOENT);
}

static void test_dom0_holders(void **state)
{
	struct disk_id sda = { 1, makedev(8, 0), 0 }, sda1 = { 1, makedev(8, 1), 0 };
	struct disk_id sdb = { 1, makedev(8, 16), 0 }, file = { 0, makedev(8, 0), 5 };
	char name[64] = "";

	(void)state;
	assert_int_equal(disk_mounts_holder(sysfs, &sda, name, sizeof(name)), 1);
	assert_string_equal(name, "dm-0");
	assert_int_equal(disk_mounts_holder(sysfs, &sda1, name, sizeof(name)), 1);
	assert_int_equal(disk_mounts_holder(sysfs, &sdb, name, sizeof(name)), 0);
	assert_int_equal(disk_mounts_holder(sysfs, &file, name, sizeof(name)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conflict_rule),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_one_at_a_time),
		cmocka_unit_test(test_own_disks),
		cmocka_unit_test(test_dom0_mounts),
		cmocka_unit_test(test_dom0_holders),
	};

	return cmocka_run_group_tests_name("disk_claims", tests, setup, teardown);
}
