/* test_vga_text.c - unit tests of the VGA text console on a fake screen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "vga_text.h"

static uint16_t screen[VGA_TEXT_COLS * VGA_TEXT_ROWS];
static uint8_t crtc_index;
static uint16_t cursor;

uint8_t fake_io_read(uint16_t port)
{
	(void)port;
	return 0xff;
}

void fake_io_write(uint16_t port, uint8_t v)
{
	if (port == 0x3d4)
		crtc_index = v;
	else if (port == 0x3d5 && crtc_index == 0x0e)
		cursor = (uint16_t)((cursor & 0xff) | v << 8);
	else if (port == 0x3d5 && crtc_index == 0x0f)
		cursor = (uint16_t)((cursor & 0xff00) | v);
}

/* row_text: the characters of one row, trailing blanks removed. */
static const char *row_text(unsigned int row)
{
	static char out[VGA_TEXT_COLS + 1];
	int end = 0;

	for (int c = 0; c < VGA_TEXT_COLS; c++) {
		uint16_t cell = screen[row * VGA_TEXT_COLS + c];

		out[c] = (char)(cell & 0xff);
		if (out[c] != ' ')
			end = c + 1;
	}
	out[end] = '\0';
	return out;
}

static void put(const char *s)
{
	vga_text_write(s, strlen(s));
}

static int setup(void **state)
{
	(void)state;
	memset(screen, 0x55, sizeof(screen));
	assert_int_equal(vga_text_init(screen), 0);
	return 0;
}

static void test_init_clears(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < VGA_TEXT_COLS * VGA_TEXT_ROWS; i++)
		assert_int_equal(screen[i], 0x0720);
	assert_int_equal(cursor, 0);
	assert_true(vga_text_available());
}

static void test_text_and_cursor(void **state)
{
	(void)state;
	put("hello\nworld");
	assert_string_equal(row_text(0), "hello");
	assert_string_equal(row_text(1), "world");
	assert_int_equal(screen[0] & 0xff00, 0x0700);
	assert_int_equal(cursor, VGA_TEXT_COLS + 5);
	put("\rW\tx\b\by");
	/* The tab blanks columns 1-7; the backspaces step back onto them. */
	assert_string_equal(row_text(1), "W      yx");
}

static void test_exact_width_line_takes_one_row(void **state)
{
	char line[VGA_TEXT_COLS + 2];

	(void)state;
	memset(line, '=', VGA_TEXT_COLS);
	line[VGA_TEXT_COLS] = '\n';
	line[VGA_TEXT_COLS + 1] = '\0';
	put(line);
	put("next");
	assert_int_equal(strlen(row_text(0)), VGA_TEXT_COLS);
	assert_string_equal(row_text(1), "next");
	/* 81 characters wrap once. */
	line[VGA_TEXT_COLS] = '+';
	put("\n");
	put(line);
	assert_string_equal(row_text(3), "+");
}

static void test_tab_at_end_of_row(void **state)
{
	char line[VGA_TEXT_COLS + 1];

	(void)state;
	memset(line, 'x', VGA_TEXT_COLS - 3);
	line[VGA_TEXT_COLS - 3] = '\0';
	put(line);
	put("\tY");
	assert_string_equal(row_text(1), "Y");
}

static void test_scrolls(void **state)
{
	char line[16];

	(void)state;
	for (int i = 0; i < 30; i++) {
		snprintf(line, sizeof(line), "line %d\n", i);
		put(line);
	}
	/* 30 lines and the cursor row: lines 6..29 remain, last row empty. */
	assert_string_equal(row_text(0), "line 6");
	assert_string_equal(row_text(VGA_TEXT_ROWS - 2), "line 29");
	assert_string_equal(row_text(VGA_TEXT_ROWS - 1), "");
	assert_int_equal(cursor, (VGA_TEXT_ROWS - 1) * VGA_TEXT_COLS);
}

static void test_unavailable(void **state)
{
	(void)state;
	assert_int_equal(vga_text_init(NULL), -ENODEV);
	assert_false(vga_text_available());
	put("dropped");		/* must not crash */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_clears, setup),
		cmocka_unit_test_setup(test_text_and_cursor, setup),
		cmocka_unit_test_setup(test_exact_width_line_takes_one_row, setup),
		cmocka_unit_test_setup(test_tab_at_end_of_row, setup),
		cmocka_unit_test_setup(test_scrolls, setup),
		cmocka_unit_test(test_unavailable),
	};

	return cmocka_run_group_tests_name("vga_text", tests, NULL, NULL);
}
