/* I/O requests to a domU's device model: registered ranges, the server, the vCPUs that wait. */
#ifndef XENOLITH_IOREQ_H
#define XENOLITH_IOREQ_H

#include <stdbool.h>
#include <stdint.h>

#include "public/xenolith.h"

#define IOREQ_MAX_RANGES	32	/* per domain */
#define IOREQ_PIO_END		0x10000ull
#define IOREQ_MMIO_END		(1ull << 52)

/* [start, end) of one space, sent to the device model. */
struct ioreq_range {
	uint32_t type;			/* XL_IOREQ_PIO / XL_IOREQ_MMIO */
	uint64_t start, end;
};

struct ioreq_ranges {
	unsigned int nr;
	struct ioreq_range r[IOREQ_MAX_RANGES];
};

/*
 * ioreq_ranges_add: [start, start + len) of type joins t. 0, -EINVAL (type,
 * empty, past the end of the space), -EEXIST (overlaps a range of t),
 * -ENOSPC (t full). Plain logic: the caller locks.
 */
int ioreq_ranges_add(struct ioreq_ranges *t, uint32_t type, uint64_t start, uint64_t len);

/* ioreq_ranges_remove: take out exactly the range [start, start + len) of
 * type. 0 or -ENOENT (no such range). */
int ioreq_ranges_remove(struct ioreq_ranges *t, uint32_t type, uint64_t start, uint64_t len);

/* ioreq_ranges_find: MMIO [addr, addr + size) lies in one range of t; a
 * port access belongs to the range holding its first port, as a chipset
 * decodes it (a dword at 0xcf8 is the PCI address register, a byte at
 * 0xcf9 the reset register). */
bool ioreq_ranges_find(const struct ioreq_ranges *t, uint32_t type, uint64_t addr,
		       unsigned int size);

/*
 * ioreq_check_done: slot (a copy the caller read once from the shared
 * page) answers want, the request the hypervisor sent: state DONE and the
 * same address, size, type, direction and vCPU. *data: the answer of a
 * READ truncated to its size (a WRITE's value stays want's). 0 or -EINVAL.
 */
int ioreq_check_done(const struct xl_ioreq *slot, const struct xl_ioreq *want, uint64_t *data);

/* Posted notify writes (XL_DOMCTL_IOREQ_POSTED), by id. */
struct ioreq_posted {
	uint64_t start;
	uint32_t nr;			/* queues; 0: id unused */
};

struct ioreq_posts {
	struct ioreq_posted p[XL_IOREQ_POSTED_MAX];
};

/* ioreq_posted_add: posted range id is nr queues from start (one every
 * XL_IOREQ_POSTED_STRIDE bytes), inside one MMIO range of r. 0, -EINVAL
 * (id, nr, alignment, not inside a range), -EEXIST (id used, or overlaps
 * another posted range). Plain logic: the caller locks. */
int ioreq_posted_add(struct ioreq_posts *t, const struct ioreq_ranges *r, uint32_t id,
		     uint64_t start, uint32_t nr);

/* ioreq_posted_remove: posted range id goes. 0, -EINVAL, -ENOENT. */
int ioreq_posted_remove(struct ioreq_posts *t, uint32_t id);

/* ioreq_posted_drop_in: the posted ranges inside [start, end) (a range
 * being unmapped) go; returns their ids as a bit mask. */
uint32_t ioreq_posted_drop_in(struct ioreq_posts *t, uint64_t start, uint64_t end);

/* ioreq_posted_find: a write of size bytes at addr is posted: 2 or 4
 * bytes at a queue's address of a posted range (*id, *q). */
bool ioreq_posted_find(const struct ioreq_posts *t, uint64_t addr, unsigned int size,
		       uint32_t *id, unsigned int *q);

/* ioreq_posted_mark: set bit q of page->kicks[id] (id, q checked by the
 * caller); true when dom0 must be signalled (kicked went from 0). Any CPU,
 * against the device model taking the bits at the same time. */
bool ioreq_posted_mark(struct xl_ioreq_page *page, uint32_t id, unsigned int q);

/* ioreq_posted_clear: the kicks of the posted ranges in ids are forgotten. */
void ioreq_posted_clear(struct xl_ioreq_page *page, uint32_t ids);

/* A vCPU's request (struct vcpu_ioreq.state). */
enum ioreq_state {
	IOREQ_IDLE,			/* none */
	IOREQ_WAITING,			/* sent; the vCPU sleeps */
	IOREQ_ANSWERED,			/* completed; its CPU finishes it */
};

/* A domain's server (struct domain.ioreq), under lock. */
struct ioreq_server {
	int lock;
	bool active;			/* a device model serves the domain */
	uint64_t page_gpa;		/* its struct xl_ioreq_page in dom0's RAM */
	struct ioreq_ranges ranges;
	struct ioreq_posts posts;	/* inside ranges' MMIO ranges */
};

struct domain;
struct vcpu;

/* ioreq_server_create: dom0's page at page_gpa becomes d's shared ioreq
 * page. 0, -EEXIST (d has a server), -EINVAL (not a page of dom0's RAM). */
int ioreq_server_create(struct domain *dom0, struct domain *d, uint64_t page_gpa);

/* ioreq_server_end: d's device model went away: its ranges go, and a d
 * that still runs is crashed (its vCPUs would wait for nobody). 0 or
 * -ENOENT (no server). */
int ioreq_server_end(struct domain *d);

/* ioreq_map / ioreq_unmap: a range of d for its server, refused where the
 * platform's own devices or RAM are (-EEXIST). 0 or -errno as
 * ioreq_ranges_add/_remove; -ENOENT without a server. */
int ioreq_map(struct domain *d, uint32_t type, uint64_t start, uint64_t len);
int ioreq_unmap(struct domain *d, uint32_t type, uint64_t start, uint64_t len);

/* ioreq_posted: posted range id of d's server is nr queues from start
 * (nr 0: taken back, its kicks forgotten). 0 or -errno as
 * ioreq_posted_add/_remove; -ENOENT without a server. */
int ioreq_posted(struct domain *d, uint32_t id, uint64_t start, uint32_t nr);

/* ioreq_post: vCPU vcpu of d writes size bytes at MMIO gpa: if that is a
 * posted write, record the kick (signalling dom0 if the page had none)
 * and return true: the write is complete. Any CPU. */
bool ioreq_post(struct domain *d, uint32_t vcpu, uint64_t gpa, unsigned int size);

/* ioreq_claims: d's server takes [addr, addr + size) of type. Any CPU. */
bool ioreq_claims(struct domain *d, uint32_t type, uint64_t addr, unsigned int size);

/* ioreq_send: put req into slot req->vcpu of d's page as READY and signal
 * dom0 (XL_EVENT_VECTOR). 0 or -ENOENT (no server any more). v's thread. */
int ioreq_send(struct domain *d, const struct xl_ioreq *req);

/* ioreq_complete: the device model answered vCPU vcpu of d: checked
 * against what was sent, the slot emptied, the vCPU woken to finish. 0,
 * -ENOENT (no server), -EINVAL (bad vCPU, nothing waits, slot not DONE or
 * not the request sent). domctl lock. */
int ioreq_complete(struct domain *d, uint32_t vcpu);

/* ioreq_domain_gone: d is being destroyed (its vCPUs stopped for good):
 * the page says gone, dom0 is signalled, the server ends. domctl lock. */
void ioreq_domain_gone(struct domain *d);

#endif
