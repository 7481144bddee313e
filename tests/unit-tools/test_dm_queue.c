/* test_dm_queue.c - the device model's guest RAM translation and split virtqueue: good chains, indirect tables, wrap-around, every malformed chain. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dm_testlib.h"

struct fixture {
	struct xl_guest_ram ram;
	struct virtq q;
	struct fake_vq f;
	struct virtq_chain c;
};

static int setup(void **state)
{
	struct fixture *x = calloc(1, sizeof(*x));

	fake_ram_init(&x->ram);
	fake_vq_init(&x->f, &x->q, &x->ram, 0x10000, 16);
	assert_int_equal(virtq_enable(&x->q), 0);
	*state = x;
	return 0;
}

static void test_guest_mem(void **state)
{
	struct xl_guest_ram ram;
	uint8_t *low, *high;

	(void)state;
	fake_ram_init(&ram);
	low = ram.range[0].host;
	high = ram.range[1].host;
	assert_ptr_equal(guest_mem_ptr(&ram, 0, FAKE_LOW), low);
	assert_ptr_equal(guest_mem_ptr(&ram, FAKE_LOW - 1, 1), low + FAKE_LOW - 1);
	assert_ptr_equal(guest_mem_ptr(&ram, FAKE_LOW, 0), low + FAKE_LOW);
	assert_null(guest_mem_ptr(&ram, FAKE_LOW - 1, 2));		/* past the end */
	assert_null(guest_mem_ptr(&ram, FAKE_LOW, 1));			/* in the hole */
	assert_null(guest_mem_ptr(&ram, 0, FAKE_LOW + 1));
	assert_ptr_equal(guest_mem_ptr(&ram, FAKE_HIGH_GPA + 8, 8), high + 8);
	assert_null(guest_mem_ptr(&ram, FAKE_HIGH_GPA - 1, 2));	/* straddles the start */
	assert_null(guest_mem_ptr(&ram, FAKE_HIGH_GPA + 8, ~0ull));	/* len overflows */
	assert_null(guest_mem_ptr(&ram, ~0ull, 2));			/* gpa + len wraps */
	assert_null(guest_mem_ptr(&ram, ~0ull - 7, 16));
	fake_ram_free(&ram);
}

static void test_enable_checks(void **state)
{
	struct fixture *x = *state;
	struct virtq q;

	fake_vq_init(&x->f, &q, &x->ram, 0x20000, 16);
	q.size = 12;					/* not a power of 2 */
	assert_int_equal(virtq_enable(&q), -EINVAL);
	q.size = 512;					/* above the maximum */
	assert_int_equal(virtq_enable(&q), -EINVAL);
	q.size = 16;
	q.desc_gpa = 0x20008;				/* misaligned */
	assert_int_equal(virtq_enable(&q), -EINVAL);
	q.desc_gpa = FAKE_LOW - 16 * 8;			/* runs past RAM */
	assert_int_equal(virtq_enable(&q), -EINVAL);
	q.desc_gpa = 0x20000;
	q.used_gpa = FAKE_HIGH_GPA + FAKE_HIGH - 8;
	assert_int_equal(virtq_enable(&q), -EINVAL);
	assert_false(q.enabled);
	q.used_gpa = FAKE_HIGH_GPA;
	assert_int_equal(virtq_enable(&q), 0);
	assert_true(q.enabled);
}

static void test_good_chain(void **state)
{
	struct fixture *x = *state;
	uint64_t addr[3] = { 0x40000, FAKE_HIGH_GPA + 0x100, 0x40010 };
	uint32_t len[3] = { 16, 512, 1 };
	uint16_t flags[3] = { 0, VIRTQ_DESC_F_WRITE, VIRTQ_DESC_F_WRITE };

	assert_int_equal(virtq_pop(&x->q, &x->c), 0);		/* nothing yet */
	fake_vq_chain(&x->f, 3, 3, addr, len, flags);
	assert_int_equal(virtq_pop(&x->q, &x->c), 1);
	assert_int_equal(x->c.head, 3);
	assert_int_equal(x->c.nr_out, 1);
	assert_int_equal(x->c.nr_in, 2);
	assert_int_equal(x->c.out_len, 16);
	assert_int_equal(x->c.in_len, 513);
	assert_ptr_equal(x->c.iov[0].iov_base, gpa(&x->ram, 0x40000));
	assert_ptr_equal(x->c.iov[1].iov_base, gpa(&x->ram, FAKE_HIGH_GPA + 0x100));
	assert_int_equal(x->c.iov[1].iov_len, 512);
	assert_int_equal(virtq_pop(&x->q, &x->c), 0);
	virtq_push(&x->q, 3, 513);
	assert_int_equal(fake_used_idx(&x->f), 1);
	assert_int_equal(fake_used_id(&x->f, 0), 3);
	assert_int_equal(fake_used_len(&x->f, 0), 513);
	assert_true(virtq_want_interrupt(&x->q));
	((uint16_t *)gpa(&x->ram, x->f.avail))[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;
	assert_false(virtq_want_interrupt(&x->q));
}

static void test_indirect(void **state)
{
	struct fixture *x = *state;
	struct fake_desc *t = gpa(&x->ram, 0x50000);
	uint64_t addr = 0x50000;
	uint32_t len = 3 * 16;
	uint16_t flags = VIRTQ_DESC_F_INDIRECT;

	/* Table entries out of order: 0 -> 2 -> 1. */
	t[0] = (struct fake_desc){ 0x60000, 16, VIRTQ_DESC_F_NEXT, 2 };
	t[2] = (struct fake_desc){ 0x61000, 4096, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1 };
	t[1] = (struct fake_desc){ 0x62000, 1, VIRTQ_DESC_F_WRITE, 0 };
	fake_vq_chain(&x->f, 0, 1, &addr, &len, &flags);
	assert_int_equal(virtq_pop(&x->q, &x->c), 1);
	assert_int_equal(x->c.nr_out, 1);
	assert_int_equal(x->c.nr_in, 2);
	assert_ptr_equal(x->c.iov[1].iov_base, gpa(&x->ram, 0x61000));
	assert_ptr_equal(x->c.iov[2].iov_base, gpa(&x->ram, 0x62000));
}

/* Indices run past 65535: 3 full turns of the ring starting near the top. */
static void test_wrap(void **state)
{
	struct fixture *x = *state;
	uint64_t addr = 0x40000;
	uint32_t len = 8, i;
	uint16_t flags = 0;

	x->q.last_avail = x->q.used_idx = x->f.avail_idx = 0xfff0;
	((uint16_t *)gpa(&x->ram, x->f.avail))[1] = 0xfff0;
	for (i = 0; i < 3 * 16; i++) {
		fake_vq_chain(&x->f, i % 16, 1, &addr, &len, &flags);
		assert_int_equal(virtq_pop(&x->q, &x->c), 1);
		assert_int_equal(x->c.head, i % 16);
		virtq_push(&x->q, x->c.head, 0);
		assert_int_equal(fake_used_idx(&x->f), (uint16_t)(0xfff0 + i + 1));
		assert_int_equal(fake_used_id(&x->f, 0xfff0 + i), i % 16);
	}
	/* A whole ring offered at once, across the wrap. */
	for (i = 0; i < 16; i++)
		fake_vq_chain(&x->f, i, 1, &addr, &len, &flags);
	for (i = 0; i < 16; i++)
		assert_int_equal(virtq_pop(&x->q, &x->c), 1);
	assert_int_equal(virtq_pop(&x->q, &x->c), 0);
}

/* Offer chain (written by the caller into the table) and expect it taken
 * as malformed (-EBADMSG, its head given), or -EINVAL for a head outside
 * the queue. */
static void expect_bad(struct fixture *x, uint16_t head)
{
	fake_vq_offer(&x->f, head);
	if (head >= x->q.size) {
		assert_int_equal(virtq_pop(&x->q, &x->c), -EINVAL);
		x->q.last_avail = x->f.avail_idx;	/* as after a reset */
		return;
	}
	assert_int_equal(virtq_pop(&x->q, &x->c), -EBADMSG);
	assert_int_equal(x->c.head, head);
	assert_int_equal(x->q.last_avail, x->f.avail_idx);
}

static void test_malformed(void **state)
{
	struct fixture *x = *state;
	struct fake_desc *t = gpa(&x->ram, 0x50000);
	unsigned int i;

	*fake_desc(&x->f, 0) = (struct fake_desc){ FAKE_LOW, 16, 0, 0 };	/* the hole */
	expect_bad(x, 0);
	*fake_desc(&x->f, 0) = (struct fake_desc){ FAKE_LOW - 8, 16, 0, 0 };	/* past RAM */
	expect_bad(x, 0);
	*fake_desc(&x->f, 0) = (struct fake_desc){ ~0ull - 7, 16, 0, 0 };	/* wraps */
	expect_bad(x, 0);
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x40000, 0xffffffffu, 0, 0 };	/* huge len */
	expect_bad(x, 0);
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x40000, 16, VIRTQ_DESC_F_NEXT, 16 };
	expect_bad(x, 0);					/* next outside the queue */
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x40000, 16, VIRTQ_DESC_F_NEXT, 1 };
	*fake_desc(&x->f, 1) = (struct fake_desc){ 0x40000, 16, VIRTQ_DESC_F_NEXT, 0 };
	expect_bad(x, 0);					/* a loop */
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x40000, 16, VIRTQ_DESC_F_NEXT, 0 };
	expect_bad(x, 0);					/* a loop onto itself */
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x40000, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1 };
	*fake_desc(&x->f, 1) = (struct fake_desc){ 0x40000, 1, 0, 0 };
	expect_bad(x, 0);					/* readable after writable */
	expect_bad(x, 16);					/* head outside the queue */

	/* The avail index jumps by more than the queue size. */
	((uint16_t *)gpa(&x->ram, x->f.avail))[1] = x->f.avail_idx + 17;
	assert_int_equal(virtq_pop(&x->q, &x->c), -EINVAL);
	((uint16_t *)gpa(&x->ram, x->f.avail))[1] = x->f.avail_idx;

	/* Indirect tables: with NEXT, empty, not a multiple of 16, outside
	 * RAM, misaligned, not at the head, nested, next outside the table,
	 * a loop, longer than the queue. */
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x50000, 32, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1 };
	expect_bad(x, 0);
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x50000, 0, VIRTQ_DESC_F_INDIRECT, 0 };
	expect_bad(x, 0);
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x50000, 24, VIRTQ_DESC_F_INDIRECT, 0 };
	expect_bad(x, 0);
	*fake_desc(&x->f, 0) = (struct fake_desc){ FAKE_LOW - 16, 32, VIRTQ_DESC_F_INDIRECT, 0 };
	expect_bad(x, 0);
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x50008, 32, VIRTQ_DESC_F_INDIRECT, 0 };
	expect_bad(x, 0);
	t[0] = (struct fake_desc){ 0x40000, 16, 0, 0 };
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x40000, 16, VIRTQ_DESC_F_NEXT, 1 };
	*fake_desc(&x->f, 1) = (struct fake_desc){ 0x50000, 16, VIRTQ_DESC_F_INDIRECT, 0 };
	expect_bad(x, 0);
	t[0] = (struct fake_desc){ 0x50000, 16, VIRTQ_DESC_F_INDIRECT, 0 };
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x50000, 16, VIRTQ_DESC_F_INDIRECT, 0 };
	expect_bad(x, 0);
	t[0] = (struct fake_desc){ 0x40000, 16, VIRTQ_DESC_F_NEXT, 2 };
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x50000, 32, VIRTQ_DESC_F_INDIRECT, 0 };
	expect_bad(x, 0);
	t[0] = (struct fake_desc){ 0x40000, 16, VIRTQ_DESC_F_NEXT, 1 };
	t[1] = (struct fake_desc){ 0x40000, 16, VIRTQ_DESC_F_NEXT, 0 };
	expect_bad(x, 0);
	for (i = 0; i < 17; i++)
		t[i] = (struct fake_desc){ 0x40000, 16, i < 16 ? VIRTQ_DESC_F_NEXT : 0, i + 1 };
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x50000, 17 * 16, VIRTQ_DESC_F_INDIRECT, 0 };
	expect_bad(x, 0);
	/* The same table with 16 entries is fine. */
	t[15].flags = 0;
	*fake_desc(&x->f, 0) = (struct fake_desc){ 0x50000, 16 * 16, VIRTQ_DESC_F_INDIRECT, 0 };
	fake_vq_offer(&x->f, 0);
	assert_int_equal(virtq_pop(&x->q, &x->c), 1);
	assert_int_equal(x->c.nr_out, 16);
}

/* VIRTIO_F_EVENT_IDX: avail_event asks for kicks, used_event spaces interrupts. */
static void test_event_idx(void **state)
{
	struct fixture *x = *state;
	uint16_t *avail = gpa(&x->ram, x->f.avail), *used = gpa(&x->ram, x->f.used);
	uint64_t addr = 0x40000;
	uint32_t len = 8, i;
	uint16_t flags = 0;

	x->q.event_idx = true;
	assert_int_equal(virtq_enable(&x->q), 0);
	for (i = 0; i < 3; i++)
		fake_vq_chain(&x->f, i, 1, &addr, &len, &flags);
	for (i = 0; i < 3; i++)
		assert_int_equal(virtq_pop(&x->q, &x->c), 1);
	assert_int_equal(virtq_pop(&x->q, &x->c), 0);
	assert_int_equal(used[2 + 4 * 16], 3);			/* avail_event */

	avail[2 + 16] = 2;					/* used_event: after the 3rd */
	avail[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;			/* ignored with EVENT_IDX */
	virtq_push(&x->q, 0, 0);
	assert_true(virtq_want_interrupt(&x->q));		/* the first always */
	virtq_push(&x->q, 1, 0);
	assert_false(virtq_want_interrupt(&x->q));		/* used_idx 2: not past 2 */
	virtq_push(&x->q, 2, 0);
	assert_true(virtq_want_interrupt(&x->q));		/* used_idx 3 passed it */
	virtq_push(&x->q, 2, 0);
	assert_false(virtq_want_interrupt(&x->q));		/* already told */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_mem),
		cmocka_unit_test_setup_teardown(test_enable_checks, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_good_chain, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_indirect, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_wrap, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_malformed, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_event_idx, setup, fake_fixture_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
