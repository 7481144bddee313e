/* Virtual local APIC: registers, priorities, EOI, timer and IPI routing (SDM vol. 3 ch. 10). */
#include "arch/x86/vdev/vlapic.h"
#include "errno.h"
#include "lib.h"

#define REG(v, off)	((v)->reg[(off) >> 4])
#define LVT_MASKED	(1u << 16)
#define LVT_TIMER_PERIODIC 1u
#define LVT_TIMER_DEADLINE 2u
#define SVR_ENABLE	(1u << 8)
/* Version 0x14 (integrated APIC), max LVT entry 6: CMCI is there; no
 * EOI-broadcast suppression (bit 24 clear). SDM vol. 3 §10.4.8. */
#define VLAPIC_VERSION	0x00060014u
#define ICR_LO_BITS	0x000ccfffu	/* vector dm destmode level trig sh */
#define ICR_ASSERT	(1u << 14)

/* Writable bits of each LVT (SDM vol. 3 §10.5.1, figure 10-8). */
static uint32_t vlapic_lvt_bits(const struct vlapic *v, unsigned int off)
{
	switch (off) {
	case VLAPIC_LVT_TIMER:
		return v->cfg.tsc_deadline ? 0x700ffu : 0x300ffu;
	case VLAPIC_LVT_LINT0:
	case VLAPIC_LVT_LINT1:
		return 0x1a7ffu;	/* + polarity, trigger (remote IRR RO) */
	case VLAPIC_LVT_ERR:
		return 0x100ffu;
	default:			/* CMCI, thermal, perf */
		return 0x107ffu;
	}
}

static bool vlapic_is_lvt(unsigned int off)
{
	return off == VLAPIC_LVT_CMCI ||
	       (off >= VLAPIC_LVT_TIMER && off <= VLAPIC_LVT_ERR);
}

static bool vlapic_hw_enabled(const struct vlapic *v)
{
	return __atomic_load_n(&v->apic_base, __ATOMIC_RELAXED) & VLAPIC_BASE_EN;
}

static bool vlapic_x2apic(const struct vlapic *v)
{
	uint64_t b = __atomic_load_n(&v->apic_base, __ATOMIC_RELAXED);

	return (b & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) ==
	       (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD);
}

static bool vlapic_sw_enabled(const struct vlapic *v)
{
	return __atomic_load_n(&REG(v, VLAPIC_SVR), __ATOMIC_RELAXED) & SVR_ENABLE;
}

/* Highest set vector of a 256-bit ISR/TMR/IRR at off, or -1. */
static int vlapic_highest(const struct vlapic *v, unsigned int off)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t w = __atomic_load_n(&v->reg[(off >> 4) + i], __ATOMIC_ACQUIRE);

		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

static bool vlapic_test(const struct vlapic *v, unsigned int off, uint8_t vec)
{
	return __atomic_load_n(&v->reg[(off >> 4) + vec / 32], __ATOMIC_ACQUIRE) &
	       (1u << (vec % 32));
}

static void vlapic_set(struct vlapic *v, unsigned int off, uint8_t vec, bool on)
{
	uint32_t *w = &v->reg[(off >> 4) + vec / 32];

	if (on)
		__atomic_fetch_or(w, 1u << (vec % 32), __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(w, ~(1u << (vec % 32)), __ATOMIC_RELEASE);
}

static uint32_t vlapic_x2apic_ldr(unsigned int id)
{
	/* Logical x2APIC ID: cluster in 31:16, one bit in 15:0 (§10.12.10.2). */
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

static uint64_t vlapic_now(const struct vlapic *v)
{
	return v->group->ops->now_ns(v->group->opaque);
}

static void vlapic_timer_changed(struct vlapic *v)
{
	if (v->group->ops->timer_changed)
		v->group->ops->timer_changed(v->group->opaque, v->id);
}

/*
 * vlapic_error: record errors in the internal ESR and raise the LVT error
 * interrupt when unmasked (§10.5.3). An illegal LVT error vector only sets
 * "received illegal vector" again, so errors never recurse.
 */
static void vlapic_error(struct vlapic *v, uint32_t bits)
{
	uint32_t lvt = __atomic_load_n(&REG(v, VLAPIC_LVT_ERR), __ATOMIC_RELAXED);

	__atomic_fetch_or(&v->esr_pending, bits, __ATOMIC_RELAXED);
	if (lvt & LVT_MASKED || !vlapic_sw_enabled(v))
		return;
	if ((lvt & 0xff) < 16) {
		__atomic_fetch_or(&v->esr_pending, VLAPIC_ESR_RECV_ILLEGAL,
				  __ATOMIC_RELAXED);
		return;
	}
	vlapic_accept_irq(v, lvt & 0xff, false);
}

int vlapic_accept_irq(struct vlapic *v, uint8_t vector, bool level)
{
	if (!vlapic_hw_enabled(v))
		return -EAGAIN;
	/* Vectors 0-15 never reach IRR (§10.5.2, §10.5.3 bit 6). */
	if (vector < 16) {
		vlapic_error(v, VLAPIC_ESR_RECV_ILLEGAL);
		return -EINVAL;
	}
	if (!vlapic_sw_enabled(v))
		return -EAGAIN;
	vlapic_set(v, VLAPIC_TMR, vector, level);
	vlapic_set(v, VLAPIC_IRR, vector, true);
	return 0;
}

uint32_t vlapic_ppr(const struct vlapic *v)
{
	uint32_t tpr = REG(v, VLAPIC_TPR) & 0xff;
	int isrv = vlapic_highest(v, VLAPIC_ISR);
	uint32_t isr_class = isrv < 0 ? 0 : ((uint32_t)isrv & 0xf0);

	/* §10.8.3.1: TPR if its class is not below the highest in service. */
	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

/* Arbitration priority (§10.6.2.4, figure 10-15). */
static uint32_t vlapic_apr(const struct vlapic *v)
{
	uint32_t tpr = REG(v, VLAPIC_TPR) & 0xff;
	int isrv = vlapic_highest(v, VLAPIC_ISR), irrv = vlapic_highest(v, VLAPIC_IRR);
	uint32_t isr_c = isrv < 0 ? 0 : ((uint32_t)isrv & 0xf0);
	uint32_t irr_c = irrv < 0 ? 0 : ((uint32_t)irrv & 0xf0);

	if ((tpr & 0xf0) >= irr_c && (tpr & 0xf0) > isr_c)
		return tpr;
	return LIB_MAX(LIB_MAX(tpr & 0xf0, isr_c), irr_c);
}

int vlapic_pending_vector(const struct vlapic *v)
{
	int irrv;

	if (!vlapic_hw_enabled(v))
		return -1;
	irrv = vlapic_highest(v, VLAPIC_IRR);
	if (irrv < 0 || ((uint32_t)irrv & 0xf0) <= (vlapic_ppr(v) & 0xf0))
		return -1;
	return irrv;
}

unsigned int vlapic_tpr_threshold(const struct vlapic *v)
{
	int irrv = vlapic_highest(v, VLAPIC_IRR);
	unsigned int tpr_class = (REG(v, VLAPIC_TPR) >> 4) & 15;

	if (irrv < 0 || (unsigned int)irrv >> 4 > tpr_class)
		return 0;
	return (unsigned int)irrv >> 4;
}

int vlapic_ack(struct vlapic *v, uint8_t vector)
{
	if (!vlapic_test(v, VLAPIC_IRR, vector))
		return -EINVAL;
	vlapic_set(v, VLAPIC_IRR, vector, false);
	vlapic_set(v, VLAPIC_ISR, vector, true);
	return 0;
}

void vlapic_eoi(struct vlapic *v)
{
	int vec = vlapic_highest(v, VLAPIC_ISR);

	if (vec < 0)
		return;
	vlapic_set(v, VLAPIC_ISR, (uint8_t)vec, false);
	if (vlapic_test(v, VLAPIC_TMR, (uint8_t)vec))
		v->group->ops->eoi_level(v->group->opaque, v->id, (uint8_t)vec);
}

/* ---- timer (§10.5.4) ---- */

static unsigned int vlapic_timer_mode(const struct vlapic *v)
{
	return (REG(v, VLAPIC_LVT_TIMER) >> 17) & 3;
}

/* ns per count: bus_ns times the divide value of TDCR bits 0, 1, 3
 * (§10.5.4, figure 10-10: 000b = 2 ... 110b = 128, 111b = 1). */
static uint64_t vlapic_tick_ns(const struct vlapic *v)
{
	uint32_t d = REG(v, VLAPIC_TDCR);
	unsigned int code = (d & 3) | ((d >> 1) & 4);

	return (uint64_t)v->cfg.bus_ns << ((code + 1) & 7);
}

static uint64_t vlapic_add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? VLAPIC_NO_DEADLINE - 1 : a + b;
}

static uint64_t vlapic_period(const struct vlapic *v)
{
	uint64_t span = (uint64_t)REG(v, VLAPIC_TMICT) * v->tick_ns;

	return LIB_MAX(span, VLAPIC_MIN_PERIOD_NS);
}

/* Current count at now: whole ticks left to the next expiry (0 once a
 * one-shot count ran out), never above the initial count. */
static uint32_t vlapic_current_count(const struct vlapic *v, uint64_t now)
{
	uint64_t init = REG(v, VLAPIC_TMICT), left;

	if (!init || vlapic_timer_mode(v) == LVT_TIMER_DEADLINE ||
	    v->expire_ns == VLAPIC_NO_DEADLINE)
		return 0;
	if (now < v->expire_ns)
		left = v->expire_ns - now;
	else if (v->period_ns)
		left = v->period_ns - (now - v->expire_ns) % v->period_ns;
	else
		return 0;
	return (uint32_t)LIB_MIN(left / v->tick_ns, init);
}

/* Writing the initial count (re)starts the count; 0 stops it. */
static void vlapic_timer_start(struct vlapic *v, uint64_t now)
{
	uint64_t init = REG(v, VLAPIC_TMICT);

	v->period_ns = 0;
	v->expire_ns = VLAPIC_NO_DEADLINE;
	if (init) {
		if (vlapic_timer_mode(v) == LVT_TIMER_PERIODIC) {
			v->period_ns = vlapic_period(v);
			v->expire_ns = vlapic_add_sat(now, v->period_ns);
		} else {
			v->expire_ns = vlapic_add_sat(now, init * v->tick_ns);
		}
	}
	vlapic_timer_changed(v);
}

/* TSC ticks to ns at tsc_khz, saturating; no 128-bit division. */
static uint64_t vlapic_tsc_to_ns(uint64_t delta, uint32_t khz)
{
	uint64_t q = delta / khz, r = delta % khz;

	if (q > (VLAPIC_NO_DEADLINE - 1) / 1000000 - 1)
		return VLAPIC_NO_DEADLINE - 1;
	return q * 1000000 + r * 1000000 / khz;
}

static void vlapic_set_tsc_deadline(struct vlapic *v, uint64_t tsc)
{
	uint64_t now_tsc;

	v->tsc_deadline = tsc;
	v->expire_ns = VLAPIC_NO_DEADLINE;
	if (tsc) {
		now_tsc = v->group->ops->guest_tsc(v->group->opaque, v->id);
		/* A deadline already past fires at once (§10.5.4.1). */
		v->expire_ns = vlapic_add_sat(vlapic_now(v), tsc > now_tsc ?
			vlapic_tsc_to_ns(tsc - now_tsc, v->cfg.tsc_khz) : 0);
	}
	vlapic_timer_changed(v);
}

/* A divide change keeps the current count and counts on at the new rate. */
static void vlapic_set_divide(struct vlapic *v, uint32_t val)
{
	uint64_t now = vlapic_now(v);
	uint32_t count = vlapic_current_count(v, now);
	bool counting = vlapic_timer_mode(v) != LVT_TIMER_DEADLINE &&
			v->expire_ns != VLAPIC_NO_DEADLINE;

	REG(v, VLAPIC_TDCR) = val & 0xb;
	v->tick_ns = vlapic_tick_ns(v);
	if (!counting || (!v->period_ns && now >= v->expire_ns))
		return;
	if (v->period_ns)
		v->period_ns = vlapic_period(v);
	v->expire_ns = vlapic_add_sat(now, count * v->tick_ns);
	vlapic_timer_changed(v);
}

/* LVT timer write: "a write to the LVT Timer Register that changes the
 * timer mode disarms the local APIC timer" (§10.5.4.1), whichever modes;
 * the initial count register keeps its value until rewritten. */
static void vlapic_set_lvt_timer(struct vlapic *v, uint32_t val)
{
	unsigned int old = vlapic_timer_mode(v);

	if (((val >> 17) & 3) == 3)	/* reserved mode: keep periodic only */
		val &= ~(1u << 18);
	REG(v, VLAPIC_LVT_TIMER) = val;
	if (vlapic_timer_mode(v) == old)
		return;
	v->tsc_deadline = 0;
	v->expire_ns = VLAPIC_NO_DEADLINE;
	v->period_ns = 0;
	vlapic_timer_changed(v);
}

uint64_t vlapic_next_deadline(const struct vlapic *v)
{
	return v->expire_ns;
}

bool vlapic_timer_fire(struct vlapic *v, uint64_t now)
{
	uint32_t lvt;

	if (v->expire_ns == VLAPIC_NO_DEADLINE || now < v->expire_ns)
		return false;
	if (vlapic_timer_mode(v) == LVT_TIMER_DEADLINE) {
		v->tsc_deadline = 0;
		v->expire_ns = VLAPIC_NO_DEADLINE;
	} else if (v->period_ns) {
		/* Next expiry on the original grid: no drift, one interrupt
		 * for however many periods were missed. */
		uint64_t n = (now - v->expire_ns) / v->period_ns + 1;

		v->expire_ns = n > (VLAPIC_NO_DEADLINE - v->expire_ns) / v->period_ns ?
			       VLAPIC_NO_DEADLINE - 1 : v->expire_ns + n * v->period_ns;
	} else {
		v->expire_ns = VLAPIC_NO_DEADLINE;
	}
	lvt = REG(v, VLAPIC_LVT_TIMER);
	if (lvt & LVT_MASKED)
		return false;
	return vlapic_accept_irq(v, lvt & 0xff, false) == 0;
}

/* ---- reset and IA32_APIC_BASE ---- */

static void vlapic_reset_regs(struct vlapic *v)
{
	static const unsigned int lvts[] = {
		VLAPIC_LVT_CMCI, VLAPIC_LVT_TIMER, VLAPIC_LVT_THERM,
		VLAPIC_LVT_PERF, VLAPIC_LVT_LINT0, VLAPIC_LVT_LINT1,
		VLAPIC_LVT_ERR,
	};

	memset(v->reg, 0, sizeof(v->reg));
	REG(v, VLAPIC_DFR) = 0xffffffffu;
	REG(v, VLAPIC_SVR) = 0xff;
	for (unsigned int i = 0; i < LIB_ARRAY_SIZE(lvts); i++)
		REG(v, lvts[i]) = LVT_MASKED;
	v->esr_pending = 0;
	v->tsc_deadline = 0;
	v->expire_ns = VLAPIC_NO_DEADLINE;
	v->period_ns = 0;
	v->tick_ns = vlapic_tick_ns(v);
}

void vlapic_reset_init(struct vlapic *v)
{
	vlapic_reset_regs(v);
	vlapic_timer_changed(v);
}

int vlapic_init(struct vlapic *v, struct vlapic_group *g, unsigned int id,
		const struct vlapic_config *cfg)
{
	if (id >= VLAPIC_MAX_VCPUS || g->lapic[id] || !g->ops ||
	    !g->ops->now_ns || !g->ops->send_ipi || !g->ops->eoi_level ||
	    cfg->bus_ns < 1 || cfg->bus_ns > 1000 ||
	    cfg->phys_bits < 32 || cfg->phys_bits > 52 ||
	    (cfg->tsc_deadline && (!cfg->tsc_khz || !g->ops->guest_tsc)))
		return -EINVAL;
	memset(v, 0, sizeof(*v));
	v->id = id;
	v->cfg = *cfg;
	v->group = g;
	v->apic_base = VLAPIC_DEFAULT_BASE | VLAPIC_BASE_EN |
		       (cfg->bsp ? VLAPIC_BASE_BSP : 0);
	vlapic_reset_regs(v);
	g->lapic[id] = v;
	if (g->nr <= id)
		g->nr = id + 1;
	return 0;
}

uint64_t vlapic_mmio_base(const struct vlapic *v)
{
	return v->apic_base & ~0xfffull & ((1ull << v->cfg.phys_bits) - 1);
}

bool vlapic_mmio_enabled(const struct vlapic *v)
{
	return vlapic_hw_enabled(v) && !vlapic_x2apic(v);
}

/* IA32_APIC_BASE write: the transitions of §10.12.5 (figure 10-27);
 * the other ones and reserved bits fault. Disabling resets the state. */
static int vlapic_set_base(struct vlapic *v, uint64_t val)
{
	uint64_t rsvd = 0x2ffull | ~((1ull << v->cfg.phys_bits) - 1) |
			(v->cfg.x2apic ? 0 : VLAPIC_BASE_EXTD);
	bool en = val & VLAPIC_BASE_EN, extd = val & VLAPIC_BASE_EXTD;
	bool was_en = vlapic_hw_enabled(v), was_x2 = vlapic_x2apic(v);

	if (val & rsvd || (extd && !en) || (was_x2 && en && !extd) ||
	    (!was_en && extd))
		return -EINVAL;
	val = (val & ~VLAPIC_BASE_BSP) | (v->apic_base & VLAPIC_BASE_BSP);
	__atomic_store_n(&v->apic_base, val, __ATOMIC_RELAXED);
	if (was_en && !en)
		vlapic_reset_init(v);
	return 0;
}

/* ---- IPIs ---- */

/*
 * vlapic_match: whether target t accepts a message for dest (SDM vol. 3
 * §10.6.2): broadcast (all ones in the message's width), physical APIC ID,
 * or logical against t's LDR as t's mode defines it. A globally disabled
 * APIC accepts nothing. Reads t's fields atomically: any CPU.
 */
static bool vlapic_match(const struct vlapic *t, uint32_t dest, bool logical,
			 bool x2dest)
{
	uint32_t bcast = x2dest ? 0xffffffffu : 0xffu, ldr, d;

	if (!vlapic_hw_enabled(t))
		return false;
	if (dest == bcast)
		return true;
	if (!logical)
		return dest == t->id;
	if (vlapic_x2apic(t)) {
		ldr = vlapic_x2apic_ldr(t->id);
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	}
	/* xAPIC logical: flat or cluster model by DFR (§10.6.2.2). */
	d = dest & 0xff;
	ldr = __atomic_load_n(&t->reg[VLAPIC_LDR >> 4], __ATOMIC_RELAXED) >> 24;
	switch (__atomic_load_n(&t->reg[VLAPIC_DFR >> 4], __ATOMIC_RELAXED) >> 28) {
	case 0xf:
		return (ldr & d) != 0;
	case 0x0:
		return ((d >> 4) == 0xf || (d >> 4) == (ldr >> 4)) &&
		       (d & ldr & 0xf);
	default:
		return false;
	}
}

/* Route to every matching vCPU, skipping `skip` (a vCPU id, or -1). */
static unsigned int vlapic_route(struct vlapic_group *g, uint32_t dest,
				 bool logical, bool x2dest, int skip,
				 unsigned int mode, uint8_t vector, bool level)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < g->nr && i < VLAPIC_MAX_VCPUS; i++) {
		if (!g->lapic[i] || (int)i == skip ||
		    !vlapic_match(g->lapic[i], dest, logical, x2dest))
			continue;
		if (mode == VLAPIC_DM_LOWEST) {
			g->ops->send_ipi(g->opaque, i, VLAPIC_DM_FIXED, vector, level);
			return 1;
		}
		g->ops->send_ipi(g->opaque, i, mode, vector, level);
		n++;
	}
	return n;
}

unsigned int vlapic_group_deliver(struct vlapic_group *g, uint32_t dest,
				  bool dest_mode, bool x2apic_dest,
				  unsigned int mode, uint8_t vector, bool level)
{
	if ((mode == VLAPIC_DM_FIXED || mode == VLAPIC_DM_LOWEST) && vector < 16) {
		/* Every target notes the illegal vector it received. */
		for (unsigned int i = 0; i < g->nr && i < VLAPIC_MAX_VCPUS; i++)
			if (g->lapic[i] &&
			    vlapic_match(g->lapic[i], dest, dest_mode, x2apic_dest))
				vlapic_accept_irq(g->lapic[i], vector, level);
		return 0;
	}
	return vlapic_route(g, dest, dest_mode, x2apic_dest, -1, mode, vector, level);
}

/*
 * vlapic_send: an ICR write (§10.6.1). Fixed and lowest-priority IPIs with
 * vector 0-15 set "send illegal vector" and go nowhere; INIT level
 * de-assert, SMI and the reserved modes are dropped (no SMM, and Pentium 4
 * and later ignore the de-assert); IPIs are edge-triggered.
 */
static void vlapic_send(struct vlapic *v, uint32_t lo, uint32_t dest)
{
	unsigned int mode = (lo >> 8) & 7, sh = (lo >> 18) & 3;
	uint8_t vector = lo & 0xff;
	bool logical = lo & (1u << 11), x2 = vlapic_x2apic(v);
	struct vlapic_group *g = v->group;

	if (mode == VLAPIC_DM_SMI || mode == 3 || mode == VLAPIC_DM_EXTINT ||
	    (mode == VLAPIC_DM_INIT && !(lo & ICR_ASSERT)))
		return;
	if ((mode == VLAPIC_DM_FIXED || mode == VLAPIC_DM_LOWEST) && vector < 16) {
		vlapic_error(v, VLAPIC_ESR_SEND_ILLEGAL);
		return;
	}
	switch (sh) {
	case VLAPIC_SH_SELF:
		if (mode == VLAPIC_DM_FIXED)
			g->ops->send_ipi(g->opaque, v->id, mode, vector, false);
		return;
	case VLAPIC_SH_ALL:
		vlapic_route(g, 0xffffffffu, false, true, -1, mode, vector, false);
		return;
	case VLAPIC_SH_OTHERS:
		vlapic_route(g, 0xffffffffu, false, true, (int)v->id, mode,
			     vector, false);
		return;
	default:
		vlapic_route(g, dest, logical, x2, -1, mode, vector, false);
	}
}

/* ---- register access ---- */

/*
 * vlapic_read_reg: the 32-bit register at off (16-byte aligned, < 0x400).
 * x2 selects x2APIC rules: registers x2APIC lacks give -EINVAL. In xAPIC
 * mode a reserved offset reads 0 and sets ESR "illegal register address".
 */
static int vlapic_read_reg(struct vlapic *v, unsigned int off, bool x2,
			   uint32_t *val)
{
	*val = 0;
	if (off >= VLAPIC_ISR && off < VLAPIC_ESR) {
		*val = __atomic_load_n(&v->reg[off >> 4], __ATOMIC_ACQUIRE);
		return 0;
	}
	if (vlapic_is_lvt(off)) {
		*val = REG(v, off);
		return 0;
	}
	switch (off) {
	case VLAPIC_ID:
		*val = x2 ? v->id : v->id << 24;
		return 0;
	case VLAPIC_VER:
		*val = VLAPIC_VERSION;
		return 0;
	case VLAPIC_TPR:
	case VLAPIC_SVR:
	case VLAPIC_ESR:
	case VLAPIC_TMICT:
	case VLAPIC_TDCR:
	case VLAPIC_ICR_LO:
		*val = REG(v, off);
		return 0;
	case VLAPIC_PPR:
		*val = vlapic_ppr(v);
		return 0;
	case VLAPIC_LDR:
		*val = x2 ? vlapic_x2apic_ldr(v->id) : REG(v, off);
		return 0;
	case VLAPIC_TMCCT:
		*val = vlapic_current_count(v, vlapic_now(v));
		return 0;
	case VLAPIC_APR:
	case VLAPIC_RRD:
	case VLAPIC_DFR:
	case VLAPIC_ICR_HI:
	case VLAPIC_EOI:	/* write-only: MMIO reads 0 */
		if (x2)
			return -EINVAL;
		if (off == VLAPIC_APR)
			*val = vlapic_apr(v);
		else if (off == VLAPIC_DFR || off == VLAPIC_ICR_HI)
			*val = REG(v, off);
		return 0;
	default:
		if (x2)
			return -EINVAL;
		vlapic_error(v, VLAPIC_ESR_ILLEGAL_REG);
		return 0;
	}
}

/* An LVT write: reserved bits dropped (xAPIC) or -EINVAL (x2APIC, and
 * the reserved timer mode 11b); the mask bit forced while disabled. */
static int vlapic_write_lvt(struct vlapic *v, unsigned int off, uint32_t val,
			    bool x2)
{
	uint32_t bits = vlapic_lvt_bits(v, off);
	/* Delivery status and remote IRR are read-only, not reserved. */
	uint32_t ro = (1u << 12) | (off == VLAPIC_LVT_LINT0 ||
				    off == VLAPIC_LVT_LINT1 ? 1u << 14 : 0);

	if (x2 && (val & ~(bits | ro) ||
		   (off == VLAPIC_LVT_TIMER && ((val >> 17) & 3) == 3)))
		return -EINVAL;
	val &= bits;
	/* While software-disabled every LVT stays masked (§10.4.7.2). */
	if (!vlapic_sw_enabled(v))
		val |= LVT_MASKED;
	if (off == VLAPIC_LVT_TIMER)
		vlapic_set_lvt_timer(v, val);
	else	/* LVT error: read by vlapic_error() on other CPUs */
		__atomic_store_n(&REG(v, off), val, __ATOMIC_RELAXED);
	return 0;
}

/* A register write by offset; x2 as in vlapic_read_reg (reserved bits and
 * read-only registers then give -EINVAL). xAPIC ignores reserved bits. */
static int vlapic_write_reg(struct vlapic *v, unsigned int off, uint32_t val,
			    bool x2)
{
	if (vlapic_is_lvt(off))
		return vlapic_write_lvt(v, off, val, x2);
	switch (off) {
	case VLAPIC_TPR:
		if (x2 && val & ~0xffu)
			return -EINVAL;
		REG(v, off) = val & 0xff;
		return 0;
	case VLAPIC_EOI:
		if (x2 && val)
			return -EINVAL;
		vlapic_eoi(v);
		return 0;
	case VLAPIC_LDR:
		if (x2)
			return -EINVAL;
		__atomic_store_n(&REG(v, off), val & 0xff000000u, __ATOMIC_RELAXED);
		return 0;
	case VLAPIC_DFR:
		if (x2)
			return -EINVAL;
		__atomic_store_n(&REG(v, off), val | 0x0fffffffu, __ATOMIC_RELAXED);
		return 0;
	case VLAPIC_SVR:
		/* No EOI-broadcast suppression: bit 12 is reserved here. */
		if (x2 && val & ~0x3ffu)
			return -EINVAL;
		__atomic_store_n(&REG(v, off), val & 0x3ff, __ATOMIC_RELAXED);
		if (!(val & SVR_ENABLE)) {
			__atomic_fetch_or(&REG(v, VLAPIC_LVT_CMCI), LVT_MASKED,
					  __ATOMIC_RELAXED);
			for (unsigned int o = VLAPIC_LVT_TIMER; o <= VLAPIC_LVT_ERR; o += 0x10)
				__atomic_fetch_or(&REG(v, o), LVT_MASKED,
						  __ATOMIC_RELAXED);
		}
		return 0;
	case VLAPIC_ESR:
		/* Write-before-read: a write latches the errors seen since the
		 * last write (§10.5.3); x2APIC wants that write to be 0. */
		if (x2 && val)
			return -EINVAL;
		REG(v, off) = __atomic_exchange_n(&v->esr_pending, 0, __ATOMIC_RELAXED);
		return 0;
	case VLAPIC_ICR_LO:
		REG(v, off) = val & ICR_LO_BITS;	/* delivery status: idle */
		vlapic_send(v, val, REG(v, VLAPIC_ICR_HI) >> 24);
		return 0;
	case VLAPIC_ICR_HI:
		if (x2)
			return -EINVAL;
		REG(v, off) = val & 0xff000000u;
		return 0;
	case VLAPIC_TMICT:
		/* Ignored in TSC-deadline mode (§10.5.4.1). */
		if (vlapic_timer_mode(v) == LVT_TIMER_DEADLINE)
			return 0;
		REG(v, off) = val;
		vlapic_timer_start(v, vlapic_now(v));
		return 0;
	case VLAPIC_TDCR:
		if (x2 && val & ~0xbu)
			return -EINVAL;
		vlapic_set_divide(v, val);
		return 0;
	case VLAPIC_SELF_IPI:
		if (!x2)
			break;
		if (val & ~0xffu)
			return -EINVAL;
		/* A fixed, edge, self IPI (§10.12.11). */
		vlapic_send(v, (val & 0xff) | VLAPIC_SH_SELF << 18, v->id);
		return 0;
	case VLAPIC_ID:
	case VLAPIC_VER:
	case VLAPIC_PPR:
	case VLAPIC_TMCCT:
		/* Read-only. The ID stays the vCPU's: routing depends on it. */
		return x2 ? -EINVAL : 0;
	case VLAPIC_APR:
	case VLAPIC_RRD:
		return x2 ? -EINVAL : 0;
	default:
		if (off >= VLAPIC_ISR && off < VLAPIC_ESR)
			return x2 ? -EINVAL : 0;
		break;
	}
	if (x2)
		return -EINVAL;
	vlapic_error(v, VLAPIC_ESR_ILLEGAL_REG);
	return 0;
}

/* Checks that gpa..gpa+size lies in the xAPIC page and the size is real. */
static int vlapic_mmio_check(const struct vlapic *v, uint64_t gpa,
			     unsigned int size)
{
	uint64_t base = vlapic_mmio_base(v);

	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    gpa < base || gpa - base > 4096 - size)
		return -EINVAL;
	return 0;
}

int vlapic_mmio_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	struct vlapic *v = opaque;
	unsigned int off, byte;
	uint32_t r;
	int ret = vlapic_mmio_check(v, gpa, size);

	if (ret)
		return ret;
	*val = 0;
	if (!vlapic_mmio_enabled(v))
		return 0;
	off = (unsigned int)(gpa - vlapic_mmio_base(v));
	byte = off & 0xf;
	if (!(size == 8 && byte == 0) && byte + size > 4)
		return 0;
	vlapic_read_reg(v, off & ~0xfu, false, &r);
	*val = size >= 4 ? r : (r >> (byte * 8)) & ((1u << (size * 8)) - 1);
	return 0;
}

int vlapic_mmio_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val)
{
	struct vlapic *v = opaque;
	unsigned int off;
	int ret = vlapic_mmio_check(v, gpa, size);

	if (ret)
		return ret;
	if (!vlapic_mmio_enabled(v))
		return 0;
	off = (unsigned int)(gpa - vlapic_mmio_base(v));
	if ((size != 4 && size != 8) || off & 0xf)
		return 0;
	return vlapic_write_reg(v, off, (uint32_t)val, false);
}

bool vlapic_msr_handled(uint32_t msr)
{
	return msr == VLAPIC_MSR_APIC_BASE || msr == VLAPIC_MSR_TSC_DEADLINE ||
	       (msr >= VLAPIC_MSR_BASE && msr <= VLAPIC_MSR_LAST);
}

int vlapic_msr_read(struct vlapic *v, uint32_t msr, uint64_t *val)
{
	unsigned int off = (msr - VLAPIC_MSR_BASE) << 4;
	uint32_t r;
	int ret;

	*val = 0;
	if (msr == VLAPIC_MSR_APIC_BASE) {
		*val = v->apic_base;
		return 0;
	}
	if (msr == VLAPIC_MSR_TSC_DEADLINE) {
		if (!v->cfg.tsc_deadline)
			return -EINVAL;
		if (vlapic_timer_mode(v) == LVT_TIMER_DEADLINE)
			*val = v->tsc_deadline;
		return 0;
	}
	/* x2APIC MSRs fault outside x2APIC mode (§10.12.1.2); EOI and
	 * SELF IPI are write-only. */
	if (msr < VLAPIC_MSR_BASE || msr > VLAPIC_MSR_LAST || !vlapic_x2apic(v) ||
	    off > VLAPIC_SELF_IPI || off == VLAPIC_EOI || off == VLAPIC_SELF_IPI)
		return -EINVAL;
	if (off == VLAPIC_ICR_LO) {
		*val = (uint64_t)REG(v, VLAPIC_ICR_HI) << 32 | REG(v, VLAPIC_ICR_LO);
		return 0;
	}
	ret = vlapic_read_reg(v, off, true, &r);
	*val = r;
	return ret;
}

int vlapic_msr_write(struct vlapic *v, uint32_t msr, uint64_t val)
{
	unsigned int off = (msr - VLAPIC_MSR_BASE) << 4;

	if (msr == VLAPIC_MSR_APIC_BASE)
		return vlapic_set_base(v, val);
	if (msr == VLAPIC_MSR_TSC_DEADLINE) {
		if (!v->cfg.tsc_deadline)
			return -EINVAL;
		/* Outside TSC-deadline mode writes are ignored (§10.5.4.1). */
		if (vlapic_timer_mode(v) == LVT_TIMER_DEADLINE)
			vlapic_set_tsc_deadline(v, val);
		return 0;
	}
	if (msr < VLAPIC_MSR_BASE || msr > VLAPIC_MSR_LAST || !vlapic_x2apic(v) ||
	    off > VLAPIC_SELF_IPI)
		return -EINVAL;
	if (off == VLAPIC_ICR_LO) {
		/* One 64-bit ICR: destination in 63:32, no delivery status. */
		if (val & ~(0xffffffff00000000ull | ICR_LO_BITS))
			return -EINVAL;
		REG(v, VLAPIC_ICR_HI) = (uint32_t)(val >> 32);
		REG(v, VLAPIC_ICR_LO) = (uint32_t)val;
		vlapic_send(v, (uint32_t)val, (uint32_t)(val >> 32));
		return 0;
	}
	if (val >> 32)
		return -EINVAL;
	return vlapic_write_reg(v, off, (uint32_t)val, true);
}

uint32_t vlapic_reg(const struct vlapic *v, unsigned int offset)
{
	if (offset > VLAPIC_SELF_IPI)
		return 0;
	return __atomic_load_n(&v->reg[offset >> 4], __ATOMIC_ACQUIRE);
}

/* A vector for vlapic_summary: "0xec", or "none" for -1. */
static const char *vlapic_vector_text(int vec, char *buf, size_t n)
{
	if (vec < 0)
		return "none";
	snprintf(buf, n, "%#x", (unsigned int)(uint8_t)vec);
	return buf;
}

void vlapic_summary(const struct vlapic *v, uint64_t now, char *buf, size_t n)
{
	char when[32], isr[8], irr[8];

	if (v->expire_ns == VLAPIC_NO_DEADLINE)
		snprintf(when, sizeof(when), "none");
	else if (v->expire_ns <= now)
		snprintf(when, sizeof(when), "due");
	else
		snprintf(when, sizeof(when), "in %llu us",
			 (unsigned long long)((v->expire_ns - now) / 1000));
	snprintf(buf, n, "in service %s, waiting %s, TPR %#x, timer LVT %08x count %u next %s",
		 vlapic_vector_text(vlapic_highest(v, VLAPIC_ISR), isr, sizeof(isr)),
		 vlapic_vector_text(vlapic_highest(v, VLAPIC_IRR), irr, sizeof(irr)),
		 REG(v, VLAPIC_TPR), REG(v, VLAPIC_LVT_TIMER), REG(v, VLAPIC_TMICT), when);
}
