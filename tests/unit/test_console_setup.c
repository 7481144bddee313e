/* test_console_setup.c - unit tests of console bring-up from console= and com1=. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "console.h"
#include "console_setup.h"
#include "printk.h"
#include "vga_text.h"

/* One UART at 0x3f8 (com1) that only logs what is sent; nothing at com2. */
static uint8_t com1_lcr, com1_scr, com1_dll;
static char com1_out[4096];
static size_t com1_len;
static uint16_t screen[VGA_TEXT_COLS * VGA_TEXT_ROWS];

uint8_t fake_io_read(uint16_t port)
{
	switch (port) {
	case 0x3f8:
		return (com1_lcr & 0x80) ? com1_dll : 0;
	case 0x3fb:
		return com1_lcr;
	case 0x3fd:
		return 0x60;
	case 0x3ff:
		return com1_scr;
	default:
		return 0xff;
	}
}

void fake_io_write(uint16_t port, uint8_t v)
{
	if (port == 0x3f8 && (com1_lcr & 0x80))
		com1_dll = v;
	else if (port == 0x3f8 && com1_len < sizeof(com1_out) - 1)
		com1_out[com1_len++] = (char)v;
	else if (port == 0x3fb)
		com1_lcr = v;
	else if (port == 0x3ff)
		com1_scr = v;
}

static bool screen_has(const char *text)
{
	char flat[VGA_TEXT_COLS * VGA_TEXT_ROWS + 1];

	for (size_t i = 0; i < VGA_TEXT_COLS * VGA_TEXT_ROWS; i++)
		flat[i] = (char)(screen[i] & 0xff);
	flat[sizeof(flat) - 1] = '\0';
	return strstr(flat, text) != NULL;
}

/* One boot: all in one test, since console_setup() runs once per boot. */
static void test_boot_sequence(void **state)
{
	static struct boot_options o;

	(void)state;
	printk(PRINTK_INFO, "before the console\n");
	cmdline_parse("xenolith.gz console=com1,com2,vga com1=115200,8n1 bogus loglvl=all",
		      &o);
	assert_int_equal(console_setup(&o, screen), 0);
	com1_out[com1_len] = '\0';
	/* Replayed early text, CRLF line ends, com2 missing, the warning. */
	assert_non_null(strstr(com1_out, "[cpu0] before the console\r\n"));
	assert_non_null(strstr(com1_out, "console: com1 at 0x3f8, irq 4, 115200 baud\r\n"));
	assert_non_null(strstr(com1_out, "console: com2: no usable UART at 0x2f8"));
	assert_non_null(strstr(com1_out, "cmdline: unknown option 'bogus' ignored"));
	assert_true(screen_has("[cpu0] before the console"));
	assert_true(screen_has("unknown option 'bogus'"));
	assert_non_null(console_setup_input_port());
	assert_int_equal(console_setup_input_port()->io_base, 0x3f8);
	assert_int_equal(console_input_target(), CONSOLE_INPUT_HYPERVISOR);

	/* dom0 starts: the screen is left alone, input moves to dom0. */
	console_setup_dom0_started();
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
	printk(PRINTK_INFO, "after dom0\n");
	com1_out[com1_len] = '\0';
	assert_non_null(strstr(com1_out, "[cpu0] after dom0\r\n"));
	assert_false(screen_has("after dom0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_sequence),
	};

	return cmocka_run_group_tests_name("console_setup", tests, NULL, NULL);
}
