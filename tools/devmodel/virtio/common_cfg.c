/* common_cfg.c - virtio-pci's common configuration structure (virtio 1.x §4.1.4.3): features, status, queue setup. */
#include <string.h>

#include "virtio/pci.h"

/* struct virtio_pci_common_cfg, field offsets. */
enum {
	DFSELECT = 0x00, DF = 0x04, GFSELECT = 0x08, GF = 0x0c, MSIX_CONFIG = 0x10,
	NUM_QUEUES = 0x12, STATUS = 0x14, GENERATION = 0x15, Q_SELECT = 0x16,
	Q_SIZE = 0x18, Q_MSIX = 0x1a, Q_ENABLE = 0x1c, Q_NOTIFY_OFF = 0x1e,
	Q_DESC = 0x20, Q_DRIVER = 0x28, Q_DEVICE = 0x30,
};

/* The selected queue, or NULL if queue_select names none. */
static struct virtq *selected(struct virtio_pci *vp)
{
	return vp->queue_select < vp->nr_queues ? &vp->vq[vp->queue_select] : NULL;
}

/* The whole structure as the driver would read it now. */
static void image(struct virtio_pci *vp, uint8_t *b)
{
	struct virtq *q = selected(vp);
	uint32_t df = vp->dfselect < 2 ? (uint32_t)(vp->features >> 32 * vp->dfselect) : 0;
	uint32_t gf = vp->gfselect < 2 ? (uint32_t)(vp->driver_features >> 32 * vp->gfselect) : 0;
	uint16_t qsel = vp->queue_select;

	memset(b, 0, VIRTIO_PCI_COMMON_LEN);
	memcpy(b + DFSELECT, &vp->dfselect, 4);
	memcpy(b + DF, &df, 4);
	memcpy(b + GFSELECT, &vp->gfselect, 4);
	memcpy(b + GF, &gf, 4);
	memcpy(b + MSIX_CONFIG, &vp->config_vector, 2);
	memcpy(b + NUM_QUEUES, &vp->nr_queues, 2);
	b[STATUS] = vp->status;
	memcpy(b + Q_SELECT, &qsel, 2);
	if (!q)
		return;
	memcpy(b + Q_SIZE, &q->size, 2);
	memcpy(b + Q_MSIX, &q->vector, 2);
	b[Q_ENABLE] = q->enabled;
	memcpy(b + Q_NOTIFY_OFF, &qsel, 2);	/* notify_off = the queue's index */
	memcpy(b + Q_DESC, &q->desc_gpa, 8);
	memcpy(b + Q_DRIVER, &q->avail_gpa, 8);
	memcpy(b + Q_DEVICE, &q->used_gpa, 8);
}

uint64_t virtio_pci_common_read(struct virtio_pci *vp, uint32_t off, unsigned int size)
{
	uint8_t b[VIRTIO_PCI_COMMON_LEN];
	uint64_t v = 0;

	if (off >= VIRTIO_PCI_COMMON_LEN || size > VIRTIO_PCI_COMMON_LEN - off || size > 8)
		return 0;
	image(vp, b);
	memcpy(&v, b + off, size);
	return v;
}

void virtio_pci_reset(struct virtio_pci *vp)
{
	unsigned int i;

	vp->driver_features = 0;
	vp->dfselect = vp->gfselect = 0;
	vp->status = 0;
	vp->isr = 0;
	vp->config_vector = VIRTQ_NO_VECTOR;
	vp->queue_select = 0;
	for (i = 0; i < vp->nr_queues; i++)
		virtq_reset(&vp->vq[i], vp->vq[i].ram);
	vp->ops->reset(vp);
}

/* A vector the driver may use, else VIRTQ_NO_VECTOR (§4.1.4.3: the
 * driver reads it back to see the mapping failed). */
static uint16_t vector(const struct virtio_pci *vp, uint16_t v)
{
	return v < vp->msix.nr ? v : VIRTQ_NO_VECTOR;
}

/* FEATURES_OK stays set only for a subset of the offered features that
 * includes VERSION_1 (§2.2, §6.1: no legacy interface here). */
static void write_status(struct virtio_pci *vp, uint8_t val)
{
	if (!val) {
		virtio_pci_reset(vp);
		return;
	}
	if ((val & VIRTIO_STATUS_FEATURES_OK) && !(vp->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((vp->driver_features & ~vp->features) || !virtio_pci_has(vp, VIRTIO_F_VERSION_1)))
		val &= ~VIRTIO_STATUS_FEATURES_OK;
	vp->status = val | (vp->status & VIRTIO_STATUS_NEEDS_RESET);
}

/* Field at off (of the image b the driver just wrote into) changed. */
static void apply(struct virtio_pci *vp, unsigned int off, const uint8_t *b)
{
	struct virtq *q = selected(vp);
	uint32_t v32;
	uint16_t v16;

	memcpy(&v32, b + off, 4);
	memcpy(&v16, b + off, 2);
	switch (off) {
	case DFSELECT: vp->dfselect = v32; return;
	case GFSELECT: vp->gfselect = v32; return;
	case GF:
		if (vp->gfselect < 2 && !(vp->status & VIRTIO_STATUS_FEATURES_OK)) {
			vp->driver_features &= ~(0xffffffffull << 32 * vp->gfselect);
			vp->driver_features |= (uint64_t)v32 << 32 * vp->gfselect;
		}
		return;
	case MSIX_CONFIG: vp->config_vector = vector(vp, v16); return;
	case STATUS: write_status(vp, b[STATUS]); return;
	case Q_SELECT: vp->queue_select = v16; return;
	}
	if (!q)
		return;
	if (off == Q_MSIX) {
		q->vector = vector(vp, v16);
		return;
	}
	if (q->enabled)		/* the rest is fixed once enabled (§4.1.4.3.2) */
		return;
	switch (off) {
	case Q_SIZE: q->size = v16; return;
	case Q_DESC: memcpy(&q->desc_gpa, b + off, 8); return;
	case Q_DRIVER: memcpy(&q->avail_gpa, b + off, 8); return;
	case Q_DEVICE: memcpy(&q->used_gpa, b + off, 8); return;
	case Q_ENABLE:
		q->event_idx = virtio_pci_has(vp, VIRTIO_F_EVENT_IDX);
		if (v16 == 1 && virtq_enable(q))
			virtio_pci_needs_reset(vp);
		return;
	}
}

void virtio_pci_common_write(struct virtio_pci *vp, uint32_t off, unsigned int size, uint64_t val)
{
	static const uint8_t fields[] = { DFSELECT, GFSELECT, GF, MSIX_CONFIG, STATUS, Q_SELECT,
		Q_SIZE, Q_MSIX, Q_ENABLE, Q_DESC, Q_DRIVER, Q_DEVICE };
	static const uint8_t width[] = { 4, 4, 4, 2, 1, 2, 2, 2, 2, 8, 8, 8 };
	uint8_t b[VIRTIO_PCI_COMMON_LEN];
	unsigned int i;

	if (off >= VIRTIO_PCI_COMMON_LEN || size > VIRTIO_PCI_COMMON_LEN - off || size > 8)
		return;
	image(vp, b);
	memcpy(b + off, &val, size);
	/* Every writable field the access touched; read-only ones are ignored. */
	for (i = 0; i < sizeof(fields); i++)
		if (off < fields[i] + width[i] && fields[i] < off + size)
			apply(vp, fields[i], b);
}
