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
 * irq_guest_fn: a device vector arrived on CPU cpu; hand it to the guest:
 * to a vLAPIC (level: level-triggered), or with extint as the 8259's
 * interrupt (virtual wire: no LAPIC state, no EOI). Return 0 if the guest
 * took it (the physical EOI of a level vector then waits for the guest's
 * EOI: irq_guest_eoi), or -errno (EOI sent at once, dropped). In the
 * interrupt handler, interrupts off.
 */
typedef int (*irq_guest_fn)(unsigned int cpu, uint8_t vector, bool extint, bool level);

/* irq_init: gates for IRQ_VEC_FIRST..IRQ_VEC_LAST. Boot CPU, after
 * apic_init_bsp(). */
void irq_init(void);

/* irq_cpu_init: this CPU's physical LAPIC set up for forwarding (logical
 * ID, CPU 0's LINT0 masked). Every CPU, before it runs a vCPU. */
void irq_cpu_init(void);

/* irq_ids_are_cpu_numbers: every CPU online has its number as APIC id, so
 * that dom0 may address its vCPU n physically (x2APIC without interrupt
 * remapping: IOAPIC and MSI messages to APIC id n) and reach CPU n. Any
 * CPU, once the APs are up. */
bool irq_ids_are_cpu_numbers(void);

/* irq_set_guest: where device vectors go. */
void irq_set_guest(irq_guest_fn fn);

/*
 * irq_set_watch: fn runs first (interrupts off) whenever device vector
 * arrives at a CPU among the destinations dest (an IOAPIC entry's 8 bits:
 * an APIC id, or with logical a flat LDR mask), before the guest gets it;
 * vector 0 watches nothing. For a device the hypervisor shares with dom0
 * (the console UART): the same vector on another CPU is another device's.
 */
void irq_set_watch(uint8_t vector, uint8_t dest, bool logical, void (*fn)(void));
/* irq_watch_active: whether the watched interrupt is set (dom0 gave the
 * device's pin a vector and left it unmasked). */
bool irq_watch_active(void);
/*
 * irq_watch_replay: the watched interrupt as if its edge had come: its
 * function, then its vector to the guest's vCPU of its first destination
 * CPU (edge-triggered). For an edge-triggered line left up, which gives no
 * edge again until someone serves the device. Interrupts off.
 */
void irq_watch_replay(void);

/*
 * irq_guest_eoi: the guest retired vector, which CPU cpu took: if that was
 * a level-triggered interrupt waiting for it, that CPU's physical LAPIC
 * gets its EOI (now, or at its next irq_cpu_sync after a kick), which also
 * lets the IOAPIC pin fire again. Any CPU.
 */
void irq_guest_eoi(unsigned int cpu, uint8_t vector);

/* irq_cpu_sync: do what other CPUs asked of this one (EOIs; on CPU 0 the
 * LINT0 set-up). Every CPU, often (before each guest entry). */
void irq_cpu_sync(void);

/*
 * irq_set_extint: CPU 0's physical LINT0 carries the 8259 PIC's
 * interrupts (virtual wire, ExtINT) or is masked (the default). For a dom0
 * that runs without IOAPIC (acpi=off, no MP table) and unmasks LINT0 of
 * vCPU 0's vLAPIC. Any CPU; applied on CPU 0.
 */
void irq_set_extint(bool on);

/* irq_count: device interrupts taken so far (statistics). */
uint64_t irq_count(void);

/* irq_dispatch: from irq_entry.S only. */
void irq_dispatch(uint64_t vector);
#endif

#endif
