/* Physical device interrupts: taken by the hypervisor, forwarded to dom0's vLAPIC. */
#include <stdbool.h>
#include <stdint.h>

#include <arch/x86/apic.h>
#include <arch/x86/desc.h>
#include <arch/x86/irq.h>
#include <arch/x86/processor.h>

#define IRQ_MSR_APIC_BASE	0x1b
#define IRQ_APIC_BASE_MASK	0xfffff000ull
#define IRQ_APIC_TPR		0x80
#define IRQ_APIC_LDR		0xd0
#define IRQ_APIC_DFR		0xe0
#define IRQ_APIC_LVT_LINT0	0x350
#define IRQ_APIC_LVT_MASKED	(1u << 16)
#define IRQ_APIC_LVT_EXTINT	(7u << 8)

extern char irq_stubs[];

static irq_guest_fn irq_guest;
static void *irq_guest_opaque;
/* Vectors handed to the guest whose physical EOI waits for the guest's
 * (one bit per vector: the LAPIC never delivers a vector again while it
 * is in service). Touched with interrupts off on the boot CPU only. */
static uint64_t irq_deferred[4];
static uint64_t irq_taken;
static bool irq_extint;		/* LINT0 is the PIC's virtual wire */

/*
 * irq_lapic_setup: what the physical LAPIC needs now that dom0 drives a
 * virtual one. dom0 sees one vCPU and programs the IOAPIC and MSIs in
 * Linux's flat logical mode, destination 1 (its vLAPIC's LDR): give the
 * physical LAPIC the same logical ID (SDM vol. 3 §10.6.2.2) so that those
 * messages reach the boot CPU. LINT0 (the 8259 PIC's virtual wire) is
 * masked: ExtINT vectors are the PIC's (0x08-0x0f after the BIOS) and no
 * LAPIC EOI retires them, until dom0 itself asks for the virtual wire
 * (irq_set_extint). x2APIC's LDR is read-only: nothing to do there.
 */
static volatile uint32_t *irq_lapic_reg(unsigned int reg)
{
	uint64_t base = rdmsr(IRQ_MSR_APIC_BASE) & IRQ_APIC_BASE_MASK;

	return (volatile uint32_t *)(uintptr_t)(base + reg);
}

static void irq_lapic_setup(void)
{
	if (apic_is_x2apic())
		return;
	*irq_lapic_reg(IRQ_APIC_DFR) = 0xffffffffu;
	*irq_lapic_reg(IRQ_APIC_LDR) = 1u << 24;
	irq_set_extint(false);
}

/*
 * irq_set_extint: the physical LINT0 as the 8259's virtual wire (ExtINT,
 * on) or masked (off). The TPR write after it makes an emulated APIC
 * (QEMU) re-evaluate its interrupt line, which a LINT0 write does not: a
 * PIC interrupt raised before the mask would otherwise stay asserted with
 * no vector behind it.
 */
void irq_set_extint(bool on)
{
	if (apic_is_x2apic())
		return;
	irq_extint = on;
	*irq_lapic_reg(IRQ_APIC_LVT_LINT0) = IRQ_APIC_LVT_EXTINT | (on ? 0 : IRQ_APIC_LVT_MASKED);
	*irq_lapic_reg(IRQ_APIC_TPR) = 0;
}

void irq_init(void)
{
	unsigned int v;

	for (v = IRQ_VEC_FIRST; v <= IRQ_VEC_LAST; v++)
		idt_set_gate(v, irq_stubs + 16 * (v - IRQ_VEC_FIRST));
	irq_lapic_setup();
}

void irq_set_guest(irq_guest_fn fn, void *opaque)
{
	irq_guest_opaque = opaque;
	irq_guest = fn;
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
	uint8_t vec = (uint8_t)vector;

	irq_taken++;
	/* An ExtINT vector comes from the PIC, is not in service in the LAPIC
	 * and takes no LAPIC EOI (SDM vol. 3 §10.5.1): it goes to the guest
	 * as the PIC's, past its vLAPIC. */
	if (irq_extint && !apic_vector_in_service(vec)) {
		if (irq_guest)
			irq_guest(irq_guest_opaque, vec, true);
		return;
	}
	if (!apic_vector_level(vec)) {
		apic_eoi();
		if (irq_guest)
			irq_guest(irq_guest_opaque, vec, false);
		return;
	}
	if (irq_guest && !(irq_deferred[vec / 64] & (1ull << (vec % 64))) &&
	    irq_guest(irq_guest_opaque, vec, false) == 0) {
		irq_deferred[vec / 64] |= 1ull << (vec % 64);
		return;
	}
	apic_eoi();
}

void irq_guest_eoi(uint8_t vector)
{
	uint64_t bit = 1ull << (vector % 64);

	if (!(irq_deferred[vector / 64] & bit))
		return;
	irq_deferred[vector / 64] &= ~bit;
	apic_eoi();
}

uint64_t irq_count(void)
{
	return irq_taken;
}
