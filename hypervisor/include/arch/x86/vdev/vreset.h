/* vreset.h - the PC's reset paths for a domU: reset control register 0xcf9, keyboard controller pulse, fast reset port 0x92. */
#ifndef XENOLITH_ARCH_X86_VDEV_VRESET_H
#define XENOLITH_ARCH_X86_VDEV_VRESET_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Reset control register (Intel ICH/PCH RST_CNT, I/O 0xcf9): bit 1
 * SYS_RST (hard reset), bit 2 RST_CPU (writing 1 resets), bit 3 FULL_RST.
 * Only byte accesses at 0xcf9 are the reset register; wider accesses at
 * 0xcf8 are PCI CONFIG_ADDRESS and belong to the PCI host bridge.
 * The FADT's RESET_REG (ACPI 6.5 §5.2.9, §4.8.3.6): system I/O, 8 bits,
 * address VRESET_PORT_CF9, RESET_VALUE VRESET_CF9_RESET_VALUE, with the
 * RESET_REG_SUP flag set.
 */
#define VRESET_PORT_CF9		0xcf9u
#define VRESET_CF9_RESET_VALUE	0x06u
#define VRESET_CF9_SYS_RST	0x02u
#define VRESET_CF9_RST_CPU	0x04u
#define VRESET_CF9_FULL_RST	0x08u

/*
 * 8042 keyboard controller ports. No keyboard controller is emulated:
 * both ports read 0xff like an empty bus, so Linux's i8042 probe finds
 * no controller at once (i8042_flush() gives up on a status that always
 * has OBF set); Linux's reboot kb_wait() sees IBF set, gives up after
 * 0x10000 polls and writes 0xfe anyway (arch/x86/kernel/reboot.c), which
 * is caught here: any pulse command 0xf0-0xfe with bit 0 clear pulses
 * the CPU reset line, as does command 0xd1 followed by an output-port
 * byte with bit 0 clear.
 */
#define VRESET_PORT_KBD_DATA	0x60u
#define VRESET_PORT_KBD_CMD	0x64u
#define VRESET_KBD_PULSE_RESET	0xfeu
#define VRESET_KBD_WRITE_OUTPORT 0xd1u

/* System control port A (PS/2): bit 0 fast reset (writing 1 resets),
 * bit 1 A20 gate (reads 1: A20 is always on in a domU). */
#define VRESET_PORT_92		0x92u
#define VRESET_P92_RESET	0x01u
#define VRESET_P92_A20		0x02u

/* What the block calls; opaque is the one given to vreset_init(). */
struct vreset_ops {
	/* reset: the guest asked for a platform reset (the domain reboots).
	 * Called from inside vreset_io(); must not call back in. */
	void (*reset)(void *opaque);
};

/* State; the caller serialises all calls on one vreset. */
struct vreset {
	const struct vreset_ops *ops;
	void *opaque;
	uint8_t cf9;		/* SYS_RST and FULL_RST as written */
	uint8_t p92;		/* port 0x92 bits 2-7 as written */
	bool kbd_outport;	/* 0xd1 seen: the next 0x60 byte is the output port */
};

/* vreset_init: r at power-up. ops->reset is required. Returns 0 or -EINVAL. */
int vreset_init(struct vreset *r, const struct vreset_ops *ops, void *opaque);

/*
 * vreset_io: a guest access to 0x60, 0x64, 0x92 or 0xcf9 of size 1, 2 or
 * 4; wider accesses are byte cycles at port, port+1, ...; other ports
 * read 0xff and ignore writes, other sizes read all ones.
 */
void vreset_io(struct vreset *r, uint16_t port, unsigned int size, bool in,
	       uint32_t *val);

#endif
