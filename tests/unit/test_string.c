/* test_string.c - unit tests of hypervisor/lib string and memory functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib.h"

static void test_memcpy_all_alignments(void **state)
{
	unsigned char src[64], dst[80];

	(void)state;
	for (int i = 0; i < 64; i++)
		src[i] = (unsigned char)(i * 7 + 1);
	for (size_t so = 0; so < 8; so++) {
		for (size_t doff = 0; doff < 8; doff++) {
			for (size_t n = 0; n < 40; n++) {
				test_memset(dst, 0xee, sizeof(dst));
				assert_ptr_equal(test_memcpy(dst + doff, src + so, n),
						 dst + doff);
				for (size_t k = 0; k < n; k++)
					assert_int_equal(dst[doff + k], src[so + k]);
				assert_int_equal(dst[doff + n], 0xee);
				if (doff)
					assert_int_equal(dst[doff - 1], 0xee);
			}
		}
	}
}

static void test_memset_bounds(void **state)
{
	unsigned char buf[64];

	(void)state;
	for (size_t off = 0; off < 9; off++) {
		for (size_t n = 0; n < 40; n++) {
			for (size_t i = 0; i < sizeof(buf); i++)
				buf[i] = 1;
			test_memset(buf + off, 0x5a, n);
			for (size_t i = 0; i < sizeof(buf); i++)
				assert_int_equal(buf[i],
						 (i >= off && i < off + n) ? 0x5a : 1);
		}
	}
}

static void test_memmove_overlap(void **state)
{
	char a[] = "0123456789";
	char b[] = "0123456789";

	(void)state;
	test_memmove(a + 2, a, 6);
	assert_memory_equal(a, "0101234589", 10);
	test_memmove(b, b + 3, 7);
	assert_memory_equal(b, "3456789789", 10);
}

static void test_memcmp_memchr(void **state)
{
	(void)state;
	assert_int_equal(test_memcmp("abc", "abc", 3), 0);
	assert_true(test_memcmp("abc", "abd", 3) < 0);
	assert_true(test_memcmp("\xff", "\x01", 1) > 0);
	assert_int_equal(test_memcmp("abX", "abY", 2), 0);
	assert_ptr_equal(test_memchr("hello", 'l', 5), (const char *)"hello" + 2);
	assert_null(test_memchr("hello", 'z', 5));
	assert_null(test_memchr("hello", 'o', 4));
}

static void test_str_functions(void **state)
{
	const char *s = "a,b,c";

	(void)state;
	assert_int_equal(test_strlen(""), 0);
	assert_int_equal(test_strlen("xenolith"), 8);
	assert_int_equal(test_strnlen("xenolith", 3), 3);
	assert_int_equal(test_strnlen("ab", 10), 2);
	assert_int_equal(test_strcmp("a", "a"), 0);
	assert_true(test_strcmp("a", "b") < 0);
	assert_true(test_strcmp("b", "a") > 0);
	assert_true(test_strcmp("ab", "a") > 0);
	assert_true(test_strcmp("\x80", "a") > 0);
	assert_int_equal(test_strncmp("com1=x", "com1", 4), 0);
	assert_true(test_strncmp("com1", "com2", 4) < 0);
	assert_int_equal(test_strncmp("ab", "ab", 10), 0);
	assert_ptr_equal(test_strchr(s, ','), s + 1);
	assert_ptr_equal(test_strrchr(s, ','), s + 3);
	assert_ptr_equal(test_strchr(s, '\0'), s + 5);
	assert_null(test_strchr(s, 'z'));
	assert_null(test_strrchr(s, 'z'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_all_alignments),
		cmocka_unit_test(test_memset_bounds),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_memcmp_memchr),
		cmocka_unit_test(test_str_functions),
	};

	return cmocka_run_group_tests_name("string", tests, NULL, NULL);
}
