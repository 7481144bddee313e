/* xl_console.c - a domain's console ring: reading its output, typing into it. */
#include <stdint.h>
#include <string.h>
#include "xl_private.h"

/* *dc: the console domctl cmd for domid on buf; *len is clamped to XL_BUF_MAX. */
static void console_domctl(struct xl_domctl *dc, uint32_t cmd, uint32_t domid,
			   const void *buf, size_t *len)
{
	if (*len > XL_BUF_MAX)
		*len = XL_BUF_MAX;
	memset(dc, 0, sizeof(*dc));
	dc->cmd = cmd;
	dc->domid = domid;
	dc->u.console.buf = (uint64_t)(uintptr_t)buf;
	dc->u.console.len = (uint32_t)*len;
}

int xl_console_read(struct xl_handle *h, uint32_t domid, void *buf, size_t len,
		    uint64_t *pos, uint64_t *lost, char *err, size_t errlen)
{
	struct xl_domctl dc;
	int ret;

	console_domctl(&dc, XL_DOMCTL_CONSOLE_READ, domid, buf, &len);
	dc.u.console.pos = *pos;
	ret = xl_do_domctl(h, &dc);
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: read the console", domid);
	return xl_ring_copied(dc.u.console.len, len, dc.u.console.pos, dc.u.console.lost,
			      pos, lost, err, errlen, "domain %u: read the console", domid);
}

int xl_console_write(struct xl_handle *h, uint32_t domid, const void *buf,
		     size_t len, char *err, size_t errlen)
{
	struct xl_domctl dc;
	int ret;

	console_domctl(&dc, XL_DOMCTL_CONSOLE_WRITE, domid, buf, &len);
	ret = xl_do_domctl(h, &dc);
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: type into the console", domid);
	return dc.u.console.len <= len ? (int)dc.u.console.len : (int)len;
}
