/* vdebug_exit.c - the debug exit port: a written byte ends the domain with that status. */
#include "arch/x86/vdev/vdebug_exit.h"
#include "arch/x86/vdev/vdev.h"
#include "errno.h"

static uint8_t reg_read(void *dev, unsigned int port)
{
	(void)dev;
	(void)port;
	return VDEV_EMPTY_BYTE;
}

static void reg_write(void *dev, unsigned int port, uint8_t v)
{
	struct vdebug_exit *d = dev;

	if (port == d->port)
		d->ops->exit(d->opaque, v);
}

int vdebug_exit_init(struct vdebug_exit *d, uint16_t port,
		     const struct vdebug_exit_ops *ops, void *opaque)
{
	if (!d || !ops || !ops->exit)
		return -EINVAL;
	d->ops = ops;
	d->opaque = opaque;
	d->port = port;
	return 0;
}

void vdebug_exit_io(struct vdebug_exit *d, uint16_t port, unsigned int size,
		    bool in, uint32_t *val)
{
	vdev_io_bytes(d, port, size, in, val, reg_read, reg_write);
}
