/* xl_memory.c - loading a domain: writing its RAM and setting a vCPU's first state. */
#include <errno.h>
#include <stdio.h>
#include "xl_private.h"

int xl_domain_write_memory(struct xl_handle *h, uint32_t domid, uint64_t gpa,
			   const void *data, size_t len, char *err, size_t errlen)
{
	const uint8_t *p = data;
	size_t done = 0;

	while (done < len) {
		struct xl_domctl dc = { .cmd = XL_DOMCTL_WRITE_MEMORY, .domid = domid };
		size_t n = len - done;
		int ret;

		if (n > XL_BUF_MAX)
			n = XL_BUF_MAX;
		dc.u.memory.gpa = gpa + done;
		dc.u.memory.buf = (uint64_t)(uintptr_t)(p + done);
		dc.u.memory.len = (uint32_t)n;
		ret = xl_do_domctl(h, &dc);
		if (ret < 0)
			return xl_fail(ret, err, errlen,
				       "domain %u: write %zu bytes at guest address 0x%llx",
				       domid, n, (unsigned long long)(gpa + done));
		done += n;
	}
	return 0;
}

int xl_vcpu_set_context(struct xl_handle *h, uint32_t domid,
			const struct xl_vcpu_context *ctx, char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_SET_VCPU, .domid = domid };
	int ret;

	dc.u.vcpu_context = *ctx;
	ret = xl_do_domctl(h, &dc);
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: vCPU %u: set its start state "
			       "(rip 0x%llx)", domid, ctx->vcpu, (unsigned long long)ctx->rip);
	return 0;
}
