/* test_vrtc.c - unit tests of the emulated MC146818: time from the clock in BCD/binary and 12/24 h, UIP window, SET as Linux's mc146818_set_time uses it, CMOS RAM, hostile accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/vdev/vrtc.h"

#define S 1000000000ull
/* 2024-02-29 23:59:58 UTC, a Thursday. */
#define BASE 1709251198ull

static struct vrtc r;
static uint64_t now;

static uint64_t fake_now(void *o) { assert_ptr_equal(o, &r); return now; }

static const struct vrtc_ops ops = { .now_ns = fake_now };

static int setup(void **state)
{
	(void)state;
	now = 0;
	assert_int_equal(vrtc_init(&r, BASE, &ops, &r), 0);
	return 0;
}

static uint8_t cmos(uint8_t idx)
{
	uint32_t v = idx;

	vrtc_io(&r, VRTC_PORT_INDEX, 1, false, &v);
	vrtc_io(&r, VRTC_PORT_DATA, 1, true, &v);
	assert_true(v <= 0xff);
	return (uint8_t)v;
}

static void cmos_w(uint8_t idx, uint8_t val)
{
	uint32_t v = idx;

	vrtc_io(&r, VRTC_PORT_INDEX, 1, false, &v);
	v = val;
	vrtc_io(&r, VRTC_PORT_DATA, 1, false, &v);
}

static void test_init(void **state)
{
	struct vrtc o;
	struct vrtc_ops none = { 0 };

	(void)state;
	assert_int_equal(vrtc_init(&o, 0, NULL, NULL), -EINVAL);
	assert_int_equal(vrtc_init(&o, 0, &none, NULL), -EINVAL);
	assert_int_equal(cmos(VRTC_REG_A), 0x26);
	assert_int_equal(cmos(VRTC_REG_B), 0x02);
	assert_int_equal(cmos(VRTC_REG_C), 0);
	assert_int_equal(cmos(VRTC_REG_D), 0x80);
	assert_int_equal(cmos(0x10), 0);
}

static void test_bcd_time(void **state)
{
	(void)state;
	assert_int_equal(cmos(VRTC_SECONDS), 0x58);
	assert_int_equal(cmos(VRTC_MINUTES), 0x59);
	assert_int_equal(cmos(VRTC_HOURS), 0x23);
	assert_int_equal(cmos(VRTC_DAY_OF_WEEK), 5);
	assert_int_equal(cmos(VRTC_DAY), 0x29);
	assert_int_equal(cmos(VRTC_MONTH), 0x02);
	assert_int_equal(cmos(VRTC_YEAR), 0x24);
	assert_int_equal(cmos(VRTC_REG_CENTURY), 0x20);
	now = 2 * S;					/* leap day rolls over */
	assert_int_equal(cmos(VRTC_SECONDS), 0x00);
	assert_int_equal(cmos(VRTC_HOURS), 0x00);
	assert_int_equal(cmos(VRTC_DAY), 0x01);
	assert_int_equal(cmos(VRTC_MONTH), 0x03);
	assert_int_equal(cmos(VRTC_DAY_OF_WEEK), 6);
}

static void test_binary_12h(void **state)
{
	(void)state;
	cmos_w(VRTC_REG_B, VRTC_B_DM);			/* binary, 12-hour */
	assert_int_equal(cmos(VRTC_SECONDS), 58);
	assert_int_equal(cmos(VRTC_HOURS), 0x80 | 11);	/* 11 PM */
	assert_int_equal(cmos(VRTC_YEAR), 24);
	assert_int_equal(cmos(VRTC_REG_CENTURY), 20);
	now = 2 * S;
	assert_int_equal(cmos(VRTC_HOURS), 12);		/* 12 AM */
	now = (2 + 12 * 3600) * S;
	assert_int_equal(cmos(VRTC_HOURS), 0x80 | 12);	/* 12 PM */
	cmos_w(VRTC_REG_B, 0);				/* BCD, 12-hour */
	now = (2 + 13 * 3600) * S;
	assert_int_equal(cmos(VRTC_HOURS), 0x81);
}

/* UIP only in the last 244 us of each second, never while SET. */
static void test_uip(void **state)
{
	(void)state;
	now = S - VRTC_UIP_NS - 1;
	assert_int_equal(cmos(VRTC_REG_A), 0x26);
	now = S - VRTC_UIP_NS;
	assert_int_equal(cmos(VRTC_REG_A), 0xa6);
	assert_int_equal(cmos(VRTC_SECONDS), 0x58);
	now = S;
	assert_int_equal(cmos(VRTC_REG_A), 0x26);
	assert_int_equal(cmos(VRTC_SECONDS), 0x59);
	now = 2 * S - 1;
	cmos_w(VRTC_REG_B, 0x82);
	assert_int_equal(cmos(VRTC_REG_A), 0x26);
	cmos_w(VRTC_REG_A, 0xff);			/* UIP is read-only */
	assert_int_equal(cmos(VRTC_REG_A), 0x7f);
}

/* drivers/rtc/rtc-mc146818-lib.c mc146818_set_time(). */
static void test_linux_set_time(void **state)
{
	uint8_t b, a;

	(void)state;
	now = 5 * S + 123;
	b = cmos(VRTC_REG_B);
	cmos_w(VRTC_REG_B, b | VRTC_B_SET);
	a = cmos(VRTC_REG_A);
	cmos_w(VRTC_REG_A, a | 0x70);			/* divider reset (Intel) */
	assert_int_equal(cmos(VRTC_SECONDS), 0x03);	/* frozen snapshot */
	cmos_w(VRTC_YEAR, 0x99);
	cmos_w(VRTC_MONTH, 0x12);
	cmos_w(VRTC_DAY, 0x31);
	cmos_w(VRTC_HOURS, 0x23);
	cmos_w(VRTC_MINUTES, 0x59);
	cmos_w(VRTC_SECONDS, 0x59);
	cmos_w(VRTC_REG_CENTURY, 0x19);
	now += 10 * S;					/* still stopped */
	assert_int_equal(cmos(VRTC_SECONDS), 0x59);
	cmos_w(VRTC_REG_B, b);
	assert_int_equal(cmos(VRTC_SECONDS), 0x59);	/* divider still reset */
	now += S;
	assert_int_equal(cmos(VRTC_SECONDS), 0x59);
	cmos_w(VRTC_REG_A, a);
	now += S - 1;
	assert_int_equal(cmos(VRTC_YEAR), 0x99);
	now += 1;
	assert_int_equal(cmos(VRTC_SECONDS), 0x00);
	assert_int_equal(cmos(VRTC_YEAR), 0x00);
	assert_int_equal(cmos(VRTC_REG_CENTURY), 0x20);
	assert_int_equal(cmos(VRTC_MONTH), 0x01);
	assert_int_equal(cmos(VRTC_DAY_OF_WEEK), 7);	/* 2000-01-01: Sat */
	/* SET clears UIE. */
	cmos_w(VRTC_REG_B, 0x92);
	assert_int_equal(cmos(VRTC_REG_B), 0x82);
}

/* A time register written while running keeps the sub-second phase. */
static void test_write_running(void **state)
{
	(void)state;
	now = S / 2;
	cmos_w(VRTC_MINUTES, 0x10);
	assert_int_equal(cmos(VRTC_MINUTES), 0x10);
	assert_int_equal(cmos(VRTC_HOURS), 0x23);
	assert_int_equal(cmos(VRTC_SECONDS), 0x58);
	now = S;
	assert_int_equal(cmos(VRTC_SECONDS), 0x59);
}

static void test_ram_and_index(void **state)
{
	uint32_t v;
	unsigned int i;

	(void)state;
	for (i = 0x0e; i < 0x80; i++)
		if (i != VRTC_REG_CENTURY)
			cmos_w((uint8_t)i, (uint8_t)(i ^ 0x5a));
	for (i = 0x0e; i < 0x80; i++)
		if (i != VRTC_REG_CENTURY)
			assert_int_equal(cmos((uint8_t)i), i ^ 0x5a);
	cmos_w(VRTC_SEC_ALARM, 0xc0);
	assert_int_equal(cmos(VRTC_SEC_ALARM), 0xc0);
	/* NMI mask bit: the index still selects the register. */
	cmos_w(0x80 | 0x20, 0x77);
	assert_true(r.nmi_masked);
	assert_int_equal(cmos(0x20), 0x77);
	assert_false(r.nmi_masked);
	/* outw 0x70: index, then data. */
	v = 0x4420;
	vrtc_io(&r, VRTC_PORT_INDEX, 2, false, &v);
	assert_int_equal(cmos(0x20), 0x44);
	vrtc_io(&r, VRTC_PORT_INDEX, 2, true, &v);
	assert_int_equal(v, 0x44ff);
	/* C and D are read-only. */
	cmos_w(VRTC_REG_C, 0xff);
	cmos_w(VRTC_REG_D, 0x00);
	assert_int_equal(cmos(VRTC_REG_C), 0);
	assert_int_equal(cmos(VRTC_REG_D), 0x80);
}

static void test_hostile(void **state)
{
	uint32_t v;
	unsigned int size, i, j;

	(void)state;
	for (size = 0; size < 9; size++) {
		if (size == 1 || size == 2 || size == 4)
			continue;
		v = 0;
		vrtc_io(&r, VRTC_PORT_INDEX, size, false, &v);
		vrtc_io(&r, VRTC_PORT_DATA, size, true, &v);
		assert_int_equal(v, 0xffffffff);
	}
	vrtc_io(&r, VRTC_PORT_DATA, 4, true, NULL);
	vrtc_io(&r, 0x72, 1, true, &v);
	assert_int_equal(v, 0xff);
	/* Garbage time fields while stopped, then run: sane output. */
	for (i = 0; i < 256; i += 7) {
		cmos_w(VRTC_REG_B, (uint8_t)(0x80 | (i & 0x06)));
		for (j = 0; j < 10; j++)
			if (j != VRTC_SEC_ALARM && j != VRTC_MIN_ALARM &&
			    j != VRTC_HOUR_ALARM)
				cmos_w((uint8_t)j, (uint8_t)(i * 13 + j));
		cmos_w(VRTC_REG_CENTURY, (uint8_t)i);
		cmos_w(VRTC_REG_B, (uint8_t)(i & 0x06));
		now += S;
		for (j = 0; j < 10; j++)
			cmos((uint8_t)j);
		assert_true(cmos(VRTC_DAY_OF_WEEK) >= 1);
	}
	/* The end of time and a huge base. */
	assert_int_equal(vrtc_init(&r, UINT64_MAX, &ops, &r), 0);
	now = UINT64_MAX;
	cmos_w(VRTC_REG_B, VRTC_B_24H | VRTC_B_DM);
	assert_true(cmos(VRTC_YEAR) <= 99);
	cmos_w(VRTC_MINUTES, 5);
	assert_int_equal(cmos(VRTC_MINUTES), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init, setup),
		cmocka_unit_test_setup(test_bcd_time, setup),
		cmocka_unit_test_setup(test_binary_12h, setup),
		cmocka_unit_test_setup(test_uip, setup),
		cmocka_unit_test_setup(test_linux_set_time, setup),
		cmocka_unit_test_setup(test_write_running, setup),
		cmocka_unit_test_setup(test_ram_and_index, setup),
		cmocka_unit_test_setup(test_hostile, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
