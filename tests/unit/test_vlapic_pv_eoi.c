/* test_vlapic_pv_eoi.c - unit tests of KVM's PV EOI decision and MSR checks against a real vLAPIC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/vdev/vlapic.h"
#include "arch/x86/vdev/vlapic_pv_eoi.h"

#define BASE	0xfee00000ull

static struct vlapic_group grp;
static struct vlapic lapic;
static unsigned int nlevel_eoi;

static uint64_t fake_now(void *opaque)
{
	(void)opaque;
	return 1000000;
}

static void fake_send_ipi(void *opaque, unsigned int target, unsigned int mode,
			  uint8_t vector, bool level)
{
	(void)opaque;
	(void)target;
	(void)mode;
	(void)vector;
	(void)level;
}

static void fake_eoi_level(void *opaque, unsigned int vcpu, uint8_t vector)
{
	(void)opaque;
	(void)vcpu;
	(void)vector;
	nlevel_eoi++;
}

static const struct vlapic_ops ops = {
	.now_ns = fake_now,
	.send_ipi = fake_send_ipi,
	.eoi_level = fake_eoi_level,
};

/* One enabled xAPIC, nothing pending or in service. */
static int setup(void **state)
{
	struct vlapic_config cfg = { .bsp = true, .bus_ns = 1, .phys_bits = 39 };

	(void)state;
	memset(&grp, 0, sizeof(grp));
	grp.ops = &ops;
	grp.opaque = &grp;
	nlevel_eoi = 0;
	assert_int_equal(vlapic_init(&lapic, &grp, 0, &cfg), 0);
	assert_int_equal(vlapic_mmio_write(&lapic, BASE + VLAPIC_SVR, 4, 0x1ff), 0);
	return 0;
}

/* vector raised (edge or level) and taken by the vCPU: in service. */
static void in_service(uint8_t vector, bool level)
{
	assert_int_equal(vlapic_accept_irq(&lapic, vector, level), 0);
	assert_int_equal(vlapic_ack(&lapic, vector), 0);
}

static void test_msr_parse(void **state)
{
	uint64_t gpa = 1;
	bool on = false;

	(void)state;
	assert_int_equal(vlapic_pv_eoi_msr_parse(0x12345671ull, &gpa, &on), 0);
	assert_int_equal(gpa, 0x12345670ull);
	assert_true(on);
	assert_int_equal(vlapic_pv_eoi_msr_parse(0, &gpa, &on), 0);
	assert_int_equal(gpa, 0);
	assert_false(on);
	/* Not 4-byte aligned, enabled or not. */
	assert_int_equal(vlapic_pv_eoi_msr_parse(0x12345673ull, &gpa, &on), -EINVAL);
	assert_int_equal(vlapic_pv_eoi_msr_parse(0x12345672ull, &gpa, &on), -EINVAL);
	assert_int_equal(vlapic_pv_eoi_msr_parse(~0ull, &gpa, &on), -EINVAL);
	/* Any aligned address parses; whether it is RAM is the caller's. */
	assert_int_equal(vlapic_pv_eoi_msr_parse(0xfffffffffffffffdull, &gpa, &on), 0);
	assert_int_equal(gpa, 0xfffffffffffffffcull);
}

static void test_nothing_in_service(void **state)
{
	(void)state;
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, -1), -1);
}

static void test_one_in_service(void **state)
{
	(void)state;
	in_service(0x41, false);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, -1), 0x41);
	/* The EOI the flag stands for retires it. */
	vlapic_eoi(&lapic);
	assert_int_equal(vlapic_reg(&lapic, VLAPIC_ISR + 0x20), 0);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, -1), -1);
}

static void test_level_in_service(void **state)
{
	(void)state;
	in_service(0x41, true);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, -1), -1);
	vlapic_eoi(&lapic);
	assert_int_equal(nlevel_eoi, 1);
}

static void test_nested_in_service(void **state)
{
	(void)state;
	in_service(0x41, false);
	in_service(0x61, false);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, -1), -1);
	/* Two in the same ISR word count as two too. */
	vlapic_eoi(&lapic);
	in_service(0x42, false);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, -1), -1);
}

/* Something waits in IRR (even below the priority in service): its
 * delivery after the EOI needs the hypervisor to see the EOI. */
static void test_irr_pending(void **state)
{
	(void)state;
	in_service(0x61, false);
	assert_int_equal(vlapic_accept_irq(&lapic, 0x41, false), 0);
	assert_int_equal(vlapic_pending_vector(&lapic), -1);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, -1), -1);
}

static void test_offered_alone(void **state)
{
	(void)state;
	assert_int_equal(vlapic_accept_irq(&lapic, 0x51, false), 0);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, 0x51), 0x51);
	/* Taken, then EOId through the flag: in service, then retired. */
	assert_int_equal(vlapic_ack(&lapic, 0x51), 0);
	vlapic_eoi(&lapic);
	assert_int_equal(vlapic_reg(&lapic, VLAPIC_ISR + 0x20), 0);
	assert_int_equal(vlapic_reg(&lapic, VLAPIC_IRR + 0x20), 0);
}

static void test_offered_not_alone(void **state)
{
	(void)state;
	/* Another vector in IRR besides the offered one. */
	assert_int_equal(vlapic_accept_irq(&lapic, 0x51, false), 0);
	assert_int_equal(vlapic_accept_irq(&lapic, 0x31, false), 0);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, 0x51), -1);
	/* An offer while another vector is in service (nested). */
	setup(NULL);
	in_service(0x31, false);
	assert_int_equal(vlapic_accept_irq(&lapic, 0x51, false), 0);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, 0x51), -1);
	/* A level-triggered offer. */
	setup(NULL);
	assert_int_equal(vlapic_accept_irq(&lapic, 0x51, true), 0);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, 0x51), -1);
	/* An offer that is not the IRR's (the PIC's ExtINT is passed as -1). */
	setup(NULL);
	assert_int_equal(vlapic_accept_irq(&lapic, 0x51, false), 0);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, 0x52), -1);
	assert_int_equal(vlapic_pv_eoi_vector(&lapic, -1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msr_parse),
		cmocka_unit_test_setup(test_nothing_in_service, setup),
		cmocka_unit_test_setup(test_one_in_service, setup),
		cmocka_unit_test_setup(test_level_in_service, setup),
		cmocka_unit_test_setup(test_nested_in_service, setup),
		cmocka_unit_test_setup(test_irr_pending, setup),
		cmocka_unit_test_setup(test_offered_alone, setup),
		cmocka_unit_test_setup(test_offered_not_alone, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
