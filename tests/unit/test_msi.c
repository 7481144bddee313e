/* test_msi.c - unit tests of the MSI address/data decode: destinations, delivery modes, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/hvm/msi.h"

static void test_physical_fixed(void **state)
{
	struct msi_msg m;

	(void)state;
	assert_int_equal(msi_decode(0xfee00000, 0x40, &m), 0);
	assert_int_equal(m.dest, 0);
	assert_false(m.logical);
	assert_false(m.lowest);
	assert_int_equal(m.vector, 0x40);
	assert_int_equal(msi_decode(0xfee03000, 0x4031, &m), 0);	/* assert bit set: fine */
	assert_int_equal(m.dest, 3);
	assert_int_equal(m.vector, 0x31);
	assert_int_equal(msi_decode(0xfeeff000, 0xef, &m), 0);
	assert_int_equal(m.dest, 0xff);
}

static void test_logical_lowest(void **state)
{
	struct msi_msg m;

	(void)state;
	/* Linux's default: logical, redirection hint, lowest priority. */
	assert_int_equal(msi_decode(0xfee0100c, 0x0141, &m), 0);
	assert_int_equal(m.dest, 1);
	assert_true(m.logical);
	assert_true(m.lowest);
	assert_int_equal(m.vector, 0x41);
}

static void test_refused(void **state)
{
	struct msi_msg m;

	(void)state;
	assert_int_equal(msi_decode(0x12345678, 0x40, &m), -EINVAL);		/* not 0xFEE */
	assert_int_equal(msi_decode(0x1fee00000ull, 0x40, &m), -EINVAL);	/* bits 63:32 */
	assert_int_equal(msi_decode(0xfee00001, 0x40, &m), -EINVAL);		/* reserved */
	assert_int_equal(msi_decode(0xfee00000, 0x0f, &m), -EINVAL);		/* vector < 16 */
	assert_int_equal(msi_decode(0xfee00000, 0x0240, &m), -EINVAL);	/* SMI */
	assert_int_equal(msi_decode(0xfee00000, 0x0440, &m), -EINVAL);	/* NMI */
	assert_int_equal(msi_decode(0xfee00000, 0x0540, &m), -EINVAL);	/* INIT */
	assert_int_equal(msi_decode(0xfee00000, 0x0740, &m), -EINVAL);	/* ExtINT */
	assert_int_equal(msi_decode(0xfee00000, 0x8040, &m), -EINVAL);	/* level */
	assert_int_equal(msi_decode(0xfee00000, 0x10040, &m), -EINVAL);	/* data 31:16 */
	assert_int_equal(msi_decode(0xfee00000, 0x0840, &m), -EINVAL);	/* data 13:11 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_physical_fixed),
		cmocka_unit_test(test_logical_lowest),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
