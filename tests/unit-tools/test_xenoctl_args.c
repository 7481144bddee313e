/* test_xenoctl_args.c - unit tests of xenoctl's command lines (tools/xenoctl/args.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "xenoctl/xenoctl.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))

static char err[512];

static void test_create(void **state)
{
	struct create_args a;

	(void)state;
	assert_int_equal(args_create(ARGC("create", "demo.cfg"), ARGV("create", "demo.cfg"),
				     &a, err, sizeof(err)), 0);
	assert_string_equal(a.cfg, "demo.cfg");
	assert_int_equal(a.console, 0);
	assert_int_equal(a.wait, 0);
	assert_int_equal(a.nover, 0);

	assert_int_equal(args_create(ARGC("create", "-c", "name=vm2", "d.cfg", "-w", "memory=256"),
				     ARGV("create", "-c", "name=vm2", "d.cfg", "-w", "memory=256"),
				     &a, err, sizeof(err)), 0);
	assert_string_equal(a.cfg, "d.cfg");
	assert_int_equal(a.console, 1);
	assert_int_equal(a.wait, 1);
	assert_int_equal(a.nover, 2);
	assert_string_equal(a.over[0], "name=vm2");
	assert_string_equal(a.over[1], "memory=256");

	assert_int_equal(args_create(ARGC("create", "-cw", "-f", "x.cfg", "extra=a b"),
				     ARGV("create", "-cw", "-f", "x.cfg", "extra=a b"),
				     &a, err, sizeof(err)), 0);
	assert_string_equal(a.cfg, "x.cfg");
	assert_int_equal(a.console + a.wait, 2);
	assert_string_equal(a.over[0], "extra=a b");
}

static void test_create_errors(void **state)
{
	struct create_args a;

	(void)state;
	assert_int_equal(args_create(ARGC("create"), ARGV("create"), &a, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "which configuration file"));
	assert_int_equal(args_create(ARGC("create", "a.cfg", "b.cfg"), ARGV("create", "a.cfg", "b.cfg"),
				     &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "create: 'b.cfg': one configuration file only (a.cfg given "
			    "already); overrides are key=value");
	assert_int_equal(args_create(ARGC("create", "-x", "a.cfg"), ARGV("create", "-x", "a.cfg"),
				     &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "create: unknown option -x (see `xenoctl help create`)");
	assert_int_equal(args_create(ARGC("create", "-f"), ARGV("create", "-f"),
				     &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "create: option -f needs a value");
	/* after "--", a dash starts no option */
	assert_int_equal(args_create(ARGC("create", "--", "-odd.cfg"), ARGV("create", "--", "-odd.cfg"),
				     &a, err, sizeof(err)), 0);
	assert_string_equal(a.cfg, "-odd.cfg");
}

static void test_uint(void **state)
{
	unsigned long long v;

	(void)state;
	assert_int_equal(args_uint("256", 1, 65535, "weight", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 256);
	assert_int_equal(args_uint("0", 1, 65535, "weight", &v, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "weight 0: must be 1..65535");
	assert_int_equal(args_uint("12x", 1, 65535, "weight", &v, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "weight '12x': not a number");
	assert_int_equal(args_uint("-1", 0, 10, "cap", &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(args_uint("", 0, 10, "cap", &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(args_uint("99999999999999999999999", 0, ~0ull, "n", &v, err, sizeof(err)),
			 -EINVAL);
}

static void test_sched_credit(void **state)
{
	struct sched_args a;

	(void)state;
	assert_int_equal(args_sched_credit(ARGC("sched-credit"), ARGV("sched-credit"),
					   &a, err, sizeof(err)), 0);
	assert_null(a.dom);
	assert_true(a.weight == ARGS_UNSET && a.cap == ARGS_UNSET);

	assert_int_equal(args_sched_credit(ARGC("sched-credit", "-d", "web", "-w", "512"),
					   ARGV("sched-credit", "-d", "web", "-w", "512"),
					   &a, err, sizeof(err)), 0);
	assert_string_equal(a.dom, "web");
	assert_int_equal(a.weight, 512);
	assert_true(a.cap == ARGS_UNSET);

	assert_int_equal(args_sched_credit(ARGC("sched-credit", "-dweb", "-c", "0"),
					   ARGV("sched-credit", "-dweb", "-c", "0"),
					   &a, err, sizeof(err)), 0);
	assert_string_equal(a.dom, "web");
	assert_int_equal(a.cap, 0);

	assert_int_equal(args_sched_credit(ARGC("sched-credit", "-w", "5"),
					   ARGV("sched-credit", "-w", "5"), &a, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "sched-credit: -w and -c need the domain (-d DOM)");
	assert_int_equal(args_sched_credit(ARGC("sched-credit", "-d", "x", "-w", "70000"),
					   ARGV("sched-credit", "-d", "x", "-w", "70000"),
					   &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "weight 70000: must be 1..65535");
	assert_int_equal(args_sched_credit(ARGC("sched-credit", "x"), ARGV("sched-credit", "x"),
					   &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "sched-credit: too many arguments ('x')");
}

static void test_vcpu_pin(void **state)
{
	struct pin_args a;

	(void)state;
	assert_int_equal(args_vcpu_pin(ARGC("vcpu-pin", "web", "1", "0-1,3"),
				       ARGV("vcpu-pin", "web", "1", "0-1,3"), &a, err, sizeof(err)), 0);
	assert_string_equal(a.dom, "web");
	assert_int_equal(a.vcpu, 1);
	assert_int_equal(a.cpumap, 0xb);

	assert_int_equal(args_vcpu_pin(ARGC("vcpu-pin", "3", "all", "all"),
				       ARGV("vcpu-pin", "3", "all", "all"), &a, err, sizeof(err)), 0);
	assert_true(a.vcpu == ARGS_UNSET);
	assert_true(a.cpumap == ~0ull);

	assert_int_equal(args_vcpu_pin(ARGC("vcpu-pin", "web", "1"), ARGV("vcpu-pin", "web", "1"),
				       &a, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "needs DOM VCPU CPUS"));
	assert_int_equal(args_vcpu_pin(ARGC("vcpu-pin", "web", "32", "0"),
				       ARGV("vcpu-pin", "web", "32", "0"), &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "VCPU 32: must be 0..31");
	assert_int_equal(args_vcpu_pin(ARGC("vcpu-pin", "web", "0", "1-x"),
				       ARGV("vcpu-pin", "web", "0", "1-x"), &a, err, sizeof(err)), -EINVAL);
	assert_memory_equal(err, "CPUS '1-x': ", 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_sched_credit),
		cmocka_unit_test(test_vcpu_pin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
