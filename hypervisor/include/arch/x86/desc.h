/* x86 descriptor tables: GDT selectors, TSS, IDT gate layout. */
#ifndef XENOLITH_ARCH_X86_DESC_H
#define XENOLITH_ARCH_X86_DESC_H

/* Selectors. 0x10/0x18 double as Linux's __BOOT_CS/__BOOT_DS (boot protocol). */
#define GDT_SEL_CODE64	0x08
#define GDT_SEL_CODE32	0x10
#define GDT_SEL_DATA	0x18
#define GDT_SEL_TSS	0x20
#define GDT_ENTRIES	7	/* null, code64, code32, data, tss (2 slots), spare */

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

extern uint64_t gdt_table[GDT_ENTRIES];

/* Load the final GDT with a TSS and the IDT (exception handlers). BSP only. */
void gdt_init(void);
void idt_init(void);
#endif
#endif
