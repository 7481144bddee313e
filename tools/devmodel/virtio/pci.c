/* pci.c - the virtio-pci modern transport: vendor capabilities, BAR 0's regions, notifications, interrupts. */
#include <string.h>

#include "virtio/pci.h"

#define PCI_CAP_VENDOR		0x09
#define VIRTIO_PCI_CAP_COMMON	1
#define VIRTIO_PCI_CAP_NOTIFY	2
#define VIRTIO_PCI_CAP_ISR	3
#define VIRTIO_PCI_CAP_DEVICE	4
#define VIRTIO_PCI_CAP_PCI_CFG	5
#define VIRTIO_ISR_QUEUE	1
#define VIRTIO_ISR_CONFIG	2

/* A struct virtio_pci_cap (§4.1.4) for a region of BAR 0. */
static unsigned int add_cap(struct pci_dev *d, uint8_t type, uint32_t off, uint32_t len,
			    unsigned int cap_len)
{
	unsigned int c = pci_dev_add_cap(d, PCI_CAP_VENDOR, cap_len);

	d->cfg[c + 2] = cap_len;
	d->cfg[c + 3] = type;
	d->cfg[c + 4] = 0;		/* bar */
	pci_dev_put(d, c + 8, 4, off);
	pci_dev_put(d, c + 12, 4, len);
	return c;
}

static uint64_t bar_read(struct pci_dev *d, unsigned int bar, uint64_t off, unsigned int size);
static void bar_write(struct pci_dev *d, unsigned int bar, uint64_t off, unsigned int size,
		      uint64_t val);
static void cap_read(struct pci_dev *d, unsigned int off, unsigned int size);
static void cap_write(struct pci_dev *d, unsigned int off, unsigned int size);

static const struct pci_dev_ops virtio_pci_dev_ops = {
	.bar_read = bar_read,
	.bar_write = bar_write,
	.cap_read = cap_read,
	.cap_write = cap_write,
};

void virtio_pci_init(struct virtio_pci *vp, uint16_t device_id, uint32_t class,
		     uint16_t nr_queues, uint64_t features, uint32_t cfg_len,
		     const struct virtio_dev_ops *ops, void *dev,
		     const struct xl_guest_ram *ram, struct msix_sink sink)
{
	struct pci_dev *d = &vp->pci;
	unsigned int i, c;

	memset(vp, 0, sizeof(*vp));
	vp->ops = ops;
	vp->dev = dev;
	vp->cfg_len = cfg_len;
	vp->nr_queues = nr_queues;
	vp->features = features | 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_INDIRECT_DESC |
		       1ull << VIRTIO_F_EVENT_IDX;
	vp->config_vector = VIRTQ_NO_VECTOR;
	for (i = 0; i < nr_queues; i++)
		virtq_reset(&vp->vq[i], ram);

	/* §4.1.2: device id 0x1040 + type, revision 1 (no legacy interface). */
	pci_dev_init(d, VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE_BASE + device_id, class, 1,
		     &virtio_pci_dev_ops, vp);
	pci_dev_set_subsystem(d, VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE_BASE + device_id);
	pci_dev_add_bar(d, 0, VIRTIO_PCI_BAR_SIZE, true);
	add_cap(d, VIRTIO_PCI_CAP_COMMON, VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_COMMON_LEN, 16);
	add_cap(d, VIRTIO_PCI_CAP_ISR, VIRTIO_PCI_ISR_OFF, 4, 16);
	add_cap(d, VIRTIO_PCI_CAP_DEVICE, VIRTIO_PCI_DEVICE_OFF, cfg_len, 16);
	c = add_cap(d, VIRTIO_PCI_CAP_NOTIFY, VIRTIO_PCI_NOTIFY_OFF,
		    nr_queues * VIRTIO_PCI_NOTIFY_MULT, 20);
	pci_dev_put(d, c + 16, 4, VIRTIO_PCI_NOTIFY_MULT);
	/* Kicks are posted writes: the guest does not wait for them. */
	_Static_assert(VIRTIO_PCI_NOTIFY_MULT == PCI_POSTED_STRIDE, "notify stride");
	_Static_assert(VIRTIO_PCI_MAX_QUEUES <= PCI_POSTED_MAX, "posted queues");
	d->posted = (struct pci_posted){ .off = VIRTIO_PCI_NOTIFY_OFF, .nr = nr_queues, .bar = 0 };
	/* §4.1.4.9: a window onto BAR 0 through config space (bar, offset,
	 * length and data writable). */
	vp->cfg_cap = add_cap(d, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 20);
	pci_dev_set_wmask(d, vp->cfg_cap + 4, 1, 0xff);
	pci_dev_set_wmask(d, vp->cfg_cap + 8, 4, ~0u);
	pci_dev_set_wmask(d, vp->cfg_cap + 12, 4, ~0u);
	pci_dev_set_wmask(d, vp->cfg_cap + 16, 4, ~0u);
	/* One vector per queue and one for configuration changes. */
	msix_init(&vp->msix, d, nr_queues + 1, 0, VIRTIO_PCI_MSIX_TABLE_OFF,
		  VIRTIO_PCI_MSIX_PBA_OFF, sink);
}

bool virtio_pci_has(const struct virtio_pci *vp, unsigned int f)
{
	return vp->driver_features >> f & 1;
}

bool virtio_pci_queue_live(const struct virtio_pci *vp, unsigned int q)
{
	return q < vp->nr_queues && vp->vq[q].enabled &&
	       (vp->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) ==
	       VIRTIO_STATUS_DRIVER_OK;
}

void virtio_pci_queue_interrupt(struct virtio_pci *vp, unsigned int q)
{
	if (!virtq_want_interrupt(&vp->vq[q]))
		return;
	vp->isr |= VIRTIO_ISR_QUEUE;
	if (vp->vq[q].vector != VIRTQ_NO_VECTOR)
		msix_notify(&vp->msix, vp->vq[q].vector);
}

void virtio_pci_needs_reset(struct virtio_pci *vp)
{
	if (vp->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	vp->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (!(vp->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	vp->isr |= VIRTIO_ISR_CONFIG;
	if (vp->config_vector != VIRTQ_NO_VECTOR)
		msix_notify(&vp->msix, vp->config_vector);
}

/* Offset off of size bytes lies inside [start, start + len). */
static bool in(uint64_t off, unsigned int size, uint64_t start, uint64_t len)
{
	return off >= start && off - start < len && size <= len - (off - start);
}

/* A read in BAR 0: the structure at off answers; elsewhere reads 0. */
static uint64_t bar_read(struct pci_dev *d, unsigned int bar, uint64_t off, unsigned int size)
{
	struct virtio_pci *vp = d->owner;
	uint64_t v = 0;

	(void)bar;
	if (in(off, size, VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_COMMON_LEN))
		return virtio_pci_common_read(vp, off - VIRTIO_PCI_COMMON_OFF, size);
	if (in(off, size, VIRTIO_PCI_ISR_OFF, 4)) {
		v = vp->isr;		/* reading clears it (§4.1.4.5) */
		vp->isr = 0;
		return v;
	}
	if (in(off, size, VIRTIO_PCI_DEVICE_OFF, vp->cfg_len) && size <= 8) {
		vp->ops->cfg_read(vp, off - VIRTIO_PCI_DEVICE_OFF, &v, size);
		return v;
	}
	if (in(off, size, VIRTIO_PCI_MSIX_TABLE_OFF, vp->msix.nr * MSIX_ENTRY_SIZE))
		return msix_table_read(&vp->msix, off - VIRTIO_PCI_MSIX_TABLE_OFF, size);
	if (in(off, size, VIRTIO_PCI_MSIX_PBA_OFF, sizeof(vp->msix.pba)))
		return msix_pba_read(&vp->msix, off - VIRTIO_PCI_MSIX_PBA_OFF, size);
	return 0;
}

/* A write in BAR 0; a write to queue q's notify address kicks q. */
static void bar_write(struct pci_dev *d, unsigned int bar, uint64_t off, unsigned int size,
		      uint64_t val)
{
	struct virtio_pci *vp = d->owner;

	(void)bar;
	if (in(off, size, VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_COMMON_LEN))
		virtio_pci_common_write(vp, off - VIRTIO_PCI_COMMON_OFF, size, val);
	else if (in(off, size, VIRTIO_PCI_DEVICE_OFF, vp->cfg_len) && size <= 8) {
		if (vp->ops->cfg_write)
			vp->ops->cfg_write(vp, off - VIRTIO_PCI_DEVICE_OFF, &val, size);
	} else if (in(off, size, VIRTIO_PCI_NOTIFY_OFF, vp->nr_queues * VIRTIO_PCI_NOTIFY_MULT)) {
		unsigned int q = (off - VIRTIO_PCI_NOTIFY_OFF) / VIRTIO_PCI_NOTIFY_MULT;

		if (virtio_pci_queue_live(vp, q))
			vp->ops->notify(vp, q);
	} else if (in(off, size, VIRTIO_PCI_MSIX_TABLE_OFF, vp->msix.nr * MSIX_ENTRY_SIZE))
		msix_table_write(&vp->msix, off - VIRTIO_PCI_MSIX_TABLE_OFF, size, val);
}

/* The access the PCI_CFG window's fields describe, if it is one the
 * driver may make: BAR 0, 1, 2 or 4 bytes, aligned (§4.1.4.9.1). */
static bool window(struct virtio_pci *vp, uint32_t *off, uint32_t *len)
{
	unsigned int c = vp->cfg_cap;

	*off = pci_dev_get(&vp->pci, c + 8, 4);
	*len = pci_dev_get(&vp->pci, c + 12, 4);
	return vp->pci.cfg[c + 4] == 0 && (*len == 1 || *len == 2 || *len == 4) &&
	       !(*off & (*len - 1)) && *off < VIRTIO_PCI_BAR_SIZE;
}

/* A read of the window's data reads BAR 0 there. */
static void cap_read(struct pci_dev *d, unsigned int off, unsigned int size)
{
	struct virtio_pci *vp = d->owner;
	unsigned int data = vp->cfg_cap + 16;
	uint32_t boff, len;

	if (off < data + 4 && data < off + size && window(vp, &boff, &len))
		pci_dev_put(d, data, 4, bar_read(d, 0, boff, len));
}

/* MSI-X's message control, or the window's data written: BAR 0 there. */
static void cap_write(struct pci_dev *d, unsigned int off, unsigned int size)
{
	struct virtio_pci *vp = d->owner;
	unsigned int data = vp->cfg_cap + 16;
	uint32_t boff, len;

	if (off < data + 4 && data < off + size && window(vp, &boff, &len))
		bar_write(d, 0, boff, len, pci_dev_get(d, data, len));
	else
		msix_ctrl_written(&vp->msix);
}
