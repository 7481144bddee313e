/* x86 descriptor tables: GDT selectors, TSS, IDT gate layout. */
#ifndef XENOLITH_ARCH_X86_DESC_H
#define XENOLITH_ARCH_X86_DESC_H

/* Selectors. 0x10/0x18 double as Linux's __BOOT_CS/__BOOT_DS (boot protocol). */
#define GDT_SEL_CODE64	0x08
#define GDT_SEL_CODE32	0x10
#define GDT_SEL_DATA	0x18
#define GDT_SEL_TSS	0x20
#define GDT_ENTRIES	7	/* null, code64, code32, data, tss (2 slots), spare */

#define IDT_ENTRIES	256
#define GDT_IST_STACK	8192	/* bytes per IST stack */

#define IST_DF		1
#define IST_NMI		2
#define IST_MC		3

#ifndef __ASSEMBLY__
#include <stdint.h>

struct tss64 {
	uint32_t reserved0;	/* 0x00 */
	uint64_t rsp[3];	/* 0x04 */
	uint64_t reserved1;	/* 0x1c */
	uint64_t ist[7];	/* 0x24 */
	uint64_t reserved2;	/* 0x5c */
	uint16_t reserved3;	/* 0x64 */
	uint16_t iomap_base;	/* 0x66 */
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 0x68, "TSS size");

struct idt_gate {
	uint16_t offset_lo;	/* 0x0 */
	uint16_t selector;	/* 0x2 */
	uint8_t ist;		/* 0x4 */
	uint8_t type_attr;	/* 0x5 */
	uint16_t offset_mid;	/* 0x6 */
	uint32_t offset_hi;	/* 0x8 */
	uint32_t reserved;	/* 0xc */
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate size");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));
_Static_assert(sizeof(struct desc_ptr) == 10, "descriptor pointer size");

/* One CPU's descriptor tables; the boot CPU's are static in gdt.c, an
 * AP's live in its per-CPU area. Written once by gdt_init_cpu(). */
struct gdt_cpu {
	uint64_t table[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
	uint8_t ist_stacks[3][GDT_IST_STACK] __attribute__((aligned(16)));
};

extern uint64_t gdt_table[GDT_ENTRIES];

/* Load the final GDT with a TSS and the IDT (exception handlers). BSP only. */
void gdt_init(void);
void idt_init(void);

/*
 * gdt_init_cpu: fill c (flat segments as gdt_table, a TSS with its own IST
 * stacks for #DF, NMI and #MC) and load GDT and TR on the calling CPU.
 * Each AP, once, on its own area.
 */
void gdt_init_cpu(struct gdt_cpu *c);

/* idt_load: load the shared IDT on the calling CPU (APs). */
void idt_load(void);

/*
 * idt_set_gate: vector -> handler (a 64-bit interrupt gate, DPL 0, no
 * IST): a function with gcc's interrupt attribute or an assembly stub.
 * Boot CPU, before anything can raise that vector; every CPU sees it.
 */
void idt_set_gate(uint8_t vector, const void *handler);
#endif
#endif
