/* test_vlapic.c - unit tests of the virtual LAPIC: registers, priorities, EOI, timer, IPIs, x2APIC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/vdev/vlapic.h"

#define BASE	0xfee00000ull
#define NCPU	4

/* One message the model sent, as send_ipi saw it. */
struct ipi {
	unsigned int target, mode;
	uint8_t vector;
	bool level;
};

static struct vlapic_group grp;
static struct vlapic lapic[NCPU];
static uint64_t now_ns, tsc_now;
static struct ipi ipis[64];
static unsigned int nipi;
static unsigned int eoi_vcpu[16];
static uint8_t eoi_vec[16];
static unsigned int neoi, ntimer_changed;

static uint64_t fake_now(void *opaque)
{
	assert_ptr_equal(opaque, &grp);
	return now_ns;
}

static uint64_t fake_tsc(void *opaque, unsigned int vcpu)
{
	(void)opaque;
	assert_true(vcpu < NCPU);
	return tsc_now;
}

/* As the arch code will: FIXED goes into the target's IRR. */
static void fake_send_ipi(void *opaque, unsigned int target, unsigned int mode,
			  uint8_t vector, bool level)
{
	assert_ptr_equal(opaque, &grp);
	assert_true(target < NCPU);
	if (nipi < 64)
		ipis[nipi] = (struct ipi){ target, mode, vector, level };
	nipi++;
	if (mode == VLAPIC_DM_FIXED)
		vlapic_accept_irq(grp.lapic[target], vector, level);
}

static void fake_eoi_level(void *opaque, unsigned int vcpu, uint8_t vector)
{
	(void)opaque;
	if (neoi < 16) {
		eoi_vcpu[neoi] = vcpu;
		eoi_vec[neoi] = vector;
	}
	neoi++;
}

static void fake_timer_changed(void *opaque, unsigned int vcpu)
{
	(void)opaque;
	(void)vcpu;
	ntimer_changed++;
}

static const struct vlapic_ops ops = {
	.now_ns = fake_now,
	.guest_tsc = fake_tsc,
	.send_ipi = fake_send_ipi,
	.eoi_level = fake_eoi_level,
	.timer_changed = fake_timer_changed,
};

static int setup(void **state)
{
	(void)state;
	memset(&grp, 0, sizeof(grp));
	grp.ops = &ops;
	grp.opaque = &grp;
	now_ns = 1000000;
	tsc_now = 5000000;
	nipi = neoi = ntimer_changed = 0;
	for (unsigned int i = 0; i < NCPU; i++) {
		/* vCPU 3 is offered neither x2APIC nor TSC-deadline. */
		struct vlapic_config cfg = {
			.bsp = i == 0, .x2apic = i != 3, .tsc_deadline = i != 3,
			.bus_ns = 1, .tsc_khz = 1000000, .phys_bits = 39,
		};
		assert_int_equal(vlapic_init(&lapic[i], &grp, i, &cfg), 0);
	}
	return 0;
}

static uint32_t rd(struct vlapic *v, unsigned int off)
{
	uint64_t val = 0xdeadbeef;

	assert_int_equal(vlapic_mmio_read(v, BASE + off, 4, &val), 0);
	assert_true(val <= 0xffffffffu);
	return (uint32_t)val;
}

static void wr(struct vlapic *v, unsigned int off, uint32_t val)
{
	assert_int_equal(vlapic_mmio_write(v, BASE + off, 4, val), 0);
}

/* The ESR as software reads it: write (latch), then read. */
static uint32_t esr(struct vlapic *v)
{
	wr(v, VLAPIC_ESR, 0);
	return rd(v, VLAPIC_ESR);
}

static void enable(struct vlapic *v)
{
	wr(v, VLAPIC_SVR, 0x1ff);
}

static void test_init_errors(void **state)
{
	struct vlapic extra;
	struct vlapic_config cfg = { .bus_ns = 1, .phys_bits = 39 };

	(void)state;
	assert_int_equal(vlapic_init(&extra, &grp, 1, &cfg), -EINVAL); /* taken */
	assert_int_equal(vlapic_init(&extra, &grp, VLAPIC_MAX_VCPUS, &cfg), -EINVAL);
	cfg.bus_ns = 0;
	assert_int_equal(vlapic_init(&extra, &grp, 5, &cfg), -EINVAL);
	cfg.bus_ns = 1;
	cfg.tsc_deadline = true;	/* without tsc_khz */
	assert_int_equal(vlapic_init(&extra, &grp, 5, &cfg), -EINVAL);
	cfg.tsc_deadline = false;
	assert_int_equal(vlapic_init(&extra, &grp, 5, &cfg), 0);
	assert_int_equal(grp.nr, 6);
}

static void test_reset_values(void **state)
{
	static const struct { unsigned int off; uint32_t val; } t[] = {
		{ VLAPIC_ID, 0x02000000 }, { VLAPIC_VER, 0x00060014 },
		{ VLAPIC_TPR, 0 }, { VLAPIC_PPR, 0 }, { VLAPIC_APR, 0 },
		{ VLAPIC_LDR, 0 }, { VLAPIC_DFR, 0xffffffff }, { VLAPIC_SVR, 0xff },
		{ VLAPIC_ESR, 0 }, { VLAPIC_ICR_LO, 0 }, { VLAPIC_ICR_HI, 0 },
		{ VLAPIC_LVT_CMCI, 0x10000 }, { VLAPIC_LVT_TIMER, 0x10000 },
		{ VLAPIC_LVT_THERM, 0x10000 }, { VLAPIC_LVT_PERF, 0x10000 },
		{ VLAPIC_LVT_LINT0, 0x10000 }, { VLAPIC_LVT_LINT1, 0x10000 },
		{ VLAPIC_LVT_ERR, 0x10000 }, { VLAPIC_TMICT, 0 },
		{ VLAPIC_TMCCT, 0 }, { VLAPIC_TDCR, 0 }, { VLAPIC_EOI, 0 },
	};
	uint64_t base;

	(void)state;
	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t got = rd(&lapic[2], t[i].off);

		if (got != t[i].val)
			fail_msg("offset %#x: expected %#x, read %#x", t[i].off,
				 t[i].val, got);
	}
	assert_int_equal(vlapic_msr_read(&lapic[0], VLAPIC_MSR_APIC_BASE, &base), 0);
	assert_int_equal(base, 0xfee00900);	/* EN | BSP */
	assert_int_equal(vlapic_msr_read(&lapic[1], VLAPIC_MSR_APIC_BASE, &base), 0);
	assert_int_equal(base, 0xfee00800);
	assert_true(vlapic_mmio_enabled(&lapic[1]));
	assert_int_equal(vlapic_mmio_base(&lapic[1]), BASE);
}

static void test_register_table(void **state)
{
	/* write, then what reads back: reserved bits drop, read-only stays */
	static const struct { unsigned int off; uint32_t w, r; } t[] = {
		{ VLAPIC_TPR, 0x123456ff, 0xff },
		{ VLAPIC_LDR, 0x12345678, 0x12000000 },
		{ VLAPIC_DFR, 0x00000000, 0x0fffffff },
		{ VLAPIC_DFR, 0xffffffff, 0xffffffff },
		{ VLAPIC_SVR, 0xffffffff, 0x3ff },
		{ VLAPIC_LVT_TIMER, 0xffffffff, 0x300ff },	/* mode 11b -> 01b */
		{ VLAPIC_LVT_TIMER, 0x000400ef, 0x000400ef },	/* TSC-deadline */
		{ VLAPIC_LVT_THERM, 0xffffffff, 0x107ff },
		{ VLAPIC_LVT_PERF, 0xffffffff, 0x107ff },
		{ VLAPIC_LVT_CMCI, 0xffffffff, 0x107ff },
		{ VLAPIC_LVT_LINT0, 0xffffffff, 0x1a7ff },
		{ VLAPIC_LVT_LINT1, 0x00004700, 0x00000700 },	/* remote IRR RO */
		{ VLAPIC_LVT_ERR, 0xffffffff, 0x100ff },
		{ VLAPIC_ICR_HI, 0xffffffff, 0xff000000 },
		{ VLAPIC_TDCR, 0xffffffff, 0xb },
		{ VLAPIC_ID, 0x05000000, 0x01000000 },
		{ VLAPIC_VER, 0, 0x00060014 },
		{ VLAPIC_PPR, 0x40, 0xff },	/* follows TPR (0xff above) */
		{ VLAPIC_ISR, 0xffffffff, 0 },
		{ VLAPIC_TMR + 0x70, 0xffffffff, 0 },
		{ VLAPIC_IRR + 0x10, 0xffffffff, 0 },
		{ VLAPIC_TMCCT, 1234, 0 },
		{ VLAPIC_RRD, 1, 0 },
	};

	(void)state;
	enable(&lapic[1]);
	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t got;

		wr(&lapic[1], t[i].off, t[i].w);
		got = rd(&lapic[1], t[i].off);
		if (got != t[i].r)
			fail_msg("offset %#x: wrote %#x, expected %#x, read %#x",
				 t[i].off, t[i].w, t[i].r, got);
	}
	assert_int_equal(esr(&lapic[1]), 0);
	/* Reserved offsets: read 0, writes ignored, ESR "illegal register". */
	wr(&lapic[1], 0x040, 0x1234);
	assert_int_equal(rd(&lapic[1], 0x040), 0);
	assert_int_equal(esr(&lapic[1]), VLAPIC_ESR_ILLEGAL_REG);
	assert_int_equal(rd(&lapic[1], 0xff0), 0);
	assert_int_equal(rd(&lapic[1], VLAPIC_SELF_IPI), 0);	/* x2APIC only */
	assert_int_equal(esr(&lapic[1]), VLAPIC_ESR_ILLEGAL_REG);
	assert_int_equal(esr(&lapic[1]), 0);
	assert_int_equal(nipi, 0);
}

static void test_mmio_sizes(void **state)
{
	uint64_t val;

	(void)state;
	/* ID of vCPU 2 is 0x02000000: byte 3 holds it. */
	assert_int_equal(vlapic_mmio_read(&lapic[2], BASE + VLAPIC_ID + 3, 1, &val), 0);
	assert_int_equal(val, 0x02);
	assert_int_equal(vlapic_mmio_read(&lapic[2], BASE + VLAPIC_ID + 2, 2, &val), 0);
	assert_int_equal(val, 0x0200);
	assert_int_equal(vlapic_mmio_read(&lapic[2], BASE + VLAPIC_VER, 8, &val), 0);
	assert_int_equal(val, 0x00060014);
	/* Bytes 4-15 of a register and reads straddling byte 3 give 0. */
	assert_int_equal(vlapic_mmio_read(&lapic[2], BASE + VLAPIC_ID + 4, 4, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(vlapic_mmio_read(&lapic[2], BASE + VLAPIC_ID + 2, 4, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(vlapic_mmio_read(&lapic[2], BASE + VLAPIC_VER + 8, 8, &val), 0);
	assert_int_equal(val, 0);
	/* Only whole-register writes count. */
	assert_int_equal(vlapic_mmio_write(&lapic[2], BASE + VLAPIC_TPR, 1, 0x50), 0);
	assert_int_equal(vlapic_mmio_write(&lapic[2], BASE + VLAPIC_TPR + 4, 4, 0x50), 0);
	assert_int_equal(rd(&lapic[2], VLAPIC_TPR), 0);
	assert_int_equal(vlapic_mmio_write(&lapic[2], BASE + VLAPIC_TPR, 8,
					   0xffffffff00000030ull), 0);
	assert_int_equal(rd(&lapic[2], VLAPIC_TPR), 0x30);
	/* Outside the page or impossible sizes: an error for the caller. */
	assert_int_equal(vlapic_mmio_read(&lapic[2], BASE - 4, 4, &val), -EINVAL);
	assert_int_equal(vlapic_mmio_read(&lapic[2], BASE + 0xffe, 4, &val), -EINVAL);
	assert_int_equal(vlapic_mmio_read(&lapic[2], BASE, 3, &val), -EINVAL);
	assert_int_equal(vlapic_mmio_write(&lapic[2], BASE + 0x1000, 4, 0), -EINVAL);
	assert_int_equal(vlapic_mmio_write(&lapic[2], BASE, 16, 0), -EINVAL);
}

static void test_priority(void **state)
{
	struct vlapic *v = &lapic[0];

	(void)state;
	enable(v);
	assert_int_equal(vlapic_pending_vector(v), -1);
	assert_int_equal(vlapic_accept_irq(v, 0x31, false), 0);
	assert_int_equal(vlapic_accept_irq(v, 0x52, false), 0);
	assert_int_equal(vlapic_pending_vector(v), 0x52);
	assert_int_equal(rd(v, VLAPIC_APR), 0x50);	/* IRR class wins */
	assert_int_equal(vlapic_ack(v, 0x52), 0);
	assert_int_equal(vlapic_ack(v, 0x52), -EINVAL);	/* not pending now */
	assert_int_equal(rd(v, VLAPIC_PPR), 0x50);
	/* 0x31 waits: class 3 is not above PPR class 5. */
	assert_int_equal(vlapic_pending_vector(v), -1);
	/* Same class as in service: still blocked; higher class passes. */
	assert_int_equal(vlapic_accept_irq(v, 0x5f, false), 0);
	assert_int_equal(vlapic_pending_vector(v), -1);
	assert_int_equal(vlapic_accept_irq(v, 0x61, false), 0);
	assert_int_equal(vlapic_pending_vector(v), 0x61);
	/* TPR above the ISR class sets PPR; the sub-class comes along. */
	wr(v, VLAPIC_TPR, 0x67);
	assert_int_equal(rd(v, VLAPIC_PPR), 0x67);
	assert_int_equal(vlapic_pending_vector(v), -1);
	/* Same class as in service: TPR wins with its sub-class. */
	wr(v, VLAPIC_TPR, 0x5a);
	assert_int_equal(rd(v, VLAPIC_PPR), 0x5a);
	wr(v, VLAPIC_TPR, 0x45);
	assert_int_equal(rd(v, VLAPIC_PPR), 0x50);
	assert_int_equal(vlapic_pending_vector(v), 0x61);
	/* APR: TPR class 4 below IRR class 6 -> max class. */
	assert_int_equal(rd(v, VLAPIC_APR), 0x60);
	wr(v, VLAPIC_TPR, 0x75);
	assert_int_equal(rd(v, VLAPIC_APR), 0x75);
	assert_int_equal(rd(v, VLAPIC_IRR + 0x10), 1u << (0x31 - 32));
	assert_int_equal(rd(v, VLAPIC_IRR + 0x20), 1u << (0x5f - 64)); /* 0x52 gone */
	assert_int_equal(rd(v, VLAPIC_IRR + 0x30), 1u << (0x61 - 96));
	/* The TPR (class 7) holds 0x61 back: lowering it below 6 lets it in. */
	assert_int_equal(vlapic_tpr_threshold(v), 6);
	wr(v, VLAPIC_TPR, 0x60);
	assert_int_equal(vlapic_tpr_threshold(v), 6);
	/* Class 6 above TPR class 5: nothing for the TPR to wait for. */
	wr(v, VLAPIC_TPR, 0x50);
	assert_int_equal(vlapic_tpr_threshold(v), 0);
	assert_int_equal(rd(v, VLAPIC_ISR + 0x20), 1u << (0x52 - 64));
}

static void test_nested_eoi(void **state)
{
	struct vlapic *v = &lapic[1];

	(void)state;
	enable(v);
	assert_int_equal(vlapic_accept_irq(v, 0x40, false), 0);
	assert_int_equal(vlapic_ack(v, vlapic_pending_vector(v)), 0);
	/* A higher vector nests over the one in service. */
	assert_int_equal(vlapic_accept_irq(v, 0x80, false), 0);
	assert_int_equal(vlapic_accept_irq(v, 0x41, false), 0);
	assert_int_equal(vlapic_pending_vector(v), 0x80);
	assert_int_equal(vlapic_ack(v, 0x80), 0);
	assert_int_equal(rd(v, VLAPIC_ISR + 0x20), 1u << 0);	/* 0x40 */
	assert_int_equal(rd(v, VLAPIC_ISR + 0x40), 1u << 0);	/* 0x80 */
	assert_int_equal(vlapic_pending_vector(v), -1);
	/* EOI retires the highest first: 0x80, then 0x40. */
	wr(v, VLAPIC_EOI, 0);
	assert_int_equal(rd(v, VLAPIC_ISR + 0x40), 0);
	assert_int_equal(rd(v, VLAPIC_ISR + 0x20), 1u << 0);
	assert_int_equal(vlapic_pending_vector(v), -1);	/* 0x41: class 4 */
	wr(v, VLAPIC_EOI, 0);
	assert_int_equal(rd(v, VLAPIC_ISR + 0x20), 0);
	assert_int_equal(vlapic_pending_vector(v), 0x41);
	assert_int_equal(vlapic_ack(v, 0x41), 0);
	wr(v, VLAPIC_EOI, 0);
	wr(v, VLAPIC_EOI, 0);	/* nothing in service: harmless */
	assert_int_equal(rd(v, VLAPIC_PPR), 0);
	assert_int_equal(neoi, 0);	/* all edge */
}

static void test_level_eoi(void **state)
{
	struct vlapic *v = &lapic[2];

	(void)state;
	enable(v);
	assert_int_equal(vlapic_accept_irq(v, 0x70, true), 0);
	assert_int_equal(rd(v, VLAPIC_TMR + 0x30), 1u << (0x70 - 96));
	assert_int_equal(vlapic_accept_irq(v, 0x90, false), 0);
	assert_int_equal(vlapic_ack(v, 0x90), 0);
	wr(v, VLAPIC_EOI, 0);
	assert_int_equal(neoi, 0);
	assert_int_equal(vlapic_ack(v, 0x70), 0);
	wr(v, VLAPIC_EOI, 0);
	assert_int_equal(neoi, 1);
	assert_int_equal(eoi_vcpu[0], 2);
	assert_int_equal(eoi_vec[0], 0x70);
	/* The same vector arriving edge-triggered clears TMR. */
	assert_int_equal(vlapic_accept_irq(v, 0x70, false), 0);
	assert_int_equal(rd(v, VLAPIC_TMR + 0x30), 0);
	assert_int_equal(vlapic_ack(v, 0x70), 0);
	wr(v, VLAPIC_EOI, 0);
	assert_int_equal(neoi, 1);
}

static void test_illegal_vectors(void **state)
{
	struct vlapic *v = &lapic[1];

	(void)state;
	enable(v);
	for (unsigned int vec = 0; vec < 16; vec++)
		assert_int_equal(vlapic_accept_irq(v, (uint8_t)vec, false), -EINVAL);
	assert_int_equal(vlapic_pending_vector(v), -1);
	assert_int_equal(rd(v, VLAPIC_IRR), 0);
	/* Write-before-read: nothing shows until the ESR is written. */
	assert_int_equal(rd(v, VLAPIC_ESR), 0);
	wr(v, VLAPIC_ESR, 0);
	assert_int_equal(rd(v, VLAPIC_ESR), VLAPIC_ESR_RECV_ILLEGAL);
	assert_int_equal(rd(v, VLAPIC_ESR), VLAPIC_ESR_RECV_ILLEGAL);
	wr(v, VLAPIC_ESR, 0);
	assert_int_equal(rd(v, VLAPIC_ESR), 0);
	/* Sending one: "send illegal vector", no message. */
	wr(v, VLAPIC_ICR_HI, 0x02000000);
	wr(v, VLAPIC_ICR_LO, 0x0000000f);
	assert_int_equal(nipi, 0);
	assert_int_equal(esr(v), VLAPIC_ESR_SEND_ILLEGAL);
	/* Lowest priority too; NMI/INIT ignore the vector field. */
	wr(v, VLAPIC_ICR_LO, 0x00000103);
	assert_int_equal(nipi, 0);
	wr(v, VLAPIC_ICR_LO, 0x00000403);
	assert_int_equal(nipi, 1);
	assert_int_equal(ipis[0].mode, VLAPIC_DM_NMI);
	/* An unmasked LVT error raises its vector on an error. */
	wr(v, VLAPIC_LVT_ERR, 0xfe);
	wr(v, VLAPIC_ICR_LO, 0x00000001);
	assert_int_equal(vlapic_pending_vector(v), 0xfe);
	assert_int_equal(esr(v), VLAPIC_ESR_SEND_ILLEGAL);
	/* ... and with an illegal LVT error vector, no loop, only ESR. */
	assert_int_equal(vlapic_ack(v, 0xfe), 0);
	wr(v, VLAPIC_EOI, 0);
	wr(v, VLAPIC_LVT_ERR, 0x05);
	wr(v, VLAPIC_ICR_LO, 0x00000001);
	assert_int_equal(vlapic_pending_vector(v), -1);
	assert_int_equal(esr(v), VLAPIC_ESR_SEND_ILLEGAL | VLAPIC_ESR_RECV_ILLEGAL);
	/* An IOAPIC-style message with vector 3 marks the receiver. */
	assert_int_equal(vlapic_group_deliver(&grp, 2, false, false,
					      VLAPIC_DM_FIXED, 3, true), 0);
	enable(&lapic[2]);
	assert_int_equal(vlapic_group_deliver(&grp, 2, false, false,
					      VLAPIC_DM_FIXED, 3, true), 0);
	assert_int_equal(esr(&lapic[2]), VLAPIC_ESR_RECV_ILLEGAL);
}

static void test_sw_disable(void **state)
{
	struct vlapic *v = &lapic[3];

	(void)state;
	/* Software-disabled after reset: fixed interrupts are refused and
	 * LVTs cannot be unmasked. */
	assert_int_equal(vlapic_accept_irq(v, 0x40, false), -EAGAIN);
	wr(v, VLAPIC_LVT_TIMER, 0x20);
	assert_int_equal(rd(v, VLAPIC_LVT_TIMER), 0x10020);
	enable(v);
	wr(v, VLAPIC_LVT_TIMER, 0x20);
	wr(v, VLAPIC_LVT_LINT0, 0x700);
	assert_int_equal(rd(v, VLAPIC_LVT_TIMER), 0x20);
	assert_int_equal(vlapic_accept_irq(v, 0x40, false), 0);
	/* Disabling masks every LVT and keeps IRR. */
	wr(v, VLAPIC_SVR, 0xff);
	assert_int_equal(rd(v, VLAPIC_LVT_TIMER), 0x10020);
	assert_int_equal(rd(v, VLAPIC_LVT_LINT0), 0x10700);
	assert_int_equal(vlapic_pending_vector(v), 0x40);
}

static void test_timer_oneshot(void **state)
{
	struct vlapic *v = &lapic[0];
	uint64_t start;

	(void)state;
	enable(v);
	wr(v, VLAPIC_LVT_TIMER, 0x40);
	wr(v, VLAPIC_TDCR, 0x3);	/* divide by 16 */
	assert_int_equal(vlapic_next_deadline(v), VLAPIC_NO_DEADLINE);
	start = now_ns;
	ntimer_changed = 0;
	wr(v, VLAPIC_TMICT, 1000);
	assert_int_equal(ntimer_changed, 1);
	assert_int_equal(vlapic_next_deadline(v), start + 16000);
	assert_int_equal(rd(v, VLAPIC_TMCCT), 1000);
	now_ns += 1600;
	assert_int_equal(rd(v, VLAPIC_TMCCT), 900);
	now_ns += 15;
	assert_int_equal(rd(v, VLAPIC_TMCCT), 899);	/* whole ticks left */
	assert_false(vlapic_timer_fire(v, start + 15999));
	assert_int_equal(vlapic_pending_vector(v), -1);
	now_ns = start + 16000;
	assert_true(vlapic_timer_fire(v, now_ns));
	assert_int_equal(vlapic_pending_vector(v), 0x40);
	assert_int_equal(vlapic_next_deadline(v), VLAPIC_NO_DEADLINE);
	assert_int_equal(rd(v, VLAPIC_TMCCT), 0);
	assert_false(vlapic_timer_fire(v, now_ns + 100000));
	assert_int_equal(rd(v, VLAPIC_TMICT), 1000);
	/* Expired but not yet fired (physical timer late): count reads 0. */
	wr(v, VLAPIC_TMICT, 10);
	now_ns += 1000;
	assert_int_equal(rd(v, VLAPIC_TMCCT), 0);
	/* An initial count of 0 stops the timer. */
	wr(v, VLAPIC_TMICT, 0);
	assert_int_equal(vlapic_next_deadline(v), VLAPIC_NO_DEADLINE);
	assert_false(vlapic_timer_fire(v, now_ns + 1000000000));
	/* Huge count and divide: no overflow, a far deadline. */
	wr(v, VLAPIC_TDCR, 0xa);	/* 128 */
	wr(v, VLAPIC_TMICT, 0xffffffff);
	assert_int_equal(vlapic_next_deadline(v), now_ns + 0xffffffffull * 128);
	assert_int_equal(rd(v, VLAPIC_TMCCT), 0xffffffff);
}

static void test_timer_divide(void **state)
{
	static const struct { uint32_t tdcr; unsigned int div; } t[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
		{ 0xf4, 2 },	/* reserved bits dropped */
	};
	struct vlapic *v = &lapic[1];

	(void)state;
	enable(v);
	wr(v, VLAPIC_LVT_TIMER, 0x41);
	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		wr(v, VLAPIC_TDCR, t[i].tdcr);
		wr(v, VLAPIC_TMICT, 100);
		if (vlapic_next_deadline(v) - now_ns != 100ull * t[i].div)
			fail_msg("TDCR %#x: expected divide %u, deadline in %llu ns",
				 t[i].tdcr, t[i].div,
				 (unsigned long long)(vlapic_next_deadline(v) - now_ns));
	}
	/* Changing the divide mid-count keeps the count, new rate. */
	wr(v, VLAPIC_TDCR, 0xb);
	wr(v, VLAPIC_TMICT, 1000);
	now_ns += 400;
	assert_int_equal(rd(v, VLAPIC_TMCCT), 600);
	wr(v, VLAPIC_TDCR, 0x1);	/* 4 */
	assert_int_equal(rd(v, VLAPIC_TMCCT), 600);
	assert_int_equal(vlapic_next_deadline(v), now_ns + 2400);
	now_ns += 400;
	assert_int_equal(rd(v, VLAPIC_TMCCT), 500);
}

static void test_timer_periodic(void **state)
{
	struct vlapic *v = &lapic[2];
	uint64_t start, period = 200000;
	unsigned int fired = 0;

	(void)state;
	enable(v);
	wr(v, VLAPIC_LVT_TIMER, 0x20000 | 0x50);	/* periodic */
	wr(v, VLAPIC_TDCR, 0xb);
	start = now_ns;
	wr(v, VLAPIC_TMICT, (uint32_t)period);
	/* Every fire comes 7 us late; the grid must not move. */
	for (unsigned int k = 1; k <= 50; k++) {
		assert_int_equal(vlapic_next_deadline(v), start + k * period);
		now_ns = start + k * period + 7000;
		assert_int_equal(rd(v, VLAPIC_TMCCT), period - 7000);
		if (vlapic_timer_fire(v, now_ns))
			fired++;
		assert_int_equal(vlapic_ack(v, 0x50), 0);
		wr(v, VLAPIC_EOI, 0);
		assert_int_equal(rd(v, VLAPIC_TMCCT), period - 7000);
	}
	assert_int_equal(fired, 50);
	/* Three periods missed: one interrupt, next expiry on the grid. */
	now_ns = start + 53 * period + 10;
	assert_true(vlapic_timer_fire(v, now_ns));
	assert_int_equal(vlapic_next_deadline(v), start + 54 * period);
	assert_false(vlapic_timer_fire(v, now_ns));
	/* Masked: no interrupt, still re-armed. */
	wr(v, VLAPIC_LVT_TIMER, 0x30050);
	now_ns = start + 54 * period;
	assert_false(vlapic_timer_fire(v, now_ns));
	assert_int_equal(vlapic_next_deadline(v), start + 55 * period);
	/* Any change of timer mode disarms the timer (SDM §10.5.4.1). */
	ntimer_changed = 0;
	wr(v, VLAPIC_LVT_TIMER, 0x50);
	assert_int_equal(ntimer_changed, 1);
	assert_int_equal(vlapic_next_deadline(v), VLAPIC_NO_DEADLINE);
	now_ns = start + 55 * period;
	assert_false(vlapic_timer_fire(v, now_ns));
	assert_int_equal(rd(v, VLAPIC_TMCCT), 0);
	assert_int_equal(rd(v, VLAPIC_TMICT), period);
	/* One-shot from here: the count restarts on the next write. */
	wr(v, VLAPIC_TMICT, (uint32_t)period);
	assert_int_equal(vlapic_next_deadline(v), now_ns + period);
	now_ns += period;
	assert_true(vlapic_timer_fire(v, now_ns));
	assert_int_equal(vlapic_next_deadline(v), VLAPIC_NO_DEADLINE);
	/* A tiny periodic count is clamped to VLAPIC_MIN_PERIOD_NS. */
	wr(v, VLAPIC_LVT_TIMER, 0x20050);
	wr(v, VLAPIC_TMICT, 1);
	assert_int_equal(vlapic_next_deadline(v), now_ns + VLAPIC_MIN_PERIOD_NS);
	assert_int_equal(rd(v, VLAPIC_TMCCT), 1);
}

static void test_tsc_deadline(void **state)
{
	struct vlapic *v = &lapic[1];
	uint64_t val;

	(void)state;
	enable(v);
	/* Outside TSC-deadline mode the MSR reads 0 and ignores writes. */
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_TSC_DEADLINE, tsc_now + 10), 0);
	assert_int_equal(vlapic_msr_read(v, VLAPIC_MSR_TSC_DEADLINE, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(vlapic_next_deadline(v), VLAPIC_NO_DEADLINE);
	wr(v, VLAPIC_LVT_TIMER, 0x40000 | 0x61);
	/* 1 GHz TSC: 5000 ticks = 5000 ns. */
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_TSC_DEADLINE, tsc_now + 5000), 0);
	assert_int_equal(vlapic_msr_read(v, VLAPIC_MSR_TSC_DEADLINE, &val), 0);
	assert_int_equal(val, tsc_now + 5000);
	assert_int_equal(vlapic_next_deadline(v), now_ns + 5000);
	/* The initial count is ignored, the current count reads 0. */
	wr(v, VLAPIC_TMICT, 10);
	assert_int_equal(rd(v, VLAPIC_TMICT), 0);
	assert_int_equal(rd(v, VLAPIC_TMCCT), 0);
	assert_false(vlapic_timer_fire(v, now_ns + 4999));
	assert_true(vlapic_timer_fire(v, now_ns + 5000));
	assert_int_equal(vlapic_pending_vector(v), 0x61);
	assert_int_equal(vlapic_msr_read(v, VLAPIC_MSR_TSC_DEADLINE, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(vlapic_next_deadline(v), VLAPIC_NO_DEADLINE);
	/* A deadline in the past is due now; 0 disarms. */
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_TSC_DEADLINE, 1), 0);
	assert_int_equal(vlapic_next_deadline(v), now_ns);
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_TSC_DEADLINE, 0), 0);
	assert_int_equal(vlapic_next_deadline(v), VLAPIC_NO_DEADLINE);
	/* A far deadline saturates instead of wrapping. */
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_TSC_DEADLINE, ~0ull), 0);
	assert_true(vlapic_next_deadline(v) > now_ns + 1000000000000ull);
	assert_true(vlapic_next_deadline(v) != VLAPIC_NO_DEADLINE);
	/* Leaving TSC-deadline mode disarms. */
	wr(v, VLAPIC_LVT_TIMER, 0x61);
	assert_int_equal(vlapic_next_deadline(v), VLAPIC_NO_DEADLINE);
	/* A vCPU whose CPUID lacks TSC-deadline: #GP, and the mode bit is
	 * reserved. */
	enable(&lapic[3]);
	assert_int_equal(vlapic_msr_read(&lapic[3], VLAPIC_MSR_TSC_DEADLINE, &val), -EINVAL);
	assert_int_equal(vlapic_msr_write(&lapic[3], VLAPIC_MSR_TSC_DEADLINE, 5), -EINVAL);
	wr(&lapic[3], VLAPIC_LVT_TIMER, 0x40061);
	assert_int_equal(rd(&lapic[3], VLAPIC_LVT_TIMER), 0x61);
}

/* Send an xAPIC ICR from v: high then low, as Linux does. */
static void icr(struct vlapic *v, uint8_t dest, uint32_t lo)
{
	wr(v, VLAPIC_ICR_HI, (uint32_t)dest << 24);
	wr(v, VLAPIC_ICR_LO, lo);
}

static void enable_all(void)
{
	for (unsigned int i = 0; i < NCPU; i++)
		enable(&lapic[i]);
}

static void test_icr_physical(void **state)
{
	struct vlapic *v = &lapic[1];

	(void)state;
	enable_all();
	icr(v, 2, 0x00000030);			/* fixed, physical 2 */
	assert_int_equal(nipi, 1);
	assert_int_equal(ipis[0].target, 2);
	assert_int_equal(ipis[0].mode, VLAPIC_DM_FIXED);
	assert_int_equal(ipis[0].vector, 0x30);
	assert_false(ipis[0].level);
	assert_int_equal(vlapic_pending_vector(&lapic[2]), 0x30);
	/* Delivery status (bit 12) always reads idle. */
	assert_int_equal(rd(v, VLAPIC_ICR_LO), 0x30);
	/* Nobody has APIC ID 9: dropped, and modern parts set no ESR bit. */
	icr(v, 9, 0x00000031);
	assert_int_equal(nipi, 1);
	assert_int_equal(esr(v), 0);
	/* Broadcast 0xff reaches all four. */
	icr(v, 0xff, 0x00000032);
	assert_int_equal(nipi, 5);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(ipis[1 + i].target, i);
	/* NMI, INIT assert, INIT de-assert (dropped), SIPI. */
	nipi = 0;
	icr(v, 3, 0x00000400);
	icr(v, 3, 0x00004500);
	icr(v, 3, 0x00008500);
	icr(v, 3, 0x0000069a);
	assert_int_equal(nipi, 3);
	assert_int_equal(ipis[0].mode, VLAPIC_DM_NMI);
	assert_int_equal(ipis[1].mode, VLAPIC_DM_INIT);
	assert_int_equal(ipis[2].mode, VLAPIC_DM_SIPI);
	assert_int_equal(ipis[2].vector, 0x9a);
	assert_int_equal(ipis[2].target, 3);
	/* SMI and the reserved modes go nowhere. */
	icr(v, 3, 0x00000200);
	icr(v, 3, 0x00000330);
	icr(v, 3, 0x00000730);
	assert_int_equal(nipi, 3);
	/* A globally disabled target is not there. */
	assert_int_equal(vlapic_msr_write(&lapic[3], VLAPIC_MSR_APIC_BASE, BASE), 0);
	icr(v, 3, 0x00000033);
	assert_int_equal(nipi, 3);
}

static void test_icr_shorthands(void **state)
{
	struct vlapic *v = &lapic[2];

	(void)state;
	enable_all();
	icr(v, 0, 0x00040041);			/* self */
	assert_int_equal(nipi, 1);
	assert_int_equal(ipis[0].target, 2);
	assert_int_equal(vlapic_pending_vector(v), 0x41);
	icr(v, 0, 0x00040441);			/* self + NMI: not valid */
	assert_int_equal(nipi, 1);
	nipi = 0;
	icr(v, 1, 0x00080042);			/* all including self */
	assert_int_equal(nipi, 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(ipis[i].target, i);
	nipi = 0;
	icr(v, 1, 0x000c0043);			/* all excluding self */
	assert_int_equal(nipi, 3);
	assert_int_equal(ipis[0].target, 0);
	assert_int_equal(ipis[1].target, 1);
	assert_int_equal(ipis[2].target, 3);
	nipi = 0;
	icr(v, 1, 0x000c4500);			/* INIT to all others */
	assert_int_equal(nipi, 3);
	assert_int_equal(ipis[2].mode, VLAPIC_DM_INIT);
	nipi = 0;
	icr(v, 1, 0x000c0144);			/* lowest priority: first only */
	assert_int_equal(nipi, 1);
	assert_int_equal(ipis[0].target, 0);
	assert_int_equal(ipis[0].mode, VLAPIC_DM_FIXED);
}

static void test_icr_logical(void **state)
{
	(void)state;
	enable_all();
	/* Flat model: LDR bits 31:24 are a bitmap. */
	for (unsigned int i = 0; i < NCPU; i++)
		wr(&lapic[i], VLAPIC_LDR, 1u << (24 + i));
	icr(&lapic[0], 0x05, 0x00000850);	/* logical 0b0101 */
	assert_int_equal(nipi, 2);
	assert_int_equal(ipis[0].target, 0);
	assert_int_equal(ipis[1].target, 2);
	nipi = 0;
	icr(&lapic[0], 0x30, 0x00000850);	/* nobody: LDR bits 4, 5 unused */
	assert_int_equal(nipi, 0);
	icr(&lapic[0], 0x0c, 0x00000951);	/* lowest priority -> vCPU 2 */
	assert_int_equal(nipi, 1);
	assert_int_equal(ipis[0].target, 2);
	assert_int_equal(ipis[0].mode, VLAPIC_DM_FIXED);
	/* Cluster model: cluster in 7:4, members in 3:0. */
	static const uint32_t ldr[NCPU] = { 0x11, 0x12, 0x21, 0x22 };
	for (unsigned int i = 0; i < NCPU; i++) {
		wr(&lapic[i], VLAPIC_DFR, 0x0fffffff);
		wr(&lapic[i], VLAPIC_LDR, ldr[i] << 24);
	}
	nipi = 0;
	icr(&lapic[3], 0x13, 0x00000852);
	assert_int_equal(nipi, 2);
	assert_int_equal(ipis[0].target, 0);
	assert_int_equal(ipis[1].target, 1);
	nipi = 0;
	icr(&lapic[3], 0x22, 0x00000852);
	assert_int_equal(nipi, 1);
	assert_int_equal(ipis[0].target, 3);
	nipi = 0;
	icr(&lapic[3], 0xf1, 0x00000852);	/* member 1 of every cluster */
	assert_int_equal(nipi, 2);
	assert_int_equal(ipis[0].target, 0);
	assert_int_equal(ipis[1].target, 2);
	nipi = 0;
	icr(&lapic[3], 0xff, 0x00000852);	/* broadcast */
	assert_int_equal(nipi, 4);
	/* A DFR model that is neither flat nor cluster matches nothing. */
	wr(&lapic[0], VLAPIC_DFR, 0x5fffffff);
	nipi = 0;
	icr(&lapic[3], 0x11, 0x00000852);
	assert_int_equal(nipi, 0);
}

static void test_apic_base(void **state)
{
	struct vlapic *v = &lapic[1];
	uint64_t val;

	(void)state;
	enable(v);
	wr(v, VLAPIC_TPR, 0x20);
	/* Reserved bits: 0-7, 9, above MAXPHYADDR (39 here). */
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, BASE | 0x801), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, BASE | 0xa00), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE,
					  (1ull << 39) | BASE | 0x800), -EINVAL);
	/* EXTD without EN is never valid. */
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, BASE | 0x400), -EINVAL);
	/* The BSP bit is not the guest's to change. */
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, BASE | 0x900), 0);
	assert_int_equal(vlapic_msr_read(v, VLAPIC_MSR_APIC_BASE, &val), 0);
	assert_int_equal(val, BASE | 0x800);
	assert_int_equal(rd(v, VLAPIC_TPR), 0x20);
	/* Moving the page. */
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, 0xfed00800), 0);
	assert_int_equal(vlapic_mmio_base(v), 0xfed00000);
	assert_int_equal(vlapic_mmio_read(v, 0xfed00000 + VLAPIC_TPR, 4, &val), 0);
	assert_int_equal(val, 0x20);
	assert_int_equal(vlapic_mmio_read(v, BASE + VLAPIC_TPR, 4, &val), -EINVAL);
	/* Disabling: page reads 0, state resets, nothing is accepted. */
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, 0xfed00000), 0);
	assert_false(vlapic_mmio_enabled(v));
	assert_int_equal(vlapic_mmio_read(v, 0xfed00000 + VLAPIC_VER, 4, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(vlapic_accept_irq(v, 0x40, false), -EAGAIN);
	/* disabled -> x2APIC directly: #GP; -> xAPIC: power-up state. */
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, BASE | 0xc00), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, BASE | 0x800), 0);
	assert_int_equal(rd(v, VLAPIC_TPR), 0);
	assert_int_equal(rd(v, VLAPIC_SVR), 0xff);
	assert_int_equal(rd(v, VLAPIC_ID), 0x01000000);
	/* A vCPU without x2APIC in CPUID: EXTD is reserved. */
	assert_int_equal(vlapic_msr_write(&lapic[3], VLAPIC_MSR_APIC_BASE, BASE | 0xc00), -EINVAL);
	/* x2APIC MSRs fault outside x2APIC mode. */
	assert_int_equal(vlapic_msr_read(v, 0x802, &val), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x808, 0), -EINVAL);
	assert_true(vlapic_msr_handled(0x1b) && vlapic_msr_handled(0x6e0) &&
		    vlapic_msr_handled(0x800) && vlapic_msr_handled(0x8ff));
	assert_false(vlapic_msr_handled(0x7ff) || vlapic_msr_handled(0x900));
}

static void test_x2apic(void **state)
{
	struct vlapic *v = &lapic[2];
	uint64_t val;

	(void)state;
	enable_all();
	wr(v, VLAPIC_TPR, 0x30);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(vlapic_msr_write(&lapic[i], VLAPIC_MSR_APIC_BASE,
						  BASE | 0xc00 | (i ? 0 : 0x100)), 0);
	/* The page is gone; registers carried over. */
	assert_false(vlapic_mmio_enabled(v));
	assert_int_equal(vlapic_mmio_read(v, BASE + VLAPIC_TPR, 4, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(vlapic_msr_read(v, 0x808, &val), 0);
	assert_int_equal(val, 0x30);
	assert_int_equal(vlapic_msr_read(v, 0x802, &val), 0);
	assert_int_equal(val, 2);
	assert_int_equal(vlapic_msr_read(v, 0x803, &val), 0);
	assert_int_equal(val, 0x00060014);
	assert_int_equal(vlapic_msr_read(v, 0x80d, &val), 0);
	assert_int_equal(val, 0x00000004);	/* cluster 0, bit 2 */
	/* Registers x2APIC does not have, and MSRs past SELF IPI. */
	static const uint32_t absent[] = { 0x800, 0x801, 0x804, 0x809, 0x80c,
		0x80e, 0x831, 0x83a, 0x840, 0x8ff };
	for (unsigned int i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		if (vlapic_msr_read(v, absent[i], &val) != -EINVAL ||
		    vlapic_msr_write(v, absent[i], 0) != -EINVAL)
			fail_msg("MSR %#x: expected #GP on read and write", absent[i]);
	}
	/* Read-only and write-only registers. */
	assert_int_equal(vlapic_msr_write(v, 0x802, 2), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x803, 0), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x80a, 0), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x80d, 4), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x810, 0), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x839, 0), -EINVAL);
	assert_int_equal(vlapic_msr_read(v, 0x80b, &val), -EINVAL);
	assert_int_equal(vlapic_msr_read(v, 0x83f, &val), -EINVAL);
	/* Reserved bits fault. */
	assert_int_equal(vlapic_msr_write(v, 0x808, 0x100), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x808, 1ull << 32), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x80f, 0x11ff), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x832, 0x80000040), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x832, 0x60040), -EINVAL); /* mode 11b */
	assert_int_equal(vlapic_msr_write(v, 0x835, 0x1a7ff), 0);
	assert_int_equal(vlapic_msr_write(v, 0x83e, 0x10), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x80b, 1), -EINVAL);	/* EOI */
	assert_int_equal(vlapic_msr_write(v, 0x828, 1), -EINVAL);	/* ESR */
	assert_int_equal(vlapic_msr_write(v, 0x828, 0), 0);
	assert_int_equal(vlapic_msr_write(v, 0x830, 1ull << 12 | 0x40), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x830, 1ull << 20 | 0x40), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, 0x83f, 0x140), -EINVAL);
	assert_int_equal(nipi, 0);
	/* The 64-bit ICR: 32-bit destination. */
	assert_int_equal(vlapic_msr_write(v, 0x830, 1ull << 32 | 0x45), 0);
	assert_int_equal(nipi, 1);
	assert_int_equal(ipis[0].target, 1);
	assert_int_equal(vlapic_msr_read(v, 0x830, &val), 0);
	assert_int_equal(val, 1ull << 32 | 0x45);
	assert_int_equal(vlapic_msr_write(v, 0x830, 0x100ull << 32 | 0x45), 0);
	assert_int_equal(nipi, 1);		/* ID 0x100: nobody */
	/* Logical: cluster 0, bits 0 and 3 (vCPU 3 is xAPIC: flat LDR 0). */
	assert_int_equal(vlapic_msr_write(v, 0x830, 0x9ull << 32 | 0x846), 0);
	assert_int_equal(nipi, 2);
	assert_int_equal(ipis[1].target, 0);
	/* SELF IPI: fixed, edge, to itself; illegal vector sets ESR. */
	assert_int_equal(vlapic_msr_write(v, 0x83f, 0x55), 0);
	assert_int_equal(nipi, 3);
	assert_int_equal(ipis[2].target, 2);
	assert_int_equal(vlapic_pending_vector(v), 0x55);
	assert_int_equal(vlapic_msr_write(v, 0x83f, 0x05), 0);
	assert_int_equal(nipi, 3);
	assert_int_equal(vlapic_msr_write(v, 0x828, 0), 0);
	assert_int_equal(vlapic_msr_read(v, 0x828, &val), 0);
	assert_int_equal(val, VLAPIC_ESR_SEND_ILLEGAL);
	/* EOI through the MSR. */
	assert_int_equal(vlapic_ack(v, 0x55), 0);
	assert_int_equal(vlapic_msr_write(v, 0x80b, 0), 0);
	assert_int_equal(vlapic_msr_read(v, 0x810 + 2, &val), 0);
	assert_int_equal(val, 0);
	/* Timer through MSRs. */
	assert_int_equal(vlapic_msr_write(v, 0x832, 0x70), 0);
	assert_int_equal(vlapic_msr_write(v, 0x83e, 0xb), 0);
	assert_int_equal(vlapic_msr_write(v, 0x838, 500), 0);
	now_ns += 100;
	assert_int_equal(vlapic_msr_read(v, 0x839, &val), 0);
	assert_int_equal(val, 400);
	/* x2APIC -> xAPIC is illegal; -> disabled is fine and resets. */
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, BASE | 0x800), -EINVAL);
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, BASE), 0);
	assert_int_equal(vlapic_next_deadline(v), VLAPIC_NO_DEADLINE);
	assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, BASE | 0x800), 0);
	assert_int_equal(rd(v, VLAPIC_TPR), 0);
	assert_int_equal(rd(v, VLAPIC_ID), 0x02000000);
}

static void test_init_signal(void **state)
{
	struct vlapic *v = &lapic[1];

	(void)state;
	enable(v);
	wr(v, VLAPIC_TPR, 0x40);
	wr(v, VLAPIC_LVT_TIMER, 0x30);
	wr(v, VLAPIC_TMICT, 100);
	assert_int_equal(vlapic_accept_irq(v, 0x80, false), 0);
	vlapic_reset_init(v);
	assert_int_equal(rd(v, VLAPIC_TPR), 0);
	assert_int_equal(rd(v, VLAPIC_SVR), 0xff);
	assert_int_equal(rd(v, VLAPIC_LVT_TIMER), 0x10000);
	assert_int_equal(rd(v, VLAPIC_ID), 0x01000000);
	assert_int_equal(vlapic_pending_vector(v), -1);
	assert_int_equal(vlapic_next_deadline(v), VLAPIC_NO_DEADLINE);
	assert_int_equal(vlapic_reg(v, VLAPIC_DFR), 0xffffffff);
	assert_int_equal(vlapic_reg(v, 0x400), 0);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The current count through whichever view the APIC's mode offers. */
static uint32_t current_count(struct vlapic *v)
{
	uint64_t val = 0;

	if (vlapic_mmio_enabled(v))
		assert_int_equal(vlapic_mmio_read(v, vlapic_mmio_base(v) + VLAPIC_TMCCT,
						  4, &val), 0);
	else if (vlapic_msr_read(v, VLAPIC_MSR_BASE + (VLAPIC_TMCCT >> 4), &val))
		val = 0;
	return (uint32_t)val;
}

/* A hostile guest: random accesses of every kind on every vCPU. The
 * model must never fail the call for an access the emulator can make,
 * never let vectors 0-15 into IRR/ISR, and keep its own invariants. */
static void test_random_hostile(void **state)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int gp = 0, fired = 0, acked = 0;

	(void)state;
	for (unsigned int it = 0; it < 200000; it++) {
		struct vlapic *v = &lapic[rnd() % NCPU];
		uint64_t r = rnd(), val = rnd(), got;
		unsigned int size = sizes[r % 4];
		uint64_t gpa = vlapic_mmio_base(v) + ((r >> 8) % (4097 - size));
		uint32_t msr;
		int vec;

		if (r & (1ull << 40))	/* registers that matter, more often */
			gpa = vlapic_mmio_base(v) + ((r >> 20) % 64) * 16;
		switch ((r >> 32) % 8) {
		case 0:
			assert_int_equal(vlapic_mmio_read(v, gpa, size, &got), 0);
			break;
		case 1:
		case 2:
			if (((r >> 50) % 16) != 0)	/* keep it mostly enabled */
				val |= 0x100;
			/* Counts and destinations that lead somewhere. */
			if (gpa - vlapic_mmio_base(v) == VLAPIC_TMICT)
				val %= 100000;
			if (gpa - vlapic_mmio_base(v) == VLAPIC_ICR_HI)
				val = (val % 5) << 24;
			assert_int_equal(vlapic_mmio_write(v, gpa, size, val), 0);
			break;
		case 3:
			msr = (r >> 45) % 16 == 0 ? VLAPIC_MSR_APIC_BASE :
			      (r >> 45) % 16 == 1 ? VLAPIC_MSR_TSC_DEADLINE :
			      VLAPIC_MSR_BASE + (uint32_t)((r >> 20) % 256);
			if (msr == VLAPIC_MSR_APIC_BASE)
				val = (val & 0xc00) | BASE |
				      ((r >> 52) % 8 ? 0x800 : 0);
			if (r & (1ull << 41))
				val &= 0xffffffffu;
			if ((r >> 42) & 1) {
				if (vlapic_msr_write(v, msr, val))
					gp++;
			} else if (vlapic_msr_read(v, msr, &got)) {
				gp++;
			}
			break;
		case 4:
			vlapic_accept_irq(v, (uint8_t)val, val & 0x100);
			break;
		case 5:
			vec = vlapic_pending_vector(v);
			if (vec >= 0) {
				assert_int_equal(vlapic_ack(v, (uint8_t)vec), 0);
				acked++;
			} else if (vlapic_mmio_enabled(v)) {
				wr(v, VLAPIC_EOI, 0);
			} else {
				vlapic_msr_write(v, VLAPIC_MSR_BASE + (VLAPIC_EOI >> 4), 0);
			}
			break;
		case 6:
			now_ns += val % 300000;
			tsc_now += val % 300000;
			/* Now and then the guest goes back to xAPIC mode,
			 * through the disabled state as it must. */
			if ((val >> 40) % 32 == 0) {
				assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, BASE), 0);
				assert_int_equal(vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE,
								  BASE | 0x800), 0);
				wr(v, VLAPIC_SVR, 0x1ff);
			}
			break;
		default:
			if (vlapic_timer_fire(v, now_ns))
				fired++;
			break;
		}
		for (unsigned int i = 0; i < NCPU; i++) {
			struct vlapic *w = &lapic[i];
			uint64_t base;

			vec = vlapic_pending_vector(w);
			assert_true(vec == -1 || (vec >= 16 && vec <= 255));
			assert_int_equal(vlapic_reg(w, VLAPIC_IRR) & 0xffff, 0);
			assert_int_equal(vlapic_reg(w, VLAPIC_ISR) & 0xffff, 0);
			assert_int_equal(vlapic_msr_read(w, VLAPIC_MSR_APIC_BASE, &base), 0);
			assert_false((base & 0xc00) == 0x400);
			assert_true(current_count(w) <= vlapic_reg(w, VLAPIC_TMICT));
		}
	}
	print_message("random: %u #GP, %u timer interrupts, %u acked, %u IPIs\n",
		      gp, fired, acked, nipi);
	assert_true(gp > 1000 && fired > 10 && acked > 1000 && nipi > 20);
}

/* The debug dump's line: highest vectors in service and waiting, TPR, the
 * timer LVT and count, and when the timer is next due. */
static void test_summary(void **state)
{
	struct vlapic *v = &lapic[0];
	char line[160];

	(void)state;
	vlapic_summary(v, now_ns, line, sizeof(line));
	assert_string_equal(line, "in service none, waiting none, TPR 0, "
			    "timer LVT 00010000 count 0 next none");
	enable(v);
	wr(v, VLAPIC_TPR, 0x10);
	wr(v, VLAPIC_LVT_TIMER, 0x200ec);	/* periodic, vector 0xec */
	wr(v, VLAPIC_TDCR, 0xb);		/* divide by 1 */
	wr(v, VLAPIC_TMICT, 250000);
	assert_int_equal(vlapic_accept_irq(v, 0x31, false), 0);
	assert_int_equal(vlapic_ack(v, 0x31), 0);
	assert_int_equal(vlapic_accept_irq(v, 0xec, false), 0);
	assert_int_equal(vlapic_accept_irq(v, 0x41, false), 0);
	vlapic_summary(v, now_ns + 50000, line, sizeof(line));
	assert_string_equal(line, "in service 0x31, waiting 0xec, TPR 0x10, "
			    "timer LVT 000200ec count 250000 next in 200 us");
	vlapic_summary(v, now_ns + 250000, line, sizeof(line));
	assert_string_equal(line + strlen(line) - 8, "next due");
	/* A short buffer is cut, never overrun. */
	memset(line, 'x', sizeof(line));
	vlapic_summary(v, now_ns, line, 12);
	assert_string_equal(line, "in service ");
	assert_int_equal(line[12], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_errors, setup),
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_register_table, setup),
		cmocka_unit_test_setup(test_mmio_sizes, setup),
		cmocka_unit_test_setup(test_priority, setup),
		cmocka_unit_test_setup(test_nested_eoi, setup),
		cmocka_unit_test_setup(test_level_eoi, setup),
		cmocka_unit_test_setup(test_illegal_vectors, setup),
		cmocka_unit_test_setup(test_sw_disable, setup),
		cmocka_unit_test_setup(test_timer_oneshot, setup),
		cmocka_unit_test_setup(test_timer_divide, setup),
		cmocka_unit_test_setup(test_timer_periodic, setup),
		cmocka_unit_test_setup(test_tsc_deadline, setup),
		cmocka_unit_test_setup(test_icr_physical, setup),
		cmocka_unit_test_setup(test_icr_shorthands, setup),
		cmocka_unit_test_setup(test_icr_logical, setup),
		cmocka_unit_test_setup(test_apic_base, setup),
		cmocka_unit_test_setup(test_x2apic, setup),
		cmocka_unit_test_setup(test_init_signal, setup),
		cmocka_unit_test_setup(test_random_hostile, setup),
		cmocka_unit_test_setup(test_summary, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
