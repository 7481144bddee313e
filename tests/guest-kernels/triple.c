/* triple.c - an empty IDT and int3: #GP, #DF, then a triple fault, which no guest survives. */
#include "common.h"

void kmain(uint32_t magic, const struct mb_info *mbi)
{
	static const struct __attribute__((packed)) { uint16_t limit; uint32_t base; } empty = { 0, 0 };

	(void)magic;
	(void)mbi;
	serial_puts("triple: loading an empty IDT and executing int3\n");
	__asm__ volatile("lidt %0\n\tint3" :: "m"(empty));
	serial_puts("triple: FAIL still running after int3\n");
	guest_exit(1);
}
