/* test_vd.c - unit tests of `xenoctl vd`'s plain logic: command lines and list lines (tools/xenoctl/vd_args.c, vd_list.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "xenoctl/vd.h"
#include "xenoctl/vd_cmd.h"

static struct vd_args a;
static char err[512];

#define ARGV(...) (char *[]){ "vd", __VA_ARGS__, NULL }
#define ARGC(...) ((int)(sizeof((char *[]){ "vd", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(...) vd_args_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &a, err, sizeof(err))

static void args_err(int ret, const char *want)
{
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(err, want);
}

static void test_args(void **state)
{
	(void)state;
	assert_int_equal(PARSE("create", "web", "4G", "--fs", "ext4", "--from=/srv/root.tar",
			       "--format", "qcow2"), 0);
	assert_string_equal(a.verb, "create");
	assert_int_equal(a.npos, 2);
	assert_string_equal(a.pos[0], "web");
	assert_string_equal(a.pos[1], "4G");
	assert_string_equal(a.fs, "ext4");
	assert_string_equal(a.from, "/srv/root.tar");
	assert_string_equal(a.format, "qcow2");
	assert_int_equal(PARSE("create", "--from", "/d", "web", "1G"), 0);
	assert_string_equal(a.pos[0], "web");
	assert_string_equal(a.from, "/d");
	assert_null(a.fs);
	assert_int_equal(PARSE("list"), 0);
	assert_int_equal(PARSE("pool", "add", "/dev/sdb1", "--force"), 0);
	assert_string_equal(a.verb, "pool-add");
	assert_int_equal(a.force, 1);
	assert_string_equal(a.pos[0], "/dev/sdb1");
	assert_int_equal(PARSE("pool", "list"), 0);
	assert_string_equal(a.verb, "pool-list");
	assert_int_equal(PARSE("clone", "a", "b"), 0);
	assert_int_equal(PARSE("resize", "a", "8G"), 0);
	assert_int_equal(PARSE("delete", "a"), 0);
	args_err(vd_args_parse(1, (char *[]){ "vd", NULL }, &a, err, sizeof(err)),
		 "vd: which? create, list, delete, clone, resize, pool (`xenoctl help vd`)");
	args_err(PARSE("make", "a"), "vd: unknown verb 'make' (create, list, delete, "
		 "clone, resize, pool add, pool list)");
	args_err(PARSE("pool", "remove"), "vd: unknown verb 'pool remove' (create, list, "
		 "delete, clone, resize, pool add, pool list)");
	args_err(PARSE("create", "a"), "usage: xenoctl vd create NAME SIZE [--fs ext4] "
		 "[--from DIR|TAR] [--format raw|qcow2]");
	args_err(PARSE("delete", "a", "b"), "usage: xenoctl vd delete NAME");
	args_err(PARSE("list", "--force"), "vd list: unknown option --force");
	args_err(PARSE("create", "a", "1G", "--fs"), "vd create: --fs needs a value");
	args_err(PARSE("create", "a", "1G", "--fs="), "vd create: --fs needs a value");
	args_err(PARSE("create", "a", "1G", "--f", "x"), "vd create: unknown option --f");
	args_err(PARSE("pool", "add", "/dev/x", "--force=1"), "vd pool-add: --force takes no value");
}

static void test_list_lines(void **state)
{
	struct vd_info i = { .name = "web", .format = DISK_FORMAT_QCOW2,
			     .size = 4ull << 30, .alloc = 3ull << 29,
			     .holders = "web(w) backup(r)" };
	char line[512];

	(void)state;
	vd_list_header(line, sizeof(line));
	assert_string_equal(line, "NAME                         SIZE    ALLOC FORMAT ATTACHED");
	vd_list_line(&i, line, sizeof(line));
	assert_string_equal(line, "web                            4G     1.5G qcow2  web(w) backup(r)");
	i.holders[0] = '\0';
	i.format = DISK_FORMAT_RAW;
	i.alloc = 0;
	vd_list_line(&i, line, sizeof(line));
	assert_string_equal(line, "web                            4G       0B raw    -");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_list_lines),
	};

	return cmocka_run_group_tests_name("vd", tests, NULL, NULL);
}
