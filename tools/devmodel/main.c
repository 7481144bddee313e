/* main.c - xenolith-dm: the device model of one domU (docs/device-model.md). */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devmodel.h"

static void teardown(struct dm *dm)
{
	unsigned int i;

	dm_ctl_close(dm);
	if (dm->srv)
		xl_ioreq_server_destroy(dm->srv);
	dm->srv = NULL;		/* the devices' BARs go with it: no unmapping below */
	for (i = 0; i < DM_MAX_DISKS; i++)
		if (dm->disk[i])
			dm_disk_remove(dm, i);
	for (i = 0; i < DM_MAX_NICS; i++)
		if (dm->nic[i])
			dm_nic_remove(dm, i);
	if (dm->ram.nr)
		xl_guest_ram_unmap(&dm->ram);
	if (dm->xl)
		xl_close(dm->xl);
}

/* Everything up to serving: the domain, the disks (before anything a
 * qemu-nbd child should not inherit), its RAM, the server, the
 * configuration ports (0xcf8 alone: 0xcf9 is the reset register), the
 * hotplug registers and the control socket. */
static int setup(struct dm *dm, const struct dm_args *a, char *err, size_t errlen)
{
	struct xl_domain_info info;
	unsigned int queues, i;

	dm->xl = xl_open(NULL, err, errlen);
	if (!dm->xl || xl_domain_getinfo(dm->xl, a->domid, &info, err, errlen))
		return -1;
	queues = info.vcpus < VIRTIO_PCI_MAX_QUEUES ? info.vcpus : VIRTIO_PCI_MAX_QUEUES;
	dm->queues = queues ? queues : 1;
	pci_bus_init(&dm->bus, dm_bar_map, dm);
	dm->bus.post = dm_bar_post;
	hotplug_init(&dm->hp, dm_sci, dm);
	for (i = 0; i < a->nr_disks; i++)
		if (dm_disk_add(dm, &a->disk[i], err, errlen) < 0)
			return -1;
	for (i = 0; i < a->nr_nics; i++)	/* after the disks, devid i each */
		if (dm_nic_add(dm, &a->nic[i], err, errlen) < 0)
			return -1;
	if (xl_guest_ram_map(dm->xl, a->domid, &dm->ram, err, errlen))
		return -1;
	if (xl_ioreq_server_create(dm->xl, a->domid, &dm->srv, err, errlen))
		return -1;
	if (xl_ioreq_map_range(dm->srv, XL_IOREQ_PIO, PCI_LAYOUT_CONF_ADDR, 1, err, errlen) ||
	    xl_ioreq_map_range(dm->srv, XL_IOREQ_PIO, PCI_LAYOUT_CONF_DATA, 4, err, errlen) ||
	    xl_ioreq_map_range(dm->srv, XL_IOREQ_PIO, HOTPLUG_GPE0_BASE, HOTPLUG_GPE0_LEN,
			       err, errlen) ||
	    xl_ioreq_map_range(dm->srv, XL_IOREQ_PIO, HOTPLUG_SLOTS_BASE, HOTPLUG_SLOTS_LEN,
			       err, errlen))
		return -1;
	return a->control ? dm_ctl_open(dm, a->control, DM_EJECT_TIMEOUT_S, err, errlen) : 0;
}

/* Every --disk names something this process may read (and write, for rw):
 * else one line naming it, before anything is started. */
static int check_disks(const struct dm_args *a, char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < a->nr_disks; i++)
		if (access(a->disk[i].path, a->disk[i].ro ? R_OK : R_OK | W_OK)) {
			snprintf(err, errlen, "--disk %s: %s", a->disk[i].path, strerror(errno));
			return -1;
		}
	return 0;
}

int main(int argc, char **argv)
{
	struct dm dm = { 0 };
	struct dm_args a;
	char err[512];
	int ret;

	if (dm_args_parse(argc, argv, &a, err, sizeof(err)) || check_disks(&a, err, sizeof(err))) {
		fprintf(stderr, "xenolith-dm: %s\n", err);
		return 2;
	}
	if (a.help) {
		puts(DM_USAGE);
		return 0;
	}
	dm.domid = a.domid;
	signal(SIGPIPE, SIG_IGN);	/* a dead qemu-nbd is an I/O error, not our end */
	if (setup(&dm, &a, err, sizeof(err))) {
		fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": %s\n", a.domid, err);
		teardown(&dm);
		return 1;
	}
	if (a.ready_fd >= 0) {
		/* The starter (xenoctl create) unpauses the domain on this line. */
		if (write(a.ready_fd, "ready\n", 6) != 6)
			fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": --ready-fd %d: %s\n",
				a.domid, a.ready_fd, strerror(errno));
		close(a.ready_fd);
	}
	ret = dm_loop(&dm);
	teardown(&dm);
	return ret ? 1 : 0;
}
