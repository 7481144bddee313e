/* dm_testlib.h - fakes for the device model's tests: guest RAM in two ranges, a driver's view of a split virtqueue, an MSI recorder. */
#ifndef DM_TESTLIB_H
#define DM_TESTLIB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest_mem.h"
#include "msix.h"
#include "virtio/queue.h"

/* Guest RAM: [0, low) and [4 GiB, 4 GiB + high), like a domU's. */
#define FAKE_LOW	(1u << 20)
#define FAKE_HIGH	(64u << 10)
#define FAKE_HIGH_GPA	0x100000000ull

static inline void fake_ram_init(struct xl_guest_ram *ram)
{
	memset(ram, 0, sizeof(*ram));
	ram->nr = 2;
	ram->range[0] = (struct xl_guest_ram_range){ 0, FAKE_LOW, calloc(1, FAKE_LOW) };
	ram->range[1] = (struct xl_guest_ram_range){ FAKE_HIGH_GPA, FAKE_HIGH, calloc(1, FAKE_HIGH) };
	ram->fd = -1;
}

static inline void fake_ram_free(struct xl_guest_ram *ram)
{
	free(ram->range[0].host);
	free(ram->range[1].host);
}

static inline void *gpa(const struct xl_guest_ram *ram, uint64_t a)
{
	return guest_mem_ptr(ram, a, 1);
}

/* The driver's side of a queue of size entries at desc/avail/used. */
struct fake_vq {
	struct xl_guest_ram *ram;
	uint16_t size;
	uint64_t desc, avail, used;
	uint16_t avail_idx;
};

struct fake_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* Lay a queue out at base (desc, then avail, then used 4-aligned) and
 * give the device's virtq the same addresses, enabled. */
static inline void fake_vq_init(struct fake_vq *f, struct virtq *q, struct xl_guest_ram *ram,
				uint64_t base, uint16_t size)
{
	f->ram = ram;
	f->size = size;
	f->desc = base;
	f->avail = base + 16u * size;
	f->used = (f->avail + 6 + 2u * size + 3) & ~3ull;
	f->avail_idx = 0;
	virtq_reset(q, ram);
	q->size = size;
	q->desc_gpa = f->desc;
	q->avail_gpa = f->avail;
	q->used_gpa = f->used;
}

static inline struct fake_desc *fake_desc(struct fake_vq *f, unsigned int i)
{
	return (struct fake_desc *)gpa(f->ram, f->desc) + i;
}

/* Offer head: append it to the avail ring and publish. */
static inline void fake_vq_offer(struct fake_vq *f, uint16_t head)
{
	uint16_t *avail = gpa(f->ram, f->avail);

	avail[2 + f->avail_idx % f->size] = head;
	f->avail_idx++;
	avail[1] = f->avail_idx;
}

/* Write n descriptors from index first on, chained, and offer them. */
static inline void fake_vq_chain(struct fake_vq *f, uint16_t first, unsigned int n,
				 const uint64_t *addr, const uint32_t *len, const uint16_t *flags)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		*fake_desc(f, first + i) = (struct fake_desc){ addr[i], len[i],
			(uint16_t)(flags[i] | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)),
			(uint16_t)(first + i + 1) };
	fake_vq_offer(f, first);
}

static inline uint16_t fake_used_idx(struct fake_vq *f)
{
	return ((uint16_t *)gpa(f->ram, f->used))[1];
}

/* The used ring's entry i: id and len. */
static inline uint32_t fake_used_id(struct fake_vq *f, uint16_t i)
{
	return ((uint32_t *)gpa(f->ram, f->used + 4))[2 * (i % f->size)];
}

static inline uint32_t fake_used_len(struct fake_vq *f, uint16_t i)
{
	return ((uint32_t *)gpa(f->ram, f->used + 4))[2 * (i % f->size) + 1];
}

/* An msix_sink that counts and remembers the last message. */
struct msi_log {
	unsigned int count;
	uint64_t addr;
	uint32_t data;
};

static inline void msi_log_raise(void *opaque, uint64_t addr, uint32_t data)
{
	struct msi_log *l = opaque;

	l->count++;
	l->addr = addr;
	l->data = data;
}

#endif
