/* xl_domain.c - domain life: create, destroy, pause, shutdown, reset, rename, info and list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "xl_private.h"

/* A domctl with no arguments but the domain; what names it in messages. */
static int simple_domctl(struct xl_handle *h, uint32_t cmd, uint32_t domid,
			 const char *what, char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = cmd, .domid = domid };
	int ret = xl_do_domctl(h, &dc);

	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: %s", domid, what);
	return 0;
}

/* Check a name as the hypervisor will: 1..31 of [A-Za-z0-9_.-]. */
static int check_name(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name), i;

	if (n == 0 || n >= XL_NAME_MAX) {
		snprintf(err, errlen, "domain name '%s': must have 1 to %d characters",
			 name, XL_NAME_MAX - 1);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
			snprintf(err, errlen, "domain name '%s': character %zu is not one of "
				 "A-Z a-z 0-9 _ . -", name, i + 1);
			return -EINVAL;
		}
	}
	if (strspn(name, "0123456789") == n) {
		snprintf(err, errlen, "domain name '%s': must not be all digits "
			 "(it would read as a domain id)", name);
		return -EINVAL;
	}
	return 0;
}

int xl_domain_create(struct xl_handle *h, const char *name, uint32_t vcpus,
		     uint64_t memory_kib, uint32_t *domid, char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_CREATE };
	int ret;

	ret = check_name(name, err, errlen);
	if (ret)
		return ret;
	memcpy(dc.u.create.name, name, strlen(name) + 1);
	dc.u.create.vcpus = vcpus;
	dc.u.create.memory_kib = memory_kib;
	dc.u.create.wallclock_s = (uint64_t)time(NULL);
	ret = xl_do_domctl(h, &dc);
	if (ret == -EEXIST) {
		snprintf(err, errlen, "domain '%s': a domain of that name exists already", name);
		return ret;
	}
	if (ret == -ENOMEM) {
		snprintf(err, errlen, "domain '%s': not enough free memory for %llu MiB "
			 "(see free_memory in `xenoctl info`)", name,
			 (unsigned long long)(memory_kib >> 10));
		return ret;
	}
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain '%s': create (%u vCPUs, %llu KiB)",
			       name, vcpus, (unsigned long long)memory_kib);
	*domid = dc.domid;
	return 0;
}

int xl_domain_destroy(struct xl_handle *h, uint32_t domid, char *err, size_t errlen)
{
	return simple_domctl(h, XL_DOMCTL_DESTROY, domid, "destroy", err, errlen);
}

int xl_domain_pause(struct xl_handle *h, uint32_t domid, char *err, size_t errlen)
{
	return simple_domctl(h, XL_DOMCTL_PAUSE, domid, "pause", err, errlen);
}

int xl_domain_unpause(struct xl_handle *h, uint32_t domid, char *err, size_t errlen)
{
	return simple_domctl(h, XL_DOMCTL_UNPAUSE, domid, "unpause", err, errlen);
}

int xl_domain_reset(struct xl_handle *h, uint32_t domid, char *err, size_t errlen)
{
	return simple_domctl(h, XL_DOMCTL_RESET, domid, "reset", err, errlen);
}

int xl_domain_shutdown(struct xl_handle *h, uint32_t domid, char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_SHUTDOWN, .domid = domid };
	int ret;

	dc.u.shutdown.kind = XL_SHUTDOWN_REQ_POWER_BUTTON;
	ret = xl_do_domctl(h, &dc);
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: press the power button", domid);
	return 0;
}

int xl_domain_rename(struct xl_handle *h, uint32_t domid, const char *name,
		     char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_RENAME, .domid = domid };
	int ret;

	ret = check_name(name, err, errlen);
	if (ret)
		return ret;
	memcpy(dc.u.rename.name, name, strlen(name) + 1);
	ret = xl_do_domctl(h, &dc);
	if (ret == -EEXIST) {
		snprintf(err, errlen, "domain %u: rename to '%s': a domain of that name "
			 "exists already", domid, name);
		return ret;
	}
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: rename to '%s'", domid, name);
	return 0;
}

/* GETINFO with flags; fills info from the reply. */
static int getinfo(struct xl_handle *h, uint32_t domid, uint32_t flags,
		   struct xl_domain_info *info)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_GETINFO, .domid = domid };
	int ret;

	dc.u.info.flags = flags;
	ret = xl_do_domctl(h, &dc);
	if (ret < 0)
		return ret;
	*info = dc.u.info;
	info->name[XL_NAME_MAX - 1] = '\0';
	return 0;
}

int xl_domain_getinfo(struct xl_handle *h, uint32_t domid,
		      struct xl_domain_info *info, char *err, size_t errlen)
{
	int ret = getinfo(h, domid, 0, info);

	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u", domid);
	return 0;
}

int xl_domain_list(struct xl_handle *h, struct xl_domain_info **out,
		   char *err, size_t errlen)
{
	struct xl_domain_info *list = NULL, *bigger, info;
	size_t n = 0, cap = 0;
	uint32_t next = 0;
	int ret;

	for (;;) {
		ret = getinfo(h, next, XL_GETINFO_NEXT, &info);
		if (ret == -ESRCH)
			break;
		if (ret < 0) {
			free(list);
			return xl_fail(ret, err, errlen, "list domains (from id %u)", next);
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			bigger = realloc(list, cap * sizeof(*list));
			if (!bigger) {
				free(list);
				snprintf(err, errlen, "list domains: out of memory");
				return -ENOMEM;
			}
			list = bigger;
		}
		list[n++] = info;
		if (info.domid < next || info.domid >= XL_DOMID_SELF)
			break;	/* a hypervisor that ignores NEXT: stop, never loop */
		next = info.domid + 1;
	}
	*out = list;
	return (int)n;
}

int xl_domain_lookup(struct xl_handle *h, const char *name_or_id,
		     uint32_t *domid, char *err, size_t errlen)
{
	struct xl_domain_info *list;
	int n, ret;

	n = xl_domain_list(h, &list, err, errlen);
	if (n < 0)
		return n;
	ret = xl_domain_lookup_in(list, (size_t)n, name_or_id, domid, err, errlen);
	free(list);
	return ret;
}
