/* xl_private.h - what the library's own files share: the handle and the ioctl wrappers. */
#ifndef XL_PRIVATE_H
#define XL_PRIVATE_H

#include <stdarg.h>
#include <stddef.h>
#include "libxenolith.h"

struct xl_handle {
	int fd;			/* /dev/xenolith, open for the handle's life */
};

/* Issue one domctl/sysctl; 0 or a positive result, or -errno. */
int xl_do_domctl(struct xl_handle *h, struct xl_domctl *dc);
int xl_do_sysctl(struct xl_handle *h, struct xl_sysctl *sc);

/* Write "WHAT: reason for ret" into err (printf-style WHAT); returns ret. */
int xl_fail(int ret, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The reason for -errno ret, worded for a domain operation. */
const char *xl_reason(int ret);

#endif
