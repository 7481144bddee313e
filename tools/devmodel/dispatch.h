/* dispatch.h - handing one I/O request of the domain to the device that decodes it. */
#ifndef DEVMODEL_DISPATCH_H
#define DEVMODEL_DISPATCH_H

#include "libxenolith/libxenolith.h"
#include "pci_bus.h"

/* Carry out req on bus: a port access goes to the configuration ports, an
 * MMIO access to the BAR holding it. A read's value goes into req->data
 * (all ones where nothing answers); bad sizes read all ones and write
 * nothing. Does not complete req. */
void dm_dispatch(struct pci_bus *bus, struct xl_ioreq *req);

#endif
