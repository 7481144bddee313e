/* Global descriptor tables and task state segments, one set per CPU. */
#include <stdint.h>

#include "lib.h"
#include <arch/x86/desc.h>

/* Flat segments; 0x10/0x18 are also what Linux's 32-bit boot entry expects.
 * The boot CPU's GDT, and the template of every AP's. */
uint64_t gdt_table[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[GDT_SEL_CODE64 / 8] = 0x00af9a000000ffffull,
	[GDT_SEL_CODE32 / 8] = 0x00cf9a000000ffffull,
	[GDT_SEL_DATA / 8] = 0x00cf92000000ffffull,
};

static struct tss64 gdt_tss __attribute__((aligned(16)));
static uint8_t gdt_ist_stacks[3][GDT_IST_STACK] __attribute__((aligned(16)));

/*
 * gdt_load: install a TSS descriptor for tss (with IST stacks for #DF, NMI
 * and #MC, AMD APM vol. 2 §8.9.4) in table, load the GDT and TR. A TSS
 * descriptor is marked busy by LTR, so each CPU needs its own (§12.2.5).
 */
static void gdt_load(uint64_t *table, struct tss64 *tss, uint8_t (*ist)[GDT_IST_STACK])
{
	uint64_t base = (uint64_t)(uintptr_t)tss;
	uint64_t limit = sizeof(*tss) - 1;
	struct desc_ptr ptr;
	int i;

	for (i = 0; i < 3; i++)
		tss->ist[i] = (uint64_t)(uintptr_t)&ist[i][GDT_IST_STACK];
	tss->iomap_base = sizeof(*tss);

	table[GDT_SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
				 (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
				 (((base >> 24) & 0xff) << 56);
	table[GDT_SEL_TSS / 8 + 1] = base >> 32;

	ptr.limit = GDT_ENTRIES * 8 - 1;
	ptr.base = (uint64_t)(uintptr_t)table;
	__asm__ volatile("lgdt %0" : : "m"(ptr));
	__asm__ volatile("ltr %w0" : : "r"((uint16_t)GDT_SEL_TSS));
}

/* gdt_init: the boot CPU's GDT and TSS. Boot CPU, once, before idt_init(). */
void gdt_init(void)
{
	gdt_load(gdt_table, &gdt_tss, gdt_ist_stacks);
}

void gdt_init_cpu(struct gdt_cpu *c)
{
	memcpy(c->table, gdt_table, sizeof(c->table));
	memset(&c->tss, 0, sizeof(c->tss));
	gdt_load(c->table, &c->tss, c->ist_stacks);
}
