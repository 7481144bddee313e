/* test_sci_line.c - unit tests of the shared SCI pin: PM1 and the device model's GPE0 block, a wired OR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86/vdev/sci_line.h"

static void test_wired_or(void **state)
{
	struct sci_line l = { { false } };

	(void)state;
	assert_false(sci_line_set(&l, SCI_SHARE_PM1, false));
	assert_true(sci_line_set(&l, SCI_SHARE_DM, true));
	assert_true(sci_line_set(&l, SCI_SHARE_PM1, true));
	assert_true(sci_line_set(&l, SCI_SHARE_DM, false));	/* PM1 still holds it */
	assert_true(sci_line_set(&l, SCI_SHARE_DM, false));
	assert_false(sci_line_set(&l, SCI_SHARE_PM1, false));	/* both released */
	assert_true(sci_line_set(&l, SCI_SHARE_PM1, true));
	assert_false(sci_line_set(&l, SCI_SHARE_PM1, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wired_or),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
