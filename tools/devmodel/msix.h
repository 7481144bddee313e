/* msix.h - an MSI-X capability with its table and pending-bit array (PCI 3.0 §6.8.2). */
#ifndef DEVMODEL_MSIX_H
#define DEVMODEL_MSIX_H

#include <stdbool.h>
#include <stdint.h>

#include "pci_dev.h"

#define MSIX_MAX_VECTORS	65
#define MSIX_ENTRY_SIZE		16
#define MSIX_CAP_ID		0x11
#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_CTRL_MASKALL	0x4000

/* Where interrupts go: the glue to xl_irq_msi(), or a test's recorder. */
struct msix_sink {
	void (*raise)(void *opaque, uint64_t addr, uint32_t data);
	void *opaque;
};

/* All fields belong to the event loop. */
struct msix {
	unsigned int nr;		/* vectors */
	unsigned int cap;		/* the capability's offset in dev->cfg */
	struct pci_dev *dev;
	struct msix_sink sink;
	uint32_t table[MSIX_MAX_VECTORS][4];	/* address lo, hi, data, vector control */
	uint64_t pba[(MSIX_MAX_VECTORS + 63) / 64];
};

/* Add the capability to d: nr vectors (<= MSIX_MAX_VECTORS), the table at
 * table_off and the PBA at pba_off of BAR bar; every vector masked. */
void msix_init(struct msix *m, struct pci_dev *d, unsigned int nr, unsigned int bar,
	       uint32_t table_off, uint32_t pba_off, struct msix_sink sink);
bool msix_enabled(const struct msix *m);
/* Signal vector: sent now, or left pending while masked; nothing if
 * MSI-X is off or the vector does not exist. */
void msix_notify(struct msix *m, unsigned int vector);
/* The guest's accesses to the table and the PBA (offsets from their start). */
uint64_t msix_table_read(const struct msix *m, uint64_t off, unsigned int size);
void msix_table_write(struct msix *m, uint64_t off, unsigned int size, uint64_t val);
uint64_t msix_pba_read(const struct msix *m, uint64_t off, unsigned int size);
/* The capability's message control was written: send what unmasking freed. */
void msix_ctrl_written(struct msix *m);

#endif
