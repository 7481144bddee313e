/* test_pat.c - unit tests of x86_pat_valid: which PAT values a guest's WRMSR may set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86/processor.h"

static void test_reset_and_linux_values(void **state)
{
	(void)state;
	assert_true(x86_pat_valid(0x0007040600070406ull));	/* power-on */
	assert_true(x86_pat_valid(0x0407050600070106ull));	/* Linux's: WB WC UC- UC WB WP UC- WT */
	assert_true(x86_pat_valid(0));				/* all UC */
	assert_true(x86_pat_valid(0x0606060606060606ull));	/* all WB */
}

static void test_reserved_types_in_any_entry(void **state)
{
	static const uint8_t bad[] = { 2, 3, 8, 0x46, 0xff };
	unsigned int entry, i;

	(void)state;
	for (entry = 0; entry < 8; entry++)
		for (i = 0; i < sizeof(bad); i++) {
			uint64_t pat = 0x0606060606060606ull & ~(0xffull << (8 * entry));

			pat |= (uint64_t)bad[i] << (8 * entry);
			assert_false(x86_pat_valid(pat));
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_and_linux_values),
		cmocka_unit_test(test_reserved_types_in_any_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
