/* test_acpi_pm.c - unit tests of the ACPI fixed hardware: PM1 status/enable, SCI, S5 through SLP_EN, PM timer, hostile accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/vdev/acpi_pm.h"

static struct acpi_pm pm;
static uint64_t now;
static unsigned int nsci, nsleep, last_typ;
static bool sci;

static uint64_t fake_now(void *o) { assert_ptr_equal(o, &pm); return now; }

static void fake_sci(void *o, bool level)
{
	assert_ptr_equal(o, &pm);
	assert_true(level != sci);
	sci = level;
	nsci++;
}

static void fake_sleep(void *o, unsigned int typ)
{
	assert_ptr_equal(o, &pm);
	nsleep++;
	last_typ = typ;
}

static const struct acpi_pm_ops ops = {
	.now_ns = fake_now, .set_sci = fake_sci, .sleep = fake_sleep,
};

static int setup(void **state)
{
	(void)state;
	now = 0;
	nsci = nsleep = 0;
	last_typ = 99;
	sci = false;
	assert_int_equal(acpi_pm_init(&pm, &ops, &pm), 0);
	return 0;
}

static uint32_t rd(uint16_t port, unsigned int size)
{
	uint32_t v = 0xdeadbeef;

	acpi_pm_io(&pm, port, size, true, &v);
	return v;
}

static void wr(uint16_t port, unsigned int size, uint32_t v)
{
	acpi_pm_io(&pm, port, size, false, &v);
}

static void test_init(void **state)
{
	struct acpi_pm o;
	struct acpi_pm_ops half = { .now_ns = fake_now, .set_sci = fake_sci };

	(void)state;
	assert_int_equal(acpi_pm_init(&o, NULL, NULL), -EINVAL);
	assert_int_equal(acpi_pm_init(&o, &half, NULL), -EINVAL);
	assert_int_equal(rd(ACPI_PM_PM1A_EVT, 2), 0);
	assert_int_equal(rd(ACPI_PM_PM1A_EVT + 2, 2), 0);
	assert_int_equal(rd(ACPI_PM_PM1A_CNT, 2), ACPI_PM1_CNT_SCI_EN);
	assert_int_equal(rd(ACPI_PM_PM_TMR, 4), 0);
	assert_int_equal(ACPI_PM_PM1A_EVT, 0x600);
	assert_int_equal(ACPI_PM_PM1A_CNT, 0x604);
	assert_int_equal(ACPI_PM_PM_TMR, 0x608);
}

/* Power button: status, enable, SCI level, write-1-to-clear. */
static void test_power_button(void **state)
{
	(void)state;
	acpi_pm_press_power_button(&pm);
	assert_int_equal(rd(ACPI_PM_PM1A_EVT, 2), ACPI_PM1_PWRBTN);
	assert_int_equal(nsci, 0);			/* not enabled */
	wr(ACPI_PM_PM1A_EVT + 2, 2, ACPI_PM1_PWRBTN);
	assert_true(sci);
	assert_int_equal(rd(ACPI_PM_PM1A_EVT + 2, 2), ACPI_PM1_PWRBTN);
	wr(ACPI_PM_PM1A_EVT, 2, 0xfeff);		/* other bits: no effect */
	assert_true(sci);
	wr(ACPI_PM_PM1A_EVT, 1, 0xff);			/* low byte only */
	assert_true(sci);
	wr(ACPI_PM_PM1A_EVT + 1, 1, 0x01);		/* bit 8 via byte 1 */
	assert_false(sci);
	assert_int_equal(rd(ACPI_PM_PM1A_EVT, 2), 0);
	/* SCI_EN gates the line. */
	acpi_pm_press_power_button(&pm);
	assert_true(sci);
	wr(ACPI_PM_PM1A_CNT, 2, 0);
	assert_false(sci);
	wr(ACPI_PM_PM1A_CNT, 2, ACPI_PM1_CNT_SCI_EN);
	assert_true(sci);
	wr(ACPI_PM_PM1A_EVT + 2, 2, 0);
	assert_false(sci);
	assert_int_equal(nsci, 6);
	/* ACPICA clears all status with one 32-bit write of ones to STS. */
	wr(ACPI_PM_PM1A_EVT, 2, 0xffff);
	assert_int_equal(rd(ACPI_PM_PM1A_EVT, 4), 0);
	/* Enable bits that do not exist read 0. */
	wr(ACPI_PM_PM1A_EVT + 2, 2, 0xffff);
	assert_int_equal(rd(ACPI_PM_PM1A_EVT + 2, 2), 0x4721);
}

/* ACPICA's acpi_hw_legacy_sleep(): SLP_TYP, then SLP_TYP|SLP_EN. */
static void test_sleep(void **state)
{
	uint16_t typ = ACPI_PM_SLP_TYP_S5 << ACPI_PM1_CNT_SLP_TYP_SHIFT;

	(void)state;
	wr(ACPI_PM_PM1A_CNT, 2, ACPI_PM1_CNT_SCI_EN | typ);
	assert_int_equal(nsleep, 0);
	assert_int_equal(rd(ACPI_PM_PM1A_CNT, 2), ACPI_PM1_CNT_SCI_EN | typ);
	wr(ACPI_PM_PM1A_CNT, 2, ACPI_PM1_CNT_SCI_EN | typ | ACPI_PM1_CNT_SLP_EN);
	assert_int_equal(nsleep, 1);
	assert_int_equal(last_typ, 5);
	/* SLP_EN and GBL_RLS read 0; WAK_STS says "woke". */
	wr(ACPI_PM_PM1A_CNT, 1, 0xff);
	assert_int_equal(rd(ACPI_PM_PM1A_CNT, 2), 0x1403);
	assert_true(rd(ACPI_PM_PM1A_EVT, 2) & ACPI_PM1_WAK_STS);
	assert_int_equal(nsci, 0);			/* WAK_STS has no enable */
	/* Byte write of the upper half alone. */
	wr(ACPI_PM_PM1A_CNT + 1, 1, 0x20 | (3 << 2));
	assert_int_equal(nsleep, 2);
	assert_int_equal(last_typ, 3);
}

/* 24-bit timer at 3.579545 MHz from now_ns, wrapping. */
static void test_timer(void **state)
{
	(void)state;
	now = 1000000000ull;
	assert_int_equal(rd(ACPI_PM_PM_TMR, 4), 3579545);
	now = 279;					/* 0.9987 tick */
	assert_int_equal(rd(ACPI_PM_PM_TMR, 4), 0);
	now = 280;
	assert_int_equal(rd(ACPI_PM_PM_TMR, 4), 1);
	now = 4687500000ull;				/* 2^24 ticks: wrapped */
	assert_int_equal(rd(ACPI_PM_PM_TMR, 4), 16779117 & 0xffffff);
	now = 1000000000ull;
	assert_int_equal(rd(ACPI_PM_PM_TMR, 2), 3579545 & 0xffff);
	assert_int_equal(rd(ACPI_PM_PM_TMR + 2, 1), 3579545 >> 16);
	assert_int_equal(rd(ACPI_PM_PM_TMR + 3, 1), 0);
	wr(ACPI_PM_PM_TMR, 4, 0);			/* read-only */
	assert_int_equal(rd(ACPI_PM_PM_TMR, 4), 3579545);
	now = UINT64_MAX;
	assert_true(rd(ACPI_PM_PM_TMR, 4) <= 0xffffff);
}

static void test_hostile(void **state)
{
	unsigned int port, size;
	uint32_t v;

	(void)state;
	assert_int_equal(rd(0x606, 2), 0xffff);
	assert_int_equal(rd(0x5ff, 2), 0x00ff);		/* 0x5ff empty, STS 0 */
	assert_int_equal(rd(0x60a, 4), 0xffff0000);
	for (size = 0; size < 9; size++) {
		if (size == 1 || size == 2 || size == 4)
			continue;
		assert_int_equal(rd(0x600, size), 0xffffffff);
		wr(0x604, size, 0xffffffff);
	}
	assert_int_equal(nsleep, 0);
	acpi_pm_io(&pm, 0x600, 4, true, NULL);
	for (port = 0x5f0; port < 0x620; port++)
		for (size = 1; size <= 4; size <<= 1) {
			v = 0xdfdfdfdf;		/* no SLP_EN in any lane */
			acpi_pm_io(&pm, (uint16_t)port, size, false, &v);
			acpi_pm_io(&pm, (uint16_t)port, size, true, &v);
		}
	assert_int_equal(nsleep, 0);
	assert_int_equal(rd(ACPI_PM_PM1A_EVT + 2, 2), 0x4701);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init, setup),
		cmocka_unit_test_setup(test_power_button, setup),
		cmocka_unit_test_setup(test_sleep, setup),
		cmocka_unit_test_setup(test_timer, setup),
		cmocka_unit_test_setup(test_hostile, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
