/* test_xenoctl_saved.c - unit tests of the saved configuration (tools/xenoctl/saved.c): written back, it reads the same. */
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

#include "xenoctl/xenoctl.h"
#include "xenoctl/config.h"

static char err[512];

static void parse(const char *text, struct config_file *cf, struct domain_config *dc)
{
	int ret = config_parse(text, strlen(text), "t.cfg", cf, err, sizeof(err));

	if (ret)
		print_error("parse: %s\n%s\n", err, text);
	assert_int_equal(ret, 0);
	ret = config_to_domain(cf, dc, err, sizeof(err), NULL, NULL);
	if (ret)
		print_error("to_domain: %s\n", err);
	assert_int_equal(ret, 0);
}

/* Print cf (with dc's name/kernel/ramdisk) and parse the result again. */
static char *round_trip(const struct config_file *cf, const struct domain_config *dc,
			struct config_file *cf2, struct domain_config *dc2)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(saved_config_print(f, cf, dc), 0);
	fclose(f);
	parse(text, cf2, dc2);
	return text;
}

static void test_round_trip(void **state)
{
	static const char src[] =
		"name = 'web'\n"
		"kernel = \"/boot/vmlinuz\"\n"
		"ramdisk = '/boot/initrd.img'\n"
		"memory = 0x100\n"
		"vcpus = 2\n"
		"cpus = ['0-1', '1']\n"
		"cpu_weight = 512\n"
		"cpu_cap = 150\n"
		"extra = 'console=ttyS0 quiet msg=\"it\\'s\\ta\\\\b\"'\n"
		"on_reboot = 'preserve'\n"
		"on_crash = 'restart'\n"
		"disk = [ 'file:/x.img,xvda,w' ]\n";
	struct config_file cf = { 0 }, cf2 = { 0 };
	struct domain_config dc, dc2;
	char *text;

	(void)state;
	parse(src, &cf, &dc);
	text = round_trip(&cf, &dc, &cf2, &dc2);
	assert_non_null(strstr(text, "disk = [ 'format=raw, vdev=xvda, access=w, "
			       "target=/x.img' ]\n"));
	assert_int_equal(dc2.ndisks, 1);
	assert_string_equal(dc2.disks[0].target, "/x.img");
	assert_int_equal(dc2.disks[0].format_given, 1);
	/* moved in the file, and written without its prefix */
	dc.disks[0].line = dc2.disks[0].line = 0;
	dc2.disks[0].kind = dc.disks[0].kind;
	assert_memory_equal(&dc, &dc2, sizeof(dc));
	assert_non_null(config_find(&cf2, "disk"));
	assert_int_equal(dc2.memory_mib, 256);
	assert_string_equal(dc2.cmdline, dc.cmdline);
	free(text);
	config_free(&cf);
	config_free(&cf2);
}

static void test_name_and_paths_from_dc(void **state)
{
	struct config_file cf = { 0 }, cf2 = { 0 };
	struct domain_config dc, dc2;
	char *text;

	(void)state;
	parse("name='a'\nkernel='vmlinuz'\n", &cf, &dc);
	assert_int_equal(config_override(&cf, "name=renamed", err, sizeof(err)), 0);
	assert_int_equal(config_to_domain(&cf, &dc, err, sizeof(err), NULL, NULL), 0);
	snprintf(dc.kernel, sizeof(dc.kernel), "/abs/dir/vmlinuz");
	snprintf(dc.ramdisk, sizeof(dc.ramdisk), "/abs/dir/it's");
	text = round_trip(&cf, &dc, &cf2, &dc2);
	assert_string_equal(dc2.name, "renamed");
	assert_string_equal(dc2.kernel, "/abs/dir/vmlinuz");
	assert_string_equal(dc2.ramdisk, "/abs/dir/it's");
	free(text);
	config_free(&cf);
	config_free(&cf2);
}

/* A domain booted by pygrub is saved without the kernel pygrub found. */
static void test_pygrub_saved_without_kernel(void **state)
{
	struct config_file cf = { 0 }, cf2 = { 0 };
	struct domain_config dc, dc2;
	char *text;

	(void)state;
	parse("name='a'\nbootloader='pygrub'\ndisk=['vd:root,xvda,w', 'phy:sdb,xvdc,r']\n",
	      &cf, &dc);
	snprintf(dc.kernel, sizeof(dc.kernel), "/tmp/xenoctl-kernel.1");
	text = round_trip(&cf, &dc, &cf2, &dc2);
	assert_null(strstr(text, "kernel"));
	assert_non_null(strstr(text, "disk = [ 'vd:root,xvda,w', 'format=raw, vdev=xvdc, "
			       "access=r, target=/dev/sdb' ]\n"));
	assert_int_equal(dc2.boot, CONFIG_BOOT_PYGRUB);
	assert_string_equal(dc2.disks[0].pool_name, "root");
	free(text);
	config_free(&cf);
	config_free(&cf2);
}

static void test_write_load_exit(void **state)
{
	struct config_file cf = { 0 };
	struct domain_config dc, dc2;
	struct xl_domain_info d = { .domid = 42, .state = XL_STATE_SHUTDOWN,
				    .shutdown_reason = XL_SHUTDOWN_EXIT, .exit_status = 0x31 };
	char dir[] = "/tmp/xenoctl-saved-XXXXXX", path[1024];
	uint32_t st, reason, code;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XENOLITH_RUN_DIR", dir, 1);
	parse("name='vm'\nkernel='/k'\nmemory=64\n", &cf, &dc);
	assert_int_equal(saved_config_write(&cf, &dc, err, sizeof(err)), 0);
	saved_config_path("vm", path, sizeof(path));
	assert_int_equal(access(path, R_OK), 0);
	assert_int_equal(saved_config_rename("vm", "vm2"), 0);
	assert_int_equal(saved_config_load("vm2", &dc2, err, sizeof(err)), 0);
	assert_string_equal(dc2.name, "vm2");
	assert_int_equal(dc2.memory_mib, 64);
	assert_int_equal(saved_config_load("nope", &dc2, err, sizeof(err)), -ENOENT);

	saved_exit_write(&d);
	assert_int_equal(saved_exit_read(42, &st, &reason, &code), 0);
	assert_int_equal(format_exit_status(st, reason, code), 0x31);
	assert_int_equal(saved_exit_read(42, &st, &reason, &code), -ENOENT);	/* read once */

	assert_int_equal(saved_stopping(), 0);
	saved_set_stopping(1);
	assert_int_equal(saved_stopping(), 1);
	saved_set_stopping(0);
	assert_int_equal(saved_stopping(), 0);

	saved_config_remove("vm2");
	assert_int_equal(rmdir(dir), 0);
	config_free(&cf);
}

/* block-attach and block-detach keep the saved configuration in step. */
static void test_disk_changes(void **state)
{
	static struct domain_config dc, dc2;
	struct config_file cf = { 0 };
	struct disk_spec d = { 0 };
	char dir[] = "/tmp/xenoctl-saved-XXXXXX", why[256], spec[32];

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XENOLITH_RUN_DIR", dir, 1);
	parse("name='vm'\nkernel='/k'\nmemory=64\ndisk=['/a.img,raw,xvda,w']\n"
	      "on_reboot='restart'\n", &cf, &dc);
	assert_int_equal(saved_config_write(&cf, &dc, err, sizeof(err)), 0);
	assert_int_equal(disk_spec_parse("vdev=hdc, access=w!, target=/srv/b,c.img", &d, why,
					 sizeof(why)), 0);
	assert_int_equal(saved_config_disk("vm", &d, d.vdev_index, err, sizeof(err)), 0);
	assert_int_equal(saved_config_disk("vm", &d, d.vdev_index, err, sizeof(err)), 0);
	assert_int_equal(saved_config_load("vm", &dc2, err, sizeof(err)), 0);
	assert_int_equal(dc2.ndisks, 2);
	assert_string_equal(dc2.disks[1].target, "/srv/b,c.img");
	assert_string_equal(dc2.disks[1].vdev, "hdc");
	assert_int_equal(dc2.disks[1].access, DISK_ACCESS_RW_SHARED);
	assert_int_equal(dc2.on_reboot, CONFIG_ACTION_RESTART);	/* the rest kept */
	assert_int_equal(dc2.memory_mib, 64);

	assert_int_equal(saved_config_disk("vm", NULL, 0, err, sizeof(err)), 0);	/* xvda out */
	assert_int_equal(saved_config_disk("vm", NULL, 5, err, sizeof(err)), 0);	/* none */
	assert_int_equal(saved_config_load("vm", &dc2, err, sizeof(err)), 0);
	assert_int_equal(dc2.ndisks, 1);
	assert_string_equal(dc2.disks[0].vdev, "hdc");

	for (unsigned int i = 1; i < DISK_MAX; i++) {
		snprintf(spec, sizeof(spec), "/d%u.img,raw,xvd%c,r", i, 'c' + i);
		assert_int_equal(disk_spec_parse(spec, &d, why, sizeof(why)), 0);
		assert_int_equal(saved_config_disk("vm", &d, d.vdev_index, err, sizeof(err)), 0);
	}
	assert_int_equal(disk_spec_parse("/z.img,raw,xvdz,r", &d, why, sizeof(why)), 0);
	assert_int_equal(saved_config_disk("vm", &d, d.vdev_index, err, sizeof(err)), -ENOSPC);
	assert_string_equal(err, "vm: 16 disks already, at most 16 in a configuration");
	assert_int_equal(saved_config_disk("nope", &d, d.vdev_index, err, sizeof(err)), -ENOENT);

	saved_config_remove("vm");
	assert_int_equal(rmdir(dir), 0);
	config_free(&cf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_disk_changes),
		cmocka_unit_test(test_name_and_paths_from_dc),
		cmocka_unit_test(test_pygrub_saved_without_kernel),
		cmocka_unit_test(test_write_load_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
