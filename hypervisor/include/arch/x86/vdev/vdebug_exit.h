/* vdebug_exit.h - the debug exit port (0xf4) of test kernels: a byte written ends the domain with that status, as QEMU's isa-debug-exit. */
#ifndef XENOLITH_ARCH_X86_VDEV_VDEBUG_EXIT_H
#define XENOLITH_ARCH_X86_VDEV_VDEBUG_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#define VDEBUG_EXIT_PORT	0xf4u

struct vdebug_exit_ops {
	/* exit: the guest wrote status (the byte as written; QEMU's device
	 * would exit the process with (status << 1) | 1). The domain ends.
	 * Called from inside vdebug_exit_io(); must not call back in. */
	void (*exit)(void *opaque, uint8_t status);
};

struct vdebug_exit {
	const struct vdebug_exit_ops *ops;
	void *opaque;
	uint16_t port;
};

/* vdebug_exit_init: d at port (VDEBUG_EXIT_PORT). ops->exit is required.
 * Returns 0 or -EINVAL. */
int vdebug_exit_init(struct vdebug_exit *d, uint16_t port,
		     const struct vdebug_exit_ops *ops, void *opaque);

/*
 * vdebug_exit_io: a guest access of size 1, 2 or 4 at port; byte cycles
 * at port, port+1, ...: the byte that lands on d->port calls ops->exit;
 * reads return 0xff (nothing to read); other sizes do nothing.
 */
void vdebug_exit_io(struct vdebug_exit *d, uint16_t port, unsigned int size,
		    bool in, uint32_t *val);

#endif
