/* test_xenoctl_format.c - unit tests of xenoctl's output formats (tools/xenoctl/format.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "xenoctl/xenoctl.h"

static struct xl_domain_info dom(uint32_t id, const char *name, uint32_t state)
{
	struct xl_domain_info d = { .domid = id, .state = state, .vcpus = 2,
				    .memory_kib = 512 * 1024, .cpu_time_ns = 12345678901ull };

	snprintf(d.name, sizeof(d.name), "%s", name);
	return d;
}

static void test_state_letters(void **state)
{
	static const char *want[] = { "r-----", "-b----", "--p---", "---s--", "----c-", "-----d" };
	char s[FORMAT_STATE_LEN];
	uint32_t i;

	(void)state;
	for (i = 0; i <= XL_STATE_DYING; i++) {
		struct xl_domain_info d = dom(1, "vm", i);

		format_state(&d, s);
		assert_string_equal(s, want[i]);
	}
	{
		struct xl_domain_info d = dom(1, "vm", XL_STATE_RUNNABLE);

		format_state(&d, s);
		assert_string_equal(s, "------");
	}
}

static void test_list_line(void **state)
{
	struct xl_domain_info d = dom(3, "web", XL_STATE_BLOCKED);
	char line[256], f[6][40];

	(void)state;
	format_list_line(&d, line, sizeof(line));
	assert_int_equal(sscanf(line, "%39s %39s %39s %39s %39s %39s", f[0], f[1], f[2], f[3],
				f[4], f[5]), 6);
	assert_string_equal(f[0], "web");
	assert_string_equal(f[1], "3");
	assert_string_equal(f[2], "512");
	assert_string_equal(f[3], "2");
	assert_string_equal(f[4], "-b----");
	assert_string_equal(f[5], "12.3");

	format_list_header(line, sizeof(line));
	assert_int_equal(sscanf(line, "%39s %39s %39s %39s %39s %39s", f[0], f[1], f[2], f[3],
				f[4], f[5]), 6);
	assert_string_equal(f[0], "Name");
	assert_string_equal(f[5], "Time(s)");
}

static void test_list_columns_align(void **state)
{
	struct xl_domain_info a = dom(0, "whatever", XL_STATE_RUNNING);
	struct xl_domain_info b = dom(12, "a-much-longer-name-of-31-chars", XL_STATE_PAUSED);
	char h[256], la[256], lb[256];

	(void)state;
	format_list_header(h, sizeof(h));
	format_list_line(&a, la, sizeof(la));
	format_list_line(&b, lb, sizeof(lb));
	assert_int_equal(strlen(h), strlen(la));
	assert_int_equal(strlen(la), strlen(lb));
	assert_memory_equal(la, "Domain-0 ", 9);	/* dom0's name whatever it reports */
}

static void test_uptime(void **state)
{
	char b[64];
	const uint64_t s = 1000000000ull;

	(void)state;
	format_uptime(7 * s, b, sizeof(b));
	assert_string_equal(b, "0:00:07");
	format_uptime((3 * 3600 + 25 * 60 + 1) * s + 999999999ull, b, sizeof(b));
	assert_string_equal(b, "3:25:01");
	format_uptime((86400 + 7) * s, b, sizeof(b));
	assert_string_equal(b, "1 day, 0:00:07");
	format_uptime((12 * 86400 + 4 * 3600) * s, b, sizeof(b));
	assert_string_equal(b, "12 days, 4:00:00");
}

static void test_cpumap(void **state)
{
	char b[200];

	(void)state;
	format_cpumap(0x3, 2, b, sizeof(b));
	assert_string_equal(b, "all");
	format_cpumap(~0ull, 4, b, sizeof(b));
	assert_string_equal(b, "all");
	format_cpumap(0xb, 8, b, sizeof(b));
	assert_string_equal(b, "0-1,3");
	format_cpumap(0x4, 8, b, sizeof(b));
	assert_string_equal(b, "2");
	format_cpumap(0, 8, b, sizeof(b));
	assert_string_equal(b, "none");
	format_cpumap(0xf0f0ull | (1ull << 63), 64, b, sizeof(b));
	assert_string_equal(b, "4-7,12-15,63");
	format_cpumap(~0ull, 64, b, sizeof(b));
	assert_string_equal(b, "all");
	format_cpumap(0x5555555555555555ull, 64, b, 8);	/* truncated, never overrun */
	assert_true(strlen(b) < 8);
}

static void test_vcpu_state(void **state)
{
	struct xl_dc_vcpu v = { .online = 1, .state = XL_STATE_RUNNING };

	(void)state;
	assert_string_equal(format_vcpu_state(&v), "r--");
	v.state = XL_STATE_BLOCKED;
	assert_string_equal(format_vcpu_state(&v), "-b-");
	v.state = XL_STATE_PAUSED;
	assert_string_equal(format_vcpu_state(&v), "--p");
	v.state = XL_STATE_RUNNABLE;
	assert_string_equal(format_vcpu_state(&v), "---");
	v.online = 0;
	assert_string_equal(format_vcpu_state(&v), "---");
}

static void test_exit_status(void **state)
{
	(void)state;
	assert_int_equal(format_exit_status(XL_STATE_SHUTDOWN, XL_SHUTDOWN_EXIT, 0x31), 0x31);
	assert_int_equal(format_exit_status(XL_STATE_SHUTDOWN, XL_SHUTDOWN_EXIT, 0x1ff), 0xff);
	assert_int_equal(format_exit_status(XL_STATE_SHUTDOWN, XL_SHUTDOWN_POWEROFF, 7), 0);
	assert_int_equal(format_exit_status(XL_STATE_SHUTDOWN, XL_SHUTDOWN_REBOOT, 0), 0);
	assert_int_equal(format_exit_status(XL_STATE_CRASHED, XL_SHUTDOWN_CRASH, 0), 2);
	assert_int_equal(format_exit_status(XL_STATE_CRASHED, XL_SHUTDOWN_POWEROFF, 0), 2);
	assert_string_equal(format_reason(XL_SHUTDOWN_EXIT), "exit");
	assert_string_equal(format_reason(XL_SHUTDOWN_CRASH), "crash");
	assert_string_equal(format_reason(77), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_letters),
		cmocka_unit_test(test_list_line),
		cmocka_unit_test(test_list_columns_align),
		cmocka_unit_test(test_uptime),
		cmocka_unit_test(test_cpumap),
		cmocka_unit_test(test_vcpu_state),
		cmocka_unit_test(test_exit_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
