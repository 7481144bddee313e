/* xl_handle.c - opening /dev/xenolith, the ioctl wrappers and the wording of errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xl_private.h"

struct xl_handle *xl_open(const char *path, char *err, size_t errlen)
{
	struct xl_handle *h;
	const char *hint = "";

	if (!path)
		path = XL_DEVICE;
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	h->fd = open(path, O_RDWR | O_CLOEXEC);
	if (h->fd >= 0)
		return h;
	if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
		hint = " (is the xenolith module loaded, and is this dom0 of a Xenolith hypervisor?)";
	else if (errno == EACCES || errno == EPERM)
		hint = " (xenoctl must run as root)";
	snprintf(err, errlen, "%s: %s%s", path, strerror(errno), hint);
	free(h);
	return NULL;
}

void xl_close(struct xl_handle *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

int xl_do_domctl(struct xl_handle *h, struct xl_domctl *dc)
{
	int ret = ioctl(h->fd, XL_IOCTL_DOMCTL, dc);

	return ret < 0 ? -errno : ret;
}

int xl_do_sysctl(struct xl_handle *h, struct xl_sysctl *sc)
{
	int ret = ioctl(h->fd, XL_IOCTL_SYSCTL, sc);

	return ret < 0 ? -errno : ret;
}

const char *xl_reason(int ret)
{
	switch (-ret) {
	case ESRCH:
		return "no such domain";
	case ENOSYS:
		return "not implemented by this hypervisor";
	case ENOTTY:
		return "request unknown to /dev/xenolith (module and tools do not match)";
	case EPERM:
		return "not permitted (only dom0 may do this)";
	case EBUSY:
		return "domain busy (being created or destroyed)";
	default:
		return strerror(-ret);
	}
}

int xl_fail(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return ret;
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - n, ": %s", xl_reason(ret));
	return ret;
}

int xl_ring_copied(uint32_t got, size_t len, uint64_t new_pos, uint64_t new_lost,
		   uint64_t *pos, uint64_t *lost, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (got > len) {
		if (!err || !errlen)
			return -EIO;
		va_start(ap, fmt);
		n = vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < errlen)
			snprintf(err + n, errlen - n, ": %u bytes returned for a buffer of %zu",
				 got, len);
		return -EIO;
	}
	*pos = new_pos;
	if (lost)
		*lost = new_lost;
	return (int)got;
}

char xl_state_letter(uint32_t state)
{
	static const char letters[] = "rbpscd";

	return state < sizeof(letters) - 1 ? letters[state] : '-';
}
