/* nbd_lib.h - libnbd's calls, loaded with dlopen by the first image that needs them. */
#ifndef DEVMODEL_DISK_NBD_LIB_H
#define DEVMODEL_DISK_NBD_LIB_H

#include <libnbd.h>
#include <stddef.h>

/* The libnbd calls disk/nbd.c makes, without their nbd_ prefix. */
#define NBD_LIB_CALLS(X)							\
	X(create) X(close) X(connect_systemd_socket_activation) X(get_size)	\
	X(is_read_only) X(get_error) X(aio_get_fd) X(aio_get_direction)	\
	X(aio_notify_read) X(aio_notify_write) X(aio_pread) X(aio_pwrite)	\
	X(aio_flush) X(aio_zero) X(pread)

struct nbd_lib {
#define NBD_LIB_MEMBER(name) __typeof__(nbd_##name) *name;
	NBD_LIB_CALLS(NBD_LIB_MEMBER)
#undef NBD_LIB_MEMBER
};

/* libnbd's calls, libnbd.so.0 loaded on the first use: a device model
 * with raw disks only never maps it (nor gnutls, libxml2, ICU and
 * libstdc++ behind it). NULL with err saying why if it cannot be loaded. */
const struct nbd_lib *nbd_lib(char *err, size_t errlen);

#endif
