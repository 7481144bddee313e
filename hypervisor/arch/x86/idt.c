/* Interrupt descriptor table: exceptions, and the gates other files install. */
#include <stdint.h>

#include <arch/x86/desc.h>

extern char trap_stubs[];
/* Shared by every CPU. Written by the boot CPU before the APs start. */
static struct idt_gate idt_table[IDT_ENTRIES] __attribute__((aligned(16)));

static void idt_fill(unsigned int v, uint64_t addr, uint8_t ist)
{
	struct idt_gate *g = &idt_table[v];

	g->offset_lo = addr & 0xffff;
	g->selector = GDT_SEL_CODE64;
	g->ist = ist;
	g->type_attr = 0x8e;	/* present, DPL 0, 64-bit interrupt gate */
	g->offset_mid = (addr >> 16) & 0xffff;
	g->offset_hi = addr >> 32;
	g->reserved = 0;
}

void idt_set_gate(uint8_t vector, const void *handler)
{
	idt_fill(vector, (uint64_t)(uintptr_t)handler, 0);
}

void idt_load(void)
{
	struct desc_ptr ptr;

	ptr.limit = sizeof(idt_table) - 1;
	ptr.base = (uint64_t)(uintptr_t)idt_table;
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

/* idt_init: point every exception vector at its stub in traps.S (each 16
 * bytes); #DF, NMI and #MC run on their own IST stacks. Vectors 32-255
 * stay not present (#NP) until idt_set_gate(). Boot CPU, once. */
void idt_init(void)
{
	int v;

	for (v = 0; v < 32; v++)
		idt_fill(v, (uint64_t)(uintptr_t)(trap_stubs + 16 * v),
			 v == 8 ? IST_DF : v == 2 ? IST_NMI : v == 18 ? IST_MC : 0);
	idt_load();
}
