/* pci_bus.h - bus 0 behind the host bridge: configuration mechanism #1 and MMIO dispatch to BARs. */
#ifndef DEVMODEL_PCI_BUS_H
#define DEVMODEL_PCI_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "pci_dev.h"
#include "pci_layout.h"

/* Start (on) or stop sending the domain's accesses to MMIO [addr, addr +
 * len) here: the glue to xl_ioreq_map_range()/unmap_range(). */
typedef void (*pci_bus_map_fn)(void *opaque, uint64_t addr, uint64_t len, bool on);
/* Start (on) or stop having the writes at the nr kick addresses from addr
 * (4 bytes apart) of the device in slot posted: the glue to
 * xl_ioreq_posted(). Called after its BAR is mapped, before it is unmapped. */
typedef void (*pci_bus_post_fn)(void *opaque, unsigned int slot, uint64_t addr, unsigned int nr,
				bool on);

/* All fields belong to the event loop. */
struct pci_bus {
	uint32_t conf_addr;		/* the 0xcf8 register */
	struct pci_dev host;		/* 00.0 */
	struct pci_dev *slot[PCI_LAYOUT_SLOTS];
	uint64_t mmio_next;		/* where the next BAR may go */
	pci_bus_map_fn map;
	pci_bus_post_fn post;		/* NULL: no posted writes (set after init) */
	void *opaque;
};

void pci_bus_init(struct pci_bus *b, pci_bus_map_fn map, void *opaque);
/* Plug d into the first free slot and give its BARs addresses in the MMIO
 * window (naturally aligned; the guest may move them). Returns the slot,
 * or -ENOSPC when the slots or the window are full. */
int pci_bus_add(struct pci_bus *b, struct pci_dev *d);
/* Unplug the device in slot (1..31; empty: nothing): its decoding BARs
 * stop, its configuration space reads all ones. Its BAR addresses are
 * not given out again (the window has room for 32768 such devices). */
void pci_bus_remove(struct pci_bus *b, unsigned int slot);

/* Port accesses to 0xcf8-0xcff (others read all ones). */
uint32_t pci_bus_pio_read(struct pci_bus *b, uint16_t port, unsigned int size);
void pci_bus_pio_write(struct pci_bus *b, uint16_t port, unsigned int size, uint32_t val);
/* An MMIO access: false if no decoding BAR holds [addr, addr + size). */
bool pci_bus_mmio_read(struct pci_bus *b, uint64_t addr, unsigned int size, uint64_t *val);
bool pci_bus_mmio_write(struct pci_bus *b, uint64_t addr, unsigned int size, uint64_t val);
/* Posted writes taken from the hypervisor: bit q of queues is a write to
 * the device in slot's kick address q, carried out as that write (value
 * q, 2 bytes). Nothing for an empty slot, a device without posted writes
 * or with its BAR not decoding, or a q past its kick addresses. */
void pci_bus_kick(struct pci_bus *b, unsigned int slot, uint64_t queues);

#endif
