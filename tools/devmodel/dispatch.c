/* dispatch.c - one xl_ioreq to the PCI bus (ports) or a BAR's owner (MMIO). */
#include "dispatch.h"

void dm_dispatch(struct pci_bus *bus, struct xl_ioreq *req)
{
	unsigned int size = req->size;
	bool write = req->dir == XL_IOREQ_WRITE;
	uint64_t val = ~0ull, mask;

	if (size != 1 && size != 2 && size != 4 && (size != 8 || req->type != XL_IOREQ_MMIO)) {
		if (!write)
			req->data = ~0ull;
		return;
	}
	mask = size == 8 ? ~0ull : (1ull << 8 * size) - 1;
	if (req->type == XL_IOREQ_PIO) {
		if (write)
			pci_bus_pio_write(bus, req->addr, size, req->data & mask);
		else
			val = pci_bus_pio_read(bus, req->addr, size);
	} else if (write) {
		pci_bus_mmio_write(bus, req->addr, size, req->data & mask);
	} else if (!pci_bus_mmio_read(bus, req->addr, size, &val)) {
		val = ~0ull;
	}
	if (!write)
		req->data = val & mask;
}
