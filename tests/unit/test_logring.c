/* test_logring.c - unit tests of the log ring (hypervisor/logring.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "logring.h"

static char store[16];
static struct logring r;

static void put(const char *s)
{
	logring_write(&r, s, strlen(s));
}

/* read_all: everything from *pos, NUL-terminated, in small chunks to
 * exercise the wrap in logring_read. */
static const char *read_all(uint64_t *pos)
{
	static char out[64];
	size_t n = 0, got;

	while ((got = logring_read(&r, pos, out + n, 3)) > 0)
		n += got;
	out[n] = '\0';
	return out;
}

static void test_empty_and_simple(void **state)
{
	uint64_t pos = 0;

	(void)state;
	logring_init(&r, store, sizeof(store));
	assert_string_equal(read_all(&pos), "");
	assert_int_equal(pos, 0);
	put("abc\n");
	assert_string_equal(read_all(&pos), "abc\n");
	assert_int_equal(pos, 4);
	put("de\n");
	assert_string_equal(read_all(&pos), "de\n");
	assert_int_equal(logring_oldest(&r), 0);
}

static void test_wrap_drops_oldest_line(void **state)
{
	uint64_t pos = 0, late = 0;

	(void)state;
	logring_init(&r, store, sizeof(store));
	put("line1\n");		/* 6 */
	put("line2\n");		/* 12 */
	assert_string_equal(read_all(&pos), "line1\nline2\n");
	put("line3\n");		/* 18: "li" of line1 dropped */
	assert_int_equal(r.head, 18);
	assert_int_equal(logring_oldest(&r), 2);
	/* A reader that was up to date gets only the new text. */
	assert_string_equal(read_all(&pos), "line3\n");
	/* A reader from the start skips the broken line. */
	assert_string_equal(read_all(&late), "line2\nline3\n");
	assert_int_equal(late, 18);
}

static void test_write_longer_than_ring(void **state)
{
	uint64_t pos = 0;

	(void)state;
	logring_init(&r, store, sizeof(store));
	put("0123456789abcdefXYZ");	/* 19 bytes, no newline */
	assert_int_equal(r.head, 19);
	assert_int_equal(logring_oldest(&r), 3);
	/* No complete line is held: read from the oldest byte. */
	assert_string_equal(read_all(&pos), "3456789abcdefXYZ");
}

static void test_many_wraps(void **state)
{
	uint64_t pos = 0;
	char scratch[8];

	(void)state;
	logring_init(&r, store, sizeof(store));
	for (int i = 0; i < 100; i++) {
		char line[16];

		snprintf(line, sizeof(line), "%02d\n", i);
		put(line);
		assert_string_equal(read_all(&pos), line);
	}
	/* A stale position far behind lands on a line start. */
	pos = 5;
	assert_memory_equal(read_all(&pos), "95\n96\n97\n98\n99\n", 15);
	/* A position beyond head is clamped. */
	pos = 1000;
	assert_int_equal(logring_read(&r, &pos, scratch, sizeof(scratch)), 0);
	assert_int_equal(pos, r.head);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_simple),
		cmocka_unit_test(test_wrap_drops_oldest_line),
		cmocka_unit_test(test_write_longer_than_ring),
		cmocka_unit_test(test_many_wraps),
	};

	return cmocka_run_group_tests_name("logring", tests, NULL, NULL);
}
