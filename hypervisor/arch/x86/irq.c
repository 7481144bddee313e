/* Physical device interrupts: taken by the hypervisor, forwarded to dom0's vLAPICs. */
#include <stdbool.h>
#include <stdint.h>

#include "keyhandler.h"
#include "printk.h"
#include <arch/x86/apic.h>
#include <arch/x86/desc.h>
#include <arch/x86/irq.h>
#include <arch/x86/processor.h>
#include <arch/x86/smpboot.h>
#include <arch/x86/time.h>

#define IRQ_FLAT_LDR_CPUS	8	/* flat logical mode: one LDR bit per CPU */

extern char irq_stubs[];

static irq_guest_fn irq_guest;

/* Per CPU: level-triggered vectors handed to the guest whose physical EOI
 * waits for the guest's (that CPU's interrupt path only), and EOIs the
 * guest asked for from another CPU (atomic; served by irq_cpu_sync). */
static uint64_t irq_deferred[SMP_MAX_CPUS][4];
static uint64_t irq_eoi_asked[SMP_MAX_CPUS][4];
static uint64_t irq_taken;
/* Per CPU and vector: when a held level vector was delivered (us, wraps);
 * the longest hold yet, its vector, and how many holds passed 1 ms (while
 * held, vectors of its priority class and below cannot arrive). */
static uint32_t irq_held_at_us[SMP_MAX_CPUS][256];
static uint32_t irq_hold_max_us;
static uint8_t irq_hold_max_vec;
static uint64_t irq_holds_over_ms;
/* atomic: the watched vector (bits 7:0, 0 none), its IOAPIC destination
 * (15:8) and destination mode (bit 16, logical) */
static uint32_t irq_watched;
static void (*irq_watch_fn)(void);
static bool irq_extint;			/* CPU 0's LINT0 is the PIC's virtual wire */
static volatile bool irq_extint_wanted;	/* ... as dom0 asked for it */

/* irq_apply_extint: CPU 0's LINT0 as the 8259's virtual wire (ExtINT,
 * on) or masked (off). */
static void irq_apply_extint(bool on)
{
	irq_extint = on;
	apic_set_lint0_extint(on);
}

void irq_set_extint(bool on)
{
	irq_extint_wanted = on;
	if (smp_this_cpu() == 0)
		irq_cpu_sync();
}

/* Debug key 'i': device interrupts taken, and how long level-triggered
 * ones waited for the guest's EOI (read unlocked: statistics). */
static void irq_key(uint8_t key)
{
	printk(PRINTK_INFO, "device interrupts: %llu taken; level-triggered ones held for "
	       "the guest's EOI: longest %u us (vector %#x), %llu over 1 ms\n",
	       (unsigned long long)irq_taken, irq_hold_max_us, irq_hold_max_vec,
	       (unsigned long long)irq_holds_over_ms);
}

void irq_init(void)
{
	unsigned int v;

	for (v = IRQ_VEC_FIRST; v <= IRQ_VEC_LAST; v++)
		idt_set_gate(v, irq_stubs + 16 * (v - IRQ_VEC_FIRST));
	keyhandler_register('i', "device interrupts: taken, level ones held for the guest",
			    irq_key);
}

/*
 * irq_cpu_init: what this CPU's physical LAPIC needs now that dom0 drives
 * virtual ones. dom0 (up to 8 vCPUs) programs the IOAPIC and MSIs in
 * Linux's flat logical mode, vCPU n having logical ID bit n: CPU n gets
 * the same logical ID (SDM vol. 3 §10.6.2.2), so those messages reach the
 * CPU whose number is the vCPU's. LINT0 of CPU 0 (the 8259 PIC's virtual
 * wire) is masked until dom0 itself asks for it (irq_set_extint). In
 * x2APIC mode the LDR is read-only: nothing to do (a dom0 in x2APIC mode
 * addresses CPUs physically, irq_ids_are_cpu_numbers).
 */
void irq_cpu_init(void)
{
	unsigned int cpu = smp_this_cpu();

	if (apic_is_x2apic())
		return;
	apic_set_flat_logical_id(cpu < IRQ_FLAT_LDR_CPUS ? 1u << cpu : 0);
	if (cpu == 0)
		irq_apply_extint(false);
}

bool irq_ids_are_cpu_numbers(void)
{
	unsigned int cpu;

	for (cpu = 0; cpu < SMP_MAX_CPUS; cpu++) {
		const struct smp_cpu *c = smp_cpu(cpu);

		if (c && c->apic_id != cpu)
			return false;
	}
	return true;
}

void irq_set_guest(irq_guest_fn fn)
{
	irq_guest = fn;
}

void irq_set_watch(uint8_t vector, uint8_t dest, bool logical, void (*fn)(void))
{
	irq_watch_fn = fn;
	__atomic_store_n(&irq_watched, vector | (uint32_t)dest << 8 | (uint32_t)logical << 16,
			 __ATOMIC_SEQ_CST);
}

/* irq_watch_goes_to: whether the watched interrupt w goes to the CPU with
 * index cpu and APIC id apic (flat logical: its LDR bit; physical: its
 * APIC id or the broadcast). */
static bool irq_watch_goes_to(uint32_t w, unsigned int cpu, uint8_t apic)
{
	uint8_t dest = (uint8_t)(w >> 8);

	if (w & (1u << 16))
		return cpu < IRQ_FLAT_LDR_CPUS && (dest & (1u << cpu));
	return dest == 0xff || dest == apic;
}

/*
 * irq_watched_here: whether vec on this CPU is the watched interrupt: the
 * vector, and this CPU among its destinations. Vectors are per CPU:
 * another CPU's device may have the same one.
 */
static bool irq_watched_here(unsigned int cpu, uint8_t vec)
{
	uint32_t w = __atomic_load_n(&irq_watched, __ATOMIC_SEQ_CST);

	if (!irq_watch_fn || !vec || (uint8_t)w != vec)
		return false;
	return irq_watch_goes_to(w, cpu, (uint8_t)apic_id());
}

bool irq_watch_active(void)
{
	return irq_watch_fn && (uint8_t)__atomic_load_n(&irq_watched, __ATOMIC_SEQ_CST);
}

void irq_watch_replay(void)
{
	uint32_t w = __atomic_load_n(&irq_watched, __ATOMIC_SEQ_CST);
	struct smp_cpu *c;
	unsigned int cpu;

	if (!irq_watch_fn || !(uint8_t)w)
		return;
	for (cpu = 0; cpu < SMP_MAX_CPUS; cpu++) {
		c = smp_cpu(cpu);
		if (c && irq_watch_goes_to(w, cpu, (uint8_t)c->apic_id))
			break;
	}
	if (cpu == SMP_MAX_CPUS)
		return;
	irq_watch_fn();
	if (irq_guest)
		irq_guest(cpu, (uint8_t)w, false, false);
}

/*
 * irq_dispatch: a device vector: the guest gets the same vector (dom0
 * wrote it into the IOAPIC entry or MSI). An edge-triggered vector is
 * retired at once: the LAPIC latches the next edge in IRR only while the
 * vector is not in service, so holding its EOI for the guest would lose
 * an edge that came meanwhile (a UART's next "transmitter empty"). A
 * level-triggered one keeps its physical EOI until the guest's, as on
 * bare metal: the pin stays quiet (Remote IRR) until the guest has
 * served its device.
 */
void irq_dispatch(uint64_t vector)
{
	unsigned int cpu = smp_this_cpu();
	uint8_t vec = (uint8_t)vector;
	uint64_t bit = 1ull << (vec % 64);

	__atomic_add_fetch(&irq_taken, 1, __ATOMIC_RELAXED);
	/* An ExtINT vector comes from the PIC, is not in service in the LAPIC
	 * and takes no LAPIC EOI (SDM vol. 3 §10.5.1): it goes to the guest
	 * as the PIC's, past its vLAPIC. With LINT0 masked it cannot come on
	 * real hardware; Bochs delivers the PIC's INTR whatever LINT0 says:
	 * dropped, as LINT0 would have, not handed on as a LAPIC vector (the
	 * guest would never EOI it in its vLAPIC, blocking its class). */
	if (cpu == 0 && !apic_vector_in_service(vec)) {
		if (irq_extint && irq_guest)
			irq_guest(cpu, vec, true, false);
		return;
	}
	if (irq_watched_here(cpu, vec))
		irq_watch_fn();
	if (!apic_vector_level(vec)) {
		apic_eoi();
		if (irq_guest)
			irq_guest(cpu, vec, false, false);
		return;
	}
	if (!(irq_deferred[cpu][vec / 64] & bit)) {
		irq_deferred[cpu][vec / 64] |= bit;
		irq_held_at_us[cpu][vec] = (uint32_t)(time_now_ns() / 1000);
		if (irq_guest && irq_guest(cpu, vec, false, true) == 0)
			return;
		irq_deferred[cpu][vec / 64] &= ~bit;
	}
	apic_eoi();
}

/* irq_eoi_local: the physical EOI for vector, held since its delivery on
 * this CPU. Interrupts off. */
static void irq_eoi_local(unsigned int cpu, uint8_t vector)
{
	uint64_t bit = 1ull << (vector % 64);
	uint32_t held;

	if (!(irq_deferred[cpu][vector / 64] & bit))
		return;
	irq_deferred[cpu][vector / 64] &= ~bit;
	apic_eoi();
	held = (uint32_t)(time_now_ns() / 1000) - irq_held_at_us[cpu][vector];
	if (held > 1000)
		__atomic_add_fetch(&irq_holds_over_ms, 1, __ATOMIC_RELAXED);
	if (held > irq_hold_max_us) {
		irq_hold_max_us = held;
		irq_hold_max_vec = vector;
	}
}

void irq_guest_eoi(unsigned int cpu, uint8_t vector)
{
	struct smp_cpu *c;

	if (cpu >= SMP_MAX_CPUS)
		return;
	if (cpu == smp_this_cpu()) {
		irq_eoi_local(cpu, vector);
		return;
	}
	c = smp_cpu(cpu);
	if (!c)
		return;
	__atomic_or_fetch(&irq_eoi_asked[cpu][vector / 64], 1ull << (vector % 64),
			  __ATOMIC_SEQ_CST);
	apic_send_ipi(c->apic_id, APIC_VEC_KICK);
}

void irq_cpu_sync(void)
{
	unsigned int cpu = smp_this_cpu(), i;
	uint64_t bits;

	if (cpu == 0 && irq_extint != irq_extint_wanted && !apic_is_x2apic())
		irq_apply_extint(irq_extint_wanted);
	for (i = 0; i < 4; i++) {
		if (!__atomic_load_n(&irq_eoi_asked[cpu][i], __ATOMIC_RELAXED))
			continue;
		bits = __atomic_exchange_n(&irq_eoi_asked[cpu][i], 0, __ATOMIC_SEQ_CST);
		/* Highest first: the order the LAPIC retires them in. */
		while (bits) {
			unsigned int b = 63 - __builtin_clzll(bits);

			irq_eoi_local(cpu, (uint8_t)(i * 64 + b));
			bits &= ~(1ull << b);
		}
	}
}

uint64_t irq_count(void)
{
	return __atomic_load_n(&irq_taken, __ATOMIC_RELAXED);
}
