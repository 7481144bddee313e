/* xl_lookup.c - a user's "name or id" to a domain id, against a list of domains. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libxenolith.h"

/* Names never consist of digits only (xl_domain_create refuses them), so
 * "3" is always an id; dom0 answers to "Domain-0" and "0" too. */
int xl_domain_lookup_in(const struct xl_domain_info *list, size_t n,
			const char *s, uint32_t *domid, char *err, size_t errlen)
{
	size_t i, len = strlen(s);

	if (len == 0) {
		snprintf(err, errlen, "domain '': empty domain name");
		return -EINVAL;
	}
	if (strspn(s, "0123456789") == len) {
		unsigned long v;
		char *end;

		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno || v >= XL_DOMID_SELF) {
			snprintf(err, errlen, "domain %s: not a valid domain id", s);
			return -EINVAL;
		}
		for (i = 0; i < n; i++) {
			if (list[i].domid == v) {
				*domid = (uint32_t)v;
				return 0;
			}
		}
		if (v == 0) {	/* dom0 exists even if the list leaves it out */
			*domid = 0;
			return 0;
		}
		snprintf(err, errlen, "domain %lu: no such domain", v);
		return -ESRCH;
	}
	for (i = 0; i < n; i++) {
		if (strncmp(list[i].name, s, XL_NAME_MAX) == 0 ||
		    (list[i].domid == 0 && strcmp(s, "Domain-0") == 0)) {
			*domid = list[i].domid;
			return 0;
		}
	}
	if (strcmp(s, "Domain-0") == 0) {
		*domid = 0;
		return 0;
	}
	snprintf(err, errlen, "domain '%s': no such domain", s);
	return -ESRCH;
}
