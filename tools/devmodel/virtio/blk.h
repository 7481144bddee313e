/* blk.h - the virtio block device (virtio 1.x §5.2) over a disk backend. */
#ifndef DEVMODEL_VIRTIO_BLK_H
#define DEVMODEL_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "disk/disk.h"
#include "virtio/pci.h"

#define VIRTIO_ID_BLOCK			2
#define VIRTIO_BLK_ID_BYTES		20
#define VIRTIO_BLK_SEG_MAX		(VIRTQ_MAX_SIZE - 2)	/* + header and status */

/* Feature bits (§5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX		2
#define VIRTIO_BLK_F_RO			5
#define VIRTIO_BLK_F_BLK_SIZE		6
#define VIRTIO_BLK_F_FLUSH		9
#define VIRTIO_BLK_F_MQ			12
#define VIRTIO_BLK_F_DISCARD		13
#define VIRTIO_BLK_F_WRITE_ZEROES	14

/* Request types and status values (§5.2.6). */
#define VIRTIO_BLK_T_IN			0
#define VIRTIO_BLK_T_OUT		1
#define VIRTIO_BLK_T_FLUSH		4
#define VIRTIO_BLK_T_GET_ID		8
#define VIRTIO_BLK_T_DISCARD		11
#define VIRTIO_BLK_T_WRITE_ZEROES	13
#define VIRTIO_BLK_S_OK			0
#define VIRTIO_BLK_S_IOERR		1
#define VIRTIO_BLK_S_UNSUPP		2

/* All fields belong to the event loop. */
struct virtio_blk {
	struct virtio_pci vp;
	struct disk *disk;		/* owned by the caller */
	char id[VIRTIO_BLK_ID_BYTES];	/* GET_ID's answer, NUL-padded */
	uint32_t epoch;			/* bumped by each reset: older requests are dropped */
	unsigned int inflight[VIRTIO_PCI_MAX_QUEUES];
	bool stalled[VIRTIO_PCI_MAX_QUEUES];	/* stopped taking requests at the limit */
	bool batch;			/* in a pass: interrupts wait in irq_due */
	uint64_t irq_due;		/* bit q: queue q used buffers, not yet signalled */
};

/* Make b a virtio-blk device over disk with nr_queues request queues (1 ..
 * VIRTIO_PCI_MAX_QUEUES, MQ if more than 1) and serial id (truncated to
 * 20 bytes); plug b->vp.pci into a bus afterwards. */
void virtio_blk_init(struct virtio_blk *b, struct disk *disk, const char *id,
		     unsigned int nr_queues, const struct xl_guest_ram *ram,
		     struct msix_sink sink);
/* The backend's fd reported revents: complete what finished, then one
 * interrupt per queue that got used buffers (a batch of completions costs
 * one MSI, not one each). The event loop calls this, not the backend's
 * complete(). */
void virtio_blk_complete(struct virtio_blk *b, short revents);

#endif
