/* Virtual IOAPIC: one per domain, an 82093AA register window as plain logic. */
#ifndef XENOLITH_ARCH_X86_VIOAPIC_H
#define XENOLITH_ARCH_X86_VIOAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* The window (82093AA datasheet §3.0): IOREGSEL at +0x00, IOWIN at +0x10. */
#define VIOAPIC_IOREGSEL	0x00
#define VIOAPIC_IOWIN		0x10
#define VIOAPIC_WINDOW		0x1000u	/* the page the caller traps */

/* Indirect registers (datasheet §3.2). */
#define VIOAPIC_REG_ID		0x00
#define VIOAPIC_REG_VER		0x01
#define VIOAPIC_REG_ARB		0x02
#define VIOAPIC_REG_REDIR	0x10	/* pin n: 0x10 + 2n (low), +1 (high) */

/* 82093AA version; the max-redirection-entry field says how many pins. */
#define VIOAPIC_VERSION		0x11
/* Most pins: the last redirection register must be below 0x100. */
#define VIOAPIC_MAX_PINS	120u

/* Redirection entry bits (datasheet §3.2.4). */
#define VIOAPIC_RTE_VECTOR	0xffull
#define VIOAPIC_RTE_DM_SHIFT	8
#define VIOAPIC_RTE_DESTMODE	(1ull << 11)
#define VIOAPIC_RTE_DELIVS	(1ull << 12)	/* read-only */
#define VIOAPIC_RTE_POLARITY	(1ull << 13)	/* 1 = active low */
#define VIOAPIC_RTE_REMOTE_IRR	(1ull << 14)	/* read-only */
#define VIOAPIC_RTE_LEVEL	(1ull << 15)
#define VIOAPIC_RTE_MASK	(1ull << 16)
#define VIOAPIC_RTE_DEST_SHIFT	56
/* What software may write: everything but bits 12, 14 and 17-55. */
#define VIOAPIC_RTE_WRITABLE	0xff0000000001afffull

/* What the model calls; opaque is vioapic_config.opaque. */
struct vioapic_ops {
	/*
	 * deliver: send one interrupt message (dest: 8-bit APIC ID or
	 * logical set; dest_mode true = logical; delivery_mode VLAPIC_DM_*;
	 * level: level-triggered). Returns 0 if some LAPIC accepted it:
	 * only then is Remote IRR set for a level pin. The routing code
	 * calls vlapic_group_deliver(). Must not call into this vIOAPIC.
	 */
	int (*deliver)(void *opaque, uint8_t dest, bool dest_mode,
		       unsigned int delivery_mode, uint8_t vector, bool level);
	/* entry_changed: the guest changed pin's redirection entry from old
	 * to new (any writable bit): program the physical pin. May be NULL. */
	void (*entry_changed)(void *opaque, unsigned int pin, uint64_t old,
			      uint64_t new_entry);
	/*
	 * eoi_pin: an EOI cleared pin's Remote IRR. Returns whether the input
	 * is still asserted. A pin fed by a physical level interrupt (which
	 * the hypervisor masked when it fired) unmasks the physical pin here
	 * and returns false: if the device still holds the line, the
	 * physical IOAPIC interrupts again and vioapic_set_irq() follows.
	 * May be NULL: the state from vioapic_set_irq() stands.
	 */
	bool (*eoi_pin)(void *opaque, unsigned int pin);
};

struct vioapic_config {
	uint64_t base;		/* guest-physical address of the window */
	unsigned int pins;	/* 1..VIOAPIC_MAX_PINS, e.g. the physical one's */
	uint8_t id;		/* initial IOAPIC ID (bits 27:24) */
	const struct vioapic_ops *ops;
	void *opaque;
};

/*
 * One vIOAPIC. The caller serialises every call on it (one lock per
 * domain); callbacks run under that lock.
 */
struct vioapic {
	struct vioapic_config cfg;
	uint32_t ioregsel;			/* bits 7:0 */
	uint32_t id;				/* ID register, bits 27:24 */
	uint64_t rte[VIOAPIC_MAX_PINS];		/* redirection entries */
	uint8_t asserted[VIOAPIC_MAX_PINS];	/* input line state */
};

/* vioapic_init: reset state (every pin masked, edge, vector 0). Returns 0
 * or -EINVAL (pins out of range, no deliver callback). */
int vioapic_init(struct vioapic *io, const struct vioapic_config *cfg);

/*
 * MMIO on the window, in struct mmio_ops form (opaque = the vioapic). The
 * 82093AA takes 32-bit accesses (datasheet §3.0): IOWIN as 4 bytes at
 * +0x10 (8 bytes act on the low 4); IOREGSEL also by a 1- or 2-byte write
 * (its low byte is the index). A read of 1 or 2 bytes inside the first 4
 * of either returns those bytes; other reads give 0, other writes are
 * dropped, unknown indirect registers read 0 and ignore writes. Returns 0,
 * or -EINVAL for a gpa outside the page or a size not 1/2/4/8.
 */
int vioapic_mmio_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val);
int vioapic_mmio_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val);

/*
 * vioapic_set_irq: the input of pin is now asserted (true) or not; level
 * is the logical state, the physical polarity already applied. Edge pins
 * deliver on the rising edge (lost while masked); level pins deliver while
 * asserted, unmasked and Remote IRR clear, and set Remote IRR. Returns 0,
 * or -EINVAL for a pin out of range.
 */
int vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level);

/*
 * vioapic_eoi: a LAPIC EOI of a level-triggered vector (vlapic eoi_level):
 * clears Remote IRR of every level pin with that vector (asking eoi_pin
 * whether its line is still asserted) and delivers again those still
 * asserted and unmasked. Returns how many pins matched.
 */
unsigned int vioapic_eoi(struct vioapic *io, uint8_t vector);

/* vioapic_entry: pin's redirection entry (0 for a pin out of range). */
uint64_t vioapic_entry(const struct vioapic *io, unsigned int pin);

#endif
