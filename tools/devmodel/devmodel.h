/* devmodel.h - the state of one xenolith-dm process, shared by main.c and ioreq_loop.c (the libxenolith glue). */
#ifndef DEVMODEL_DEVMODEL_H
#define DEVMODEL_DEVMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "ctl_cmd.h"
#include "disk/disk.h"
#include "hotplug.h"
#include "libxenolith/libxenolith.h"
#include "pci_bus.h"
#include "net/net.h"
#include "virtio/blk.h"
#include "virtio/net.h"

/* How long a detach waits for the guest's _EJ0. */
#define DM_EJECT_TIMEOUT_S	10

/* One disk on the bus, from --disk or attach until the guest ejects it. */
struct dm_disk {
	struct dm_disk_arg arg;		/* arg.path is path */
	char *path;
	struct disk *disk;		/* the backend; &gone after a forced detach */
	struct disk gone;
	struct virtio_blk blk;
	unsigned int slot;		/* PCI slot on bus 0 */
};

/* One NIC on the bus, from --nic or attach until the guest ejects it. */
struct dm_nic {
	struct dm_nic_arg arg;		/* vifname and mac filled in */
	unsigned int devid;		/* its index in dm->nic */
	unsigned int slot;		/* PCI slot on bus 0 */
	struct net *net;		/* the tap */
	bool tap_failed;		/* vnet.rx_error was logged */
	struct virtio_net vnet;		/* last: its receive buffer is large */
};

struct dm_ctl;

/* One domain's device model; everything belongs to the one thread. */
struct dm {
	struct xl_handle *xl;
	uint32_t domid;
	struct xl_guest_ram ram;
	struct xl_ioreq_server *srv;
	struct pci_bus bus;
	unsigned int queues;		/* request queues per disk */
	struct dm_disk *disk[DM_MAX_DISKS];	/* by vdev letter; NULL: none */
	struct hotplug hp;
	struct dm_ctl *ctl;		/* the control socket (ctl.c), or NULL */
	struct dm_nic *nic[DM_MAX_NICS];	/* by devid; NULL: none */
	unsigned long msi_errors;	/* xl_irq_msi() failures, the first logged */
	unsigned long map_errors;	/* BAR (un)mapping failures, the first logged */
	unsigned long sci_errors;	/* xl_irq_sci() failures, the first logged */
};

/* pci_bus_map_fn over xl_ioreq_map_range()/unmap_range(); logs the first
 * failure (a guest may move a BAR onto something else again and again).
 * Does nothing without a server (before it is made, after teardown). */
void dm_bar_map(void *opaque, uint64_t addr, uint64_t len, bool on);
/* pci_bus_post_fn over xl_ioreq_posted() (id: the slot); a failure is
 * logged as dm_bar_map's (the kicks then stay ordinary requests). */
void dm_bar_post(void *opaque, unsigned int slot, uint64_t addr, unsigned int nr, bool on);
/* msix_sink.raise over xl_irq_msi(). */
void dm_msi(void *opaque, uint64_t addr, uint32_t data);
/* hotplug_sci_fn over xl_irq_sci(). */
void dm_sci(void *opaque, bool level);
/* Serve the domain until it is gone (0) or the server fails (-errno). */
int dm_loop(struct dm *dm);

/* disks.c: open a's image and plug a virtio-blk for it into the first
 * free slot (a without vdev: the first free name). The slot (>= 1), or -1
 * with one line in err; nothing is left behind on failure. */
int dm_disk_add(struct dm *dm, const struct dm_disk_arg *a, char *err, size_t errlen);
/* Unplug disk i (a vdev letter), close its backend (writes reach the
 * image first) and free it. */
void dm_disk_remove(struct dm *dm, unsigned int i);
/* A forced detach: close disk i's backend now; the device stays in its
 * slot, failing every request, until the guest ejects it. */
void dm_disk_force_out(struct dm *dm, unsigned int i);
/* One line per disk into buf: vdev, guest device, slot, path, format,
 * access, state. */
void dm_disk_list(const struct dm *dm, char *buf, size_t len);

/* The guest released slots (hotplug_take_ejected): answer a detach
 * waiting for one of their disks, then remove them. */
void dm_disk_ejected(struct dm *dm, uint32_t slots);

/* disks.c: the disk in slot, by vdev letter, or -1. */
int dm_disk_in_slot(const struct dm *dm, unsigned int slot);

/* nics.c: open a tap for a (vifname default vifDOMID.DEVID, a random MAC
 * when none is given) and plug a virtio-net over it into the first free
 * slot, as the lowest free devid. The devid, or -1 with one line in err
 * naming the vif; nothing is left behind on failure. */
int dm_nic_add(struct dm *dm, const struct dm_nic_arg *a, char *err, size_t errlen);
/* Unplug NIC devid, close its tap (it leaves the bridge) and free it. */
void dm_nic_remove(struct dm *dm, unsigned int devid);
/* The guest released slots: answer a detach waiting for one of their
 * NICs, then remove them. */
void dm_nic_ejected(struct dm *dm, uint32_t slots);
/* One line per NIC into buf (docs/device-model.md "Hotplug"). */
void dm_nic_list(const struct dm *dm, char *buf, size_t len);

/* ctl.c: the control socket at path (mode 0600, a stale one replaced); a
 * detach waits timeout_s seconds for the guest. 0, or -1 with one line in
 * err. */
int dm_ctl_open(struct dm *dm, const char *path, unsigned int timeout_s, char *err,
		size_t errlen);
void dm_ctl_close(struct dm *dm);
/* The two fds to poll for the control socket (the listening socket while
 * no connection is open, the connection while no detach waits; -1 else). */
void dm_ctl_pollfds(const struct dm *dm, int fd[2]);
/* fd[which] of dm_ctl_pollfds had events: accept, or read and run a
 * complete command line. */
void dm_ctl_event(struct dm *dm, unsigned int which);
/* The device in slot is being removed: answer the detach waiting for
 * it, if any. */
void dm_ctl_released(struct dm *dm, unsigned int slot);
/* Milliseconds until a waiting detach times out (-1: none waits); once
 * due, the detach is answered (or forced) and -1 returned. */
int dm_ctl_timeout(struct dm *dm);

#endif
