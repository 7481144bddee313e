/* dm_testlib.h - fakes for the device model's tests: guest RAM in two ranges, a driver's view of a split virtqueue, an MSI recorder. */
#ifndef DM_TESTLIB_H
#define DM_TESTLIB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest_mem.h"
#include "msix.h"
#include "virtio/pci.h"
#include "virtio/queue.h"

/* Guest RAM: [0, low) and [4 GiB, 4 GiB + high), like a domU's. */
#define FAKE_LOW	(1u << 20)
#define FAKE_HIGH	(64u << 10)
#define FAKE_HIGH_GPA	0x100000000ull

static inline void fake_ram_init(struct xl_guest_ram *ram)
{
	memset(ram, 0, sizeof(*ram));
	ram->nr = 2;
	/* Page-aligned, as a real guest's RAM is (direct I/O wants that). */
	ram->range[0] = (struct xl_guest_ram_range){ 0, FAKE_LOW, aligned_alloc(4096, FAKE_LOW) };
	ram->range[1] = (struct xl_guest_ram_range){ FAKE_HIGH_GPA, FAKE_HIGH,
						     aligned_alloc(4096, FAKE_HIGH) };
	memset(ram->range[0].host, 0, FAKE_LOW);
	memset(ram->range[1].host, 0, FAKE_HIGH);
	ram->fd = -1;
}

static inline void fake_ram_free(struct xl_guest_ram *ram)
{
	free(ram->range[0].host);
	free(ram->range[1].host);
}

/* A cmocka teardown for a calloc'ed fixture whose first member is its
 * struct xl_guest_ram. */
static inline int fake_fixture_free(void **state)
{
	fake_ram_free(*state);
	free(*state);
	return 0;
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

/* Through BAR 0 as a driver would: features VERSION_1 | extra; queues q
 * .. q + n - 1, queue q + i of size entries laid out by fake_vq_init at
 * base[i] (f[i] describes it) on vector q + i + 1; configuration changes
 * on vector 0; MSI-X on with vector v unmasked at 0xfee00000 with data
 * 0x40 + v; DRIVER_OK. */
static inline void fake_driver_ok_n(struct virtio_pci *vp, struct fake_vq *f, unsigned int q,
				    unsigned int n, const uint64_t *base, uint16_t size,
				    uint64_t extra)
{
	const struct pci_dev_ops *o = vp->pci.ops;
	struct virtq tmp;
	unsigned int v, i;

	o->bar_write(&vp->pci, 0, 0x14, 1, 0x03);
	o->bar_write(&vp->pci, 0, 0x08, 4, 0);
	o->bar_write(&vp->pci, 0, 0x0c, 4, (uint32_t)extra);
	o->bar_write(&vp->pci, 0, 0x08, 4, 1);
	o->bar_write(&vp->pci, 0, 0x0c, 4, 1 | (uint32_t)(extra >> 32));
	o->bar_write(&vp->pci, 0, 0x14, 1, 0x0b);
	o->bar_write(&vp->pci, 0, 0x10, 2, 0);		/* config changes: vector 0 */
	for (i = 0; i < n; i++) {
		fake_vq_init(&f[i], &tmp, (struct xl_guest_ram *)vp->vq[q + i].ram, base[i], size);
		o->bar_write(&vp->pci, 0, 0x16, 2, q + i);
		o->bar_write(&vp->pci, 0, 0x18, 2, size);
		o->bar_write(&vp->pci, 0, 0x1a, 2, q + i + 1);
		o->bar_write(&vp->pci, 0, 0x20, 8, f[i].desc);
		o->bar_write(&vp->pci, 0, 0x28, 8, f[i].avail);
		o->bar_write(&vp->pci, 0, 0x30, 8, f[i].used);
		o->bar_write(&vp->pci, 0, 0x1c, 2, 1);
	}
	pci_dev_cfg_write(&vp->pci, vp->msix.cap + 2, 2, MSIX_CTRL_ENABLE);
	for (v = 0; v < vp->msix.nr; v++) {
		o->bar_write(&vp->pci, 0, VIRTIO_PCI_MSIX_TABLE_OFF + 16 * v, 8, 0xfee00000ull);
		o->bar_write(&vp->pci, 0, VIRTIO_PCI_MSIX_TABLE_OFF + 16 * v + 8, 4, 0x40 + v);
		o->bar_write(&vp->pci, 0, VIRTIO_PCI_MSIX_TABLE_OFF + 16 * v + 12, 4, 0);
	}
	o->bar_write(&vp->pci, 0, 0x14, 1, 0x0f);
}

/* fake_driver_ok_n with the one queue q at base. */
static inline void fake_driver_ok(struct virtio_pci *vp, struct fake_vq *f, unsigned int q,
				  uint64_t base, uint16_t size, uint64_t extra)
{
	fake_driver_ok_n(vp, f, q, 1, &base, size, extra);
}

/* Kick queue q as a driver does. */
static inline void fake_kick(struct virtio_pci *vp, unsigned int q)
{
	vp->pci.ops->bar_write(&vp->pci, 0, VIRTIO_PCI_NOTIFY_OFF + VIRTIO_PCI_NOTIFY_MULT * q, 2, q);
}

#endif
