/* test_console.c - unit tests of the serial input switch (Ctrl-A x3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "console.h"
#include "keyhandler.h"
#include "printk.h"

#define CTRL(c) ((uint8_t)((c) & 0x1f))

static char keys[64];		/* keys seen by the debug-key handler */
static size_t nkeys;

static void record_key(uint8_t key)
{
	keys[nkeys++] = (char)key;
	keys[nkeys] = '\0';
}

static struct boot_options opts;

/* start: console and keys for the given command line. */
static void start(const char *cmdline)
{
	cmdline_parse(cmdline, &opts);
	console_init(&opts);
	keyhandler_init();
	for (char c = 'a'; c <= 'z'; c++)
		if (c != 'h')
			keyhandler_register((uint8_t)c, "record", record_key);
	nkeys = 0;
	keys[0] = '\0';
}

/* feed: bytes typed; returns what reached dom0 (NUL-terminated). */
static const char *feed(const uint8_t *in, size_t n)
{
	static char out[128];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t buf[CONSOLE_RX_MAX];
		size_t got = console_rx(in[i], buf);

		assert_true(got <= CONSOLE_RX_MAX);
		memcpy(out + len, buf, got);
		len += got;
	}
	out[len] = '\0';
	return out;
}

#define FEED(...) ({ static const uint8_t in_[] = { __VA_ARGS__ }; \
		     feed(in_, sizeof(in_)); })

static void test_boot_input_goes_to_hypervisor(void **state)
{
	(void)state;
	start("");
	assert_int_equal(console_input_target(), CONSOLE_INPUT_HYPERVISOR);
	assert_int_equal(console_switch_code(), 1);
	assert_string_equal(FEED('r', 'q'), "");
	assert_string_equal(keys, "rq");
}

static void test_auto_switch_at_dom0_start(void **state)
{
	(void)state;
	start("");
	console_dom0_started();
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
	assert_string_equal(FEED('l', 's', '\r'), "ls\r");
	assert_string_equal(keys, "");
}

static void test_three_presses_switch_both_ways(void **state)
{
	(void)state;
	start("");
	console_dom0_started();
	assert_string_equal(FEED(CTRL('a'), CTRL('a'), CTRL('a')), "");
	assert_int_equal(console_input_target(), CONSOLE_INPUT_HYPERVISOR);
	assert_string_equal(FEED('r'), "");
	assert_string_equal(keys, "r");
	assert_string_equal(FEED(CTRL('a'), CTRL('a'), CTRL('a'), 'x'), "x");
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
	assert_string_equal(keys, "r");
	/* Six in a row switch twice. */
	assert_string_equal(FEED(CTRL('a'), CTRL('a'), CTRL('a'),
				 CTRL('a'), CTRL('a'), CTRL('a')), "");
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
}

static void test_fewer_presses_pass_through(void **state)
{
	const char *got;

	(void)state;
	start("");
	console_dom0_started();
	/* One Ctrl-A then a key: dom0 gets both, in order (e.g. for screen). */
	got = FEED(CTRL('a'), 'b');
	assert_int_equal(strlen(got), 2);
	assert_int_equal(got[0], CTRL('a'));
	assert_int_equal(got[1], 'b');
	/* Two, then a key: three bytes in one call's worth. */
	got = FEED(CTRL('a'), CTRL('a'), 'c');
	assert_int_equal(strlen(got), 3);
	assert_memory_equal(got, "\x01\x01" "c", 3);
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
	/* The count restarts after an interruption: 2 + 'x' + 1 is no switch. */
	FEED(CTRL('a'), CTRL('a'), 'x', CTRL('a'));
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
	assert_string_equal(FEED(CTRL('a'), CTRL('a')), "");
	assert_int_equal(console_input_target(), CONSOLE_INPUT_HYPERVISOR);
}

static void test_held_presses_in_hypervisor_mode_are_not_for_dom0(void **state)
{
	(void)state;
	start("");
	assert_string_equal(FEED(CTRL('a'), 'r'), "");
	assert_string_equal(keys, "r");
}

static void test_conswitch_other_key(void **state)
{
	(void)state;
	start("conswitch=b");
	console_dom0_started();
	assert_int_equal(console_switch_code(), 2);
	/* Ctrl-A is now an ordinary byte. */
	assert_string_equal(FEED(CTRL('a'), CTRL('a'), CTRL('a')), "\x01\x01\x01");
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
	FEED(CTRL('b'), CTRL('b'), CTRL('b'));
	assert_int_equal(console_input_target(), CONSOLE_INPUT_HYPERVISOR);
}

static void test_conswitch_no_auto(void **state)
{
	(void)state;
	start("conswitch=ax");
	console_dom0_started();
	assert_int_equal(console_input_target(), CONSOLE_INPUT_HYPERVISOR);
	assert_string_equal(FEED('q'), "");
	assert_string_equal(keys, "q");
	FEED(CTRL('a'), CTRL('a'), CTRL('a'));
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
}

static void test_conswitch_disabled(void **state)
{
	(void)state;
	start("conswitch=`");
	assert_int_equal(console_switch_code(), 0);
	console_dom0_started();
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
	assert_string_equal(FEED(CTRL('a'), CTRL('a'), CTRL('a')), "\x01\x01\x01");
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
}

static void test_switch_is_announced(void **state)
{
	uint64_t pos;
	char text[512];
	size_t n;

	(void)state;
	start("loglvl=error");
	printk_configure(&opts);
	pos = 0;
	while (printk_ring_read(&pos, text, sizeof(text)))
		;
	console_dom0_started();
	n = printk_ring_read(&pos, text, sizeof(text) - 1);
	text[n] = '\0';
	assert_string_equal(text,
		"[cpu0] *** Serial input now goes to dom0; press Ctrl-A three times to switch\n");
	FEED(CTRL('a'), CTRL('a'), CTRL('a'));
	n = printk_ring_read(&pos, text, sizeof(text) - 1);
	text[n] = '\0';
	assert_non_null(strstr(text, "goes to Xenolith ('h' lists debug keys)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_input_goes_to_hypervisor),
		cmocka_unit_test(test_auto_switch_at_dom0_start),
		cmocka_unit_test(test_three_presses_switch_both_ways),
		cmocka_unit_test(test_fewer_presses_pass_through),
		cmocka_unit_test(test_held_presses_in_hypervisor_mode_are_not_for_dom0),
		cmocka_unit_test(test_conswitch_other_key),
		cmocka_unit_test(test_conswitch_no_auto),
		cmocka_unit_test(test_conswitch_disabled),
		cmocka_unit_test(test_switch_is_announced),
	};

	return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
