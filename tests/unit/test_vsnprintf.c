/* test_vsnprintf.c - unit tests of hypervisor/lib/vsnprintf.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib.h"

/* check: format into a 128-byte buffer and compare with want and its
 * length. */
#define check(want, ...) do { \
	char buf_[128]; \
	int n_ = test_snprintf(buf_, sizeof(buf_), __VA_ARGS__); \
	assert_string_equal(buf_, want); \
	assert_int_equal(n_, (int)sizeof(want) - 1); \
} while (0)

static void test_integers(void **state)
{
	(void)state;
	check("0", "%d", 0);
	check("-42", "%d", -42);
	check("2147483647 -2147483648", "%d %d", 2147483647, (int)-2147483648LL);
	check("4294967295", "%u", 4294967295u);
	check("-9223372036854775808", "%lld", (long long)INT64_MIN);
	check("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	check("ffffffffffffffff", "%lx", (unsigned long)-1);
	check("DEADBEEF", "%X", 0xdeadbeefu);
	check("0x1f", "%#x", 0x1f);
	check("17", "%o", 15);
	check("123456789", "%zu", (size_t)123456789);
	check("-1", "%zd", (ptrdiff_t)-1);
	check("255 65535", "%hhu %hu", 0x1ff, 0x1ffff);
	check("+5", "%+d", 5);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	check("   42", "%5d", 42);
	check("00042", "%05d", 42);
	check("42   |", "%-5d|", 42);
	check("-0042", "%05d", -42);
	check("  -42", "%5d", -42);
	check("0000beef", "%08x", 0xbeef);
	check("00000000000000ab", "%016llx", 0xabull);
	check("  ab", "%*x", 4, 0xab);
	check("ab  |", "%*x|", -4, 0xab);
	check("007", "%.3d", 7);
	check("", "%.0d", 0);
	check("12", "%1d", 12);
}

static void test_strings_chars_pointers(void **state)
{
	const char *volatile null_string = NULL;

	(void)state;
	check("hello", "%s", "hello");
	check("  hi|", "%4s|", "hi");
	check("hi  |", "%-4s|", "hi");
	check("hel", "%.3s", "hello");
	check("(null)", "%s", null_string);
	check("x", "%c", 'x');
	check("  x", "%3c", 'x');
	check("100%", "%d%%", 100);
	check("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL);
}

static void test_truncation(void **state)
{
	char buf[8];
	int n;

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	n = test_snprintf(buf, sizeof(buf), "%s", "0123456789");
	assert_int_equal(n, 10);
	assert_string_equal(buf, "0123456");
	n = test_snprintf(buf, 1, "abc");
	assert_int_equal(n, 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '1');
	n = test_snprintf(NULL, 0, "%d", 12345);
	assert_int_equal(n, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_strings_chars_pointers),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests_name("vsnprintf", tests, NULL, NULL);
}
