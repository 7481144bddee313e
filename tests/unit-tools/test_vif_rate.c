/* test_vif_rate.c - unit tests of a vif's rate= (tools/xenoctl/vif_rate.c) and its place in a vif spec and a configuration. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "xenoctl/config.h"

static void rate_ok(const char *s, uint64_t bytes_per_s, uint32_t interval_us)
{
	struct vif_rate r;
	char why[256];
	int ret = vif_rate_parse(s, &r, why, sizeof(why));

	if (ret)
		print_error("rate '%s': unexpected error: %s\n", s, why);
	assert_int_equal(ret, 0);
	assert_int_equal(r.bytes_per_s, bytes_per_s);
	assert_int_equal(r.interval_us, interval_us);
}

static void rate_err(const char *s, const char *want)
{
	struct vif_rate r;
	char why[256];
	int ret = vif_rate_parse(s, &r, why, sizeof(why));

	if (ret != -EINVAL || !strstr(why, want))
		print_error("rate '%s'\nexpected: %s\nsaw (%d): %s\n", s, want, ret,
			    ret ? why : "success");
	assert_int_equal(ret, -EINVAL);
	assert_non_null(strstr(why, want));
	assert_int_equal(strncmp(why, "rate '", 6), 0);
}

static void test_rates(void **state)
{
	(void)state;
	rate_ok("10Mb/s", 1250000, 50000);
	rate_ok("1MB/s@20ms", 1000000, 20000);
	rate_ok("100KB/s@1s", 100000, 1000000);
	rate_ok("8b/s@250us", 1, 250);
	rate_ok("2Gb/s@100", 250000000, 100);
	rate_ok("1GB/s", 1000000000, 50000);
	rate_ok("512B/s", 512, 50000);
}

static void test_bad_rates(void **state)
{
	(void)state;
	rate_err("", "expected a number");
	rate_err("fast", "expected a number");
	rate_err("0Mb/s", "a rate of 0");
	rate_err("10", "expected the unit");
	rate_err("10Mib/s", "expected the unit");
	rate_err("10mb/s", "expected the unit");
	rate_err("10Mb", "expected /s");
	rate_err("10Mb/h", "expected /s");
	rate_err("10Mb/s@", "expected @INTERVAL");
	rate_err("10Mb/s@0ms", "expected @INTERVAL");
	rate_err("10Mb/s@20min", "expected @INTERVAL");
	rate_err("10Mb/s@11s", "expected @INTERVAL");
	rate_err("10Mb/s 20ms", "expected @INTERVAL");
	rate_err("-1Mb/s", "expected a number");
	rate_err("4b/s", "out of range");
	rate_err("99999999999999999999B/s", "expected a number");
	rate_err("2000GB/s", "out of range");
}

/* In a spec, rate= is taken (no longer ignored); in a configuration a
 * bad one names the file, line and vif. */
static void test_in_spec_and_config(void **state)
{
	static const char cfg[] = "name = 'web'\nmemory = 64\nkernel = '/k'\n"
				  "vif = [ 'bridge=xenbr0', 'rate=10Mb/s@fast' ]\n";
	static struct domain_config dc;
	struct config_file cf = { 0 };
	struct vif_spec v = { 0 };
	char why[512], err[512];

	(void)state;
	assert_int_equal(vif_spec_parse("bridge=xenbr1, rate=1MB/s@20ms", &v, why, sizeof(why)), 0);
	assert_null(v.ignored);
	assert_int_equal(v.rate.bytes_per_s, 1000000);
	assert_int_equal(v.rate.interval_us, 20000);
	assert_int_equal(vif_spec_parse("", &v, why, sizeof(why)), 0);
	assert_int_equal(v.rate.bytes_per_s, 0);
	assert_int_equal(config_parse(cfg, strlen(cfg), "web.cfg", &cf, err, sizeof(err)), 0);
	assert_int_equal(config_vifs(&cf, &dc, err, sizeof(err), NULL, NULL), -EINVAL);
	assert_string_equal(err, "web.cfg:4: vif[1]: rate '10Mb/s@fast': expected @INTERVAL after "
			    "/s (e.g. @20ms: 1us to 10s, s, ms or us)");
	config_free(&cf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_bad_rates),
		cmocka_unit_test(test_in_spec_and_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
