/* hotplug.h - ACPI PCI hotplug registers and the GPE0 block (docs/device-model.md "Hotplug"). */
#ifndef DEVMODEL_HOTPLUG_H
#define DEVMODEL_HOTPLUG_H

#include <stdbool.h>
#include <stdint.h>

#include "libxenolith/libxenolith.h"

/* The GPE0 block (the FADT's GPE0_BLK, tools/libxenolith/guest.h): a
 * 16-bit status register (write 1 to clear) and a 16-bit enable register. */
#define HOTPLUG_GPE0_BASE	0xafe0u
#define HOTPLUG_GPE0_LEN	4u
#define HOTPLUG_GPE_BIT		1u	/* \_GPE._E01: PCI hotplug */

/* The slot registers that the DSDT's PCNT and _EJ0 use (dword accesses;
 * bit n is PCI slot n of bus 0):
 *   +0 UP    read: slots with a new device since the last read (then 0)
 *   +4 DOWN  read: slots whose eject the host requests since the last read (then 0)
 *   +8 EJECT write: bit n: the guest released slot n (from _EJ0)
 *   +c SIGN  read: HOTPLUG_SIGN, so that the DSDT ignores the block when
 *            no device model answers (all ones) */
#define HOTPLUG_SLOTS_BASE	0xae00u
#define HOTPLUG_SLOTS_LEN	16u
#define HOTPLUG_SIGN		0x504c4858u	/* "XHLP" */

/* The SCI line's share of this block changed (on change only). */
typedef void (*hotplug_sci_fn)(void *opaque, bool level);

/* All fields belong to the event loop. */
struct hotplug {
	uint32_t up;			/* slots to announce (bus check) */
	uint32_t down;			/* slots to ask to eject (eject request) */
	uint32_t ejected;		/* slots the guest released, not yet taken */
	uint16_t gpe_sts, gpe_en;
	bool sci;			/* the level last given to sci() */
	hotplug_sci_fn sci_fn;
	void *opaque;
};

void hotplug_init(struct hotplug *h, hotplug_sci_fn sci, void *opaque);
/* A device appeared in slot (1..31): tell the guest (GPE, bus check). */
void hotplug_plug(struct hotplug *h, unsigned int slot);
/* Ask the guest to give slot back (GPE, eject request). */
void hotplug_request_eject(struct hotplug *h, unsigned int slot);
/* The slots the guest released since the last call (then forgotten). */
uint32_t hotplug_take_ejected(struct hotplug *h);
/* Carry out req if it is a port access to this block's registers: true
 * (a read's value in req->data; odd sizes read all ones, write nothing),
 * or false (not ours). */
bool hotplug_ioreq(struct hotplug *h, struct xl_ioreq *req);

#endif
