/* queue.c - the split virtqueue: taking descriptor chains and returning them, guarding against the guest. */
#include <errno.h>
#include <string.h>

#include "guest_mem.h"
#include "virtio/queue.h"

/* The ring layouts of virtio 1.x §2.7, little-endian (x86 only). */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};
struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};
struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc layout");

void virtq_reset(struct virtq *q, const struct xl_guest_ram *ram)
{
	memset(q, 0, sizeof(*q));
	q->size = VIRTQ_MAX_SIZE;
	q->vector = VIRTQ_NO_VECTOR;
	q->ram = ram;
}

int virtq_enable(struct virtq *q)
{
	uint64_t n = q->size;

	if (!n || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
		return -EINVAL;
	if ((q->desc_gpa & 15) || (q->avail_gpa & 1) || (q->used_gpa & 3))
		return -EINVAL;
	/* Ring sizes with the event fields (used_event, avail_event). */
	q->desc = guest_mem_ptr(q->ram, q->desc_gpa, 16 * n);
	q->avail = guest_mem_ptr(q->ram, q->avail_gpa, 6 + 2 * n);
	q->used = guest_mem_ptr(q->ram, q->used_gpa, 6 + 8 * n);
	if (!q->desc || !q->avail || !q->used)
		return -EINVAL;
	q->last_avail = 0;
	q->used_idx = 0;
	q->signalled_valid = false;
	q->enabled = true;
	return 0;
}

/* Add buffer d (a private copy) to c; readable ones may not follow writable. */
static int chain_add(struct virtq *q, struct virtq_chain *c, const struct virtq_desc *d)
{
	unsigned int n = c->nr_out + c->nr_in;
	void *p = guest_mem_ptr(q->ram, d->addr, d->len);

	if (!p || n >= VIRTQ_MAX_SIZE || n >= q->size)
		return -EINVAL;
	if (d->flags & VIRTQ_DESC_F_WRITE) {
		c->nr_in++;
		c->in_len += d->len;
	} else {
		if (c->nr_in)
			return -EINVAL;
		c->nr_out++;
		c->out_len += d->len;
	}
	c->iov[n] = (struct iovec){ p, d->len };
	return 0;
}

/* Walk the indirect table that d points to (virtio 1.x §2.7.5.3). */
static int chain_indirect(struct virtq *q, struct virtq_chain *c, const struct virtq_desc *d)
{
	const struct virtq_desc *table;
	struct virtq_desc e;
	unsigned int count = 0, n = d->len / 16, i = 0;

	if ((d->flags & VIRTQ_DESC_F_NEXT) || !n || (d->len & 15) || (d->addr & 15))
		return -EINVAL;
	table = guest_mem_ptr(q->ram, d->addr, d->len);
	if (!table)
		return -EINVAL;
	for (;;) {
		memcpy(&e, &table[i], sizeof(e));
		if ((e.flags & VIRTQ_DESC_F_INDIRECT) || ++count > n || chain_add(q, c, &e))
			return -EINVAL;
		if (!(e.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = e.next;
		if (i >= n)
			return -EINVAL;
	}
}

int virtq_pop(struct virtq *q, struct virtq_chain *c)
{
	uint16_t avail_idx, head, i;
	unsigned int count = 0;
	struct virtq_desc d;

	if (!q->enabled)
		return 0;
	avail_idx = __atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE);
	if (avail_idx == q->last_avail && q->event_idx) {
		/* Ask for a kick at the next entry, then look again: the driver
		 * may have added one before it saw avail_event (§2.7.10). */
		__atomic_store_n((uint16_t *)&q->used->ring[q->size], q->last_avail,
				 __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		avail_idx = __atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE);
	}
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->size)
		return -EINVAL;
	head = q->avail->ring[q->last_avail % q->size];
	if (head >= q->size)
		return -EINVAL;
	c->head = head;
	c->nr_out = c->nr_in = 0;
	c->out_len = c->in_len = 0;
	for (i = head;;) {
		memcpy(&d, &q->desc[i], sizeof(d));
		if (++count > q->size)
			goto bad_chain;
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (count != 1 || chain_indirect(q, c, &d))
				goto bad_chain;
			break;
		}
		if (chain_add(q, c, &d))
			goto bad_chain;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		i = d.next;
		if (i >= q->size)
			goto bad_chain;
	}
	q->last_avail++;
	return 1;
bad_chain:
	q->last_avail++;
	return -EBADMSG;
}

void virtq_unpop(struct virtq *q, uint16_t n)
{
	q->last_avail -= n;
}

void virtq_push_n(struct virtq *q, const uint16_t *heads, const uint32_t *lens, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct virtq_used_elem *e = &q->used->ring[(uint16_t)(q->used_idx + i) % q->size];

		e->id = heads[i];
		e->len = lens[i];
	}
	q->used_idx += n;
	__atomic_store_n(&q->used->idx, q->used_idx, __ATOMIC_RELEASE);
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	virtq_push_n(q, &head, &len, 1);
}

bool virtq_want_interrupt(struct virtq *q)
{
	uint16_t old = q->signalled_used, event;
	bool valid = q->signalled_valid;

	if (!q->enabled)
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx)
		return !(__atomic_load_n(&q->avail->flags, __ATOMIC_RELAXED) &
			 VIRTQ_AVAIL_F_NO_INTERRUPT);
	/* used_event: interrupt once used_idx passes it (vring_need_event). */
	event = __atomic_load_n(&q->avail->ring[q->size], __ATOMIC_RELAXED);
	q->signalled_used = q->used_idx;
	q->signalled_valid = true;
	return !valid || (uint16_t)(q->used_idx - event - 1) < (uint16_t)(q->used_idx - old);
}
