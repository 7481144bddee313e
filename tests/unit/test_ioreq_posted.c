/* test_ioreq_posted.c - unit tests of posted notify writes: registering ranges, which writes are posted, the kicks in the shared page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "ioreq.h"

#define BAR	0xc0000000ull		/* a virtio BAR 0 of 32 KiB */
#define NOTIFY	(BAR + 0x3000)

/* A table with one MMIO range, the BAR. */
static void bar_ranges(struct ioreq_ranges *r)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(ioreq_ranges_add(r, XL_IOREQ_MMIO, BAR, 0x8000), 0);
}

static void test_add_checks_its_arguments(void **state)
{
	struct ioreq_posts t = { 0 };
	struct ioreq_ranges r;

	(void)state;
	bar_ranges(&r);
	assert_int_equal(ioreq_posted_add(&t, &r, XL_IOREQ_POSTED_MAX, NOTIFY, 2), -EINVAL);
	assert_int_equal(ioreq_posted_add(&t, &r, 1, NOTIFY, 0), -EINVAL);
	assert_int_equal(ioreq_posted_add(&t, &r, 1, NOTIFY, XL_IOREQ_POSTED_QUEUES + 1), -EINVAL);
	assert_int_equal(ioreq_posted_add(&t, &r, 1, NOTIFY + 2, 2), -EINVAL);	/* misaligned */
	/* Not inside a range of the server: before it, across its end, elsewhere. */
	assert_int_equal(ioreq_posted_add(&t, &r, 1, BAR - 4, 2), -EINVAL);
	assert_int_equal(ioreq_posted_add(&t, &r, 1, BAR + 0x8000 - 4, 2), -EINVAL);
	assert_int_equal(ioreq_posted_add(&t, &r, 1, 0xd0000000, 2), -EINVAL);
	assert_int_equal(ioreq_posted_add(&t, &r, 1, ~0ull - 3, 64), -EINVAL);
	assert_int_equal(ioreq_posted_add(&t, &r, 1, NOTIFY, XL_IOREQ_POSTED_QUEUES), 0);
	assert_int_equal(ioreq_posted_add(&t, &r, 1, BAR, 1), -EEXIST);	/* id in use */
	assert_int_equal(ioreq_posted_add(&t, &r, 2, NOTIFY + 0xfc, 1), -EEXIST);	/* overlaps */
	assert_int_equal(ioreq_posted_add(&t, &r, 2, NOTIFY + 0x100, 1), 0);
	assert_int_equal(ioreq_posted_remove(&t, 1), 0);
	assert_int_equal(ioreq_posted_remove(&t, 1), -ENOENT);
	assert_int_equal(ioreq_posted_remove(&t, XL_IOREQ_POSTED_MAX), -EINVAL);
	assert_int_equal(ioreq_posted_add(&t, &r, 3, NOTIFY, 2), 0);
}

static void test_find_takes_only_queue_addresses(void **state)
{
	struct ioreq_posts t = { 0 };
	struct ioreq_ranges r;
	unsigned int q = 99;
	uint32_t id = 99;

	(void)state;
	bar_ranges(&r);
	assert_int_equal(ioreq_posted_add(&t, &r, 5, NOTIFY, 3), 0);
	assert_true(ioreq_posted_find(&t, NOTIFY, 2, &id, &q));
	assert_int_equal(id, 5);
	assert_int_equal(q, 0);
	assert_true(ioreq_posted_find(&t, NOTIFY + 8, 4, &id, &q));
	assert_int_equal(q, 2);
	/* Other sizes, offsets inside a queue's 4 bytes, past the last queue. */
	assert_false(ioreq_posted_find(&t, NOTIFY, 1, &id, &q));
	assert_false(ioreq_posted_find(&t, NOTIFY, 8, &id, &q));
	assert_false(ioreq_posted_find(&t, NOTIFY + 2, 2, &id, &q));
	assert_false(ioreq_posted_find(&t, NOTIFY + 12, 2, &id, &q));
	assert_false(ioreq_posted_find(&t, NOTIFY - 4, 2, &id, &q));
	assert_false(ioreq_posted_find(&t, 0, 2, &id, &q));
}

static void test_unmapped_range_takes_its_posted_ranges(void **state)
{
	struct ioreq_posts t = { 0 };
	struct ioreq_ranges r;
	unsigned int q;
	uint32_t id;

	(void)state;
	bar_ranges(&r);
	assert_int_equal(ioreq_ranges_add(&r, XL_IOREQ_MMIO, BAR + 0x8000, 0x8000), 0);
	assert_int_equal(ioreq_posted_add(&t, &r, 1, NOTIFY, 2), 0);
	assert_int_equal(ioreq_posted_add(&t, &r, 2, NOTIFY + 0x8000, 2), 0);
	assert_int_equal(ioreq_posted_drop_in(&t, BAR, BAR + 0x8000), 1u << 1);
	assert_false(ioreq_posted_find(&t, NOTIFY, 2, &id, &q));
	assert_true(ioreq_posted_find(&t, NOTIFY + 0x8000, 2, &id, &q));
	assert_int_equal(ioreq_posted_drop_in(&t, BAR, BAR + 0x8000), 0);
	assert_int_equal(ioreq_posted_add(&t, &r, 1, NOTIFY, 2), 0);	/* the id is free again */
}

/* What the device model does: take kicked, then each word it names. */
static uint64_t take(struct xl_ioreq_page *page, uint32_t id)
{
	uint32_t ids = __atomic_exchange_n(&page->kicked, 0, __ATOMIC_SEQ_CST);

	return ids >> id & 1 ? __atomic_exchange_n(&page->kicks[id], 0, __ATOMIC_SEQ_CST) : 0;
}

static void test_mark_signals_once_until_taken(void **state)
{
	static struct xl_ioreq_page page;

	(void)state;
	memset(&page, 0, sizeof(page));
	assert_true(ioreq_posted_mark(&page, 3, 0));
	assert_false(ioreq_posted_mark(&page, 3, 63));	/* coalesced, no second signal */
	assert_false(ioreq_posted_mark(&page, 3, 0));
	assert_false(ioreq_posted_mark(&page, 31, 1));	/* another id: kicked was not 0 */
	assert_int_equal(page.kicked, 1u << 3 | 1u << 31);
	assert_int_equal(page.kicks[3], 1ull << 63 | 1);
	assert_int_equal(take(&page, 3), 1ull << 63 | 1);
	/* kicked is 0 now, word 31 was left: its next kick does not signal
	 * (its word was not empty), a kick of an emptied word does. */
	assert_false(ioreq_posted_mark(&page, 31, 2));
	assert_true(ioreq_posted_mark(&page, 3, 5));
	assert_int_equal(page.kicks[31], 6);
	ioreq_posted_clear(&page, 1u << 31 | 1u << 3);
	assert_int_equal(page.kicks[31], 0);
	assert_int_equal(page.kicks[3], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_checks_its_arguments),
		cmocka_unit_test(test_find_takes_only_queue_addresses),
		cmocka_unit_test(test_unmapped_range_takes_its_posted_ranges),
		cmocka_unit_test(test_mark_signals_once_until_taken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
