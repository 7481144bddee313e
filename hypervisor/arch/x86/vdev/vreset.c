/* vreset.c - the PC's reset paths: 0xcf9, the 8042 reset pulse, port 0x92. */
#include "arch/x86/vdev/vreset.h"
#include "arch/x86/vdev/vdev.h"
#include "errno.h"
#include "lib.h"

static uint8_t reg_read(void *dev, unsigned int port)
{
	struct vreset *r = dev;

	if (port == VRESET_PORT_CF9)
		return r->cf9;
	if (port == VRESET_PORT_92)
		return r->p92 | VRESET_P92_A20;
	/* 0x60 and 0x64: no keyboard controller (see vreset.h). */
	return VDEV_EMPTY_BYTE;
}

/*
 * 8042 commands: 0xf0-0xff pulse the output-port lines whose bits are 0
 * in the low nibble for 6 us, bit 0 being the CPU reset line; 0xd1
 * writes the output port from the next data byte (IBM PC/AT technical
 * reference, keyboard controller commands).
 */
static void kbd_command(struct vreset *r, uint8_t cmd)
{
	r->kbd_outport = cmd == VRESET_KBD_WRITE_OUTPORT;
	if (cmd >= 0xf0 && !(cmd & 1))
		r->ops->reset(r->opaque);
}

static void reg_write(void *dev, unsigned int port, uint8_t v)
{
	struct vreset *r = dev;

	switch (port) {
	case VRESET_PORT_CF9:
		r->cf9 = v & (VRESET_CF9_SYS_RST | VRESET_CF9_FULL_RST);
		if (v & VRESET_CF9_RST_CPU)
			r->ops->reset(r->opaque);
		break;
	case VRESET_PORT_92:
		r->p92 = v & 0xfc;
		if (v & VRESET_P92_RESET)
			r->ops->reset(r->opaque);
		break;
	case VRESET_PORT_KBD_CMD:
		kbd_command(r, v);
		break;
	case VRESET_PORT_KBD_DATA:
		if (r->kbd_outport && !(v & 1))
			r->ops->reset(r->opaque);
		r->kbd_outport = false;
		break;
	default:
		break;
	}
}

int vreset_init(struct vreset *r, const struct vreset_ops *ops, void *opaque)
{
	if (!r || !ops || !ops->reset)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->ops = ops;
	r->opaque = opaque;
	return 0;
}

void vreset_io(struct vreset *r, uint16_t port, unsigned int size, bool in,
	       uint32_t *val)
{
	vdev_io_bytes(r, port, size, in, val, reg_read, reg_write);
}
