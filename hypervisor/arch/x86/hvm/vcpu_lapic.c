/* A vCPU's virtual LAPIC wired in: xAPIC page and MSRs, posted interrupts, IPIs, timer. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "errno.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/irq.h>
#include <arch/x86/emul/mmio_emulate.h>
#include <arch/x86/processor.h>
#include <arch/x86/time.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/hvm/vcpu_lapic.h>
#include <arch/x86/vdev/vlapic.h>

#define VCPU_LAPIC_PAGE_MASK	0xfffull
#define VCPU_LAPIC_CPUID1_TSC_DEADLINE (1u << 24)
#define VCPU_LAPIC_LVT_MASKED	(1u << 16)
#define VCPU_LAPIC_LVT_MODE	(7u << 8)
#define VCPU_LAPIC_LVT_EXTINT	(7u << 8)

/* The scheduler's wake-up for a vCPU something was posted to (set once by
 * vcpu_sched_init: the scheduler sits above this file). */
static void (*vcpu_lapic_notify)(struct vcpu *v);

void vcpu_lapic_set_notify(void (*notify)(struct vcpu *v))
{
	vcpu_lapic_notify = notify;
}

static uint64_t vcpu_lapic_now(void *opaque)
{
	return time_now_ns();
}

/* Guests read the real TSC (no offset): the deadline is in its units. */
static uint64_t vcpu_lapic_guest_tsc(void *opaque, unsigned int vcpu)
{
	return rdtsc();
}

/* send_ipi: an ICR write or a routed IOAPIC message for vCPU target of
 * the group (opaque: the domain; vCPU index = APIC ID). */
static void vcpu_lapic_send_ipi(void *opaque, unsigned int target, unsigned int mode,
				uint8_t vector, bool level)
{
	struct domain *d = opaque;
	struct vcpu *t = target < d->nr_vcpus ? d->vcpu[target] : NULL;

	if (!t)
		return;
	switch (mode) {
	case VLAPIC_DM_FIXED:
		vcpu_lapic_post(t, vector, level);
		break;
	case VLAPIC_DM_NMI:
		vcpu_lapic_post_event(t, VCPU_EV_NMI, 0);
		break;
	case VLAPIC_DM_INIT:
		vcpu_lapic_post_event(t, VCPU_EV_INIT, 0);
		break;
	case VLAPIC_DM_SIPI:
		vcpu_lapic_post_event(t, VCPU_EV_SIPI, vector);
		break;
	}
}

/* eoi_level: the guest retired a level-triggered vector: its domain's
 * interrupt controller (dom0: the physical one) learns of it. */
static void vcpu_lapic_eoi_level(void *opaque, unsigned int vcpu, uint8_t vector)
{
	struct domain *d = opaque;

	d->hvm.ops->eoi_level(d, vcpu, vector);
}

static const struct vlapic_ops vcpu_lapic_ops = {
	.now_ns = vcpu_lapic_now,
	.guest_tsc = vcpu_lapic_guest_tsc,
	.send_ipi = vcpu_lapic_send_ipi,
	.eoi_level = vcpu_lapic_eoi_level,
};

static const struct mmio_ops vcpu_lapic_mmio = {
	.read = vlapic_mmio_read,
	.write = vlapic_mmio_write,
};

void vcpu_lapic_post(struct vcpu *v, uint8_t vector, bool level)
{
	uint64_t bit = 1ull << (vector % 64);

	if (level)
		__atomic_or_fetch(&v->posted_level[vector / 64], bit, __ATOMIC_SEQ_CST);
	__atomic_or_fetch(&v->posted[vector / 64], bit, __ATOMIC_SEQ_CST);
	vcpu_lapic_notify(v);
}

void vcpu_lapic_post_event(struct vcpu *v, uint32_t event, uint8_t sipi_vector)
{
	if (event == VCPU_EV_SIPI)
		__atomic_store_n(&v->sipi_vector, sipi_vector, __ATOMIC_SEQ_CST);
	__atomic_or_fetch(&v->events, event, __ATOMIC_SEQ_CST);
	vcpu_lapic_notify(v);
}

/* A device vector from the physical LAPIC of CPU cpu (irq.c), interrupts
 * off: it is for dom0's vCPU of the same number (routing follows the APIC
 * IDs and logical IDs, docs/interrupts.md). An ExtINT one waits in
 * extint_pending (the PIC may deliver a higher priority IRQ before the
 * guest took the first: each is kept). */
static struct vcpu *const *vcpu_lapic_irq_vcpus;
static unsigned int vcpu_lapic_irq_nr;

static int vcpu_lapic_take_irq(unsigned int cpu, uint8_t vector, bool extint, bool level)
{
	struct vcpu *v;

	if (cpu >= vcpu_lapic_irq_nr || !(v = vcpu_lapic_irq_vcpus[cpu]) || v->crashed)
		return -ENODEV;
	if (extint) {
		__atomic_or_fetch(&v->extint_pending[vector / 64], 1ull << (vector % 64),
				  __ATOMIC_SEQ_CST);
		vcpu_lapic_notify(v);
		return 0;
	}
	vcpu_lapic_post(v, vector, level);
	return 0;
}

void vcpu_lapic_route_irqs(struct vcpu *const *vcpus, unsigned int nr)
{
	vcpu_lapic_irq_vcpus = vcpus;
	vcpu_lapic_irq_nr = nr;
	irq_set_guest(vcpu_lapic_take_irq);
}

int vcpu_lapic_init(struct vcpu *v, struct vlapic *l, uint64_t page)
{
	struct vlapic_group *g = &v->domain->hvm.lapic_group;
	struct vlapic_config cfg = {
		.bsp = v->id == 0,
		.bus_ns = 1,
		.tsc_khz = (uint32_t)time_tsc_khz(),
		.phys_bits = 36,
		/* x2APIC whatever the CPU has: the timer and IPIs become
		 * MSR exits instead of decoded xAPIC-page faults. Linux
		 * takes it without interrupt remapping from a hypervisor it
		 * knows (ours says KVM) and then addresses IOAPIC and MSI
		 * destinations physically, by 8-bit APIC ID: a domU's IOAPIC
		 * and device model deliver those; dom0's go to the physical
		 * LAPICs, so dom0 gets it only where APIC id n is CPU n,
		 * whose interrupts go to its vCPU n. */
		.x2apic = !v->domain->is_dom0 || irq_ids_are_cpu_numbers(),
	};
	struct cpuid_regs r;
	int ret;

	/* TSC-deadline mode where the CPU has it (not under QEMU's TCG). */
	cpuid_count(1, 0, &r);
	cfg.tsc_deadline = r.ecx & VCPU_LAPIC_CPUID1_TSC_DEADLINE;
	cpuid_count(0x80000000, 0, &r);
	if (r.eax >= 0x80000008) {
		cpuid_count(0x80000008, 0, &r);
		cfg.phys_bits = LIB_MIN(LIB_MAX(r.eax & 0xff, 32u), 52u);
	}
	g->ops = &vcpu_lapic_ops;
	g->opaque = v->domain;
	ret = vlapic_init(l, g, v->id, &cfg);
	if (ret)
		return ret;
	v->lapic = l;
	v->lapic_page = page;
	return 0;
}

/* Which statistic an access of the xAPIC page at offset off counts under. */
static enum vcpu_npf_target vcpu_lapic_npf_target(unsigned int off)
{
	switch (off & ~0xfu) {
	case VLAPIC_EOI:
		return VCPU_NPF_LAPIC_EOI;
	case VLAPIC_ICR_LO:
	case VLAPIC_ICR_HI:
		return VCPU_NPF_LAPIC_ICR;
	case VLAPIC_TMICT:
	case VLAPIC_TMCCT:
	case VLAPIC_TDCR:
	case VLAPIC_LVT_TIMER:
		return VCPU_NPF_LAPIC_TIMER;
	default:
		return VCPU_NPF_LAPIC_OTHER;
	}
}

bool vcpu_lapic_npf(struct vcpu *v, uint64_t gpa, bool write)
{
	if (!v->lapic || (gpa & ~VCPU_LAPIC_PAGE_MASK) != v->lapic_page)
		return false;
	v->npf_by_target[vcpu_lapic_npf_target(gpa & VCPU_LAPIC_PAGE_MASK)]++;
	vcpu_emulate_mmio(v, gpa, write, &vcpu_lapic_mmio, v->lapic, "LAPIC");
	return true;
}

int vcpu_lapic_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
	int ret;

	if (!v->lapic || !vlapic_msr_handled(msr))
		return 1;
	if (!write)
		return vlapic_msr_read(v->lapic, msr, val);
	ret = vlapic_msr_write(v->lapic, msr, *val);
	if (!ret && msr == VLAPIC_MSR_APIC_BASE && vlapic_mmio_enabled(v->lapic) &&
	    vlapic_mmio_base(v->lapic) != v->lapic_page)
		printk(PRINTK_WARNING, "%s vcpu%u moved its LAPIC to %#llx: not followed\n",
		       domain_label(v->domain), v->id, (unsigned long long)vlapic_mmio_base(v->lapic));
	return ret;
}

/* dom0 in virtual-wire mode (no IOAPIC) unmasks LINT0 as ExtINT in vCPU
 * 0's vLAPIC: the physical LINT0 follows, so the PIC's interrupts arrive. */
static void vcpu_lapic_lint0(struct vcpu *v)
{
	uint32_t lvt = vlapic_reg(v->lapic, VLAPIC_LVT_LINT0);
	bool extint = v->domain->hvm.ops->lint0 && v->id == 0 && vlapic_mmio_enabled(v->lapic) &&
		      (lvt & (VCPU_LAPIC_LVT_MASKED | VCPU_LAPIC_LVT_MODE)) == VCPU_LAPIC_LVT_EXTINT;

	if (extint == v->lint0_extint)
		return;
	v->lint0_extint = extint;
	irq_set_extint(extint);
}

/* The PIC's lowest pending vector (its highest priority IRQ), or -1. */
static int vcpu_lapic_extint(const struct vcpu *v)
{
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t bits = __atomic_load_n(&v->extint_pending[i], __ATOMIC_ACQUIRE);

		if (bits)
			return i * 64 + __builtin_ctzll(bits);
	}
	return -1;
}

/* Take over what other CPUs posted: INIT, STARTUP and NMI, then vectors
 * into the vLAPIC's IRR (a vector seen posted has its level bit visible:
 * the poster sets that first). */
static void vcpu_lapic_take_posted(struct vcpu *v)
{
	uint32_t ev = __atomic_exchange_n(&v->events, 0, __ATOMIC_SEQ_CST);
	uint64_t bits, level;
	int i;

	if (ev & VCPU_EV_INIT) {
		vlapic_reset_init(v->lapic);
		v->pv_eoi_msr = 0;
		vcpu_ops()->offer_irq(v, -1);
		v->wait_sipi = true;
		v->nmi_pending = false;
	}
	if ((ev & VCPU_EV_SIPI) && v->wait_sipi) {
		vcpu_ops()->set_sipi(v, __atomic_load_n(&v->sipi_vector, __ATOMIC_SEQ_CST));
		v->wait_sipi = false;
	}
	if ((ev & VCPU_EV_NMI) && !v->wait_sipi)
		v->nmi_pending = true;
	for (i = 0; i < 4; i++) {
		if (!__atomic_load_n(&v->posted[i], __ATOMIC_RELAXED))
			continue;
		bits = __atomic_exchange_n(&v->posted[i], 0, __ATOMIC_SEQ_CST);
		level = __atomic_fetch_and(&v->posted_level[i], ~bits, __ATOMIC_SEQ_CST) & bits;
		while (bits) {
			unsigned int b = __builtin_ctzll(bits);
			uint8_t vec = (uint8_t)(i * 64 + b);
			bool lvl = (level >> b) & 1;

			/* Refused (vLAPIC disabled, waiting for SIPI): a level
			 * vector's physical EOI must not wait for the guest. */
			if ((v->wait_sipi || vlapic_accept_irq(v->lapic, vec, lvl)) && lvl)
				v->domain->hvm.ops->eoi_level(v->domain, v->id, vec);
			bits &= bits - 1;
		}
	}
}

bool vcpu_lapic_pending(struct vcpu *v)
{
	int i;

	if (v->wait_sipi)
		return __atomic_load_n(&v->events, __ATOMIC_SEQ_CST) & VCPU_EV_SIPI;
	if (__atomic_load_n(&v->events, __ATOMIC_SEQ_CST) || v->nmi_pending ||
	    vcpu_lapic_extint(v) >= 0 || vlapic_pending_vector(v->lapic) >= 0)
		return true;
	for (i = 0; i < 4; i++)
		if (__atomic_load_n(&v->posted[i], __ATOMIC_SEQ_CST))
			return true;
	return vcpu_lapic_deadline(v) <= time_now_ns();
}

/* The domain's platform timers (PIT, ...) are vCPU 0's to serve. */
static uint64_t vcpu_lapic_platform_deadline(const struct vcpu *v)
{
	const struct hvm_domain_ops *ops = v->domain->hvm.ops;

	return v->id == 0 && ops->timer_deadline ? ops->timer_deadline(v->domain)
						 : VLAPIC_NO_DEADLINE;
}

uint64_t vcpu_lapic_deadline(const struct vcpu *v)
{
	if (v->wait_sipi)
		return VLAPIC_NO_DEADLINE;
	return LIB_MIN(vlapic_next_deadline(v->lapic), vcpu_lapic_platform_deadline(v));
}

/*
 * vcpu_lapic_inject: an NMI goes in as soon as the guest can take one (an
 * exit is asked for meanwhile). The most urgent interrupt (the PIC's
 * ExtINT, which ignores the LAPIC's priorities, SDM vol. 3 §10.8.1, else
 * the vLAPIC's highest vector above its priority) is offered: the guest
 * takes it by itself when it can, and vcpu_lapic_after_exit()
 * acknowledges it then. The offer is made again before every entry, so a
 * higher vector or a new priority replaces it.
 */
static void vcpu_lapic_inject(struct vcpu *v)
{
	const struct vcpu_vendor_ops *ops = vcpu_ops();
	int ext = vcpu_lapic_extint(v);
	int vec = ext >= 0 ? ext : vlapic_pending_vector(v->lapic);

	if (v->nmi_pending) {
		if (!ops->irq_allowed(v)) {
			ops->irq_window(v);
			v->offered_vector = -1;
			return;
		}
		ops->inject_nmi(v);
		v->nmi_pending = false;
	}
	v->offered_extint = ext >= 0;
	v->offered_vector = ext >= 0 ? -1 : vec;
	ops->offer_irq(v, vec);
}

void vcpu_lapic_after_exit(struct vcpu *v)
{
	int vec = vcpu_ops()->irq_taken(v);

	if (vec < 0)
		return;
	if (v->offered_extint)
		__atomic_and_fetch(&v->extint_pending[vec / 64], ~(1ull << (vec % 64)),
				   __ATOMIC_SEQ_CST);
	else
		vlapic_ack(v->lapic, (uint8_t)vec);
	v->irqs_injected++;
}

void vcpu_lapic_before_entry(struct vcpu *v)
{
	uint64_t now;

	vcpu_lapic_take_posted(v);
	if (v->wait_sipi)
		return;
	vcpu_lapic_lint0(v);
	now = time_now_ns();
	/* The platform's timers post their interrupts: take those too. */
	if (vcpu_lapic_platform_deadline(v) <= now) {
		v->domain->hvm.ops->timer(v->domain);
		vcpu_lapic_take_posted(v);
	}
	if (vlapic_next_deadline(v->lapic) <= now)
		vlapic_timer_fire(v->lapic, now);
	vcpu_lapic_inject(v);
}
