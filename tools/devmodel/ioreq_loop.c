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

	if (on)
		ret = xl_ioreq_map_range(dm->srv, XL_IOREQ_MMIO, addr, len, err, sizeof(err));
	else
		ret = xl_ioreq_unmap_range(dm->srv, XL_IOREQ_MMIO, addr, len, err, sizeof(err));
	if (ret && !dm->map_errors++)
		fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": BAR at 0x%" PRIx64
			": %s (further failures not logged)\n", dm->domid, addr, err);
}

void dm_msi(void *opaque, uint64_t addr, uint32_t data)
{
	struct dm *dm = opaque;
	char err[256];

	if (xl_irq_msi(dm->xl, dm->domid, addr, data, err, sizeof(err)) && !dm->msi_errors++)
		fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": MSI 0x%" PRIx64 "/0x%" PRIx32
			": %s (further failures not logged)\n", dm->domid, addr, data, err);
}

/* NIC i's tap, to poll for POLLIN or not (fd -1): only while its guest
 * can take a frame. A tap that failed (deleted under us, whether found by
 * the loop or by a kick) is logged once and never polled again. */
static struct pollfd tap_poll(struct dm *dm, unsigned int i)
{
	if (dm->vnet[i]->rx_error && !dm->tap_failed[i]) {
		dm->tap_failed[i] = true;
		fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": %s: read: %s (no longer read)\n",
			dm->domid, dm->net[i]->name, strerror(-dm->vnet[i]->rx_error));
	}
	return (struct pollfd){ .fd = virtio_net_rx_wanted(dm->vnet[i]) ? dm->net[i]->fd : -1,
				.events = POLLIN };
}

/* Answer every waiting request. */
static int serve_ioreqs(struct dm *dm)
{
	struct xl_ioreq *req;
	char err[256];

	while ((req = xl_ioreq_next(dm->srv))) {
		dm_dispatch(&dm->bus, req);
		if (xl_ioreq_complete(dm->srv, req, err, sizeof(err))) {
			fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": %s\n", dm->domid, err);
			return -EIO;
		}
	}
	return 0;
}

int dm_loop(struct dm *dm)
{
	struct pollfd pfd[1 + DM_MAX_DISKS + DM_MAX_NICS];
	struct pollfd *tap = pfd + 1 + dm->nr_disks;
	unsigned int i, n = 1 + dm->nr_disks + dm->nr_nics;
	int ret;

	pfd[0] = (struct pollfd){ .fd = xl_ioreq_server_fd(dm->srv), .events = POLLIN };
	for (;;) {
		/* A disk that waits for nothing is left out (fd -1). */
		for (i = 0; i < dm->nr_disks; i++) {
			short ev = dm->disk[i]->ops->events(dm->disk[i]);

			pfd[1 + i] = (struct pollfd){ .fd = ev ? dm->disk[i]->fd : -1, .events = ev };
		}
		for (i = 0; i < dm->nr_nics; i++)
			tap[i] = tap_poll(dm, i);
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			fprintf(stderr, "xenolith-dm: domain %" PRIu32 ": poll: %s\n", dm->domid,
				strerror(errno));
			return ret;
		}
		for (i = 0; i < dm->nr_disks; i++)
			if (pfd[1 + i].revents)
				dm->disk[i]->ops->complete(dm->disk[i], pfd[1 + i].revents);
		for (i = 0; i < dm->nr_nics; i++)
			if (tap[i].revents)
				virtio_net_rx(dm->vnet[i]);
		if (pfd[0].revents & POLLIN) {
			ret = serve_ioreqs(dm);
			if (ret)
				return ret;
		}
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			return 0;	/* the domain is gone */
	}
}
