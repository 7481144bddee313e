/* test_vsnprintf.c - unit tests of hypervisor/lib/vsnprintf.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>

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

/*
 * Compare with the host C library over every combination of flags, widths
 * and precisions for integer conversions. lib_rename.h turned the name
 * snprintf into ours; undo that here to reach the C library's.
 */
#undef snprintf
int snprintf(char *buf, size_t size, const char *fmt, ...);

static void test_matches_libc(void **state)
{
	static const char *const flags[] = { "", "-", "0", "+", " ", "#", "-+" };
	static const char *const widths[] = { "", "1", "5", "20" };
	static const char *const precs[] = { "", ".0", ".3", ".12" };
	static const char *const convs[] = { "d", "u", "x", "X", "o", "lld",
					      "llx", "hhd", "hu", "zu" };
	static const long long values[] = { 0, 1, -1, 42, -42, 255, 65536,
					    2147483647, -2147483648LL,
					    0x7fffffffffffffffLL };
	unsigned int checked = 0;

	(void)state;
	for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
	for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
	for (size_t c = 0; c < sizeof(convs) / sizeof(convs[0]); c++)
	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
		char fmt[32], ours[64], theirs[64];
		int n1, n2;
		bool is_ll = convs[c][0] == 'l', is_z = convs[c][0] == 'z';

		/* '#' with %d/%u and '+'/' ' with unsigned are undefined. */
		if ((strchr(flags[f], '#') && strchr("du", convs[c][strlen(convs[c]) - 1])) ||
		    ((strchr(flags[f], '+') || strchr(flags[f], ' ')) &&
		     !strchr(convs[c], 'd')))
			continue;
		test_snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s]", flags[f],
			      widths[w], precs[p], convs[c]);
		if (is_ll) {
			n1 = test_snprintf(ours, sizeof(ours), fmt, values[v]);
			n2 = snprintf(theirs, sizeof(theirs), fmt, values[v]);
		} else if (is_z) {
			n1 = test_snprintf(ours, sizeof(ours), fmt, (size_t)values[v]);
			n2 = snprintf(theirs, sizeof(theirs), fmt, (size_t)values[v]);
		} else {
			n1 = test_snprintf(ours, sizeof(ours), fmt, (int)values[v]);
			n2 = snprintf(theirs, sizeof(theirs), fmt, (int)values[v]);
		}
		if (n1 != n2 || strcmp(ours, theirs))
			print_error("format %s value %lld: ours '%s' libc '%s'\n",
				    fmt, values[v], ours, theirs);
		assert_int_equal(n1, n2);
		assert_string_equal(ours, theirs);
		checked++;
	}
	assert_true(checked > 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_strings_chars_pointers),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_matches_libc),
	};

	return cmocka_run_group_tests_name("vsnprintf", tests, NULL, NULL);
}
