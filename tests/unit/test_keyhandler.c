/* test_keyhandler.c - unit tests of debug-key registration and 'h'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "keyhandler.h"
#include "printk.h"

static uint8_t last_key;
static int calls;

static void handler(uint8_t key)
{
	last_key = key;
	calls++;
	printk(PRINTK_DEBUG, "handler for '%c' ran\n", key);
}

static uint64_t ring_pos;

static const char *ring_new(void)
{
	static char out[8192];
	size_t n = 0, got;

	while ((got = printk_ring_read(&ring_pos, out + n, sizeof(out) - 1 - n)) > 0)
		n += got;
	out[n] = '\0';
	return out;
}

static int setup(void **state)
{
	(void)state;
	keyhandler_init();
	calls = 0;
	last_key = 0;
	ring_new();
	return 0;
}

static void test_register_and_handle(void **state)
{
	(void)state;
	assert_int_equal(keyhandler_register('r', "dump registers", handler), 0);
	assert_int_equal(keyhandler_handle('r'), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(last_key, 'r');
	/* Output of a handler passes even above loglvl (default info). */
	assert_string_equal(ring_new(), "[cpu0] handler for 'r' ran\n");
	assert_int_equal(keyhandler_handle('R'), -ENOENT);
	assert_int_equal(calls, 1);
	assert_string_equal(ring_new(),
			    "[cpu0] 'R' is not a debug key ('h' lists them)\n");
	/* Control characters are ignored silently. */
	assert_int_equal(keyhandler_handle(0x01), -ENOENT);
	assert_int_equal(keyhandler_handle(0xff), -ENOENT);
	assert_string_equal(ring_new(), "");
}

static void test_register_errors(void **state)
{
	(void)state;
	assert_int_equal(keyhandler_register('m', "memory", handler), 0);
	assert_int_equal(keyhandler_register('m', "again", handler), -EEXIST);
	assert_int_equal(keyhandler_register('h', "mine", handler), -EEXIST);
	assert_int_equal(keyhandler_register('x', NULL, handler), -EINVAL);
	assert_int_equal(keyhandler_register('x', "x", NULL), -EINVAL);
	assert_int_equal(keyhandler_register(' ', "space", handler), -EINVAL);
	assert_int_equal(keyhandler_register(0x80, "high", handler), -EINVAL);
	assert_int_equal(keyhandler_register(0x03, "ctrl", handler), -EINVAL);
}

static void test_help_lists_sorted(void **state)
{
	(void)state;
	assert_int_equal(keyhandler_register('q', "dump domains", handler), 0);
	assert_int_equal(keyhandler_register('0', "dump cpu 0", handler), 0);
	assert_int_equal(keyhandler_handle('h'), 0);
	assert_string_equal(ring_new(),
			    "[cpu0] Debug keys:\n"
			    "[cpu0]   '0'  dump cpu 0\n"
			    "[cpu0]   'h'  show this list of debug keys\n"
			    "[cpu0]   'q'  dump domains\n");
	/* init forgets earlier registrations. */
	keyhandler_init();
	assert_int_equal(keyhandler_handle('q'), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_register_and_handle, setup),
		cmocka_unit_test_setup(test_register_errors, setup),
		cmocka_unit_test_setup(test_help_lists_sorted, setup),
	};

	return cmocka_run_group_tests_name("keyhandler", tests, NULL, NULL);
}
