/* spin.c - prints a marker, then burns its CPU for ever (scheduler tests). */
#include "common.h"

void kmain(uint32_t magic, const struct mb_info *mbi)
{
	volatile uint32_t n = 0;

	(void)magic;
	(void)mbi;
	serial_puts("spin: running\n");
	for (;;)
		n++;
}
