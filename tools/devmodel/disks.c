/* disks.c - the disks on the bus: plugging one (at start or by attach), unplugging, listing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"

/* Requests in flight per disk: a full ring on every queue. */
#define DEPTH(queues)	((queues) * VIRTQ_MAX_SIZE)

/* The letter of a's vdev, or the first free one; -1 when taken or full. */
static int pick_letter(const struct dm *dm, const struct dm_disk_arg *a, char *err, size_t errlen)
{
	int i;

	if (a->vdev[0]) {
		i = a->vdev[3] - 'a';
		if (!dm->disk[i])
			return i;
		snprintf(err, errlen, "%s: already attached (%s)", a->vdev, dm->disk[i]->path);
		return -1;
	}
	for (i = 0; i < DM_MAX_DISKS; i++)
		if (!dm->disk[i])
			return i;
	snprintf(err, errlen, "%s: no free disk name (xvda..xvdz all used)", a->path);
	return -1;
}

int dm_disk_add(struct dm *dm, const struct dm_disk_arg *a, char *err, size_t errlen)
{
	struct msix_sink sink = { dm_msi, dm };
	int i = pick_letter(dm, a, err, errlen), slot, ret;
	struct dm_disk *x;

	if (i < 0)
		return -1;
	x = calloc(1, sizeof(*x));
	if (!x || !(x->path = strdup(a->path))) {
		snprintf(err, errlen, "%s: out of memory", a->path);
		goto err_free;
	}
	x->arg = *a;
	x->arg.path = x->path;
	snprintf(x->arg.vdev, sizeof(x->arg.vdev), "xvd%c", 'a' + i);
	ret = a->qcow2 ? disk_nbd_open(x->path, "qcow2", a->ro, &x->disk, err, errlen)
		       : disk_raw_open(x->path, a->ro, a->shared, DEPTH(dm->queues), &x->disk,
				       err, errlen);
	if (ret)
		goto err_free;
	virtio_blk_init(&x->blk, x->disk, x->arg.vdev, dm->queues, &dm->ram, sink);
	slot = pci_bus_add(&dm->bus, &x->blk.vp.pci);
	if (slot < 0) {
		snprintf(err, errlen, "%s: no room on the PCI bus", x->arg.vdev);
		goto err_close;
	}
	x->slot = (unsigned int)slot;
	dm->disk[i] = x;
	return slot;

err_close:
	x->disk->ops->close(x->disk);
err_free:
	if (x)
		free(x->path);
	free(x);
	return -1;
}

void dm_disk_remove(struct dm *dm, unsigned int i)
{
	struct dm_disk *x = dm->disk[i];

	pci_bus_remove(&dm->bus, x->slot);
	x->disk->ops->close(x->disk);	/* may still complete requests */
	dm->disk[i] = NULL;
	free(x->path);
	free(x);
}

void dm_disk_ejected(struct dm *dm, uint32_t slots)
{
	unsigned int i;

	for (i = 0; i < DM_MAX_DISKS; i++)
		if (dm->disk[i] && slots & 1u << dm->disk[i]->slot) {
			dm_ctl_released(dm, dm->disk[i]->slot);
			dm_disk_remove(dm, i);
		}
}

int dm_disk_in_slot(const struct dm *dm, unsigned int slot)
{
	int i;

	for (i = 0; i < DM_MAX_DISKS; i++)
		if (dm->disk[i] && dm->disk[i]->slot == slot)
			return i;
	return -1;
}

void dm_disk_force_out(struct dm *dm, unsigned int i)
{
	struct dm_disk *x = dm->disk[i];

	if (x->disk == &x->gone)
		return;
	disk_gone_init(&x->gone, x->disk->size, x->disk->ro);
	x->disk->ops->close(x->disk);
	x->disk = &x->gone;
	x->blk.disk = &x->gone;
}

void dm_disk_list(const struct dm *dm, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < DM_MAX_DISKS && n < len; i++) {
		const struct dm_disk *x = dm->disk[i];

		if (!x)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s\t/dev/disk/by-id/virtio-%s\t00:%02x.0\t%s\t%s\t%s\t%s\n",
				      x->arg.vdev, x->arg.vdev, x->slot, x->path,
				      x->arg.qcow2 ? "qcow2" : "raw",
				      x->arg.ro ? "ro" : x->arg.shared ? "shared" : "rw",
				      x->disk == &x->gone ? "released" : "attached");
	}
}
