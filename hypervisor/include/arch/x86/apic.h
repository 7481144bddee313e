/* The physical local APIC: xAPIC MMIO or x2APIC MSRs, IPIs, one-shot timer. */
#ifndef XENOLITH_ARCH_X86_APIC_H
#define XENOLITH_ARCH_X86_APIC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The hypervisor's own interrupt vectors: the band 0xF0-0xFF.
 *
 * Why there: Linux hands devices (IOAPIC pins, MSI) only vectors from
 * FIRST_EXTERNAL_VECTOR (0x20) up to below FIRST_SYSTEM_VECTOR, and keeps
 * 0xEC-0xFF for its own LAPIC timer and IPIs. dom0's own system vectors
 * live in its virtual LAPIC, so a device interrupt that dom0 programs
 * into the IOAPIC or an MSI never lands in this band, and the hypervisor's
 * interrupts never collide with a device's. The band is also the highest
 * priority class (SDM vol. 3 §10.8.3.1: class = vector >> 4), so a TPR
 * raised by lower classes never holds them back.
 */
#define APIC_VEC_BAND_FIRST	0xF0
#define APIC_VEC_TIMER		0xF0	/* this CPU's one-shot LAPIC timer */
#define APIC_VEC_KICK		0xF1	/* IPI: "look at your work" */
#define APIC_VEC_ERROR		0xFE	/* LVT error (masked: not used yet) */
/* Bits 3:0 all ones: older APICs hard-wire them (SDM vol. 3 §10.9). */
#define APIC_VEC_SPURIOUS	0xFF
#define APIC_VEC_BAND_LAST	0xFF

/* apic_handler_fn: called with interrupts off after the EOI was sent. */
typedef void (*apic_handler_fn)(uint8_t vector);

/*
 * apic_init_bsp: find the LAPIC (IA32_APIC_BASE), choose x2APIC MSRs when
 * the firmware enabled x2APIC mode, else map the xAPIC page uncached in
 * the hypervisor's page tables; install the band's gates in the IDT; set
 * up this CPU (apic_init_cpu) and calibrate the timer against the TSC
 * (10 ms). Needs time_init(). Boot CPU, once. 0, or -ENODEV (no usable
 * LAPIC: base above 4 GiB or APIC globally disabled).
 */
int apic_init_bsp(void);

/*
 * apic_init_cpu: software-enable this CPU's LAPIC (SVR, spurious vector
 * APIC_VEC_SPURIOUS), TPR 0, timer/thermal/PMC/error/CMCI LVTs masked.
 * LINT0/LINT1 are masked on APs only: the boot CPU keeps the firmware's
 * virtual-wire set-up (PIC on LINT0, NMI on LINT1) that dom0 expects.
 * Every CPU, once, after apic_init_bsp() on the boot CPU.
 */
void apic_init_cpu(void);

/* apic_id: this CPU's APIC id (CPUID 1 EBX[31:24] in xAPIC mode). */
uint32_t apic_id(void);

/* apic_is_x2apic: whether x2APIC MSRs are in use. */
bool apic_is_x2apic(void);

/* apic_eoi: end of interrupt for the highest in-service vector. */
void apic_eoi(void);

/* apic_vector_level: vector, now in service, was delivered level-triggered
 * (TMR, SDM vol. 3 §10.8.4). apic_vector_in_service: its ISR bit. */
bool apic_vector_level(uint8_t vector);
bool apic_vector_in_service(uint8_t vector);

/* apic_set_flat_logical_id: flat logical destination mode with this
 * LDR (bits 31:24, SDM vol. 3 §10.6.2.2); nothing in x2APIC mode, whose
 * LDR is read-only. */
void apic_set_flat_logical_id(uint8_t id_bits);

/* apic_set_lint0_extint: LINT0 as the 8259 PIC's virtual wire (ExtINT)
 * when on, masked when off. */
void apic_set_lint0_extint(bool on);

/*
 * apic_send_ipi: fixed, edge, physical destination dest_apic_id, vector.
 * Waits until the xAPIC accepted the previous command. Any CPU,
 * interrupts off or not (the ICR write is not atomic in xAPIC mode: not
 * from an interrupt handler that may interrupt another send).
 */
void apic_send_ipi(uint32_t dest_apic_id, uint8_t vector);

/*
 * apic_send_init_sipi: wake the CPU dest with INIT, 10 ms, STARTUP,
 * 200 us, STARTUP (SDM vol. 3 §8.4.4.1); it starts in real mode at
 * start_page << 12 (start_page < 0x100). 0, or -ETIMEDOUT when the APIC
 * never accepted a command. Boot CPU (spins ~10 ms).
 */
int apic_send_init_sipi(uint32_t dest, uint8_t start_page);

/* apic_send_init: INIT to dest only (back to wait-for-SIPI). 0 or
 * -ETIMEDOUT. Boot CPU. */
int apic_send_init(uint32_t dest);

/* apic_udelay: spin us microseconds on the TSC. Any CPU after time_init. */
void apic_udelay(unsigned int us);

/*
 * apic_timer_oneshot_ns: arm this CPU's LAPIC timer to raise
 * APIC_VEC_TIMER once, ns nanoseconds from now (at least one tick, at most
 * 2^32 ticks). apic_timer_stop: disarm (mask, count 0). This CPU.
 */
void apic_timer_oneshot_ns(uint64_t ns);
void apic_timer_stop(void);

/* apic_timer_count: ticks left before this CPU's timer fires (0: fired
 * or stopped). */
uint32_t apic_timer_count(void);

/* apic_timer_khz: the timer's measured input rate (after the divider). */
uint64_t apic_timer_khz(void);

/*
 * apic_set_handler: call fn for vector (within the band) on every CPU,
 * after the EOI; NULL: EOI only. Spurious interrupts get no EOI and no
 * call (SDM vol. 3 §10.9). Boot CPU, before the vector can fire.
 * 0 or -EINVAL.
 */
int apic_set_handler(uint8_t vector, apic_handler_fn fn);

#endif
