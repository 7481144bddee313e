/* ioreq_loop.c - the event loop: I/O requests from the hypervisor, disk completions, tap frames, interrupts back. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "devmodel.h"
#include "dispatch.h"

void dm_bar_map(void *opaque, uint64_t addr, uint64_t len, bool on)
{
	struct dm *dm = opaque;
	char err[256];
	int ret;

	if (!dm->srv)
		return;		/* torn down (teardown) or not made yet */
	if (on)
		ret = xl_ioreq_map_range(dm->srv, XL_IOREQ_MMIO, addr, len, err, sizeof(err));
	else
		ret = xl_ioreq_unmap_range(dm->srv, XL_IOREQ_MMIO, addr, len, err, sizeof(err));
	if (ret && !dm->map_errors++)
		fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": BAR at 0x%" PRIx64
			": %s (further failures not logged)\n", dm->domid, addr, err);
}

void dm_bar_post(void *opaque, unsigned int slot, uint64_t addr, unsigned int nr, bool on)
{
	struct dm *dm = opaque;
	char err[256];

	_Static_assert(PCI_POSTED_STRIDE == XL_IOREQ_POSTED_STRIDE, "posted stride");
	_Static_assert(PCI_LAYOUT_SLOTS <= XL_IOREQ_POSTED_MAX, "posted ids");
	if (dm->srv && xl_ioreq_posted(dm->srv, slot, addr, on ? nr : 0, err, sizeof(err)) &&
	    !dm->map_errors++)
		fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": %s (further failures not logged; "
			"its kicks stay ordinary requests)\n", dm->domid, err);
}

void dm_msi(void *opaque, uint64_t addr, uint32_t data)
{
	struct dm *dm = opaque;
	char err[256];

	if (xl_irq_msi(dm->xl, dm->domid, addr, data, err, sizeof(err)) && !dm->msi_errors++)
		fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": MSI 0x%" PRIx64 "/0x%" PRIx32
			": %s (further failures not logged)\n", dm->domid, addr, data, err);
}

/* NIC devid i's tap, to poll for POLLIN or not (fd -1): only while its
 * guest can take a frame. A tap that failed (deleted under us, whether
 * found by the loop or by a kick) is logged once and never polled again. */
static struct pollfd tap_poll(struct dm *dm, unsigned int i)
{
	struct dm_nic *x = dm->nic[i];

	if (!x)
		return (struct pollfd){ .fd = -1 };
	if (x->vnet.rx_error && !x->tap_failed) {
		x->tap_failed = true;
		fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": %s: read: %s (no longer read)\n",
			dm->domid, x->net->name, strerror(-x->vnet.rx_error));
	}
	return (struct pollfd){ .fd = virtio_net_rx_wanted(&x->vnet) ? x->net->fd : -1,
				.events = POLLIN };
}

/* The poll timeout: the control socket's (a detach waiting) or sooner,
 * when a rate-limited NIC gets credit again. */
static int loop_timeout(struct dm *dm)
{
	int timeout = dm_ctl_timeout(dm), t;
	unsigned int i;

	for (i = 0; i < DM_MAX_NICS; i++) {
		t = dm->nic[i] ? virtio_net_tx_wait_ms(&dm->nic[i]->vnet) : -1;
		if (t >= 0 && (timeout < 0 || t < timeout))
			timeout = t;
	}
	return timeout;
}

/* Send what the NICs' TX queues got kicked for (their notifies answered). */
static void kicked_tx(struct dm *dm)
{
	unsigned int i;

	for (i = 0; i < DM_MAX_NICS; i++)
		if (dm->nic[i])
			virtio_net_tx_kicked(&dm->nic[i]->vnet);
}

/* Let rate-limited NICs whose credit came send what waits. */
static void resume_tx(struct dm *dm)
{
	unsigned int i;

	for (i = 0; i < DM_MAX_NICS; i++)
		if (dm->nic[i] && !virtio_net_tx_wait_ms(&dm->nic[i]->vnet))
			virtio_net_tx_resume(&dm->nic[i]->vnet);
}

void dm_sci(void *opaque, bool level)
{
	struct dm *dm = opaque;
	char err[256];

	if (xl_irq_sci(dm->xl, dm->domid, level, err, sizeof(err)) && !dm->sci_errors++)
		fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": %s (further failures not logged)\n",
			dm->domid, err);
}

/* Carry out the posted writes the hypervisor recorded (id = slot). */
static void serve_kicks(struct dm *dm)
{
	uint64_t kicks[XL_IOREQ_POSTED_MAX];
	uint32_t ids = xl_ioreq_take_kicks(dm->srv, kicks);
	unsigned int i;

	for (i = 0; ids; i++, ids >>= 1)
		if (ids & 1)
			pci_bus_kick(&dm->bus, i, kicks[i]);
}

/* Answer every waiting request; the SCI follows a GPE write before the
 * write completes. */
static int serve_ioreqs(struct dm *dm)
{
	struct xl_ioreq *req;
	char err[256];

	while ((req = xl_ioreq_next(dm->srv))) {
		if (!hotplug_ioreq(&dm->hp, req))
			dm_dispatch(&dm->bus, req);
		if (xl_ioreq_complete(dm->srv, req, err, sizeof(err))) {
			fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": %s\n", dm->domid, err);
			return -EIO;
		}
	}
	return 0;
}

/* Poll slots: the ioreq server, the control socket, its connection (not
 * while a detach waits), then one per disk (by vdev letter). */
enum { PFD_IOREQ, PFD_CTL, PFD_CONN, PFD_DISK };

/* The fds to wait on now; a disk that waits for nothing is left out (fd -1). */
static void fill_pollfds(struct dm *dm, struct pollfd *pfd)
{
	unsigned int i;

	int ctl[2];

	dm_ctl_pollfds(dm, ctl);
	pfd[PFD_CTL] = (struct pollfd){ .fd = ctl[0], .events = POLLIN };
	pfd[PFD_CONN] = (struct pollfd){ .fd = ctl[1], .events = POLLIN };
	for (i = 0; i < DM_MAX_DISKS; i++) {
		struct disk *d = dm->disk[i] ? dm->disk[i]->disk : NULL;
		short ev = d ? d->ops->events(d) : 0;

		pfd[PFD_DISK + i] = (struct pollfd){ .fd = ev ? d->fd : -1, .events = ev };
	}
}

int dm_loop(struct dm *dm)
{
	struct pollfd pfd[PFD_DISK + DM_MAX_DISKS + DM_MAX_NICS];
	struct pollfd *tap = pfd + PFD_DISK + DM_MAX_DISKS;
	uint32_t ejected;
	unsigned int i;
	int ret;

	pfd[PFD_IOREQ] = (struct pollfd){ .fd = xl_ioreq_server_fd(dm->srv), .events = POLLIN };
	for (;;) {
		/* The timeout first: a detach it answers frees the control socket. */
		int timeout = loop_timeout(dm);

		fill_pollfds(dm, pfd);
		for (i = 0; i < DM_MAX_NICS; i++)
			tap[i] = tap_poll(dm, i);
		ret = poll(pfd, PFD_DISK + DM_MAX_DISKS + DM_MAX_NICS, timeout);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": poll: %s\n", dm->domid,
				strerror(errno));
			return ret;
		}
		resume_tx(dm);
		for (i = 0; i < DM_MAX_DISKS; i++)
			if (pfd[PFD_DISK + i].revents && dm->disk[i])
				virtio_blk_complete(&dm->disk[i]->blk, pfd[PFD_DISK + i].revents);
		for (i = 0; i < DM_MAX_NICS; i++)
			if (tap[i].revents && dm->nic[i])
				virtio_net_rx(&dm->nic[i]->vnet);
		if (pfd[PFD_IOREQ].revents & POLLIN) {
			serve_kicks(dm);	/* made before the requests that wait */
			ret = serve_ioreqs(dm);
			if (ret)
				return ret;
			ejected = hotplug_take_ejected(&dm->hp);
			dm_disk_ejected(dm, ejected);
			dm_nic_ejected(dm, ejected);
			kicked_tx(dm);
		}
		if (pfd[PFD_IOREQ].revents & (POLLHUP | POLLERR | POLLNVAL))
			return 0;	/* the domain is gone */
		if (pfd[PFD_CONN].revents)
			dm_ctl_event(dm, 1);
		else if (pfd[PFD_CTL].revents)
			dm_ctl_event(dm, 0);
	}
}
