/* net.c - virtio-net: configuration, features, and the transmit queue (frames from the guest to the backend). */
#include <stddef.h>
#include <string.h>

#include "virtio/iov.h"
#include "virtio/net.h"

#define MTU_MIN		68		/* IPv4's minimum, as Linux checks it */
#define MTU_MAX		(NET_MAX_FRAME - 18)	/* + Ethernet header and a VLAN tag */

/* struct virtio_net_config (§5.1.4), the fields offered. */
struct net_config {
	uint8_t mac[6];			/* 0 */
	uint16_t status;		/* 6 */
	uint16_t max_virtqueue_pairs;	/* 8 */
	uint16_t mtu;			/* 10 */
};
#define NET_CONFIG_LEN	12
_Static_assert(sizeof(struct net_config) == NET_CONFIG_LEN, "virtio_net_config layout");

static struct virtio_net *net_of(struct virtio_pci *vp)
{
	return vp->dev;
}

/* Send the frame of chain c (header, then at most NET_MAX_FRAME bytes, all
 * device-readable). The header goes from a private copy, so the backend
 * sees the one checked here, whatever the guest writes meanwhile. -1: the
 * chain is malformed and the device needs a reset; else the chain is done
 * (a frame the backend refused is dropped). */
static int tx_one(struct virtio_net *n, struct virtq_chain *c)
{
	struct iovec v[VIRTQ_MAX_SIZE + 1], *rest = c->iov;
	unsigned int nr = c->nr_out;
	struct virtio_net_hdr h;

	if (c->nr_in || c->out_len < NET_HDR_LEN || c->out_len > NET_HDR_LEN + NET_MAX_FRAME)
		return -1;
	iov_to_buf(c->iov, c->nr_out, &h, sizeof(h));
	iov_drop_front(&rest, &nr, sizeof(h));
	v[0] = (struct iovec){ &h, sizeof(h) };
	memcpy(v + 1, rest, nr * sizeof(*rest));
	/* A GSO type the driver did not negotiate is its mistake: dropped
	 * rather than handed to the tap (whose kernel checks the rest). */
	if (!virtio_net_gso_ok(h.gso_type, n->vp.driver_features, VIRTIO_NET_F_HOST_TSO4,
			       VIRTIO_NET_F_HOST_TSO6) || !nr ||
	    n->nb->ops->send(n->nb, v, nr + 1))
		n->tx_dropped++;
	return 0;
}

/* Send every frame waiting in the TX queue, then interrupt once. */
static void tx(struct virtio_net *n)
{
	struct virtq *q = &n->vp.vq[VIRTIO_NET_TXQ];
	bool any = false;
	int ret;

	while (virtio_pci_queue_live(&n->vp, VIRTIO_NET_TXQ)) {
		ret = virtq_pop(q, &n->chain);
		if (ret < 0 || (ret > 0 && tx_one(n, &n->chain))) {
			virtio_pci_needs_reset(&n->vp);
			return;
		}
		if (!ret)
			break;
		virtq_push(q, n->chain.head, 0);
		any = true;
	}
	if (any)
		virtio_pci_queue_interrupt(&n->vp, VIRTIO_NET_TXQ);
}

bool virtio_net_gso_ok(uint8_t gso, uint64_t features, unsigned int tso4, unsigned int tso6)
{
	return gso == VIRTIO_NET_HDR_GSO_NONE ||
	       (gso == VIRTIO_NET_HDR_GSO_TCPV4 && features >> tso4 & 1) ||
	       (gso == VIRTIO_NET_HDR_GSO_TCPV6 && features >> tso6 & 1);
}

static void net_notify(struct virtio_pci *vp, unsigned int q)
{
	if (q == VIRTIO_NET_TXQ)
		tx(net_of(vp));
	else
		virtio_net_rx(net_of(vp));	/* new buffers: a waiting frame may fit */
}

/* A reset drops the frame that waited for buffers. */
static void net_reset(struct virtio_pci *vp)
{
	net_of(vp)->rx_len = 0;
}

static void net_cfg_read(struct virtio_pci *vp, uint32_t off, void *buf, unsigned int len)
{
	struct virtio_net *n = net_of(vp);
	struct net_config c = {
		.status = VIRTIO_NET_S_LINK_UP,
		.max_virtqueue_pairs = 1,
		.mtu = n->mtu,
	};

	memcpy(c.mac, n->mac, sizeof(c.mac));
	memcpy(buf, (uint8_t *)&c + off, len);
}

static const struct virtio_dev_ops net_ops = {
	.cfg_read = net_cfg_read,
	.cfg_write = NULL,		/* read-only: the MAC would be set through CTRL_VQ */
	.notify = net_notify,
	.reset = net_reset,
};

void virtio_net_init(struct virtio_net *n, struct net *nb, const uint8_t mac[6],
		     const struct xl_guest_ram *ram, struct msix_sink sink)
{
	uint64_t f = 1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_GUEST_CSUM |
		     1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_MRG_RXBUF |
		     1ull << VIRTIO_NET_F_STATUS | 1ull << VIRTIO_NET_F_GUEST_TSO4 |
		     1ull << VIRTIO_NET_F_GUEST_TSO6 | 1ull << VIRTIO_NET_F_HOST_TSO4 |
		     1ull << VIRTIO_NET_F_HOST_TSO6;

	memset(n, 0, offsetof(struct virtio_net, rx_buf));
	n->nb = nb;
	memcpy(n->mac, mac, sizeof(n->mac));
	if (nb->mtu >= MTU_MIN) {
		n->mtu = nb->mtu < MTU_MAX ? (uint16_t)nb->mtu : MTU_MAX;
		f |= 1ull << VIRTIO_NET_F_MTU;
	}
	/* Class 02 00 00: network controller, Ethernet. */
	virtio_pci_init(&n->vp, VIRTIO_ID_NET, 0x020000, 2, f, NET_CONFIG_LEN, &net_ops, n,
			ram, sink);
}
