/* The physical local APIC: registers, IPIs, INIT-SIPI-SIPI, one-shot timer. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "printk.h"
#include <arch/x86/apic.h>
#include <arch/x86/desc.h>
#include <arch/x86/processor.h>
#include <arch/x86/time.h>

#define MSR_APIC_BASE		0x1B
#define APIC_BASE_BSP		(1u << 8)
#define APIC_BASE_EXTD		(1u << 10)	/* x2APIC mode */
#define APIC_BASE_EN		(1u << 11)
#define APIC_BASE_ADDR_MASK	0x000ffffffffff000ull
#define MSR_X2APIC_FIRST	0x800		/* register offset >> 4 added */
#define CPUID1_ECX_X2APIC	(1u << 21)

/* Register offsets in the xAPIC page (SDM vol. 3 §10.4.1, table 10-1). */
#define APIC_ID			0x020
#define APIC_TPR		0x080
#define APIC_EOI		0x0B0
#define APIC_LDR		0x0D0
#define APIC_DFR		0x0E0
#define APIC_SVR		0x0F0
#define APIC_ISR		0x100
#define APIC_TMR		0x180
#define APIC_ESR		0x280
#define APIC_LVT_CMCI		0x2F0
#define APIC_ICR_LO		0x300
#define APIC_ICR_HI		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_LVT_THERMAL	0x330
#define APIC_LVT_PMC		0x340
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
#define APIC_TIMER_ICR		0x380
#define APIC_TIMER_CCR		0x390
#define APIC_TIMER_DCR		0x3E0

#define APIC_SVR_ENABLE		(1u << 8)
#define APIC_LVT_MASKED		(1u << 16)
#define APIC_LVT_EXTINT		(7u << 8)
#define APIC_DFR_FLAT		0xffffffffu
#define APIC_ICR_BUSY		(1u << 12)	/* delivery status, xAPIC only */
#define APIC_ICR_FIXED		(0u << 8)
#define APIC_ICR_INIT		(5u << 8)
#define APIC_ICR_STARTUP	(6u << 8)
#define APIC_ICR_ASSERT		(1u << 14)
#define APIC_ICR_LEVEL		(1u << 15)
#define APIC_DCR_DIV16		0x3		/* SDM vol. 3 §10.5.4, figure 10-10 */
#define APIC_TIMER_DIV		16

#define APIC_CALIBRATE_MS	10
#define APIC_ICR_SPINS		1000000u

extern uint64_t boot_pd[];

/* Set once by the boot CPU in apic_init_bsp(), read-only afterwards. */
static volatile uint8_t *apic_mmio;
static bool apic_x2;
static uint64_t apic_timer_per_ms;
static apic_handler_fn apic_handlers[APIC_VEC_BAND_LAST - APIC_VEC_BAND_FIRST + 1];

static uint32_t apic_read(uint32_t reg)
{
	if (apic_x2)
		return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
	return *(volatile uint32_t *)(apic_mmio + reg);
}

static void apic_write(uint32_t reg, uint32_t val)
{
	if (apic_x2)
		wrmsr(MSR_X2APIC_FIRST + (reg >> 4), val);
	else
		*(volatile uint32_t *)(apic_mmio + reg) = val;
}

bool apic_is_x2apic(void)
{
	return apic_x2;
}

uint32_t apic_id(void)
{
	struct cpuid_regs r;

	if (apic_x2)
		return apic_read(APIC_ID);
	if (!apic_mmio) {
		cpuid_count(1, 0, &r);
		return r.ebx >> 24;
	}
	return apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

bool apic_vector_level(uint8_t vector)
{
	return apic_read(APIC_TMR + 16 * (vector / 32)) & (1u << (vector % 32));
}

bool apic_vector_in_service(uint8_t vector)
{
	return apic_read(APIC_ISR + 16 * (vector / 32)) & (1u << (vector % 32));
}

void apic_set_flat_logical_id(uint8_t id_bits)
{
	if (apic_x2)
		return;
	apic_write(APIC_DFR, APIC_DFR_FLAT);
	apic_write(APIC_LDR, (uint32_t)id_bits << 24);
}

/* The TPR write after LINT0 makes an emulated APIC (QEMU) re-evaluate its
 * interrupt line, which a LINT0 write alone does not: a PIC interrupt
 * raised before the mask would otherwise stay asserted with no vector. */
void apic_set_lint0_extint(bool on)
{
	apic_write(APIC_LVT_LINT0, APIC_LVT_EXTINT | (on ? 0 : APIC_LVT_MASKED));
	apic_write(APIC_TPR, 0);
}

void apic_udelay(unsigned int us)
{
	uint64_t khz = time_tsc_khz();
	uint64_t start = rdtsc(), ticks = khz ? khz * us / 1000 : (uint64_t)us * 3000;

	while (rdtsc() - start < ticks)
		cpu_relax();
}

/* apic_icr_send: write the ICR (destination first in xAPIC mode: the low
 * write sends, SDM vol. 3 §10.6.1) and wait for acceptance. 0 or
 * -ETIMEDOUT. x2APIC has no delivery status: one MSR write (§10.12.9). */
static int apic_icr_send(uint32_t dest, uint32_t lo)
{
	unsigned int spins = 0;

	if (apic_x2) {
		wrmsr(MSR_X2APIC_FIRST + (APIC_ICR_LO >> 4), ((uint64_t)dest << 32) | lo);
		return 0;
	}
	while ((apic_read(APIC_ICR_LO) & APIC_ICR_BUSY) && ++spins < APIC_ICR_SPINS)
		cpu_relax();
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, lo);
	spins = 0;
	while ((apic_read(APIC_ICR_LO) & APIC_ICR_BUSY) && ++spins < APIC_ICR_SPINS)
		cpu_relax();
	return spins < APIC_ICR_SPINS ? 0 : -ETIMEDOUT;
}

void apic_send_ipi(uint32_t dest_apic_id, uint8_t vector)
{
	apic_icr_send(dest_apic_id, APIC_ICR_FIXED | APIC_ICR_ASSERT | vector);
}

int apic_send_init(uint32_t dest)
{
	return apic_icr_send(dest, APIC_ICR_INIT | APIC_ICR_LEVEL | APIC_ICR_ASSERT);
}

int apic_send_init_sipi(uint32_t dest, uint8_t start_page)
{
	int ret, i;

	/* INIT, level assert; the de-assert is only for 82489DX-era APICs
	 * and is ignored by later ones (SDM vol. 3 §10.6.1). */
	ret = apic_send_init(dest);
	if (ret)
		return ret;
	apic_udelay(10000);
	/* Two STARTUPs 200 us apart: the second is ignored if the first
	 * worked (SDM vol. 3 §8.4.4.1, the MP initialisation example). */
	for (i = 0; i < 2; i++) {
		ret = apic_icr_send(dest, APIC_ICR_STARTUP | APIC_ICR_ASSERT | start_page);
		if (ret)
			return ret;
		apic_udelay(200);
	}
	return 0;
}

void apic_timer_stop(void)
{
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_VEC_TIMER);
	apic_write(APIC_TIMER_ICR, 0);
}

void apic_timer_oneshot_ns(uint64_t ns)
{
	uint64_t count = ns / 1000 * apic_timer_per_ms / 1000;

	if (ns < 1000000000ull)
		count = ns * apic_timer_per_ms / 1000000;
	if (count == 0)
		count = 1;
	if (count > 0xffffffffull)
		count = 0xffffffffull;
	/* One-shot mode is LVT bits 18:17 = 00 (SDM vol. 3 §10.5.4). */
	apic_write(APIC_TIMER_DCR, APIC_DCR_DIV16);
	apic_write(APIC_LVT_TIMER, APIC_VEC_TIMER);
	apic_write(APIC_TIMER_ICR, (uint32_t)count);
}

uint32_t apic_timer_count(void)
{
	return apic_read(APIC_TIMER_CCR);
}

uint64_t apic_timer_khz(void)
{
	return apic_timer_per_ms;
}

/* apic_calibrate: count the timer down, masked, for APIC_CALIBRATE_MS of
 * TSC time. The TSC rate comes from time_init() (PIT-measured). */
static void apic_calibrate(void)
{
	uint64_t tsc_khz = time_tsc_khz(), start;
	uint32_t left;

	apic_write(APIC_TIMER_DCR, APIC_DCR_DIV16);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_VEC_TIMER);
	apic_write(APIC_TIMER_ICR, 0xffffffffu);
	start = rdtsc();
	while (rdtsc() - start < tsc_khz * APIC_CALIBRATE_MS)
		cpu_relax();
	left = apic_read(APIC_TIMER_CCR);
	apic_timer_stop();
	apic_timer_per_ms = (0xffffffffull - left) / APIC_CALIBRATE_MS;
	if (!apic_timer_per_ms)
		apic_timer_per_ms = 1;
}

/* The CPU pushes this frame for an interrupt in long mode (no error code). */
struct apic_intr_frame {
	uint64_t rip, cs, rflags, rsp, ss;
};

/* apic_dispatch: EOI, then the vector's handler (interrupts still off). */
static void apic_dispatch(uint8_t vector)
{
	apic_handler_fn fn = apic_handlers[vector - APIC_VEC_BAND_FIRST];

	apic_eoi();
	if (fn)
		fn(vector);
}

/* Interrupt gates of the band: the compiler saves every register it uses
 * and returns with IRETQ (gcc's x86 interrupt attribute). */
__attribute__((interrupt)) static void apic_isr_timer(struct apic_intr_frame *f)
{
	apic_dispatch(APIC_VEC_TIMER);
}

__attribute__((interrupt)) static void apic_isr_kick(struct apic_intr_frame *f)
{
	apic_dispatch(APIC_VEC_KICK);
}

__attribute__((interrupt)) static void apic_isr_error(struct apic_intr_frame *f)
{
	apic_write(APIC_ESR, 0);
	apic_dispatch(APIC_VEC_ERROR);
}

__attribute__((interrupt)) static void apic_isr_spurious(struct apic_intr_frame *f)
{
}

int apic_set_handler(uint8_t vector, apic_handler_fn fn)
{
	if (vector < APIC_VEC_BAND_FIRST || vector == APIC_VEC_SPURIOUS)
		return -EINVAL;
	apic_handlers[vector - APIC_VEC_BAND_FIRST] = fn;
	return 0;
}

void apic_init_cpu(void)
{
	bool bsp = rdmsr(MSR_APIC_BASE) & APIC_BASE_BSP;

	apic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_VEC_SPURIOUS);
	apic_write(APIC_TPR, 0);
	apic_timer_stop();
	apic_write(APIC_LVT_THERMAL, APIC_LVT_MASKED);
	apic_write(APIC_LVT_PMC, APIC_LVT_MASKED);
	apic_write(APIC_LVT_ERROR, APIC_LVT_MASKED | APIC_VEC_ERROR);
	/* LVT CMCI exists only with CPUID-announced MCG_CAP.CMCI_P; writing
	 * it elsewhere sets an ESR error (SDM vol. 3 §10.5.1): leave it. */
	if (!bsp) {
		apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
		apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
	}
	apic_write(APIC_ESR, 0);	/* back-to-back writes clear it */
	apic_write(APIC_ESR, 0);
}

int apic_init_bsp(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint64_t addr = base & APIC_BASE_ADDR_MASK;
	struct cpuid_regs r;

	if (!(base & APIC_BASE_EN))
		return -ENODEV;
	cpuid_count(1, 0, &r);
	apic_x2 = (r.ecx & CPUID1_ECX_X2APIC) && (base & APIC_BASE_EXTD);
	if (!apic_x2) {
		if (addr >= 0x100000000ull)
			return -ENODEV;
		/* Uncached: PCD|PWT on the 2 MiB page of the identity map
		 * (SDM vol. 3 §10.4.1: map the APIC page UC). */
		boot_pd[addr >> 21] |= (1u << 4) | (1u << 3);
		__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax", "memory");
		apic_mmio = (volatile uint8_t *)(uintptr_t)addr;
	}
	idt_set_gate(APIC_VEC_TIMER, apic_isr_timer);
	idt_set_gate(APIC_VEC_KICK, apic_isr_kick);
	idt_set_gate(APIC_VEC_ERROR, apic_isr_error);
	idt_set_gate(APIC_VEC_SPURIOUS, apic_isr_spurious);
	apic_init_cpu();
	apic_calibrate();
	printk(PRINTK_INFO, "APIC: %s at %#llx, APIC id %u, timer %llu kHz (divide by %u)\n",
	       apic_x2 ? "x2APIC (MSRs)" : "xAPIC", (unsigned long long)addr, apic_id(),
	       (unsigned long long)apic_timer_per_ms, APIC_TIMER_DIV);
	return 0;
}
