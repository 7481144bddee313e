/* queue.h - the split virtqueue (virtio 1.x §2.7): rings in guest RAM, chains checked before use. */
#ifndef DEVMODEL_VIRTIO_QUEUE_H
#define DEVMODEL_VIRTIO_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "libxenolith/libxenolith.h"

#define VIRTQ_MAX_SIZE		256	/* the queue size offered; also the longest chain */
#define VIRTQ_NO_VECTOR		0xffff

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTIO_F_EVENT_IDX	29

/* One descriptor chain, resolved: first the device-readable buffers
 * (iov[0 .. nr_out)), then the device-writable ones (iov[nr_out ..
 * nr_out + nr_in)), each a host pointer into guest RAM. */
struct virtq_chain {
	uint16_t head;
	unsigned int nr_out, nr_in;
	uint64_t out_len, in_len;	/* bytes in each part */
	struct iovec iov[VIRTQ_MAX_SIZE];
};

/* A queue as the driver set it up through the transport. The transport
 * writes size, vector and the ring addresses while the queue is disabled;
 * virtq_enable() checks them. All fields belong to the event loop. */
struct virtq {
	uint16_t size;			/* entries, a power of 2 <= VIRTQ_MAX_SIZE */
	uint16_t vector;		/* MSI-X vector or VIRTQ_NO_VECTOR */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool enabled;
	bool event_idx;			/* VIRTIO_F_EVENT_IDX negotiated (set before enabling) */
	uint16_t last_avail;		/* the next avail entry to take */
	uint16_t used_idx;		/* the next used entry to fill */
	uint16_t signalled_used;	/* used_idx at the last interrupt ... */
	bool signalled_valid;		/* ... if there was one */
	const struct xl_guest_ram *ram;
	struct virtq_desc *desc;	/* host addresses once enabled */
	struct virtq_avail *avail;
	struct virtq_used *used;
};

/* Reset q to its power-on state (size VIRTQ_MAX_SIZE, disabled). */
void virtq_reset(struct virtq *q, const struct xl_guest_ram *ram);
/* Enable q: its size and the three rings (whole, aligned) must be in RAM.
 * 0 or -EINVAL (q stays disabled). */
int virtq_enable(struct virtq *q);
/* Take the next available chain into *c. 1: a chain; 0: none waits (with
 * EVENT_IDX, avail_event then asks for a kick at the next one);
 * -EBADMSG: the chain at c->head is malformed (a bad address, length,
 * next index, loop, chain longer than the queue, misplaced indirect table
 * or readable-after-writable buffer): it is taken, and the caller may
 * return it unused or stop the queue; -EINVAL: the driver broke the queue
 * itself (an avail index or head out of range): the caller must stop it. */
int virtq_pop(struct virtq *q, struct virtq_chain *c);
/* Give back the last n chains taken and not pushed: the next pops take
 * them again (re-read and re-checked, as the driver may have changed them). */
void virtq_unpop(struct virtq *q, uint16_t n);
/* Return chain head to the driver with len bytes written. */
void virtq_push(struct virtq *q, uint16_t head, uint32_t len);
/* Return n chains at once, heads[i] with lens[i] bytes written: the
 * driver sees all of them or none (a merged receive buffer comes whole). */
void virtq_push_n(struct virtq *q, const uint16_t *heads, const uint32_t *lens, unsigned int n);
/* Whether the driver wants an interrupt for what was pushed since the
 * last call that said yes (its flag, or with EVENT_IDX its used_event). */
bool virtq_want_interrupt(struct virtq *q);

#endif
