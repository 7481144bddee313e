/* A domU's RAM shown to dom0 in a window of guest-physical addresses above dom0's RAM. */
#ifndef XENOLITH_ARCH_X86_HVM_RAM_WINDOW_H
#define XENOLITH_ARCH_X86_HVM_RAM_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "public/xenolith.h"

#define RAM_WINDOW_MAX		16	/* windows at once, revoked ones included */
#define RAM_WINDOW_ALIGN	(1ull << 30)

struct domain;

/*
 * ram_window_map: d's RAM mapped into dom0's nested tables at w->base + gpa
 * (one window per domain; a second call counts another user of the same
 * one); w filled. 0, -ENOSPC (no room in the window area, or the CPU's
 * physical addresses leave none above dom0's RAM), -ENOMEM. domctl lock.
 */
int ram_window_map(struct domain *dom0, struct domain *d, struct xl_dc_ram_window *w);

/* ram_window_end: one user of the window at base is done; the last one
 * takes it out of dom0's tables (flushed) and frees its addresses. 0,
 * -ENOENT (no window there), -EBUSY (dom0's vCPUs did not flush). domctl
 * lock. */
int ram_window_end(struct domain *dom0, uint64_t base);

/* ram_window_revoke: d is being destroyed: its window shows zeros from now
 * on (read-only), and when this returns no dom0 vCPU still reaches d's
 * pages through its TLB. 0 or -EBUSY (d's pages must not be freed yet).
 * domctl lock. */
int ram_window_revoke(struct domain *d);

/* ram_window_fault: dom0 wrote into a revoked window at gpa: that 2 MiB
 * now shows the sink page (dom0's scratch, as hidden memory), so that the
 * write lands nowhere that matters and the zero page stays zero; true if
 * so (the caller flushes its vCPU's nested TLB). dom0's vCPU. */
bool ram_window_fault(struct domain *dom0, uint64_t gpa, bool write);

#endif
