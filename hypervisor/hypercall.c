/* Hypercalls: who may call what, and the dispatch to domctl and sysctl. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "domctl.h"
#include "errno.h"
#include "hypercall.h"

int64_t hypercall(struct domain *caller, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	switch (nr) {
	case XL_HC_NULL:
		return 0;
	case XL_HC_VERSION:
		return XL_ABI_VERSION;
	case XL_HC_DOMCTL:
		return caller->is_dom0 ? domctl(caller, a0) : -EPERM;
	case XL_HC_SYSCTL:
		return caller->is_dom0 ? sysctl(caller, a0) : -EPERM;
	default:
		return -ENOSYS;
	}
}
