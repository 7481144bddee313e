/* nics.c - the NICs on the bus: plugging one (at start or by attach), unplugging, listing with counters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"

/* n completed for NIC devid: its default name and MAC, and neither
 * already used by another NIC. 0, or -1 with err. */
static int complete_arg(const struct dm *dm, unsigned int devid, struct dm_nic_arg *n,
			char *err, size_t errlen)
{
	unsigned int i;
	int ret;

	if (!n->vifname[0])
		snprintf(n->vifname, sizeof(n->vifname), "vif%u.%u", dm->domid, devid);
	ret = n->has_mac ? 0 : dm_mac_random(n->mac);
	if (ret) {
		snprintf(err, errlen, "%s: no random MAC address: %s", n->vifname, strerror(-ret));
		return -1;
	}
	n->has_mac = true;
	for (i = 0; i < DM_MAX_NICS; i++) {
		const struct dm_nic *o = dm->nic[i];

		if (!o)
			continue;
		if (!strcmp(o->arg.vifname, n->vifname)) {
			snprintf(err, errlen, "%s: vifname already used by devid %u", n->vifname, i);
			return -1;
		}
		if (!memcmp(o->arg.mac, n->mac, 6)) {
			snprintf(err, errlen, "%s: mac %02x:%02x:%02x:%02x:%02x:%02x already used by "
				 "%s", n->vifname, n->mac[0], n->mac[1], n->mac[2], n->mac[3],
				 n->mac[4], n->mac[5], o->arg.vifname);
			return -1;
		}
	}
	return 0;
}

int dm_nic_add(struct dm *dm, const struct dm_nic_arg *a, char *err, size_t errlen)
{
	struct msix_sink sink = { dm_msi, dm };
	struct dm_nic *x;
	unsigned int devid;
	int slot;

	for (devid = 0; devid < DM_MAX_NICS && dm->nic[devid]; devid++)
		;
	if (devid == DM_MAX_NICS) {
		snprintf(err, errlen, "no free devid (at most %d NICs)", DM_MAX_NICS);
		return -1;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(err, errlen, "vif%u.%u: out of memory", dm->domid, devid);
		return -1;
	}
	x->arg = *a;
	x->devid = devid;
	if (complete_arg(dm, devid, &x->arg, err, errlen) ||
	    net_tap_open(x->arg.vifname, x->arg.bridge, &x->net, err, errlen))
		goto err_free;
	virtio_net_init(&x->vnet, x->net, x->arg.mac, &dm->ram, sink);
	virtio_net_set_rate(&x->vnet, x->arg.rate_bytes, x->arg.rate_us);
	slot = pci_bus_add(&dm->bus, &x->vnet.vp.pci);
	if (slot < 0) {
		snprintf(err, errlen, "%s: no room on the PCI bus", x->arg.vifname);
		goto err_close;
	}
	x->slot = (unsigned int)slot;
	dm->nic[devid] = x;
	return (int)devid;

err_close:
	x->net->ops->close(x->net);
err_free:
	free(x);
	return -1;
}

void dm_nic_remove(struct dm *dm, unsigned int devid)
{
	struct dm_nic *x = dm->nic[devid];

	pci_bus_remove(&dm->bus, x->slot);
	x->net->ops->close(x->net);
	dm->nic[devid] = NULL;
	free(x);
}

void dm_nic_ejected(struct dm *dm, uint32_t slots)
{
	unsigned int i;

	for (i = 0; i < DM_MAX_NICS; i++)
		if (dm->nic[i] && slots & 1u << dm->nic[i]->slot) {
			dm_ctl_released(dm, dm->nic[i]->slot);
			dm_nic_remove(dm, i);
		}
}

/* "reason=count" for each drop reason with a count, comma-separated, or "-". */
static void drop_reasons(const struct virtio_net_stats *s, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < VIRTIO_NET_DROP_NR && n < len; i++)
		if (s->dropped[i])
			n += (size_t)snprintf(buf + n, len - n, "%s%s=%lu", n ? "," : "",
					      virtio_net_drop_name(i), s->dropped[i]);
	if (!buf[0])
		snprintf(buf, len, "-");
}

void dm_nic_list(const struct dm *dm, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < DM_MAX_NICS && n < len; i++) {
		const struct dm_nic *x = dm->nic[i];
		const struct virtio_net_stats *s;
		const uint8_t *m;
		char why[256];

		if (!x)
			continue;
		s = &x->vnet.stats;
		m = x->arg.mac;
		drop_reasons(s, why, sizeof(why));
		n += (size_t)snprintf(buf + n, len - n,
				      "%u\t%02x:%02x:%02x:%02x:%02x:%02x\t%s\t%s\t00:%02x.0\t%s\t"
				      "%lu\t%llu\t%lu\t%llu\t%lu\t%s\n",
				      i, m[0], m[1], m[2], m[3], m[4], m[5], x->arg.vifname,
				      x->arg.bridge[0] ? x->arg.bridge : "-", x->slot, x->vnet.rx_error || x->tap_failed ?
				      "tap-failed" : "attached", s->rx_packets, s->rx_bytes,
				      s->tx_packets, s->tx_bytes, virtio_net_dropped(s), why);
	}
}
