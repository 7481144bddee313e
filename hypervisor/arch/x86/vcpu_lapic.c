/* A vCPU's virtual LAPIC wired in: xAPIC page and MSRs, injection, timer, HLT. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/apic.h>
#include <arch/x86/irq.h>
#include <arch/x86/mmio_emulate.h>
#include <arch/x86/processor.h>
#include <arch/x86/time.h>
#include <arch/x86/vcpu.h>
#include <arch/x86/vcpu_lapic.h>
#include <arch/x86/vlapic.h>

#define VCPU_LAPIC_PAGE_MASK	0xfffull
#define VCPU_LAPIC_MSR_EOI	(VLAPIC_MSR_BASE + (VLAPIC_EOI >> 4))
#define VCPU_LAPIC_LVT_MASKED	(1u << 16)
#define VCPU_LAPIC_LVT_MODE	(7u << 8)
#define VCPU_LAPIC_LVT_EXTINT	(7u << 8)

/* Set by the physical timer's handler: the one-shot fired, re-arm. */
static volatile bool vcpu_lapic_timer_expired;

static uint64_t vcpu_lapic_now(void *opaque)
{
	return time_now_ns();
}

/* send_ipi: with one vCPU only fixed interrupts to itself mean anything;
 * NMI, INIT and SIPI are dropped (no other vCPU to start). */
static void vcpu_lapic_send_ipi(void *opaque, unsigned int target, unsigned int mode,
				uint8_t vector, bool level)
{
	struct vlapic_group *g = opaque;

	if (mode == VLAPIC_DM_FIXED && target < g->nr && g->lapic[target])
		vlapic_accept_irq(g->lapic[target], vector, level);
}

/* eoi_level: the physical IOAPIC is dom0's; irq_guest_eoi() has already
 * sent the physical EOI, whose broadcast clears its Remote IRR. */
static void vcpu_lapic_eoi_level(void *opaque, unsigned int vcpu, uint8_t vector)
{
}

static const struct vlapic_ops vcpu_lapic_ops = {
	.now_ns = vcpu_lapic_now,
	.send_ipi = vcpu_lapic_send_ipi,
	.eoi_level = vcpu_lapic_eoi_level,
};

/* The highest in-service vector (what an EOI retires), or -1. */
static int vcpu_lapic_isr_top(const struct vlapic *l)
{
	int i;

	for (i = 7; i >= 0; i--) {
		uint32_t r = vlapic_reg(l, VLAPIC_ISR + 16 * i);

		if (r)
			return i * 32 + 31 - __builtin_clz(r);
	}
	return -1;
}

static bool vcpu_lapic_in_service(const struct vlapic *l, int vec)
{
	return vlapic_reg(l, VLAPIC_ISR + 16 * (vec / 32)) & (1u << (vec % 32));
}

/* After an EOI write: if it retired a forwarded physical vector, the
 * physical LAPIC gets its EOI now (irq.c). */
static void vcpu_lapic_after_eoi(const struct vlapic *l, int vec)
{
	if (vec >= 0 && !vcpu_lapic_in_service(l, vec))
		irq_guest_eoi((uint8_t)vec);
}

static int vcpu_lapic_mmio_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val)
{
	struct vlapic *l = opaque;
	int vec = (gpa & VCPU_LAPIC_PAGE_MASK) == VLAPIC_EOI ? vcpu_lapic_isr_top(l) : -1;
	int ret = vlapic_mmio_write(l, gpa, size, val);

	vcpu_lapic_after_eoi(l, vec);
	return ret;
}

static const struct mmio_ops vcpu_lapic_mmio = {
	.read = vlapic_mmio_read,
	.write = vcpu_lapic_mmio_write,
};

/* A device vector from the physical LAPIC (irq.c), interrupts off; an
 * ExtINT one waits in extint_pending (the PIC may deliver a higher
 * priority IRQ before the guest took the first: each is kept). */
static int vcpu_lapic_take_irq(void *opaque, uint8_t vector, bool extint)
{
	struct vcpu *v = opaque;

	if (extint) {
		v->extint_pending[vector / 64] |= 1ull << (vector % 64);
		return 0;
	}
	return vlapic_accept_irq(v->lapic, vector, false);
}

static void vcpu_lapic_timer_irq(uint8_t vector)
{
	vcpu_lapic_timer_expired = true;
}

int vcpu_lapic_init(struct vcpu *v, struct vlapic *l, struct vlapic_group *g,
		    uint64_t page)
{
	struct vlapic_config cfg = {
		.bsp = v->id == 0,
		.bus_ns = 1,
		.tsc_khz = (uint32_t)time_tsc_khz(),
		.phys_bits = 36,
	};
	struct cpuid_regs r;
	int ret;

	cpuid_count(0x80000000, 0, &r);
	if (r.eax >= 0x80000008) {
		cpuid_count(0x80000008, 0, &r);
		cfg.phys_bits = LIB_MIN(LIB_MAX(r.eax & 0xff, 32u), 52u);
	}
	g->ops = &vcpu_lapic_ops;
	g->opaque = g;
	ret = vlapic_init(l, g, v->id, &cfg);
	if (ret)
		return ret;
	v->lapic = l;
	v->lapic_page = page;
	v->timer_armed = 0;
	apic_set_handler(APIC_VEC_TIMER, vcpu_lapic_timer_irq);
	irq_set_guest(vcpu_lapic_take_irq, v);
	return 0;
}

bool vcpu_lapic_npf(struct vcpu *v, uint64_t gpa, bool write)
{
	const struct vcpu_vendor_ops *ops = vcpu_ops();
	struct mmio_access a = {
		.gpa = gpa, .write = write, .ops = &vcpu_lapic_mmio, .opaque = v->lapic,
	};
	struct mmio_guest g;
	struct mmio_result res;
	char why[112];
	int ret;

	if (!v->lapic || (gpa & ~VCPU_LAPIC_PAGE_MASK) != v->lapic_page)
		return false;
	memset(&g, 0, sizeof(g));
	ops->get_guest(v, &g);
	g.read_ram = v->read_ram;
	g.ram_opaque = v->ram_opaque;
	ret = mmio_emulate_at_rip(&g, &v->regs, &a, &res);
	if (ret) {
		snprintf(why, sizeof(why), "cannot emulate the LAPIC access at %#llx (%s, %d)",
			 (unsigned long long)gpa, res.why ? res.why : "?", ret);
		vcpu_crash(v, why);
	}
	return true;
}

int vcpu_lapic_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
	int vec, ret;

	if (!v->lapic || !vlapic_msr_handled(msr))
		return 1;
	if (!write)
		return vlapic_msr_read(v->lapic, msr, val);
	vec = msr == VCPU_LAPIC_MSR_EOI ? vcpu_lapic_isr_top(v->lapic) : -1;
	ret = vlapic_msr_write(v->lapic, msr, *val);
	vcpu_lapic_after_eoi(v->lapic, vec);
	if (!ret && msr == VLAPIC_MSR_APIC_BASE && vlapic_mmio_enabled(v->lapic) &&
	    vlapic_mmio_base(v->lapic) != v->lapic_page)
		printk(PRINTK_WARNING, "%s vcpu%u moved its LAPIC to %#llx: not followed\n",
		       v->domain_name, v->id, (unsigned long long)vlapic_mmio_base(v->lapic));
	return ret;
}

/* Fire the virtual timer if due and keep the physical one-shot armed for
 * its next deadline (VLAPIC_NO_DEADLINE: stopped; 0: re-arm). */
static void vcpu_lapic_timer(struct vcpu *v)
{
	uint64_t now = time_now_ns(), dl = vlapic_next_deadline(v->lapic);

	if (dl <= now) {
		vlapic_timer_fire(v->lapic, now);
		dl = vlapic_next_deadline(v->lapic);
	}
	if (vcpu_lapic_timer_expired) {
		vcpu_lapic_timer_expired = false;
		v->timer_armed = 0;
	}
	if (dl == v->timer_armed)
		return;
	if (dl == VLAPIC_NO_DEADLINE)
		apic_timer_stop();
	else
		apic_timer_oneshot_ns(dl > now ? dl - now : 1);
	v->timer_armed = dl;
}

/* dom0 in virtual-wire mode (no IOAPIC) unmasks LINT0 as ExtINT in its
 * vLAPIC: the physical LINT0 follows, so the PIC's interrupts arrive. */
static void vcpu_lapic_lint0(struct vcpu *v)
{
	uint32_t lvt = vlapic_reg(v->lapic, VLAPIC_LVT_LINT0);
	bool extint = vlapic_mmio_enabled(v->lapic) &&
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

	for (i = 0; i < 4; i++)
		if (v->extint_pending[i])
			return i * 64 + __builtin_ctzll(v->extint_pending[i]);
	return -1;
}

void vcpu_lapic_before_entry(struct vcpu *v)
{
	const struct vcpu_vendor_ops *ops = vcpu_ops();
	int vec;

	if (!v->lapic)
		return;
	vcpu_lapic_lint0(v);
	vcpu_lapic_timer(v);
	vec = vcpu_lapic_extint(v);
	if (vec >= 0) {
		/* ExtINT ignores the LAPIC's priorities (SDM vol. 3 §10.8.1). */
		if (ops->irq_allowed(v)) {
			ops->inject_irq(v, (uint8_t)vec);
			v->extint_pending[vec / 64] &= ~(1ull << (vec % 64));
			ops->irq_window(v, false);
			v->irqs_injected++;
		} else {
			ops->irq_window(v, true);
		}
		return;
	}
	vec = vlapic_pending_vector(v->lapic);
	if (vec < 0) {
		ops->irq_window(v, false);
	} else if (ops->irq_allowed(v)) {
		vlapic_ack(v->lapic, (uint8_t)vec);
		ops->inject_irq(v, (uint8_t)vec);
		ops->irq_window(v, false);
		v->irqs_injected++;
	} else {
		ops->irq_window(v, true);
	}
}

void vcpu_lapic_hlt(struct vcpu *v)
{
	const struct vcpu_vendor_ops *ops = vcpu_ops();

	v->halts++;
	for (;;) {
		vcpu_lapic_timer(v);
		if (vlapic_pending_vector(v->lapic) >= 0 || vcpu_lapic_extint(v) >= 0)
			return;
		ops->host_irqs(true);
	}
}
