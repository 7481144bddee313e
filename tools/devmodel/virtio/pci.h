/* pci.h - the virtio 1.x PCI transport (virtio 1.x §4.1): a device's registers, queues and interrupts on a PCI function. */
#ifndef DEVMODEL_VIRTIO_PCI_H
#define DEVMODEL_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "msix.h"
#include "pci_dev.h"
#include "virtio/queue.h"

#define VIRTIO_PCI_VENDOR		0x1af4
#define VIRTIO_PCI_DEVICE_BASE		0x1040	/* + the virtio device id */
#define VIRTIO_PCI_MAX_QUEUES		64

/* Device status bits (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_VERSION_1		32

/* BAR 0 (64-bit memory): where each structure lies. */
#define VIRTIO_PCI_BAR_SIZE		0x8000
#define VIRTIO_PCI_COMMON_OFF		0x0000
#define VIRTIO_PCI_COMMON_LEN		0x38
#define VIRTIO_PCI_ISR_OFF		0x1000
#define VIRTIO_PCI_DEVICE_OFF		0x2000
#define VIRTIO_PCI_DEVICE_LEN		0x1000
#define VIRTIO_PCI_NOTIFY_OFF		0x3000
#define VIRTIO_PCI_NOTIFY_MULT		4
#define VIRTIO_PCI_MSIX_TABLE_OFF	0x4000
#define VIRTIO_PCI_MSIX_PBA_OFF		0x5000

struct virtio_pci;

/* What the device (virtio/blk.c, virtio/net.c) provides. cfg_read/cfg_write
 * access its configuration structure (the transport checked off + len <=
 * cfg_len; cfg_write NULL: read-only, writes are dropped); notify: the driver kicked queue q; reset: drop all state and forget
 * work in flight (the transport reset the queues). */
struct virtio_dev_ops {
	void (*cfg_read)(struct virtio_pci *vp, uint32_t off, void *buf, unsigned int len);
	void (*cfg_write)(struct virtio_pci *vp, uint32_t off, const void *buf, unsigned int len);
	void (*notify)(struct virtio_pci *vp, unsigned int q);
	void (*reset)(struct virtio_pci *vp);
};

/* One virtio device on PCI. All fields belong to the event loop. */
struct virtio_pci {
	struct pci_dev pci;
	struct msix msix;
	const struct virtio_dev_ops *ops;
	void *dev;			/* the device's own state */
	uint32_t cfg_len;		/* its configuration structure's size */
	uint64_t features;		/* offered */
	uint64_t driver_features;	/* accepted by the driver */
	uint32_t dfselect, gfselect;	/* device/driver feature select */
	uint8_t status;
	uint8_t isr;
	uint16_t config_vector;
	uint16_t queue_select;
	uint16_t nr_queues;
	unsigned int cfg_cap;		/* the VIRTIO_PCI_CAP_PCI_CFG window's offset */
	struct virtq vq[VIRTIO_PCI_MAX_QUEUES];
};

/* Make vp a virtio device of type device_id with nr_queues queues
 * (<= VIRTIO_PCI_MAX_QUEUES) offering features (VERSION_1, INDIRECT_DESC
 * and EVENT_IDX are added); cfg_len bytes of device configuration. */
void virtio_pci_init(struct virtio_pci *vp, uint16_t device_id, uint32_t class,
		     uint16_t nr_queues, uint64_t features, uint32_t cfg_len,
		     const struct virtio_dev_ops *ops, void *dev,
		     const struct xl_guest_ram *ram, struct msix_sink sink);
/* The driver accepted feature bit f. */
bool virtio_pci_has(const struct virtio_pci *vp, unsigned int f);
/* Queue q has used buffers: interrupt if the driver wants one. */
void virtio_pci_queue_interrupt(struct virtio_pci *vp, unsigned int q);
/* The driver broke the device (a malformed queue): set NEEDS_RESET, stop
 * every queue and tell the driver (§2.1.2). */
void virtio_pci_needs_reset(struct virtio_pci *vp);
/* Whether the device may work on queue q now (DRIVER_OK, enabled, not broken). */
bool virtio_pci_queue_live(const struct virtio_pci *vp, unsigned int q);

/* The common configuration structure (virtio/common_cfg.c). */
uint64_t virtio_pci_common_read(struct virtio_pci *vp, uint32_t off, unsigned int size);
void virtio_pci_common_write(struct virtio_pci *vp, uint32_t off, unsigned int size, uint64_t val);
void virtio_pci_reset(struct virtio_pci *vp);

#endif
