// SPDX-License-Identifier: GPL-2.0
/* The hypervisor's event vector: every ioreq server waiting is woken to look at its page. */
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <asm/irq.h>

#include "xenolith.h"

static LIST_HEAD(xl_event_waiters);
static DEFINE_SPINLOCK(xl_event_lock);

/*
 * xl_event: XL_EVENT_VECTOR arrived (hard interrupt; the kernel's vector
 * stub has acknowledged the LAPIC). The reason is in each server's shared
 * page, which its poll reads: wake them all, they are few.
 */
static void xl_event(void)
{
	struct xl_event_waiter *w;

	spin_lock(&xl_event_lock);
	list_for_each_entry(w, &xl_event_waiters, link)
		wake_up_interruptible(&w->wq);
	spin_unlock(&xl_event_lock);
}

void xl_event_add(struct xl_event_waiter *w)
{
	unsigned long flags;

	init_waitqueue_head(&w->wq);
	spin_lock_irqsave(&xl_event_lock, flags);
	list_add(&w->link, &xl_event_waiters);
	spin_unlock_irqrestore(&xl_event_lock, flags);
}

void xl_event_del(struct xl_event_waiter *w)
{
	unsigned long flags;

	spin_lock_irqsave(&xl_event_lock, flags);
	list_del(&w->link);
	spin_unlock_irqrestore(&xl_event_lock, flags);
}

/* Linux 6.1 lets KVM (absent here: dom0 sees no SVM/VMX) install the
 * handler of POSTED_INTR_WAKEUP_VECTOR, 0xf1 = XL_EVENT_VECTOR. */
void xl_event_init(void)
{
	BUILD_BUG_ON(POSTED_INTR_WAKEUP_VECTOR != XL_EVENT_VECTOR);
	kvm_set_posted_intr_wakeup_handler(xl_event);
}

void xl_event_exit(void)
{
	kvm_set_posted_intr_wakeup_handler(NULL);
}
