/* pci_dev.h - one PCI function's type-0 configuration space: ids, command, BARs, capabilities. */
#ifndef DEVMODEL_PCI_DEV_H
#define DEVMODEL_PCI_DEV_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_DEV_CFG_SIZE	256
#define PCI_DEV_BARS		6

#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEMORY	0x0002
#define PCI_COMMAND_MASTER	0x0004
#define PCI_COMMAND_INTX_OFF	0x0400
#define PCI_STATUS		0x06
#define PCI_STATUS_CAP_LIST	0x0010
#define PCI_BAR0		0x10
#define PCI_BAR_MEM_64		0x4
#define PCI_CAP_PTR		0x34

struct pci_dev;

/* What a device does with its BARs and its capabilities (written by the
 * device's owner, e.g. virtio/pci.c). Offsets are from the BAR's start.
 * For config accesses at or above 0x40 (the capabilities): cap_read may
 * refresh cfg[off, off + size) before it is read; cap_write is told of a
 * write after its writable bits (wmask) were stored. */
struct pci_dev_ops {
	uint64_t (*bar_read)(struct pci_dev *d, unsigned int bar, uint64_t off, unsigned int size);
	void (*bar_write)(struct pci_dev *d, unsigned int bar, uint64_t off, unsigned int size,
			  uint64_t val);
	void (*cap_read)(struct pci_dev *d, unsigned int off, unsigned int size);
	void (*cap_write)(struct pci_dev *d, unsigned int off, unsigned int size);
};

/* Tell the bus that BAR bar's decoding started (on) or stopped. */
typedef void (*pci_dev_map_fn)(struct pci_dev *d, unsigned int bar, bool on);

/* Writes that only kick: nr (<= PCI_POSTED_MAX) addresses PCI_POSTED_STRIDE
 * bytes apart from off in BAR bar (virtio's notify region), which the
 * hypervisor may complete at once and pass on as kicks (pci_bus_kick). nr
 * 0: none. */
#define PCI_POSTED_STRIDE	4
#define PCI_POSTED_MAX		64
struct pci_posted {
	uint64_t off;
	uint16_t nr;
	uint8_t bar;
};

struct pci_bar {
	uint64_t size;			/* 0: no BAR; else a power of 2 >= 16 */
	uint64_t addr;			/* as the guest last wrote it */
	bool is64;			/* takes this slot and the next */
	bool mapped;			/* decoding: memory enabled and addr valid */
};

/* All fields belong to the event loop. */
struct pci_dev {
	uint8_t cfg[PCI_DEV_CFG_SIZE];	/* little-endian, as the guest reads it */
	uint8_t wmask[PCI_DEV_CFG_SIZE];	/* bits the guest may write (BARs aside) */
	struct pci_bar bar[PCI_DEV_BARS];
	uint8_t cap_end;		/* where the next capability goes */
	uint8_t cap_last;		/* the last one's offset (0: none) */
	struct pci_posted posted;
	const struct pci_dev_ops *ops;
	pci_dev_map_fn map;		/* set by the bus */
	void *bus;
	unsigned int slot;		/* set by the bus */
	void *owner;
};

/* A function with these ids (class is class << 16 | subclass << 8 | progif). */
void pci_dev_init(struct pci_dev *d, uint16_t vendor, uint16_t device, uint32_t class,
		  uint8_t revision, const struct pci_dev_ops *ops, void *owner);
void pci_dev_set_subsystem(struct pci_dev *d, uint16_t vendor, uint16_t device);
/* Declare memory BAR bar of size bytes (a power of 2 >= 16), 64-bit or not. */
void pci_dev_add_bar(struct pci_dev *d, unsigned int bar, uint64_t size, bool is64);
/* Link a capability of len bytes with id; returns its offset in cfg[]. */
unsigned int pci_dev_add_cap(struct pci_dev *d, uint8_t id, unsigned int len);

/* Let the guest write the bits of mask in the size bytes at off. */
void pci_dev_set_wmask(struct pci_dev *d, unsigned int off, unsigned int size, uint32_t mask);

/* Config space access at off (size 1, 2 or 4, naturally aligned). */
uint32_t pci_dev_cfg_read(struct pci_dev *d, unsigned int off, unsigned int size);
void pci_dev_cfg_write(struct pci_dev *d, unsigned int off, unsigned int size, uint32_t val);

/* Little-endian field helpers over cfg[]. */
uint32_t pci_dev_get(const struct pci_dev *d, unsigned int off, unsigned int size);
void pci_dev_put(struct pci_dev *d, unsigned int off, unsigned int size, uint32_t val);

#endif
