/* test_ioreq_range.c - unit tests of the device model's range table and the check of its answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "ioreq.h"

static void test_add_checks_space_and_overlap(void **state)
{
	struct ioreq_ranges t = { 0 };

	(void)state;
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_PIO, 0x5000, 0x20), 0);
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_PIO, 0x501f, 1), -EEXIST);
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_PIO, 0x4ff0, 0x11), -EEXIST);
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_PIO, 0x4ff0, 0x10), 0);
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_PIO, 0x5020, 1), 0);
	/* The same numbers in the other space do not collide. */
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_MMIO, 0x5000, 0x20), 0);
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_PIO, 0xffff, 2), -EINVAL);
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_PIO, 0x10000, 1), -EINVAL);
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_PIO, 0x6000, 0), -EINVAL);
	assert_int_equal(ioreq_ranges_add(&t, 7, 0x6000, 1), -EINVAL);
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_MMIO, ~0ull - 10, 100), -EINVAL);
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_MMIO, IOREQ_MMIO_END - 4096, 4096), 0);
	assert_int_equal(t.nr, 5);
}

static void test_table_is_bounded(void **state)
{
	struct ioreq_ranges t = { 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < IOREQ_MAX_RANGES; i++)
		assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_MMIO, 0x10000ull * i, 0x1000), 0);
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_MMIO, 0x10000ull * i, 0x1000), -ENOSPC);
	assert_int_equal(ioreq_ranges_remove(&t, XL_IOREQ_MMIO, 0x10000, 0x1000), 0);
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_MMIO, 0x10000ull * i, 0x1000), 0);
}

static void test_find_and_remove(void **state)
{
	struct ioreq_ranges t = { 0 };

	(void)state;
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_MMIO, 0xd0000000, 0x1000), 0);
	assert_true(ioreq_ranges_find(&t, XL_IOREQ_MMIO, 0xd0000000, 8));
	assert_true(ioreq_ranges_find(&t, XL_IOREQ_MMIO, 0xd0000ff8, 8));
	assert_false(ioreq_ranges_find(&t, XL_IOREQ_MMIO, 0xd0000ffc, 8));	/* runs out */
	assert_false(ioreq_ranges_find(&t, XL_IOREQ_MMIO, 0xd0001000, 1));
	assert_false(ioreq_ranges_find(&t, XL_IOREQ_MMIO, 0xcfffffff, 1));
	assert_false(ioreq_ranges_find(&t, XL_IOREQ_PIO, 0xd0000000, 1));
	/* Ports: the first port decides (0xcf8 alone, a dword access there). */
	assert_int_equal(ioreq_ranges_add(&t, XL_IOREQ_PIO, 0xcf8, 1), 0);
	assert_true(ioreq_ranges_find(&t, XL_IOREQ_PIO, 0xcf8, 4));
	assert_false(ioreq_ranges_find(&t, XL_IOREQ_PIO, 0xcf9, 1));
	assert_false(ioreq_ranges_find(&t, XL_IOREQ_PIO, 0xcf7, 4));
	/* Only the exact range comes out. */
	assert_int_equal(ioreq_ranges_remove(&t, XL_IOREQ_MMIO, 0xd0000000, 0x800), -ENOENT);
	assert_int_equal(ioreq_ranges_remove(&t, XL_IOREQ_PIO, 0xd0000000, 0x1000), -ENOENT);
	assert_int_equal(ioreq_ranges_remove(&t, XL_IOREQ_MMIO, 0xd0000000, 0x1000), 0);
	assert_false(ioreq_ranges_find(&t, XL_IOREQ_MMIO, 0xd0000000, 1));
	assert_int_equal(ioreq_ranges_remove(&t, XL_IOREQ_MMIO, 0xd0000000, 0x1000), -ENOENT);
}

static const struct xl_ioreq sent = {
	.addr = 0x5004, .data = 0, .size = 2, .type = XL_IOREQ_PIO, .dir = XL_IOREQ_READ,
	.state = XL_IOREQ_READY, .vcpu = 3,
};

static void test_answer_is_checked(void **state)
{
	struct xl_ioreq slot = sent;
	uint64_t data = 99;

	(void)state;
	/* Not yet DONE. */
	assert_int_equal(ioreq_check_done(&slot, &sent, &data), -EINVAL);
	slot.state = XL_IOREQ_DONE;
	slot.data = 0x123456789abcdefull;
	assert_int_equal(ioreq_check_done(&slot, &sent, &data), 0);
	assert_int_equal(data, 0xcdef);		/* truncated to the 2 bytes asked */
	/* Any field changed by the device model is refused. */
	slot.size = 8;
	assert_int_equal(ioreq_check_done(&slot, &sent, &data), -EINVAL);
	slot = sent;
	slot.state = XL_IOREQ_DONE;
	slot.addr++;
	assert_int_equal(ioreq_check_done(&slot, &sent, &data), -EINVAL);
	slot.addr--;
	slot.vcpu = 4;
	assert_int_equal(ioreq_check_done(&slot, &sent, &data), -EINVAL);
	slot.vcpu = 3;
	slot.dir = XL_IOREQ_WRITE;
	assert_int_equal(ioreq_check_done(&slot, &sent, &data), -EINVAL);
	slot.dir = XL_IOREQ_READ;
	slot.type = XL_IOREQ_MMIO;
	assert_int_equal(ioreq_check_done(&slot, &sent, &data), -EINVAL);
}

static void test_write_keeps_its_value(void **state)
{
	struct xl_ioreq want = sent, slot;
	uint64_t data = 0;

	(void)state;
	want.dir = XL_IOREQ_WRITE;
	want.size = 8;
	want.data = 0x1122334455667788ull;
	slot = want;
	slot.state = XL_IOREQ_DONE;
	slot.data = 0;				/* the device model's scribble is ignored */
	assert_int_equal(ioreq_check_done(&slot, &want, &data), 0);
	assert_true(data == 0x1122334455667788ull);
	want.dir = XL_IOREQ_READ;
	slot.dir = XL_IOREQ_READ;
	slot.data = ~0ull;
	assert_int_equal(ioreq_check_done(&slot, &want, &data), 0);
	assert_true(data == ~0ull);		/* 8 bytes: all of it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_checks_space_and_overlap),
		cmocka_unit_test(test_table_is_bounded),
		cmocka_unit_test(test_find_and_remove),
		cmocka_unit_test(test_answer_is_checked),
		cmocka_unit_test(test_write_keeps_its_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
