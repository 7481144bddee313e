/* xl_sched.c - the credit scheduler's weight and cap, vCPU affinity and vCPU state. */
#include <errno.h>
#include <stdio.h>
#include "xl_private.h"

int xl_sched_get(struct xl_handle *h, uint32_t domid, uint32_t *weight,
		 uint32_t *cap, char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_GET_SCHED, .domid = domid };
	int ret = xl_do_domctl(h, &dc);

	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: read weight and cap", domid);
	*weight = dc.u.sched.weight;
	*cap = dc.u.sched.cap;
	return 0;
}

int xl_sched_set(struct xl_handle *h, uint32_t domid, uint32_t weight,
		 uint32_t cap, char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_SET_SCHED, .domid = domid };
	int ret;

	if (weight > 65535) {
		snprintf(err, errlen, "domain %u: weight %u: must be 1..65535", domid, weight);
		return -EINVAL;
	}
	dc.u.sched.weight = weight;
	dc.u.sched.cap = cap;
	ret = xl_do_domctl(h, &dc);
	if (ret == -EINVAL && cap != XL_SCHED_KEEP) {
		snprintf(err, errlen, "domain %u: cap %u: refused by the hypervisor "
			 "(at most 100 per vCPU)", domid, cap);
		return ret;
	}
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: set weight and cap", domid);
	return 0;
}

int xl_vcpu_pin(struct xl_handle *h, uint32_t domid, uint32_t vcpu,
		uint64_t cpumap, char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_VCPU_PIN, .domid = domid };
	int ret;

	dc.u.vcpu.vcpu = vcpu;
	dc.u.vcpu.cpumap = cpumap;
	ret = xl_do_domctl(h, &dc);
	if (ret == -EINVAL) {
		snprintf(err, errlen, "domain %u: vCPU %u: pin to CPU map 0x%llx: no such "
			 "vCPU, or no CPU of the map is online", domid, vcpu,
			 (unsigned long long)cpumap);
		return ret;
	}
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: vCPU %u: pin", domid, vcpu);
	return 0;
}

int xl_vcpu_info(struct xl_handle *h, uint32_t domid, uint32_t vcpu,
		 struct xl_dc_vcpu *out, char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_VCPU_INFO, .domid = domid };
	int ret;

	dc.u.vcpu.vcpu = vcpu;
	ret = xl_do_domctl(h, &dc);
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: vCPU %u", domid, vcpu);
	*out = dc.u.vcpu;
	out->vcpu = vcpu;
	return 0;
}
