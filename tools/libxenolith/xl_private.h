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

/*
 * xl_ring_copied: the end of a read from a ring (a domain's console, the
 * hypervisor's log) into a buffer of len bytes, whose answer said got bytes
 * were copied, the ring now at new_pos with new_lost bytes lost before it.
 * Sets *pos and, unless lost is NULL, *lost. Returns got, or -EIO when got
 * exceeds len, with "WHAT: N bytes returned for a buffer of LEN" in err
 * (printf-style WHAT) and *pos, *lost untouched.
 */
int xl_ring_copied(uint32_t got, size_t len, uint64_t new_pos, uint64_t new_lost,
		   uint64_t *pos, uint64_t *lost, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));

/* The reason for -errno ret, worded for a domain operation. */
const char *xl_reason(int ret);

#endif
