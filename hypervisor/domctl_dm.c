/* Domain control for device models: the ioreq server, its ranges and answers, MSIs, the RAM window, the SCI. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "domctl.h"
#include "errno.h"
#include "ioreq.h"
#include <arch/x86/hvm/domu.h>
#include <arch/x86/hvm/hvm_domain.h>
#include <arch/x86/hvm/ram_window.h>

int domctl_device_model(struct domain *caller, struct domain *d, struct xl_domctl *op)
{
	const struct xl_dc_ioreq_range *r = &op->u.ioreq_range;

	switch (op->cmd) {
	case XL_DOMCTL_IOREQ_SERVER:
		return ioreq_server_create(caller, d, op->u.ioreq_server.page_gpa);
	case XL_DOMCTL_IOREQ_SERVER_END:
		return ioreq_server_end(d);
	case XL_DOMCTL_IOREQ_MAP:
		return ioreq_map(d, r->type, r->start, r->len);
	case XL_DOMCTL_IOREQ_UNMAP:
		return ioreq_unmap(d, r->type, r->start, r->len);
	case XL_DOMCTL_IOREQ_POSTED:
		return ioreq_posted(d, op->u.ioreq_posted.id, op->u.ioreq_posted.start,
				    op->u.ioreq_posted.nr);
	case XL_DOMCTL_IOREQ_COMPLETE:
		return ioreq_complete(d, op->u.ioreq_server.vcpu);
	case XL_DOMCTL_MSI:
		return hvm_domain_msi(d, op->u.msi.addr, op->u.msi.data);
	case XL_DOMCTL_RAM_WINDOW:
		return ram_window_map(caller, d, &op->u.ram_window);
	case XL_DOMCTL_RAM_P2M:
		return ram_window_p2m(d, &op->u.ram_p2m);
	case XL_DOMCTL_DM_SCI:
		return op->u.dm_sci.pad ? -EINVAL : domu_dm_sci(d, op->u.dm_sci.level);
	default:
		return -ENOSYS;
	}
}

int domctl_ram_window_end(struct domain *caller, struct xl_domctl *op, bool *done)
{
	*done = true;
	return ram_window_end(caller, op->u.ram_window.base);
}
