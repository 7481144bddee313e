/* test_vpit.c - unit tests of the emulated 8254: Linux's TSC calibration loops, clockevent modes, latches, read-back, gates, coalesced IRQ 0, hostile accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/vdev/vdev.h"
#include "arch/x86/vdev/vpit.h"

#define T0 1000000000ull	/* the clock does not start at 0 */

static struct vpit pit;
static uint64_t now;
static unsigned int nirq;

static uint64_t fake_now(void *opaque)
{
	assert_ptr_equal(opaque, &pit);
	return now;
}

static void fake_irq0(void *opaque)
{
	assert_ptr_equal(opaque, &pit);
	nirq++;
}

static const struct vpit_ops ops = { .now_ns = fake_now, .irq0 = fake_irq0 };

static int setup(void **state)
{
	(void)state;
	now = T0;
	nirq = 0;
	assert_int_equal(vpit_init(&pit, &ops, &pit), 0);
	return 0;
}

/* When tick t after the programming time happens. */
static uint64_t at(uint64_t start, uint64_t t)
{
	return start + vdev_ticks_ns(t, VPIT_HZ);
}

static uint8_t in8(uint16_t port)
{
	uint32_t v = 0xdeadbeef;

	vpit_io(&pit, port, 1, true, &v);
	assert_true(v <= 0xff);
	return (uint8_t)v;
}

static void out8(uint16_t port, uint8_t v)
{
	uint32_t x = v;

	vpit_io(&pit, port, 1, false, &x);
}

static uint16_t read16(uint16_t port)
{
	uint8_t lo = in8(port);

	return (uint16_t)(lo | in8(port) << 8);
}

static void test_init(void **state)
{
	struct vpit o;
	struct vpit_ops half = { .now_ns = fake_now };

	(void)state;
	assert_int_equal(vpit_init(&o, NULL, NULL), -EINVAL);
	assert_int_equal(vpit_init(&o, &half, NULL), -EINVAL);
	assert_int_equal(vpit_next_event(&pit), UINT64_MAX);
	now += 10 * T0;
	vpit_timer(&pit);
	assert_int_equal(nirq, 0);
	assert_int_equal(in8(VPIT_PORT_B) & 0x23, 0);	/* gate 2 low, OUT2 low */
}

/* arch/x86/kernel/tsc.c pit_calibrate_tsc(): 50 ms on counter 2, mode 0. */
static void test_linux_pit_calibrate(void **state)
{
	uint64_t start;
	const uint16_t latch = 59659;

	(void)state;
	out8(VPIT_PORT_B, (uint8_t)((in8(VPIT_PORT_B) & ~0x02) | 0x01));
	out8(VPIT_CONTROL, 0xb0);
	out8(0x42, latch & 0xff);
	now += 500;
	start = now;
	out8(0x42, latch >> 8);
	assert_int_equal(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2, 0);
	now = at(start, latch) - 1;
	assert_int_equal(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2, 0);
	now++;
	assert_int_equal(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2, VPIT_PORTB_OUT2);
	now += T0;
	assert_int_equal(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2, VPIT_PORTB_OUT2);
	assert_int_equal(nirq, 0);			/* counter 2: no IRQ */
}

/* tsc.c quick_pit_calibrate(): 0xffff on counter 2, LSB/MSB reads. */
static void test_linux_quick_pit(void **state)
{
	uint64_t start;

	(void)state;
	out8(VPIT_PORT_B, 0x01);
	out8(VPIT_CONTROL, 0xb0);
	out8(0x42, 0xff);
	out8(0x42, 0xff);
	start = now;
	assert_int_equal(read16(0x42), 0xffff);
	now = at(start, 1);
	assert_int_equal(read16(0x42), 0xfffe);
	now = at(start, 255);
	assert_int_equal(in8(0x42), 0x00);
	assert_int_equal(in8(0x42), 0xff);
	now = at(start, 256);
	in8(0x42);
	assert_int_equal(in8(0x42), 0xfe);
	/* Mode 0 wraps past terminal count and keeps counting. */
	now = at(start, 0xffff + 5);
	assert_int_equal(read16(0x42), 0xfffb);
	assert_true(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2);
}

/* Gate 2 low suspends mode 0; high resumes from the same count. */
static void test_gate_mode0(void **state)
{
	uint64_t start;

	(void)state;
	out8(VPIT_PORT_B, 0x01);
	out8(VPIT_CONTROL, 0xb0);
	out8(0x42, 100);
	out8(0x42, 0);
	start = now;
	now = at(start, 40);
	out8(VPIT_PORT_B, 0x00);
	now += T0;
	assert_int_equal(read16(0x42), 60);
	assert_int_equal(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2, 0);
	out8(VPIT_PORT_B, 0x01);
	start = now;
	now = at(start, 59);
	assert_int_equal(read16(0x42), 1);
	assert_int_equal(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2, 0);
	now = at(start, 60);
	assert_true(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2);
	/* Writing the first byte of a new count drops OUT at once. */
	out8(0x42, 5);
	assert_int_equal(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2, 0);
	out8(0x42, 0);
	start = now;
	now = at(start, 5);
	assert_true(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2);
}

static void test_port_b(void **state)
{
	uint8_t a, b;

	(void)state;
	out8(VPIT_PORT_B, 0xff);
	a = in8(VPIT_PORT_B);
	b = in8(VPIT_PORT_B);
	assert_int_equal((a ^ b), VPIT_PORTB_REFRESH);
	assert_int_equal(a & 0xcf, 0x0f);
	out8(VPIT_PORT_B, 0x00);
	assert_int_equal(in8(VPIT_PORT_B) & 0xef, 0x00);
}

/* drivers/clocksource/i8253.c periodic: 0x34, LATCH; IRQ per period. */
static void test_periodic_irq0(void **state)
{
	uint64_t start, e;
	const uint16_t latch = 4773;	/* HZ=250 */

	(void)state;
	out8(VPIT_CONTROL, 0x34);
	out8(0x40, latch & 0xff);
	assert_int_equal(vpit_next_event(&pit), UINT64_MAX);
	out8(0x40, latch >> 8);
	start = now;
	e = vpit_next_event(&pit);
	assert_int_equal(e, at(start, latch));
	now = e - 1;
	vpit_timer(&pit);
	assert_int_equal(nirq, 0);
	now = e;
	vpit_timer(&pit);
	assert_int_equal(nirq, 1);
	vpit_timer(&pit);
	assert_int_equal(nirq, 1);
	assert_int_equal(vpit_next_event(&pit), at(start, 2 * latch));
	/* Counter reads N..1 through each period. */
	now = at(start, 2 * latch + 10);
	assert_int_equal(read16(0x40), latch - 10);
	/* A long sleep: one call, one IRQ, next edge computed from now. */
	now = at(start, 1000 * latch + 7);
	vpit_timer(&pit);
	assert_int_equal(nirq, 2);
	vpit_timer(&pit);
	assert_int_equal(nirq, 2);
	assert_int_equal(vpit_next_event(&pit), at(start, 1001 * latch));
	/* Status: OUT high, count loaded, lohi, mode 2. */
	out8(VPIT_CONTROL, 0xe2);
	assert_int_equal(in8(0x40), 0xb4);
	assert_int_equal(read16(0x40), latch - 7);
}

/* Mode 2 reprogrammed while counting: the new count at the period end. */
static void test_periodic_reload(void **state)
{
	uint64_t start;

	(void)state;
	out8(VPIT_CONTROL, 0x34);
	out8(0x40, 100);
	out8(0x40, 0);
	start = now;
	now = at(start, 30);
	out8(0x40, 50);
	out8(0x40, 0);
	out8(VPIT_CONTROL, 0xe2);
	assert_int_equal(in8(0x40) & 0x40, 0x40);	/* null count */
	assert_int_equal(read16(0x40), 70);
	assert_int_equal(vpit_next_event(&pit), at(start, 100));
	now = at(start, 100);
	vpit_timer(&pit);
	assert_int_equal(nirq, 1);
	assert_int_equal(vpit_next_event(&pit),
			 at(start, 100) + (at(now, 50) - now) < at(start, 100) + VPIT_MIN_IRQ_NS ?
			 at(start, 100) + VPIT_MIN_IRQ_NS : at(now, 50));
	now = at(start, 100 + 20);
	assert_int_equal(read16(0x40), 30);
	out8(VPIT_CONTROL, 0xe2);
	assert_int_equal(in8(0x40) & 0x40, 0);
}

/* A 2-tick period cannot interrupt more than every VPIT_MIN_IRQ_NS. */
static void test_min_interval(void **state)
{
	uint64_t e;

	(void)state;
	out8(VPIT_CONTROL, 0x14);			/* LSB only, mode 2 */
	out8(0x40, 2);
	e = vpit_next_event(&pit);
	now = e;
	vpit_timer(&pit);
	assert_int_equal(nirq, 1);
	assert_int_equal(vpit_next_event(&pit), now + VPIT_MIN_IRQ_NS);
	now += VPIT_MIN_IRQ_NS - 1;
	vpit_timer(&pit);
	assert_int_equal(nirq, 1);
	now++;
	vpit_timer(&pit);
	assert_int_equal(nirq, 2);
	/* Illegal count 1: no edges at all. */
	out8(0x40, 1);
	out8(VPIT_CONTROL, 0x14);
	out8(0x40, 1);
	now += T0;
	vpit_timer(&pit);
	assert_int_equal(vpit_next_event(&pit), UINT64_MAX);
}

/* i8253.c oneshot: mode 4 (0x38), then counts; shutdown: 0x30, 0, 0. */
static void test_oneshot_and_shutdown(void **state)
{
	uint64_t start;

	(void)state;
	out8(VPIT_CONTROL, 0x38);
	out8(0x40, 0x10);
	out8(0x40, 0x00);
	start = now;
	assert_int_equal(vpit_next_event(&pit), at(start, 17));
	now = at(start, 16);
	out8(VPIT_CONTROL, 0xe2);
	assert_int_equal(in8(0x40) & 0x80, 0);		/* the strobe */
	now = at(start, 17);
	vpit_timer(&pit);
	assert_int_equal(nirq, 1);
	now += T0;
	vpit_timer(&pit);
	assert_int_equal(nirq, 1);
	assert_int_equal(vpit_next_event(&pit), UINT64_MAX);
	/* Missed edge, then the guest programs the next event: delivered. */
	out8(0x40, 0x20);
	out8(0x40, 0x00);
	now += T0;
	out8(0x40, 0x20);
	assert_int_equal(nirq, 2);
	out8(0x40, 0x00);
	assert_int_equal(nirq, 2);
	/* Shutdown: mode 0 with count 0 (2^16) fires once, 55 ms later. */
	out8(VPIT_CONTROL, 0x30);
	out8(0x40, 0);
	out8(0x40, 0);
	start = now;
	assert_int_equal(vpit_next_event(&pit), at(start, 65536));
	now = at(start, 65536) + 5 * T0;
	vpit_timer(&pit);
	vpit_timer(&pit);
	assert_int_equal(nirq, 3);
	assert_int_equal(vpit_next_event(&pit), UINT64_MAX);
}

/* Counter latch and read-back commands (8254 datasheet). */
static void test_latch_readback(void **state)
{
	uint64_t start;

	(void)state;
	out8(VPIT_CONTROL, 0x74);			/* counter 1, mode 2 */
	out8(VPIT_CONTROL + 0, 0x74);
	out8(0x41, 0x00);
	out8(0x41, 0x10);
	start = now;
	now = at(start, 0x10);
	out8(VPIT_CONTROL, 0x40);			/* latch counter 1 */
	now = at(start, 0x80);
	out8(VPIT_CONTROL, 0x40);			/* ignored: still latched */
	assert_int_equal(in8(0x41), 0xf0);
	now = at(start, 0x90);
	assert_int_equal(in8(0x41), 0x0f);
	assert_int_equal(read16(0x41), 0x1000 - 0x90);
	/* Read-back: status and count of counters 1 and 2. */
	out8(VPIT_CONTROL, 0xb0);			/* counter 2, mode 0 */
	out8(VPIT_CONTROL, 0xcc);
	assert_int_equal(in8(0x41), 0xb4);		/* OUT high mid-period */
	assert_int_equal(read16(0x41), 0x1000 - 0x90);
	assert_int_equal(in8(0x42), 0x70);		/* null count, OUT low */
	/* Read-back of count only, LSB-only counter. */
	out8(VPIT_CONTROL, 0x50);			/* counter 1, LSB, mode 0 */
	out8(0x41, 0x40);
	start = now;
	now = at(start, 3);
	out8(VPIT_CONTROL, 0xd4);
	now = at(start, 9);
	assert_int_equal(in8(0x41), 0x3d);
	assert_int_equal(in8(0x41), 0x37);
	/* MSB only. */
	out8(VPIT_CONTROL, 0x60);
	out8(0x41, 0x02);
	start = now;
	now = at(start, 0xff);
	assert_int_equal(in8(0x41), 0x01);
	assert_int_equal(in8(0x41), 0x01);
	now = at(start, 0x101);
	assert_int_equal(in8(0x41), 0x00);
}

static void test_bcd(void **state)
{
	uint64_t start;

	(void)state;
	out8(VPIT_PORT_B, 0x01);
	out8(VPIT_CONTROL, 0xb1);
	out8(0x42, 0x00);
	out8(0x42, 0x10);				/* 1000 */
	start = now;
	now = at(start, 1);
	assert_int_equal(read16(0x42), 0x0999);
	now = at(start, 999);
	assert_int_equal(read16(0x42), 0x0001);
	now = at(start, 1001);
	assert_int_equal(read16(0x42), 0x9999);
	assert_true(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2);
	out8(VPIT_CONTROL, 0xe8);
	assert_int_equal(in8(0x42), 0xb1);
}

/* Modes 1, 3, 5 on counter 2 with the gate from port 0x61. */
static void test_gate_modes(void **state)
{
	uint64_t start;

	(void)state;
	out8(VPIT_CONTROL, 0xb2);			/* mode 1 */
	out8(0x42, 10);
	out8(0x42, 0);
	now += T0;
	assert_true(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2);	/* no trigger */
	out8(VPIT_PORT_B, 0x01);
	start = now;
	now = at(start, 9);
	assert_int_equal(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2, 0);
	now = at(start, 10);
	assert_true(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2);
	/* Mode 3: high half, low half; gate low forces OUT high. */
	out8(VPIT_CONTROL, 0xb6);
	out8(0x42, 10);
	out8(0x42, 0);
	start = now;
	now = at(start, 4);
	assert_true(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2);
	assert_int_equal(read16(0x42), 2);
	now = at(start, 5);
	assert_int_equal(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2, 0);
	out8(VPIT_PORT_B, 0x00);
	assert_true(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2);
	out8(VPIT_PORT_B, 0x01);			/* reload */
	start = now;
	now = at(start, 5);
	assert_int_equal(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2, 0);
	now = at(start, 10);
	assert_true(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2);
	/* Mode 5: a strobe count ticks after the trigger. */
	out8(VPIT_PORT_B, 0x00);
	out8(VPIT_CONTROL, 0xba);
	out8(0x42, 3);
	out8(0x42, 0);
	out8(VPIT_PORT_B, 0x01);
	start = now;
	now = at(start, 3);
	assert_int_equal(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2, 0);
	now = at(start, 4);
	assert_true(in8(VPIT_PORT_B) & VPIT_PORTB_OUT2);
}

static uint32_t rng = 12345;

static uint32_t next_rand(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

/* Sizes, ports, junk: nothing breaks and irq0 stays at one per call. */
static void test_hostile(void **state)
{
	uint32_t v;
	unsigned int i, before, size;
	uint64_t e;

	(void)state;
	v = 0x1234;
	vpit_io(&pit, VPIT_CONTROL, 1, true, &v);
	assert_int_equal(v, 0xff);
	vpit_io(&pit, VPIT_CONTROL, 4, true, &v);
	assert_int_equal(v, 0xffffffff);
	vpit_io(&pit, 0x3f, 2, true, &v);
	assert_int_equal(v & 0xff, 0xff);
	for (size = 0; size < 9; size++) {
		if (size == 1 || size == 2 || size == 4)
			continue;
		vpit_io(&pit, 0x40, size, true, &v);
		assert_int_equal(v, 0xffffffff);
	}
	vpit_io(&pit, 0x40, 4, true, NULL);
	/* outw 0x42: counter 2's byte, then the control port. */
	v = 0xb000 | 0x7f;
	vpit_io(&pit, 0x42, 2, false, &v);
	out8(VPIT_CONTROL, 0xe8);
	assert_int_equal(in8(0x42), 0x70);
	for (i = 0; i < 200000; i++) {
		uint16_t port = (uint16_t)(0x3e + next_rand() % 8);

		if (next_rand() % 16 == 0)
			port = VPIT_PORT_B;
		size = 1u << (next_rand() % 3);
		v = next_rand();
		vpit_io(&pit, port, size, next_rand() & 1, &v);
		now += next_rand() % 50000;
		e = vpit_next_event(&pit);
		before = nirq;
		vpit_timer(&pit);
		assert_true(nirq - before <= 1);
		if (nirq != before)
			assert_true(e <= now);
		e = vpit_next_event(&pit);
		assert_true(e == UINT64_MAX || e > pit.checked_ns);
	}
	/* The end of time. */
	now = UINT64_MAX - 10;
	vpit_timer(&pit);
	out8(VPIT_CONTROL, 0x34);
	out8(0x40, 0);
	out8(0x40, 0);
	vpit_next_event(&pit);
	now = UINT64_MAX;
	vpit_timer(&pit);
	read16(0x40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init, setup),
		cmocka_unit_test_setup(test_linux_pit_calibrate, setup),
		cmocka_unit_test_setup(test_linux_quick_pit, setup),
		cmocka_unit_test_setup(test_gate_mode0, setup),
		cmocka_unit_test_setup(test_port_b, setup),
		cmocka_unit_test_setup(test_periodic_irq0, setup),
		cmocka_unit_test_setup(test_periodic_reload, setup),
		cmocka_unit_test_setup(test_min_interval, setup),
		cmocka_unit_test_setup(test_oneshot_and_shutdown, setup),
		cmocka_unit_test_setup(test_latch_readback, setup),
		cmocka_unit_test_setup(test_bcd, setup),
		cmocka_unit_test_setup(test_gate_modes, setup),
		cmocka_unit_test_setup(test_hostile, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
