/* test_dm_args.c - xenolith-dm's command line: disks, vdev naming and order, NICs and their MACs, one-line errors naming the argument. */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "args.h"

/* Parse a NULL-terminated list of arguments (copied: parsing edits them). */
static int parse_list(struct dm_args *a, char *err, va_list ap)
{
	static char store[24][128];
	char *argv[25] = { "xenolith-dm" };
	const char *s;
	int argc = 1;

	while ((s = va_arg(ap, const char *))) {
		strcpy(store[argc], s);
		argv[argc] = store[argc];
		argc++;
	}
	err[0] = 0;
	return dm_args_parse(argc, argv, a, err, 256);
}

static int parse(struct dm_args *a, char *err, ...)
{
	va_list ap;
	int ret;

	va_start(ap, err);
	ret = parse_list(a, err, ap);
	va_end(ap);
	return ret;
}

static void test_good(void **state)
{
	struct dm_args a;
	char err[256];

	(void)state;
	assert_int_equal(parse(&a, err, "--domid", "7", "--disk", "/d/b.img,vdev=xvdc,access=ro,format=qcow2",
			       "--disk", "/dev/sdb", "--disk", "/d/a.img,format=raw,vdev=xvda",
			       NULL), 0);
	assert_int_equal(a.domid, 7);
	assert_int_equal(a.nr_disks, 3);
	/* Sorted by vdev; the unnamed disk took the first free name. */
	assert_string_equal(a.disk[0].vdev, "xvda");
	assert_string_equal(a.disk[0].path, "/d/a.img");
	assert_false(a.disk[0].ro);
	assert_string_equal(a.disk[1].vdev, "xvdb");
	assert_string_equal(a.disk[1].path, "/dev/sdb");
	assert_string_equal(a.disk[2].vdev, "xvdc");
	assert_true(a.disk[2].ro);
	assert_true(a.disk[2].qcow2);
	assert_false(a.disk[0].qcow2);
	assert_false(a.disk[0].shared);
	assert_int_equal(a.ready_fd, -1);
	assert_int_equal(parse(&a, err, "--domid", "7", "--disk", "/d/s.img,access=shared", NULL), 0);
	assert_true(a.disk[0].shared);
	assert_false(a.disk[0].ro);
	assert_int_equal(parse(&a, err, "--domid", "3", "--ready-fd", "5", NULL), 0);
	assert_int_equal(a.nr_disks, 0);
	assert_int_equal(a.ready_fd, 5);
	assert_int_equal(parse(&a, err, "--help", NULL), 0);
	assert_true(a.help);
}

/* Each bad command line fails with one line containing want. */
static void bad(const char *want, ...)
{
	struct dm_args a;
	char err[256];
	va_list ap;
	int ret;

	va_start(ap, want);
	ret = parse_list(&a, err, ap);
	va_end(ap);
	assert_int_equal(ret, -EINVAL);
	if (!strstr(err, want))
		fail_msg("expected an error with '%s', saw '%s'", want, err);
	assert_null(strchr(err, '\n'));
}

static void test_bad(void **state)
{
	(void)state;
	bad("--domid: missing", NULL);
	bad("--disk /q.qcow2: access=shared needs format=raw (two writers would corrupt a qcow2 "
	    "image's tables)", "--domid", "3", "--disk", "/q.qcow2,access=shared,format=qcow2", NULL);
	bad("--domid: missing", "--disk", "/a", NULL);
	bad("--domid 0: not a domU id", "--domid", "0", NULL);
	bad("--domid x1: not a domU id", "--domid", "x1", NULL);
	bad("--domid -1: not a domU id", "--domid", "-1", NULL);
	bad("--domid 99999999999: not a domU id", "--domid", "99999999999", NULL);
	bad("--domid: needs a value", "--domid", NULL);
	bad("--frob: unknown argument", "--domid", "1", "--frob", NULL);
	bad("--ready-fd 2: not a file descriptor from 3", "--domid", "1", "--ready-fd", "2", NULL);
	bad("--ready-fd x: not a file descriptor from 3", "--domid", "1", "--ready-fd", "x", NULL);
	bad("--disk: no path", "--domid", "1", "--disk", ",vdev=xvda", NULL);
	bad("--disk /a: bad option 'vdev=sda'", "--domid", "1", "--disk", "/a,vdev=sda", NULL);
	bad("--disk /a: bad option 'access=rx'", "--domid", "1", "--disk", "/a,access=rx", NULL);
	bad("--disk /a: bad option 'format=vmdk'", "--domid", "1", "--disk", "/a,format=vmdk", NULL);
	bad("--disk /b: vdev=xvda given twice", "--domid", "1", "--disk", "/a,vdev=xvda",
	    "--disk", "/b,vdev=xvda", NULL);
}

static void test_nic(void **state)
{
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0x01, 0x0a, 0xff };
	struct dm_args a;
	char err[256];

	(void)state;
	assert_int_equal(parse(&a, err, "--domid", "12", "--nic", "mac=00:16:3e:01:0a:FF,bridge=br1",
			       "--nic", "", "--nic", "vifname=web0,bridge=xenbr2", NULL), 0);
	assert_int_equal(a.nr_nics, 3);
	assert_memory_equal(a.nic[0].mac, mac, 6);
	assert_string_equal(a.nic[0].bridge, "br1");
	assert_string_equal(a.nic[0].vifname, "vif12.0");
	/* no mac=: Xen's OUI and three random bytes; no bridge=: none (the script's job) */
	assert_false(a.nic[1].has_mac);
	assert_memory_equal(a.nic[1].mac, mac, 3);
	assert_string_equal(a.nic[1].bridge, "");
	assert_string_equal(a.nic[1].vifname, "vif12.1");
	assert_string_equal(a.nic[2].vifname, "web0");
	assert_string_equal(a.nic[2].bridge, "xenbr2");
	assert_int_equal(parse(&a, err, "--domid", "4294967295", "--nic", "", NULL), 0);
	assert_string_equal(a.nic[0].vifname, "vif4294967295.0");
}

static void test_nic_bad(void **state)
{
	(void)state;
	bad("--nic mac=00:16:3e:zz:01:02: expected six hex bytes", "--domid", "1",
	    "--nic", "mac=00:16:3e:zz:01:02", NULL);
	bad("--nic mac=01:16:3e:00:01:02: a multicast address", "--domid", "1",
	    "--nic", "mac=01:16:3e:00:01:02", NULL);
	bad("--nic mac=00:00:00:00:00:00: not a usable address", "--domid", "1",
	    "--nic", "mac=00:00:00:00:00:00", NULL);
	bad("expected six hex bytes", "--domid", "1", "--nic", "mac=00:16:3e:1:02:03", NULL);
	bad("expected six hex bytes", "--domid", "1", "--nic", "mac=00:16:3e:01:02:03:04", NULL);
	bad("expected six hex bytes", "--domid", "1", "--nic", "mac= 0:16:3e:01:02:03", NULL);
	bad("expected six hex bytes", "--domid", "1", "--nic", "mac=+0:16:3e:01:02:03", NULL);
	bad("--nic: bad option 'model=e1000'", "--domid", "1", "--nic", "model=e1000", NULL);
	bad("--nic bridge=: not an interface name", "--domid", "1", "--nic", "bridge=", NULL);
	bad("--nic vifname=abcdefghijklmnop: not an interface name", "--domid", "1",
	    "--nic", "vifname=abcdefghijklmnop", NULL);
	bad("--nic vifname=a/b: not an interface name", "--domid", "1", "--nic", "vifname=a/b", NULL);
	bad("--nic: vifname vif1.0 given twice", "--domid", "1", "--nic", "",
	    "--nic", "vifname=vif1.0", NULL);
	bad("--nic vif1.1: the MAC address of vif1.0 again", "--domid", "1",
	    "--nic", "mac=00:16:3e:00:00:01", "--nic", "mac=00:16:3e:00:00:01", NULL);
	bad("--nic: at most 8 NICs", "--domid", "1", "--nic", "", "--nic", "", "--nic", "",
	    "--nic", "", "--nic", "", "--nic", "", "--nic", "", "--nic", "", "--nic", "", NULL);
}

static void test_too_many(void **state)
{
	char *argv[3 + 2 * (DM_MAX_DISKS + 6)], store[DM_MAX_DISKS + 1][16], err[256];
	struct dm_args a;
	int i, argc = 0;

	(void)state;
	argv[argc++] = "xenolith-dm";
	argv[argc++] = "--domid";
	argv[argc++] = "1";
	for (i = 0; i <= DM_MAX_DISKS; i++) {
		snprintf(store[i], sizeof(store[i]), "/d%d", i);
		argv[argc++] = "--disk";
		argv[argc++] = store[i];
	}
	assert_int_equal(dm_args_parse(argc, argv, &a, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "at most 26 disks"));
	assert_int_equal(dm_args_parse(argc - 2, argv, &a, err, sizeof(err)), 0);
	assert_string_equal(a.disk[DM_MAX_DISKS - 1].vdev, "xvdz");
	/* 26 disks and 6 NICs do not fit in 31 slots */
	for (i = 0; i < 6; i++) {
		argv[argc - 2 + 2 * i] = "--nic";
		argv[argc - 1 + 2 * i] = "";
	}
	assert_int_equal(dm_args_parse(argc + 10, argv, &a, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "26 disks and 6 NICs, at most 31 devices"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_nic),
		cmocka_unit_test(test_nic_bad),
		cmocka_unit_test(test_too_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
