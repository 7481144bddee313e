/* A domU's I/O-request server: its shared page in dom0, its ranges, requests sent and answered. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "errno.h"
#include "ioreq.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/hvm/hvm_domain.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/hvm/vcpu_lapic.h>
#include <arch/x86/hvm/vcpu_sched.h>

#define IOREQ_PAGE	4096u

/* The shared page of s, through dom0's nested tables; NULL if dom0 no
 * longer has it as RAM. Server lock held. */
static struct xl_ioreq_page *ioreq_page(struct ioreq_server *s)
{
	struct domain *dom0 = domain_by_id(0);

	return dom0 ? hvm_domain_map(dom0, s->page_gpa, IOREQ_PAGE) : NULL;
}

/* Raise XL_EVENT_VECTOR in the dom0 vCPU that serves vCPU vcpu's events. */
static void ioreq_signal(uint32_t vcpu)
{
	struct domain *dom0 = domain_by_id(0);

	if (dom0 && dom0->nr_vcpus)
		vcpu_lapic_post(dom0->vcpu[vcpu % dom0->nr_vcpus], XL_EVENT_VECTOR, false);
}

int ioreq_server_create(struct domain *dom0, struct domain *d, uint64_t page_gpa)
{
	struct ioreq_server *s = &d->ioreq;
	int ret = 0;

	if (page_gpa & (IOREQ_PAGE - 1) || !hvm_domain_map(dom0, page_gpa, IOREQ_PAGE))
		return -EINVAL;
	lib_spin_lock(&s->lock);
	if (s->active) {
		ret = -EEXIST;
	} else {
		s->active = true;
		s->page_gpa = page_gpa;
		s->ranges.nr = 0;
		memset(&s->posts, 0, sizeof(s->posts));
	}
	lib_spin_unlock(&s->lock);
	return ret;
}

/* Forget s (lock held): nothing more is sent to it. */
static bool ioreq_server_drop(struct ioreq_server *s)
{
	bool was = s->active;

	s->active = false;
	s->ranges.nr = 0;
	memset(&s->posts, 0, sizeof(s->posts));
	return was;
}

int ioreq_server_end(struct domain *d)
{
	bool was;

	lib_spin_lock(&d->ioreq.lock);
	was = ioreq_server_drop(&d->ioreq);
	lib_spin_unlock(&d->ioreq.lock);
	if (!was)
		return -ENOENT;
	if (d->state == DOMAIN_ACTIVE) {
		printk(PRINTK_ERR | PRINTK_LOG_ONLY, "%s (domain %u): its device model went away: "
		       "crashed\n", d->name, d->id);
		domain_crash(d);
	}
	return 0;
}

int ioreq_map(struct domain *d, uint32_t type, uint64_t start, uint64_t len)
{
	struct ioreq_server *s = &d->ioreq;
	int ret;

	if (len && start + len > start && d->hvm.ops->ioreq_reserved &&
	    d->hvm.ops->ioreq_reserved(d, type, start, start + len))
		return -EEXIST;
	lib_spin_lock(&s->lock);
	ret = s->active ? ioreq_ranges_add(&s->ranges, type, start, len) : -ENOENT;
	lib_spin_unlock(&s->lock);
	return ret;
}

/* The kicks of posted ranges ids (just dropped) are forgotten. Lock held. */
static void ioreq_posted_forget(struct ioreq_server *s, uint32_t ids)
{
	struct xl_ioreq_page *page = ids ? ioreq_page(s) : NULL;

	if (page)
		ioreq_posted_clear(page, ids);
}

int ioreq_unmap(struct domain *d, uint32_t type, uint64_t start, uint64_t len)
{
	struct ioreq_server *s = &d->ioreq;
	int ret;

	lib_spin_lock(&s->lock);
	ret = s->active ? ioreq_ranges_remove(&s->ranges, type, start, len) : -ENOENT;
	if (!ret && type == XL_IOREQ_MMIO)
		ioreq_posted_forget(s, ioreq_posted_drop_in(&s->posts, start, start + len));
	lib_spin_unlock(&s->lock);
	return ret;
}

int ioreq_posted(struct domain *d, uint32_t id, uint64_t start, uint32_t nr)
{
	struct ioreq_server *s = &d->ioreq;
	int ret;

	lib_spin_lock(&s->lock);
	if (!s->active)
		ret = -ENOENT;
	else if (nr)
		ret = ioreq_posted_add(&s->posts, &s->ranges, id, start, nr);
	else
		ret = ioreq_posted_remove(&s->posts, id);
	if (!ret && !nr)
		ioreq_posted_forget(s, 1u << id);
	lib_spin_unlock(&s->lock);
	return ret;
}

bool ioreq_post(struct domain *d, uint32_t vcpu, uint64_t gpa, unsigned int size)
{
	struct ioreq_server *s = &d->ioreq;
	struct xl_ioreq_page *page;
	bool posted = false, signal = false;
	unsigned int q;
	uint32_t id;

	lib_spin_lock(&s->lock);
	if (s->active && ioreq_posted_find(&s->posts, gpa, size, &id, &q)) {
		page = ioreq_page(s);
		posted = page != NULL;
		signal = posted && ioreq_posted_mark(page, id, q);
	}
	lib_spin_unlock(&s->lock);
	if (signal)
		ioreq_signal(vcpu);
	return posted;
}

bool ioreq_claims(struct domain *d, uint32_t type, uint64_t addr, unsigned int size)
{
	struct ioreq_server *s = &d->ioreq;
	bool found;

	if (!__atomic_load_n(&s->active, __ATOMIC_SEQ_CST))
		return false;
	lib_spin_lock(&s->lock);
	found = s->active && ioreq_ranges_find(&s->ranges, type, addr, size);
	lib_spin_unlock(&s->lock);
	return found;
}

int ioreq_send(struct domain *d, const struct xl_ioreq *req)
{
	struct ioreq_server *s = &d->ioreq;
	struct xl_ioreq_page *page;
	struct xl_ioreq *slot;

	lib_spin_lock(&s->lock);
	page = s->active ? ioreq_page(s) : NULL;
	if (!page || req->vcpu >= XL_IOREQ_SLOTS) {
		lib_spin_unlock(&s->lock);
		return -ENOENT;
	}
	slot = &page->slot[req->vcpu];
	*slot = *req;
	slot->state = XL_IOREQ_NONE;
	__atomic_store_n(&slot->state, XL_IOREQ_READY, __ATOMIC_SEQ_CST);
	lib_spin_unlock(&s->lock);
	ioreq_signal(req->vcpu);
	return 0;
}

int ioreq_complete(struct domain *d, uint32_t vcpu)
{
	struct ioreq_server *s = &d->ioreq;
	struct xl_ioreq_page *page;
	struct xl_ioreq slot;
	struct vcpu *v;
	uint64_t data;
	int ret;

	if (vcpu >= d->nr_vcpus || vcpu >= XL_IOREQ_SLOTS)
		return -EINVAL;
	v = d->vcpu[vcpu];
	lib_spin_lock(&s->lock);
	page = s->active ? ioreq_page(s) : NULL;
	if (!page) {
		lib_spin_unlock(&s->lock);
		return -ENOENT;
	}
	/* The page is the device model's: one copy, then only the copy. */
	memcpy(&slot, &page->slot[vcpu], sizeof(slot));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ret = __atomic_load_n(&v->ioreq.state, __ATOMIC_SEQ_CST) == IOREQ_WAITING ?
	      ioreq_check_done(&slot, &v->ioreq.req, &data) : -EINVAL;
	if (!ret) {
		v->ioreq.req.data = data;
		page->slot[vcpu].state = XL_IOREQ_NONE;
		__atomic_store_n(&v->ioreq.state, IOREQ_ANSWERED, __ATOMIC_SEQ_CST);
	}
	lib_spin_unlock(&s->lock);
	if (!ret)
		vcpu_sched_notify(v);
	return ret;
}

void ioreq_domain_gone(struct domain *d)
{
	struct ioreq_server *s = &d->ioreq;
	struct xl_ioreq_page *page;

	lib_spin_lock(&s->lock);
	page = s->active ? ioreq_page(s) : NULL;
	if (page)
		__atomic_store_n(&page->gone, 1, __ATOMIC_SEQ_CST);
	ioreq_server_drop(s);
	lib_spin_unlock(&s->lock);
	if (page)
		ioreq_signal(0);
}
