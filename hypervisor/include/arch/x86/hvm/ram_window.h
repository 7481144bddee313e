/* A domU's RAM shown to dom0 in a window of guest-physical addresses above dom0's RAM,
 * and at the pages' own machine addresses. */
#ifndef XENOLITH_ARCH_X86_HVM_RAM_WINDOW_H
#define XENOLITH_ARCH_X86_HVM_RAM_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "public/xenolith.h"

#define RAM_WINDOW_MAX		16	/* windows at once, revoked ones included */
#define RAM_WINDOW_ALIGN	(1ull << 30)

struct domain;

/*
 * ram_window_map: d's RAM mapped into dom0's nested tables at w->base + gpa,
 * and each page at its own machine address (guest-physical == host-physical,
 * a DMA target for dom0's devices) (one window per domain; a second call
 * counts another user of the same one); w filled. 0, -ENOSPC (no room in the window area, or the CPU's
 * physical addresses leave none above dom0's RAM), -ENOMEM. domctl lock.
 */
int ram_window_map(struct domain *dom0, struct domain *d, struct xl_dc_ram_window *w);

/* ram_window_end: one user of the window at base is done; the last one
 * takes it and the pages out of dom0's tables (flushed), frees its
 * addresses and the RAM of a domain destroyed meanwhile. 0,
 * -ENOENT (no window there), -EBUSY (dom0's vCPUs did not flush). domctl
 * lock. */
int ram_window_end(struct domain *dom0, uint64_t base);

/* ram_window_revoke: d is being destroyed: its window shows zeros from now
 * on (read-only), and so do its pages' own addresses; when this returns
 * no dom0 vCPU still reaches d's pages through its TLB. The window takes
 * d's tables and RAM (d->hvm.p2m left empty) and frees them at its end:
 * I/O dom0 started may still be writing into them. 0 or -EBUSY (d's pages
 * must not be freed yet). domctl lock. */
int ram_window_revoke(struct domain *d);

/* ram_window_p2m: XL_DOMCTL_RAM_P2M for d (out->gpa in). 0, -ENOENT (dom0
 * holds no window of d), -EFAULT (a hole in d's RAM). domctl lock. */
int ram_window_p2m(const struct domain *d, struct xl_dc_ram_p2m *out);

/* ram_window_fault: dom0 wrote into a revoked window at gpa: that 2 MiB
 * now shows the sink page (dom0's scratch, as hidden memory), so that the
 * write lands nowhere that matters and the zero page stays zero; into a
 * revoked page at its own machine address: that 4 KiB likewise. True if
 * so (the caller flushes its vCPU's nested TLB). dom0's vCPU. */
bool ram_window_fault(struct domain *dom0, uint64_t gpa, bool write);

#endif
