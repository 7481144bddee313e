/* xl_sci.c - a device model's share of a domU's SCI line (its GPE0 block). */
#include "xl_private.h"

int xl_irq_sci(struct xl_handle *h, uint32_t domid, uint32_t level, char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_DM_SCI, .domid = domid };
	int ret;

	dc.u.dm_sci.level = level;
	ret = xl_do_domctl(h, &dc);
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: SCI %s", domid,
			       level ? "assert" : "release");
	return 0;
}
