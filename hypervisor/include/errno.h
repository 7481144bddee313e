/* errno.h - error numbers returned (negated) by hypervisor functions. */
#ifndef XENOLITH_ERRNO_H
#define XENOLITH_ERRNO_H

/*
 * Values match Linux's so that dom0 tools can print them with strerror().
 * Include as "errno.h": unit tests put hypervisor/include on the quote path
 * only, so a host <errno.h> is never shadowed.
 */
#define EPERM      1
#define ENOENT     2
#define ESRCH      3
#define EIO        5
#define E2BIG      7
#define EAGAIN    11
#define ENOMEM    12
#define EFAULT    14
#define EBUSY     16
#define EEXIST    17
#define ENODEV    19
#define EINVAL    22
#define ENOSPC    28
#define ERANGE    34
#define ENOSYS    38
#define EOVERFLOW 75
#define EINPROGRESS 115
#define ETIMEDOUT 110

#endif
