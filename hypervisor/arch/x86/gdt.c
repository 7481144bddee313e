/* Global descriptor table and task state segment of the boot CPU. */
#include <stdint.h>

#include "lib.h"
#include <arch/x86/desc.h>

/* Flat segments; 0x10/0x18 are also what Linux's 32-bit boot entry expects. */
uint64_t gdt_table[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[GDT_SEL_CODE64 / 8] = 0x00af9a000000ffffull,
	[GDT_SEL_CODE32 / 8] = 0x00cf9a000000ffffull,
	[GDT_SEL_DATA / 8] = 0x00cf92000000ffffull,
};

static struct tss64 gdt_tss __attribute__((aligned(16)));
static uint8_t gdt_ist_stacks[3][8192] __attribute__((aligned(16)));

/*
 * gdt_init: install the TSS descriptor (with IST stacks for #DF, NMI and
 * #MC, AMD APM vol. 2 §8.9.4), reload the GDT and load TR. Boot CPU, once,
 * before idt_init().
 */
void gdt_init(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&gdt_tss;
	uint64_t limit = sizeof(gdt_tss) - 1;
	struct desc_ptr ptr;
	int i;

	for (i = 0; i < 3; i++)
		gdt_tss.ist[i] = (uint64_t)(uintptr_t)&gdt_ist_stacks[i][8192];
	gdt_tss.iomap_base = sizeof(gdt_tss);

	gdt_table[GDT_SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
				     (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
				     (((base >> 24) & 0xff) << 56);
	gdt_table[GDT_SEL_TSS / 8 + 1] = base >> 32;

	ptr.limit = sizeof(gdt_table) - 1;
	ptr.base = (uint64_t)(uintptr_t)gdt_table;
	__asm__ volatile("lgdt %0" : : "m"(ptr));
	__asm__ volatile("ltr %w0" : : "r"((uint16_t)GDT_SEL_TSS));
}
