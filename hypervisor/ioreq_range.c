/* The ranges a device model serves, and the check of its answers: plain logic. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "ioreq.h"

/* The end of the address space of type, 0 for an unknown type. */
static uint64_t ioreq_space_end(uint32_t type)
{
	if (type == XL_IOREQ_PIO)
		return IOREQ_PIO_END;
	return type == XL_IOREQ_MMIO ? IOREQ_MMIO_END : 0;
}

int ioreq_ranges_add(struct ioreq_ranges *t, uint32_t type, uint64_t start, uint64_t len)
{
	uint64_t end = ioreq_space_end(type);
	unsigned int i;

	if (!len || start >= end || len > end - start)
		return -EINVAL;
	for (i = 0; i < t->nr; i++)
		if (t->r[i].type == type && start < t->r[i].end && t->r[i].start < start + len)
			return -EEXIST;
	if (t->nr == IOREQ_MAX_RANGES)
		return -ENOSPC;
	t->r[t->nr].type = type;
	t->r[t->nr].start = start;
	t->r[t->nr].end = start + len;
	t->nr++;
	return 0;
}

int ioreq_ranges_remove(struct ioreq_ranges *t, uint32_t type, uint64_t start, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++) {
		if (t->r[i].type == type && t->r[i].start == start &&
		    t->r[i].end - t->r[i].start == len) {
			t->r[i] = t->r[--t->nr];
			return 0;
		}
	}
	return -ENOENT;
}

bool ioreq_ranges_find(const struct ioreq_ranges *t, uint32_t type, uint64_t addr,
		       unsigned int size)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		if (t->r[i].type == type && addr >= t->r[i].start && addr < t->r[i].end &&
		    (type == XL_IOREQ_PIO || size <= t->r[i].end - addr))
			return true;
	return false;
}

int ioreq_check_done(const struct xl_ioreq *slot, const struct xl_ioreq *want, uint64_t *data)
{
	if (slot->state != XL_IOREQ_DONE || slot->addr != want->addr ||
	    slot->size != want->size || slot->type != want->type || slot->dir != want->dir ||
	    slot->vcpu != want->vcpu)
		return -EINVAL;
	*data = want->data;
	if (want->dir == XL_IOREQ_READ)
		*data = want->size >= 8 ? slot->data : slot->data & ((1ull << (8 * want->size)) - 1);
	return 0;
}
