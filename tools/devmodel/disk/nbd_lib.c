/* nbd_lib.c - loading libnbd at run time (dlopen), for images in other formats only. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "disk/nbd_lib.h"

#define NBD_LIB_SONAME	"libnbd.so.0"

const struct nbd_lib *nbd_lib(char *err, size_t errlen)
{
	static struct nbd_lib lib;
	static void *handle;
	void *h;

	if (handle)
		return &lib;
	/* gnutls, which libnbd links, sets itself up as it is loaded (its
	 * priorities, the system's trust store through p11-kit): about
	 * 0.7 MiB of RSS for TLS, which the device model never asks libnbd
	 * for (its qemu-nbd is a child on a private socket). The device model
	 * has one thread: setenv is safe here. */
	setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 0);
	h = dlopen(NBD_LIB_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen, "%s (package libnbd0): %s", NBD_LIB_SONAME, dlerror());
		return NULL;
	}
#define NBD_LIB_LOAD(name)							\
	if (!(lib.name = (__typeof__(lib.name))dlsym(h, "nbd_" #name))) {	\
		snprintf(err, errlen, "%s: no nbd_%s", NBD_LIB_SONAME, #name);	\
		dlclose(h);							\
		return NULL;							\
	}
	NBD_LIB_CALLS(NBD_LIB_LOAD)
#undef NBD_LIB_LOAD
	handle = h;
	return &lib;
}
