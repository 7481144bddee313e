/* vga_text.h - 80x25 VGA text-mode console at physical 0xB8000. */
#ifndef XENOLITH_VGA_TEXT_H
#define XENOLITH_VGA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VGA_TEXT_PHYS 0xB8000ull
#define VGA_TEXT_COLS 80
#define VGA_TEXT_ROWS 25

/*
 * vga_text_init: fb is where the arch code mapped VGA_TEXT_PHYS (uncached),
 * or NULL when there is no VGA text mode (EFI boot, framebuffer): output is
 * then dropped. Clears the screen. Returns 0 or -ENODEV (fb NULL).
 */
int vga_text_init(volatile uint16_t *fb);

/* vga_text_write: print s[0..len) ('\n', '\r', '\t', '\b' understood),
 * scrolling up at the bottom, and move the hardware cursor. */
void vga_text_write(const char *s, size_t len);

bool vga_text_available(void);

#endif
