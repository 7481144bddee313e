/* test_xenoctl_lookup.c - unit tests of naming a domain by name or id (tools/libxenolith/xl_lookup.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "libxenolith/libxenolith.h"

static struct xl_domain_info list[4];
static char err[256];

static int setup(void **state)
{
	static const struct { uint32_t id; const char *name; } doms[] = {
		{ 0, "dom0" }, { 1, "web" }, { 7, "db-7" }, { 12, "a.b_c" },
	};
	unsigned int i;

	(void)state;
	memset(list, 0, sizeof(list));
	for (i = 0; i < 4; i++) {
		list[i].domid = doms[i].id;
		snprintf(list[i].name, sizeof(list[i].name), "%s", doms[i].name);
	}
	return 0;
}

static uint32_t lookup_ok(const char *s)
{
	uint32_t id = 0xdead;

	if (xl_domain_lookup_in(list, 4, s, &id, err, sizeof(err)))
		print_error("lookup '%s': %s\n", s, err);
	assert_int_not_equal(id, 0xdead);
	return id;
}

static void test_by_name(void **state)
{
	(void)state;
	assert_int_equal(lookup_ok("web"), 1);
	assert_int_equal(lookup_ok("db-7"), 7);
	assert_int_equal(lookup_ok("a.b_c"), 12);
	assert_int_equal(lookup_ok("Domain-0"), 0);
	assert_int_equal(lookup_ok("dom0"), 0);
}

static void test_by_id(void **state)
{
	(void)state;
	assert_int_equal(lookup_ok("0"), 0);
	assert_int_equal(lookup_ok("1"), 1);
	assert_int_equal(lookup_ok("12"), 12);
	assert_int_equal(lookup_ok("007"), 7);
}

static void test_missing(void **state)
{
	uint32_t id;

	(void)state;
	assert_int_equal(xl_domain_lookup_in(list, 4, "mail", &id, err, sizeof(err)), -ESRCH);
	assert_string_equal(err, "domain 'mail': no such domain");
	assert_int_equal(xl_domain_lookup_in(list, 4, "5", &id, err, sizeof(err)), -ESRCH);
	assert_string_equal(err, "domain 5: no such domain");
	assert_int_equal(xl_domain_lookup_in(list, 4, "Web", &id, err, sizeof(err)), -ESRCH);
	assert_int_equal(xl_domain_lookup_in(list, 4, "", &id, err, sizeof(err)), -EINVAL);
	assert_int_equal(xl_domain_lookup_in(list, 4, "99999999999", &id, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "domain 99999999999: not a valid domain id");
}

static void test_dom0_not_listed(void **state)
{
	uint32_t id = 0xdead;

	(void)state;
	/* a hypervisor whose GETINFO leaves dom0 out: "0" and "Domain-0" still name it */
	assert_int_equal(xl_domain_lookup_in(list + 1, 3, "0", &id, err, sizeof(err)), 0);
	assert_int_equal(id, 0);
	id = 0xdead;
	assert_int_equal(xl_domain_lookup_in(list + 1, 3, "Domain-0", &id, err, sizeof(err)), 0);
	assert_int_equal(id, 0);
	assert_int_equal(xl_domain_lookup_in(NULL, 0, "web", &id, err, sizeof(err)), -ESRCH);
}

static void test_state_letter(void **state)
{
	(void)state;
	assert_int_equal(xl_state_letter(XL_STATE_RUNNING), 'r');
	assert_int_equal(xl_state_letter(XL_STATE_DYING), 'd');
	assert_int_equal(xl_state_letter(6), '-');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_by_name, setup),
		cmocka_unit_test_setup(test_by_id, setup),
		cmocka_unit_test_setup(test_missing, setup),
		cmocka_unit_test_setup(test_dom0_not_listed, setup),
		cmocka_unit_test(test_state_letter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
