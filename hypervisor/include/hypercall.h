/* Hypercalls: the entry from any domain's vCPU, checked and dispatched. */
#ifndef XENOLITH_HYPERCALL_H
#define XENOLITH_HYPERCALL_H

#include <stdint.h>

struct domain;

/*
 * hypercall: caller's hypercall nr with arguments a0..a2 (RDI, RSI, RDX),
 * on the caller's vCPU thread; returns what goes to RAX: 0 or a positive
 * value, or -errno (-ENOSYS unknown, -EPERM a control call from a domU).
 * Every argument is the caller's and untrusted.
 */
int64_t hypercall(struct domain *caller, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2);

#endif
