/* What the files of the dom0 module share: the ioctl handlers behind /dev/xenolith. */
#ifndef XENOLITH_MODULE_H
#define XENOLITH_MODULE_H

#include <linux/compiler_types.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <public/xenolith.h>

long xl_ctl_domctl(struct xl_domctl __user *arg);
long xl_ctl_sysctl(struct xl_sysctl __user *arg);
long xl_bench(struct xl_bench __user *arg);

/* xl_domctl_page: XL_HC_DOMCTL on dc, a page of the module's own below
 * 4 GiB (GFP_DMA32). The hypercall's result. */
long xl_domctl_page(struct xl_domctl *dc);

/* xl_domctl_new: such a page, zeroed, cmd and domid set; NULL (-ENOMEM). */
struct xl_domctl *xl_domctl_new(u32 cmd, u32 domid);

/* XL_IOCTL_IOREQ_SERVER / XL_IOCTL_GUEST_RAM: a new file for the domain;
 * the fd, or -errno. */
long xl_ioreq_server_open(struct xl_file_req __user *arg);
long xl_guest_ram_open(struct xl_file_req __user *arg);

/* xl_pages_init / _exit: struct pages (ZONE_DEVICE, MEMORY_DEVICE_GENERIC)
 * for the machine's RAM that dom0 does not own, or none (logged). */
void xl_pages_init(void);
void xl_pages_exit(void);

/* xl_pages_cover: whether [hpa, hpa + len) has struct pages of ours. */
bool xl_pages_cover(u64 hpa, u64 len);

/* xl_event_init / _exit: take XL_EVENT_VECTOR (Linux's posted-interrupt
 * wake-up vector, unused without KVM) for the ioreq servers / give it back. */
void xl_event_init(void);
void xl_event_exit(void);

/* Someone woken (wq) by every XL_EVENT_VECTOR while on the list. */
struct xl_event_waiter {
	struct list_head link;
	wait_queue_head_t wq;
};
void xl_event_add(struct xl_event_waiter *w);
void xl_event_del(struct xl_event_waiter *w);

#endif
