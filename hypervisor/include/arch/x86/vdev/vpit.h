/* vpit.h - emulated Intel 8254 PIT (ports 0x40-0x43) and the port 0x61 bits it drives, as plain logic. */
#ifndef XENOLITH_ARCH_X86_VDEV_VPIT_H
#define XENOLITH_ARCH_X86_VDEV_VPIT_H

#include <stdbool.h>
#include <stdint.h>

#define VPIT_BASE	0x40u	/* counters 0-2 at 0x40-0x42 */
#define VPIT_CONTROL	0x43u	/* control word / read-back command */
#define VPIT_IO_LEN	4u
#define VPIT_PORT_B	0x61u	/* system control port B (PC/AT) */
#define VPIT_IRQ	0u	/* OUT0 */
#define VPIT_HZ		1193182u	/* the PC's 14.31818 MHz / 12 */
/* OUT0 never interrupts more often than this: a guest asking for a
 * 2-tick period would otherwise keep a CPU in the timer. */
#define VPIT_MIN_IRQ_NS	100000ull

/* Port 0x61 bits (IBM PC/AT technical reference, port B). */
#define VPIT_PORTB_GATE2	0x01u	/* R/W: counter 2 gate */
#define VPIT_PORTB_SPEAKER	0x02u	/* R/W: speaker data enable */
#define VPIT_PORTB_NMI_BITS	0x0cu	/* R/W: parity/IOCHK check enables (kept) */
#define VPIT_PORTB_REFRESH	0x10u	/* R: toggles on every read */
#define VPIT_PORTB_OUT2		0x20u	/* R: counter 2 OUT */

/* What the PIT calls; opaque is the one given to vpit_init(). */
struct vpit_ops {
	/* now_ns: monotonic nanoseconds (the hypervisor's clock). */
	uint64_t (*now_ns)(void *opaque);
	/* irq0: one rising edge of OUT0 (IRQ 0 as an edge). Called from
	 * vpit_timer() and, for an edge already due when the guest
	 * reprograms counter 0, from vpit_io(). Must not call back in. */
	void (*irq0)(void *opaque);
};

/* One counter (8254 datasheet, "Counter Description"). Times are now_ns;
 * values in clock ticks, binary (a BCD count is converted). */
struct vpit_channel {
	uint8_t ctrl;		/* control word bits 5-0 as written (status) */
	uint8_t mode;		/* 0-5 (6 and 7 are 2 and 3) */
	uint8_t rw;		/* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;		/* counters 0, 1: tied high; 2: port 0x61 bit 0 */
	bool has_count;		/* a count was written since the control word */
	bool running;		/* the counting element counts from start_ns */
	bool out_frozen;	/* OUT while not running */
	bool out_base;		/* modes 0/1/4/5: terminal count already passed */
	bool null_count;	/* status bit 6 */
	bool write_hi;		/* write flip-flop: next byte is the MSB */
	bool read_hi;		/* read flip-flop, unlatched LSB/MSB reads */
	bool latched, latch_hi;	/* counter latch and its flip-flop */
	bool status_latched;
	bool pending;		/* modes 2/3: new count from pending_tick on */
	uint8_t write_lo;	/* LSB of a count being written */
	uint8_t status;		/* latched status byte */
	uint16_t latch;		/* latched count as it reads */
	uint32_t count;		/* count register (1..65536 or 1..10000) */
	uint32_t start_val;	/* counting element at start_ns */
	uint32_t pending_count;
	uint64_t pending_tick;	/* ticks after start_ns */
	uint64_t start_ns;
};

/* The whole PIT; the caller serialises all calls on one vpit. */
struct vpit {
	const struct vpit_ops *ops;
	void *opaque;
	struct vpit_channel ch[3];
	uint64_t now;		/* time of the access in progress */
	uint64_t checked_ns;	/* OUT0 edges at or before this are done */
	uint64_t last_irq_ns;	/* when irq0 was last called */
	bool irq_seen;		/* irq0 has been called */
	bool speaker;		/* port 0x61 bit 1 */
	bool refresh;		/* port 0x61 bit 4 */
	uint8_t portb_nmi;	/* port 0x61 bits 2-3 */
};

/*
 * vpit_init: p with no counter programmed (no firmware ran: nothing
 * counts and OUT0 is quiet until the guest writes a control word and a
 * count), gate 2 low. ops->now_ns and ops->irq0 are required. Returns 0,
 * or -EINVAL.
 */
int vpit_init(struct vpit *p, const struct vpit_ops *ops, void *opaque);

/*
 * vpit_io: a guest access to port 0x40-0x43 or 0x61 (absolute) of size 1,
 * 2 or 4; wider accesses are byte cycles at port, port+1, ...; ports
 * outside those read 0xff and ignore writes; other sizes read all ones.
 * Modes 0-5, LSB/MSB/both access, counter latch, read-back (status and
 * count), BCD counting. Simplifications: a count is loaded at the write,
 * not on the next clock edge (838 ns); mode 3 reads are approximate for
 * odd counts; a new count in modes 2 and 3 starts at the end of the
 * current period (mode 3's real chip switches at the half period).
 */
void vpit_io(struct vpit *p, uint16_t port, unsigned int size, bool in,
	     uint32_t *val);

/*
 * vpit_next_event: the now_ns time at which vpit_timer() has an OUT0 edge
 * to deliver (at least VPIT_MIN_IRQ_NS after the last one), or UINT64_MAX
 * if OUT0 will not rise with the current programming. Call again after
 * every vpit_io() and vpit_timer().
 */
uint64_t vpit_next_event(struct vpit *p);

/*
 * vpit_timer: deliver OUT0's rising edges up to now: irq0 is called at
 * most once however many periods passed (missed periods are coalesced;
 * the next one is computed from now). Early calls do nothing.
 */
void vpit_timer(struct vpit *p);

#endif
