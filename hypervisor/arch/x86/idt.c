/* Interrupt descriptor table: the 32 exception vectors of the hypervisor. */
#include <stdint.h>

#include <arch/x86/desc.h>

extern char trap_stubs[];
static struct idt_gate idt_table[32] __attribute__((aligned(16)));

/* idt_init: point every exception vector at its stub in traps.S (each 16
 * bytes); #DF, NMI and #MC run on their own IST stacks. Boot CPU, once. */
void idt_init(void)
{
	struct desc_ptr ptr;
	int v;

	for (v = 0; v < 32; v++) {
		uint64_t addr = (uint64_t)(uintptr_t)(trap_stubs + 16 * v);
		struct idt_gate *g = &idt_table[v];

		g->offset_lo = addr & 0xffff;
		g->selector = GDT_SEL_CODE64;
		g->ist = v == 8 ? IST_DF : v == 2 ? IST_NMI : v == 18 ? IST_MC : 0;
		g->type_attr = 0x8e;	/* present, DPL 0, 64-bit interrupt gate */
		g->offset_mid = (addr >> 16) & 0xffff;
		g->offset_hi = addr >> 32;
		g->reserved = 0;
	}
	ptr.limit = sizeof(idt_table) - 1;
	ptr.base = (uint64_t)(uintptr_t)idt_table;
	__asm__ volatile("lidt %0" : : "m"(ptr));
}
