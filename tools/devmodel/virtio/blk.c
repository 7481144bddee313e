/* blk.c - virtio-blk: the configuration, taking requests from the queues, completing them. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/blk.h"
#include "virtio/iov.h"

#define SECTOR_SHIFT	9
#define DISCARD_MAX	0x400000u	/* sectors per DISCARD/WRITE_ZEROES: 2 GiB */
#define WZ_UNMAP	1		/* write zeroes: may deallocate */

/* struct virtio_blk_config (§5.2.4), the fields offered. */
struct blk_config {
	uint64_t capacity;		/* 0: in 512-byte sectors */
	uint32_t size_max;		/* 8 */
	uint32_t seg_max;		/* 12 */
	uint32_t geometry;		/* 16 */
	uint32_t blk_size;		/* 20 */
	uint8_t topology[8];		/* 24 */
	uint8_t writeback;		/* 32 */
	uint8_t unused0;
	uint16_t num_queues;		/* 34 */
	uint32_t max_discard_sectors;	/* 36 */
	uint32_t max_discard_seg;	/* 40 */
	uint32_t discard_sector_alignment;	/* 44 */
	uint32_t max_write_zeroes_sectors;	/* 48 */
	uint32_t max_write_zeroes_seg;	/* 52 */
	uint8_t write_zeroes_may_unmap;	/* 56 */
	uint8_t unused1[3];
};
#define BLK_CONFIG_LEN	60	/* without the tail padding */
_Static_assert(offsetof(struct blk_config, unused1) + 3 == BLK_CONFIG_LEN, "virtio_blk_config layout");

struct blk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blk_discard {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

/* One request in flight; freed when completed. */
struct blk_req {
	struct disk_io io;		/* first: done() finds the request from it */
	struct virtio_blk *blk;
	uint32_t epoch;
	uint16_t q;
	uint8_t *status;
	uint32_t used_len;		/* bytes written into the guest's buffers */
	struct virtq_chain chain;
};

static struct virtio_blk *blk_of(struct virtio_pci *vp)
{
	return vp->dev;
}

static void process(struct virtio_blk *b, unsigned int q);

_Static_assert(VIRTIO_PCI_MAX_QUEUES <= 64, "irq_due has a bit per queue");

/* Queue q has used buffers: interrupt now, or at the end of the pass. */
static void queue_used(struct virtio_blk *b, unsigned int q)
{
	if (b->batch)
		b->irq_due |= 1ull << q;
	else
		virtio_pci_queue_interrupt(&b->vp, q);
}

/* Start a pass (nested passes join the outer one); true if this call started it. */
static bool batch_begin(struct virtio_blk *b)
{
	bool outer = !b->batch;

	b->batch = true;
	return outer;
}

/* End the pass that batch_begin() started (outer): send what is due. */
static void batch_end(struct virtio_blk *b, bool outer)
{
	uint64_t due;
	unsigned int q;

	if (!outer)
		return;
	b->batch = false;
	due = b->irq_due;
	b->irq_due = 0;
	for (q = 0; due; q++, due >>= 1)
		if (due & 1)
			virtio_pci_queue_interrupt(&b->vp, q);
}

/* Report status to the driver and retire r (nothing for a request from
 * before a reset or on a stopped queue: its buffers are no longer ours). */
static void finish(struct blk_req *r, uint8_t status)
{
	struct virtio_blk *b = r->blk;
	unsigned int q = r->q;

	if (r->epoch != b->epoch) {
		free(r);
		return;
	}
	b->inflight[q]--;
	if (virtio_pci_queue_live(&b->vp, q)) {
		*r->status = status;
		virtq_push(&b->vp.vq[q], r->chain.head, r->used_len + 1);
		queue_used(b, q);
	}
	free(r);
	if (b->stalled[q])
		process(b, q);
}

/* The backend finished r's disk_io. */
static void io_done(struct disk_io *io, int res)
{
	struct blk_req *r = (struct blk_req *)io;

	if (res)
		r->used_len = 0;
	finish(r, res ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK);
}

/* Hand r to the backend as op; a refusal completes it with IOERR. */
static void submit(struct blk_req *r, enum disk_op op, uint64_t off, uint64_t len,
		   const struct iovec *iov, unsigned int n)
{
	r->io = (struct disk_io){ .op = op, .off = off, .len = len, .iov = iov, .nr_iov = n,
				  .done = io_done };
	if (r->blk->disk->ops->submit(r->blk->disk, &r->io))
		finish(r, VIRTIO_BLK_S_IOERR);
}

/* [sector, + bytes) is whole sectors inside the disk. */
static bool range_ok(const struct virtio_blk *b, uint64_t sector, uint64_t bytes)
{
	uint64_t cap = b->disk->size >> SECTOR_SHIFT;

	return !(bytes & ((1u << SECTOR_SHIFT) - 1)) && sector <= cap &&
	       bytes >> SECTOR_SHIFT <= cap - sector;
}

/* DISCARD and WRITE_ZEROES: one segment (max_*_seg is 1) after the header. */
static void discard(struct blk_req *r, uint32_t type, const struct iovec *out, unsigned int n,
		    uint64_t out_len)
{
	struct blk_discard s;
	bool wz = type == VIRTIO_BLK_T_WRITE_ZEROES;
	enum disk_op op;

	if (out_len != sizeof(s) || iov_to_buf(out, n, &s, sizeof(s)) != sizeof(s))
		return finish(r, VIRTIO_BLK_S_UNSUPP);
	if ((s.flags & ~(wz ? WZ_UNMAP : 0)) || s.num_sectors > DISCARD_MAX)
		return finish(r, VIRTIO_BLK_S_UNSUPP);
	if (r->blk->disk->ro || !range_ok(r->blk, s.sector, (uint64_t)s.num_sectors << SECTOR_SHIFT))
		return finish(r, VIRTIO_BLK_S_IOERR);
	/* A punched hole reads as zeros too: WRITE_ZEROES may unmap. */
	op = wz && !(s.flags & WZ_UNMAP) ? DISK_WRITE_ZEROES : DISK_DISCARD;
	submit(r, op, s.sector << SECTOR_SHIFT, (uint64_t)s.num_sectors << SECTOR_SHIFT, NULL, 0);
}

/* Parse the chain (header first, status byte last, any framing, §5.2.6.4)
 * and start the request. */
static void handle(struct virtio_blk *b, struct blk_req *r)
{
	struct virtq_chain *c = &r->chain;
	struct iovec *out = c->iov, *in = c->iov + c->nr_out;
	unsigned int nout = c->nr_out, nin = iov_drop_back(in, c->nr_in, 0);
	uint64_t out_len = c->out_len, in_len = c->in_len;
	struct blk_hdr h;

	if (!nin) {			/* no status byte: nothing to answer with */
		b->inflight[r->q]--;
		free(r);
		virtio_pci_needs_reset(&b->vp);
		return;
	}
	r->status = (uint8_t *)in[nin - 1].iov_base + in[nin - 1].iov_len - 1;
	nin = iov_drop_back(in, nin, 1);
	in_len--;
	r->used_len = 0;
	if (iov_to_buf(out, nout, &h, sizeof(h)) != sizeof(h))
		return finish(r, VIRTIO_BLK_S_IOERR);
	iov_drop_front(&out, &nout, sizeof(h));
	out_len -= sizeof(h);

	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		if (!range_ok(b, h.sector, in_len))
			return finish(r, VIRTIO_BLK_S_IOERR);
		r->used_len = in_len;
		return submit(r, DISK_READ, h.sector << SECTOR_SHIFT, in_len, in, nin);
	case VIRTIO_BLK_T_OUT:
		if (b->disk->ro || !range_ok(b, h.sector, out_len))
			return finish(r, VIRTIO_BLK_S_IOERR);
		return submit(r, DISK_WRITE, h.sector << SECTOR_SHIFT, out_len, out, nout);
	case VIRTIO_BLK_T_FLUSH:
		return submit(r, DISK_FLUSH, 0, 0, NULL, 0);
	case VIRTIO_BLK_T_GET_ID:
		r->used_len = iov_from_buf(in, nin, b->id, sizeof(b->id));
		return finish(r, VIRTIO_BLK_S_OK);
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return discard(r, h.type, out, nout, out_len);
	default:
		return finish(r, VIRTIO_BLK_S_UNSUPP);
	}
}

/* Take requests from queue q while it is live and below its in-flight
 * limit (the queue size: a guest that reuses heads gets no more). */
static void take_requests(struct virtio_blk *b, unsigned int q)
{
	struct virtq *vq = &b->vp.vq[q];
	struct blk_req *r;
	int ret;

	b->stalled[q] = false;
	while (virtio_pci_queue_live(&b->vp, q)) {
		r = b->inflight[q] < vq->size ? malloc(sizeof(*r)) : NULL;
		if (!r) {
			b->stalled[q] = true;
			return;
		}
		ret = virtq_pop(vq, &r->chain);
		if (ret <= 0) {
			free(r);
			if (ret < 0)
				virtio_pci_needs_reset(&b->vp);
			return;
		}
		r->blk = b;
		r->epoch = b->epoch;
		r->q = q;
		b->inflight[q]++;
		handle(b, r);
	}
}

/* take_requests() as one pass: what completes meanwhile interrupts once. */
static void process(struct virtio_blk *b, unsigned int q)
{
	bool outer = batch_begin(b);

	take_requests(b, q);
	batch_end(b, outer);
}

void virtio_blk_complete(struct virtio_blk *b, short revents)
{
	bool outer = batch_begin(b);

	b->disk->ops->complete(b->disk, revents);
	batch_end(b, outer);
}

static void blk_notify(struct virtio_pci *vp, unsigned int q)
{
	process(blk_of(vp), q);
}

static void blk_reset(struct virtio_pci *vp)
{
	struct virtio_blk *b = blk_of(vp);

	b->epoch++;
	memset(b->inflight, 0, sizeof(b->inflight));
	memset(b->stalled, 0, sizeof(b->stalled));
	b->irq_due = 0;
}

static void blk_cfg_read(struct virtio_pci *vp, uint32_t off, void *buf, unsigned int len)
{
	struct virtio_blk *b = blk_of(vp);
	struct blk_config c = {
		.capacity = b->disk->size >> SECTOR_SHIFT,
		.seg_max = VIRTIO_BLK_SEG_MAX,
		.blk_size = 1u << SECTOR_SHIFT,
		.writeback = 1,
		.num_queues = vp->nr_queues,
		.max_discard_sectors = DISCARD_MAX,
		.max_discard_seg = 1,
		.discard_sector_alignment = 8,
		.max_write_zeroes_sectors = DISCARD_MAX,
		.max_write_zeroes_seg = 1,
		.write_zeroes_may_unmap = 1,
	};

	memcpy(buf, (uint8_t *)&c + off, len);
}

static const struct virtio_dev_ops blk_ops = {
	.cfg_read = blk_cfg_read,
	.cfg_write = NULL,		/* nothing is writable (no CONFIG_WCE) */
	.notify = blk_notify,
	.reset = blk_reset,
};

void virtio_blk_init(struct virtio_blk *b, struct disk *disk, const char *id,
		     unsigned int nr_queues, const struct xl_guest_ram *ram,
		     struct msix_sink sink)
{
	uint64_t f = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
		     1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_DISCARD |
		     1ull << VIRTIO_BLK_F_WRITE_ZEROES;

	if (disk->ro)
		f |= 1ull << VIRTIO_BLK_F_RO;
	if (nr_queues > 1)
		f |= 1ull << VIRTIO_BLK_F_MQ;
	memset(b, 0, sizeof(*b));
	b->disk = disk;
	memcpy(b->id, id, strnlen(id, sizeof(b->id)));
	/* Class 01 80 00: mass storage, other (as QEMU's virtio-blk). */
	virtio_pci_init(&b->vp, VIRTIO_ID_BLOCK, 0x018000, nr_queues, f, BLK_CONFIG_LEN,
			&blk_ops, b, ram, sink);
}
