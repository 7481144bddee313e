/* drivers/vga_text.c - 80x25 VGA text-mode console with scrolling. */
#include "arch/x86/io.h"
#include "errno.h"
#include "vga_text.h"

/* CRT controller index/data ports and cursor location registers (VGA
 * reference, CRTC registers 0Eh/0Fh). */
#define VGA_CRTC_INDEX 0x3d4
#define VGA_CRTC_DATA 0x3d5
#define VGA_CRTC_CURSOR_HI 0x0e
#define VGA_CRTC_CURSOR_LO 0x0f

#define VGA_ATTR 0x0700		/* light grey on black */
#define VGA_BLANK (VGA_ATTR | ' ')

static volatile uint16_t *vga_fb;
static unsigned int vga_row, vga_col;
/* The last column was written: wrap before the next character, so a line
 * of exactly 80 characters and its '\n' take one row, not two. */
static bool vga_wrap_pending;

static void vga_text_clear_row(unsigned int row)
{
	for (unsigned int c = 0; c < VGA_TEXT_COLS; c++)
		vga_fb[row * VGA_TEXT_COLS + c] = VGA_BLANK;
}

static void vga_text_scroll(void)
{
	unsigned int i;

	for (i = 0; i < (VGA_TEXT_ROWS - 1) * VGA_TEXT_COLS; i++)
		vga_fb[i] = vga_fb[i + VGA_TEXT_COLS];
	vga_text_clear_row(VGA_TEXT_ROWS - 1);
}

static void vga_text_set_cursor(void)
{
	uint16_t pos = (uint16_t)(vga_row * VGA_TEXT_COLS + vga_col);

	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_HI);
	outb(VGA_CRTC_DATA, (uint8_t)(pos >> 8));
	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_LO);
	outb(VGA_CRTC_DATA, (uint8_t)pos);
}

static void vga_text_newline(void)
{
	vga_col = 0;
	vga_wrap_pending = false;
	if (++vga_row == VGA_TEXT_ROWS) {
		vga_text_scroll();
		vga_row = VGA_TEXT_ROWS - 1;
	}
}

static void vga_text_putc(char c)
{
	switch (c) {
	case '\n':
		vga_text_newline();
		return;
	case '\r':
		vga_col = 0;
		vga_wrap_pending = false;
		return;
	case '\b':
		if (vga_wrap_pending)
			vga_wrap_pending = false;
		else if (vga_col)
			vga_col--;
		return;
	case '\t': {
		unsigned int n = vga_wrap_pending ? 8 : 8 - vga_col % 8;

		while (n--)
			vga_text_putc(' ');
		return;
	}
	default:
		break;
	}
	if (vga_wrap_pending)
		vga_text_newline();
	vga_fb[vga_row * VGA_TEXT_COLS + vga_col] = VGA_ATTR | (uint8_t)c;
	if (vga_col == VGA_TEXT_COLS - 1)
		vga_wrap_pending = true;
	else
		vga_col++;
}

int vga_text_init(volatile uint16_t *fb)
{
	vga_fb = fb;
	if (!fb)
		return -ENODEV;
	for (unsigned int r = 0; r < VGA_TEXT_ROWS; r++)
		vga_text_clear_row(r);
	vga_row = 0;
	vga_col = 0;
	vga_wrap_pending = false;
	vga_text_set_cursor();
	return 0;
}

void vga_text_write(const char *s, size_t len)
{
	if (!vga_fb)
		return;
	while (len--)
		vga_text_putc(*s++);
	vga_text_set_cursor();
}

bool vga_text_available(void)
{
	return vga_fb != NULL;
}
