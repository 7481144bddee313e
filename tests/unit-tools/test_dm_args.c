/* test_dm_args.c - xenolith-dm's command line: disks, vdev naming and order, one-line errors naming the argument. */
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
	static char store[16][128];
	char *argv[17] = { "xenolith-dm" };
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
	assert_int_equal(a.ready_fd, -1);
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

static void test_too_many(void **state)
{
	char *argv[3 + 2 * (DM_MAX_DISKS + 1)], store[DM_MAX_DISKS + 1][16], err[256];
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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_too_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
