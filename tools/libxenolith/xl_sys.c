/* xl_sys.c - the machine and the hypervisor: info, its log, and the module's benchmark. */
#include <errno.h>
#include <stdio.h>
#include "xl_private.h"

int xl_sys_info(struct xl_handle *h, struct xl_sys_info *info, char *err, size_t errlen)
{
	struct xl_sysctl sc = { .cmd = XL_SYSCTL_INFO };
	int ret = xl_do_sysctl(h, &sc);

	if (ret < 0)
		return xl_fail(ret, err, errlen, "hypervisor information");
	*info = sc.u.info;
	info->version[sizeof(info->version) - 1] = '\0';
	return 0;
}

int xl_read_log(struct xl_handle *h, void *buf, size_t len, uint64_t *pos,
		uint64_t *lost, char *err, size_t errlen)
{
	struct xl_sysctl sc = { .cmd = XL_SYSCTL_READLOG };
	int ret;

	if (len > XL_BUF_MAX)
		len = XL_BUF_MAX;
	sc.u.log.buf = (uint64_t)(uintptr_t)buf;
	sc.u.log.len = (uint32_t)len;
	sc.u.log.pos = *pos;
	ret = xl_do_sysctl(h, &sc);
	if (ret < 0)
		return xl_fail(ret, err, errlen, "read the hypervisor log");
	return xl_ring_copied(sc.u.log.len, len, sc.u.log.pos, sc.u.log.lost, pos, lost,
			      err, errlen, "read the hypervisor log");
}

int xl_bench(struct xl_handle *h, uint32_t what, uint32_t count,
	     uint64_t *cycles, char *err, size_t errlen)
{
	struct xl_bench b = { .what = what, .count = count };

	if (count < 1 || count > 1000000) {
		snprintf(err, errlen, "benchmark: count %u: must be 1..1000000", count);
		return -EINVAL;
	}
	if (ioctl(h->fd, XL_IOCTL_BENCH, &b) < 0)
		return xl_fail(-errno, err, errlen, "benchmark %u (%u times)", what, count);
	*cycles = b.cycles;
	return 0;
}
