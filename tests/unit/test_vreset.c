/* test_vreset.c - unit tests of the reset paths: 0xcf9 as Linux's reboot.c and the FADT use it, the 8042 pulse, port 0x92, hostile accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/vdev/vreset.h"

static struct vreset r;
static unsigned int nreset;

static void fake_reset(void *o)
{
	assert_ptr_equal(o, &r);
	nreset++;
}

static const struct vreset_ops ops = { .reset = fake_reset };

static int setup(void **state)
{
	(void)state;
	nreset = 0;
	assert_int_equal(vreset_init(&r, &ops, &r), 0);
	return 0;
}

static uint32_t rd(uint16_t port, unsigned int size)
{
	uint32_t v = 0xdeadbeef;

	vreset_io(&r, port, size, true, &v);
	return v;
}

static void wr(uint16_t port, unsigned int size, uint32_t v)
{
	vreset_io(&r, port, size, false, &v);
}

static void test_init(void **state)
{
	struct vreset o;
	struct vreset_ops none = { 0 };

	(void)state;
	assert_int_equal(vreset_init(&o, NULL, NULL), -EINVAL);
	assert_int_equal(vreset_init(&o, &none, NULL), -EINVAL);
	assert_int_equal(rd(VRESET_PORT_CF9, 1), 0);
	assert_int_equal(rd(VRESET_PORT_92, 1), VRESET_P92_A20);
}

/* reboot.c BOOT_CF9_SAFE: inb, cf9|2, then cf9|6 (or |0xe); ACPI: 0x06. */
static void test_cf9(void **state)
{
	uint8_t cf9;

	(void)state;
	cf9 = (uint8_t)(rd(VRESET_PORT_CF9, 1) & ~0x06);
	wr(VRESET_PORT_CF9, 1, cf9 | 2);
	assert_int_equal(nreset, 0);
	assert_int_equal(rd(VRESET_PORT_CF9, 1), 2);
	wr(VRESET_PORT_CF9, 1, cf9 | 6);
	assert_int_equal(nreset, 1);
	wr(VRESET_PORT_CF9, 1, 0x0e);
	assert_int_equal(nreset, 2);
	assert_int_equal(rd(VRESET_PORT_CF9, 1), 0x0a);	/* RST_CPU reads 0 */
	wr(VRESET_PORT_CF9, 1, VRESET_CF9_RESET_VALUE);
	assert_int_equal(nreset, 3);
	wr(VRESET_PORT_CF9, 1, 0xfb);			/* no bit 2 */
	assert_int_equal(nreset, 3);
}

/* reboot.c BOOT_KBD: kb_wait() then outb(0xfe, 0x64); i8042 sees no chip. */
static void test_kbd(void **state)
{
	unsigned int i;

	(void)state;
	assert_int_equal(rd(VRESET_PORT_KBD_CMD, 1), 0xff);
	assert_int_equal(rd(VRESET_PORT_KBD_DATA, 1), 0xff);
	for (i = 0; i < 0x10000; i++)			/* kb_wait() times out */
		if ((rd(VRESET_PORT_KBD_CMD, 1) & 0x02) == 0)
			break;
	assert_int_equal(i, 0x10000);
	wr(VRESET_PORT_KBD_CMD, 1, VRESET_KBD_PULSE_RESET);
	assert_int_equal(nreset, 1);
	wr(VRESET_PORT_KBD_CMD, 1, 0xff);		/* pulses nothing */
	wr(VRESET_PORT_KBD_CMD, 1, 0x20);
	wr(VRESET_PORT_KBD_DATA, 1, 0x00);		/* not an output port */
	assert_int_equal(nreset, 1);
	wr(VRESET_PORT_KBD_CMD, 1, 0xf0);
	assert_int_equal(nreset, 2);
	wr(VRESET_PORT_KBD_CMD, 1, VRESET_KBD_WRITE_OUTPORT);
	wr(VRESET_PORT_KBD_DATA, 1, 0x03);		/* A20 on, no reset */
	assert_int_equal(nreset, 2);
	wr(VRESET_PORT_KBD_DATA, 1, 0x02);		/* consumed already */
	assert_int_equal(nreset, 2);
	wr(VRESET_PORT_KBD_CMD, 1, VRESET_KBD_WRITE_OUTPORT);
	wr(VRESET_PORT_KBD_DATA, 1, 0x02);
	assert_int_equal(nreset, 3);
}

static void test_port92(void **state)
{
	(void)state;
	wr(VRESET_PORT_92, 1, 0x00);
	assert_int_equal(rd(VRESET_PORT_92, 1), VRESET_P92_A20);
	wr(VRESET_PORT_92, 1, 0x08);
	assert_int_equal(rd(VRESET_PORT_92, 1), 0x0a);
	assert_int_equal(nreset, 0);
	wr(VRESET_PORT_92, 1, 0x03);
	assert_int_equal(nreset, 1);
	assert_int_equal(rd(VRESET_PORT_92, 1), 0x02);
}

static void test_hostile(void **state)
{
	unsigned int size, port;

	(void)state;
	/* A dword at 0xcf8 is PCI's: only the 0xcf9 lane is ours. */
	assert_int_equal(rd(0xcf8, 4), 0xffff00ff);
	wr(0xcf8, 4, 0x80000000);
	assert_int_equal(nreset, 0);
	wr(0xcf8, 2, 0x0400);
	assert_int_equal(nreset, 1);
	assert_int_equal(rd(0x91, 2), 0x02ff);
	for (size = 0; size < 9; size++) {
		if (size == 1 || size == 2 || size == 4)
			continue;
		wr(VRESET_PORT_CF9, size, 0xff);
		wr(VRESET_PORT_KBD_CMD, size, 0xfe);
		assert_int_equal(rd(VRESET_PORT_92, size), 0xffffffff);
	}
	assert_int_equal(nreset, 1);
	vreset_io(&r, VRESET_PORT_CF9, 1, false, NULL);
	vreset_io(&r, VRESET_PORT_CF9, 1, true, NULL);
	for (port = 0; port < 0x10000; port += 0x101)
		assert_int_equal(rd((uint16_t)port, 1), 0xff);
	assert_int_equal(nreset, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init, setup),
		cmocka_unit_test_setup(test_cf9, setup),
		cmocka_unit_test_setup(test_kbd, setup),
		cmocka_unit_test_setup(test_port92, setup),
		cmocka_unit_test_setup(test_hostile, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
