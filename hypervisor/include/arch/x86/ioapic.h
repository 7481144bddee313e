/* The physical IOAPICs: found in the MADT, owned and programmed by the hypervisor. */
#ifndef XENOLITH_ARCH_X86_IOAPIC_H
#define XENOLITH_ARCH_X86_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_MAX		8
#define IOAPIC_WINDOW		0x1000u		/* the register window's page */
/* Redirection entry bits (82093AA datasheet §3.2.4). */
#define IOAPIC_RTE_VECTOR	0xffull
#define IOAPIC_RTE_DM_SHIFT	8
#define IOAPIC_RTE_DELIVS	(1ull << 12)
#define IOAPIC_RTE_REMOTE_IRR	(1ull << 14)
#define IOAPIC_RTE_MASK		(1ull << 16)

struct acpi_madt;

/* One physical IOAPIC, as found. */
struct ioapic_chip {
	uint8_t id;
	uint64_t base;			/* physical address of the window */
	unsigned int gsi_base;
	unsigned int pins;
};

/*
 * ioapic_init: find every IOAPIC the firmware's MADT lists and mask all
 * its pins; unmap(base, ctx) is called first for each window (the caller
 * leaves it out of dom0's nested tables). Returns 0 or unmap's -errno.
 * Boot CPU, once.
 */
int ioapic_init(const struct acpi_madt *madt, int (*unmap)(uint64_t gpa, void *ctx), void *ctx);

/* ioapic_isa_gsi: the GSI of ISA IRQ irq (the MADT's Interrupt Source
 * Overrides, read by ioapic_init; else the same number). */
unsigned int ioapic_isa_gsi(unsigned int irq);

/* ioapic_count / ioapic_chip: the IOAPICs found (0..count-1). */
unsigned int ioapic_count(void);
const struct ioapic_chip *ioapic_chip(unsigned int i);

/* ioapic_program: set pin's physical redirection entry, masked while its
 * halves change (82093AA §3.2.4). Callers serialise per chip. */
void ioapic_program(unsigned int chip, unsigned int pin, uint64_t entry);

#endif
