/* test_dm_hotplug.c - the ACPI PCI hotplug registers and the GPE0 block: slot bitmaps, clear-on-read, eject, GPE status/enable, the SCI level. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hotplug.h"

static struct {
	unsigned int calls;
	bool level;
} sci;

static void fake_sci(void *opaque, bool level)
{
	assert_ptr_equal(opaque, &sci);
	sci.calls++;
	sci.level = level;
}

static void setup(struct hotplug *h)
{
	sci.calls = 0;
	sci.level = false;
	hotplug_init(h, fake_sci, &sci);
}

/* A port access through hotplug_ioreq; a read's value, or 0 for a write. */
static uint64_t io(struct hotplug *h, bool write, uint16_t port, uint32_t size, uint64_t val)
{
	struct xl_ioreq r = { .addr = port, .data = write ? val : 0x5a5a5a5a, .size = size,
			      .type = XL_IOREQ_PIO, .dir = write ? XL_IOREQ_WRITE : XL_IOREQ_READ };

	assert_true(hotplug_ioreq(h, &r));
	return write ? 0 : r.data;
}

static void test_plug_and_gpe(void **state)
{
	struct hotplug h;

	(void)state;
	setup(&h);
	hotplug_plug(&h, 3);
	assert_int_equal(sci.calls, 0);				/* GPE 1 disabled */
	assert_int_equal(io(&h, false, 0xafe0, 1, 0), 0x02);	/* GPE0_STS */
	io(&h, true, 0xafe2, 1, 0x02);				/* GPE0_EN */
	assert_int_equal(sci.calls, 1);
	assert_true(sci.level);
	assert_int_equal(io(&h, false, 0xafe2, 1, 0), 0x02);
	assert_int_equal(io(&h, false, 0xafe0, 4, 0), 0x00020002);
	assert_int_equal(io(&h, false, 0xae00, 4, 0), 1u << 3);	/* UP, then cleared */
	assert_int_equal(io(&h, false, 0xae00, 4, 0), 0);
	assert_int_equal(io(&h, false, 0xae04, 4, 0), 0);
	io(&h, true, 0xafe0, 1, 0x01);				/* another bit: no effect */
	assert_true(sci.level);
	io(&h, true, 0xafe0, 1, 0x02);				/* write 1 to clear */
	assert_int_equal(sci.calls, 2);
	assert_false(sci.level);
	hotplug_plug(&h, 4);
	assert_true(sci.level);
	io(&h, true, 0xafe2, 2, 0);				/* disable: the SCI drops, status stays */
	assert_false(sci.level);
	assert_int_equal(io(&h, false, 0xafe0, 2, 0), 0x0002);
	assert_int_equal(sci.calls, 4);
}

static void test_eject(void **state)
{
	struct hotplug h;

	(void)state;
	setup(&h);
	io(&h, true, 0xafe2, 1, 0x02);
	hotplug_plug(&h, 2);
	hotplug_request_eject(&h, 2);				/* replaces the pending "up" */
	assert_true(sci.level);
	assert_int_equal(io(&h, false, 0xae00, 4, 0), 0);
	assert_int_equal(io(&h, false, 0xae04, 4, 0), 1u << 2);	/* DOWN, then cleared */
	assert_int_equal(io(&h, false, 0xae04, 4, 0), 0);
	assert_int_equal(hotplug_take_ejected(&h), 0);
	io(&h, true, 0xae08, 4, 1u << 2);			/* _EJ0 */
	io(&h, true, 0xae08, 4, 1u << 0);			/* the host bridge: ignored */
	assert_int_equal(hotplug_take_ejected(&h), 1u << 2);
	assert_int_equal(hotplug_take_ejected(&h), 0);
	hotplug_plug(&h, 0);					/* slot 0 is never announced */
	assert_int_equal(io(&h, false, 0xae00, 4, 0), 0);
}

/* Odd accesses read all ones and write nothing; SIGN; not our ports. */
static void test_bad_accesses(void **state)
{
	struct xl_ioreq r = { .addr = 0xcf8, .size = 4, .type = XL_IOREQ_PIO };
	struct hotplug h;

	(void)state;
	setup(&h);
	hotplug_plug(&h, 5);
	assert_int_equal(io(&h, false, 0xae0c, 4, 0), HOTPLUG_SIGN);
	assert_int_equal(io(&h, false, 0xae00, 2, 0), 0xffff);	/* not a dword */
	assert_int_equal(io(&h, false, 0xae02, 4, 0), 0xffffffffu);
	assert_int_equal(io(&h, false, 0xae00, 4, 0), 1u << 5);	/* still there */
	io(&h, true, 0xae08, 2, 1u << 5);
	assert_int_equal(hotplug_take_ejected(&h), 0);
	assert_int_equal(io(&h, false, 0xafe3, 2, 0), 0xffff);	/* crosses the block's end */
	io(&h, true, 0xafe3, 2, 0xffff);
	assert_int_equal(io(&h, false, 0xafe2, 2, 0), 0);
	assert_int_equal(io(&h, false, 0xafe0, 3, 0), 0xffffff);
	assert_false(hotplug_ioreq(&h, &r));
	r.addr = 0xafe4;
	assert_false(hotplug_ioreq(&h, &r));
	r.addr = 0xae10;
	assert_false(hotplug_ioreq(&h, &r));
	r.addr = 0xae00;
	r.type = XL_IOREQ_MMIO;
	assert_false(hotplug_ioreq(&h, &r));
	assert_int_equal(sci.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plug_and_gpe),
		cmocka_unit_test(test_eject),
		cmocka_unit_test(test_bad_accesses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
