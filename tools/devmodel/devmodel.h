/* devmodel.h - the state of one xenolith-dm process, shared by main.c and ioreq_loop.c (the libxenolith glue). */
#ifndef DEVMODEL_DEVMODEL_H
#define DEVMODEL_DEVMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "disk/disk.h"
#include "libxenolith/libxenolith.h"
#include "pci_bus.h"
#include "net/net.h"
#include "virtio/blk.h"
#include "virtio/net.h"

/* One domain's device model; everything belongs to the one thread. */
struct dm {
	struct xl_handle *xl;
	uint32_t domid;
	struct xl_guest_ram ram;
	struct xl_ioreq_server *srv;
	struct pci_bus bus;
	unsigned int nr_disks;
	struct disk *disk[DM_MAX_DISKS];
	struct virtio_blk *blk[DM_MAX_DISKS];
	unsigned int nr_nics;
	struct net *net[DM_MAX_NICS];		/* the taps */
	struct virtio_net *vnet[DM_MAX_NICS];
	bool tap_failed[DM_MAX_NICS];		/* its rx_error was logged */
	unsigned long msi_errors;	/* xl_irq_msi() failures, the first logged */
	unsigned long map_errors;	/* BAR (un)mapping failures, the first logged */
};

/* pci_bus_map_fn over xl_ioreq_map_range()/unmap_range(); logs the first
 * failure (a guest may move a BAR onto something else again and again). */
void dm_bar_map(void *opaque, uint64_t addr, uint64_t len, bool on);
/* msix_sink.raise over xl_irq_msi(). */
void dm_msi(void *opaque, uint64_t addr, uint32_t data);
/* Serve the domain until it is gone (0) or the server fails (-errno). */
int dm_loop(struct dm *dm);

#endif
