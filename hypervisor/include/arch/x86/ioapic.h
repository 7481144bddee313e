/* The physical IOAPICs: the hypervisor's; dom0 programs them through virtual ones. */
#ifndef XENOLITH_ARCH_X86_IOAPIC_H
#define XENOLITH_ARCH_X86_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct acpi_madt;
struct vcpu;

/*
 * ioapic_init: take over every IOAPIC the firmware's MADT lists: its
 * window is unmapped from dom0 (unmap(gpa, ctx), 0 or -errno), each
 * physical pin masked, and dom0 gets a virtual IOAPIC (vioapic.c) there
 * whose entries are copied to the physical pins once checked. 0 or
 * -errno. Boot CPU, before dom0 runs.
 */
int ioapic_init(const struct acpi_madt *madt, int (*unmap)(uint64_t gpa, void *ctx), void *ctx);

/* ioapic_npf: a nested page fault at gpa: if it is an IOAPIC window,
 * emulate the access on dom0's view (or crash v) and return true. */
bool ioapic_npf(struct vcpu *v, uint64_t gpa, bool write);

#endif
