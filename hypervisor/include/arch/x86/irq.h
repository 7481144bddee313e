/* Physical device interrupts: taken by the hypervisor, forwarded to dom0. */
#ifndef XENOLITH_ARCH_X86_IRQ_H
#define XENOLITH_ARCH_X86_IRQ_H

/* The vectors dom0 may give devices (IOAPIC entries, MSI): below the
 * hypervisor's band (apic.h, 0xF0-0xFF). */
#define IRQ_VEC_FIRST	0x20
#define IRQ_VEC_LAST	0xef

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>

/*
 * irq_guest_fn: a device vector arrived; hand it to the guest: to its
 * vLAPIC, or with extint as the 8259's interrupt (virtual wire: no LAPIC
 * state, no EOI). Return 0 if the guest took it (the physical EOI of a
 * LAPIC vector then waits for the guest's EOI: irq_guest_eoi), or -errno
 * (EOI sent at once, dropped). In the interrupt handler, interrupts off.
 */
typedef int (*irq_guest_fn)(void *opaque, uint8_t vector, bool extint);

/* irq_init: gates for IRQ_VEC_FIRST..IRQ_VEC_LAST. Boot CPU, after
 * apic_init_bsp(). */
void irq_init(void);

/* irq_set_guest: where device vectors go (dom0's vCPU 0). */
void irq_set_guest(irq_guest_fn fn, void *opaque);

/*
 * irq_guest_eoi: the guest retired vector (EOI of its vLAPIC): if it was a
 * physical interrupt waiting for that, EOI the physical LAPIC now, which
 * also lets a level-triggered IOAPIC pin fire again. This CPU.
 */
void irq_guest_eoi(uint8_t vector);

/*
 * irq_set_extint: the physical LINT0 carries the 8259 PIC's interrupts
 * (virtual wire, ExtINT) or is masked (the default). For a dom0 that
 * runs without IOAPIC (acpi=off, no MP table) and unmasks LINT0 of its
 * vLAPIC: the PIC then delivers the vectors dom0 programmed into it.
 * Boot CPU.
 */
void irq_set_extint(bool on);

/* irq_count: device interrupts taken so far (statistics). */
uint64_t irq_count(void);

/* irq_dispatch: from irq_entry.S only. */
void irq_dispatch(uint64_t vector);
#endif

#endif
