/* xl_console.c - a domain's console ring: reading its output, typing into it. */
#include <errno.h>
#include <stdio.h>
#include "xl_private.h"

int xl_console_read(struct xl_handle *h, uint32_t domid, void *buf, size_t len,
		    uint64_t *pos, uint64_t *lost, char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_CONSOLE_READ, .domid = domid };
	int ret;

	if (len > XL_BUF_MAX)
		len = XL_BUF_MAX;
	dc.u.console.buf = (uint64_t)(uintptr_t)buf;
	dc.u.console.len = (uint32_t)len;
	dc.u.console.pos = *pos;
	ret = xl_do_domctl(h, &dc);
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: read the console", domid);
	if (dc.u.console.len > len) {
		snprintf(err, errlen, "domain %u: read the console: %u bytes returned "
			 "for a buffer of %zu", domid, dc.u.console.len, len);
		return -EIO;
	}
	*pos = dc.u.console.pos;
	if (lost)
		*lost = dc.u.console.lost;
	return (int)dc.u.console.len;
}

int xl_console_write(struct xl_handle *h, uint32_t domid, const void *buf,
		     size_t len, char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_CONSOLE_WRITE, .domid = domid };
	int ret;

	if (len > XL_BUF_MAX)
		len = XL_BUF_MAX;
	dc.u.console.buf = (uint64_t)(uintptr_t)buf;
	dc.u.console.len = (uint32_t)len;
	ret = xl_do_domctl(h, &dc);
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: type into the console", domid);
	return dc.u.console.len <= len ? (int)dc.u.console.len : (int)len;
}
