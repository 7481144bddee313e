/* Posted notify writes: the ranges a device model registered, and the kicks recorded in its page. Plain logic. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "ioreq.h"

#define POSTED_STRIDE	XL_IOREQ_POSTED_STRIDE

int ioreq_posted_add(struct ioreq_posts *t, const struct ioreq_ranges *r, uint32_t id,
		     uint64_t start, uint32_t nr)
{
	uint64_t len = (uint64_t)nr * POSTED_STRIDE;
	unsigned int i;

	if (id >= XL_IOREQ_POSTED_MAX || !nr || nr > XL_IOREQ_POSTED_QUEUES ||
	    start % POSTED_STRIDE || !ioreq_ranges_find(r, XL_IOREQ_MMIO, start, (unsigned int)len))
		return -EINVAL;
	for (i = 0; i < XL_IOREQ_POSTED_MAX; i++)
		if (t->p[i].nr && (i == id || (start < t->p[i].start +
					      (uint64_t)t->p[i].nr * POSTED_STRIDE &&
					      t->p[i].start < start + len)))
			return -EEXIST;
	t->p[id].start = start;
	t->p[id].nr = nr;
	return 0;
}

int ioreq_posted_remove(struct ioreq_posts *t, uint32_t id)
{
	if (id >= XL_IOREQ_POSTED_MAX)
		return -EINVAL;
	if (!t->p[id].nr)
		return -ENOENT;
	t->p[id].nr = 0;
	return 0;
}

uint32_t ioreq_posted_drop_in(struct ioreq_posts *t, uint64_t start, uint64_t end)
{
	uint32_t dropped = 0;
	unsigned int i;

	for (i = 0; i < XL_IOREQ_POSTED_MAX; i++)
		if (t->p[i].nr && t->p[i].start >= start && t->p[i].start < end) {
			t->p[i].nr = 0;
			dropped |= 1u << i;
		}
	return dropped;
}

bool ioreq_posted_find(const struct ioreq_posts *t, uint64_t addr, unsigned int size,
		       uint32_t *id, unsigned int *q)
{
	unsigned int i;

	if ((size != 2 && size != 4) || addr % POSTED_STRIDE)
		return false;
	for (i = 0; i < XL_IOREQ_POSTED_MAX; i++)
		if (t->p[i].nr && addr >= t->p[i].start &&
		    (addr - t->p[i].start) / POSTED_STRIDE < t->p[i].nr) {
			*id = i;
			*q = (unsigned int)((addr - t->p[i].start) / POSTED_STRIDE);
			return true;
		}
	return false;
}

bool ioreq_posted_mark(struct xl_ioreq_page *page, uint32_t id, unsigned int q)
{
	uint64_t was = __atomic_fetch_or(&page->kicks[id], 1ull << q, __ATOMIC_SEQ_CST);

	if (was)
		return false;	/* kicked has bit id, or its taker takes this word after it */
	return !__atomic_fetch_or(&page->kicked, 1u << id, __ATOMIC_SEQ_CST);
}

void ioreq_posted_clear(struct xl_ioreq_page *page, uint32_t ids)
{
	unsigned int i;

	for (i = 0; i < XL_IOREQ_POSTED_MAX; i++)
		if (ids >> i & 1)
			__atomic_store_n(&page->kicks[i], 0, __ATOMIC_SEQ_CST);
}
