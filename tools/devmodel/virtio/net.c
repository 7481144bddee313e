/* net.c - virtio-net: configuration, features, and the transmit queue (frames from the guest to the backend). */
#include <errno.h>
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

static const char *const drop_names[VIRTIO_NET_DROP_NR] = {
	[VIRTIO_NET_DROP_TX_CHAIN] = "tx_chain",
	[VIRTIO_NET_DROP_TX_GSO] = "tx_gso",
	[VIRTIO_NET_DROP_TX_BACKEND] = "tx_tap",
	[VIRTIO_NET_DROP_TX_RING] = "tx_ring",
	[VIRTIO_NET_DROP_RX_FRAME] = "rx_frame",
	[VIRTIO_NET_DROP_RX_CHAIN] = "rx_chain",
	[VIRTIO_NET_DROP_RX_BUFFERS] = "rx_buffers",
	[VIRTIO_NET_DROP_RX_RING] = "rx_ring",
};

const char *virtio_net_drop_name(enum virtio_net_drop why)
{
	return drop_names[why];
}

unsigned long virtio_net_dropped(const struct virtio_net_stats *s)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < VIRTIO_NET_DROP_NR; i++)
		n += s->dropped[i];
	return n;
}

/* Send the frame of chain c (header, then at most NET_MAX_FRAME bytes, all
 * device-readable). The header goes from a private copy, so the backend
 * sees the one checked here, whatever the guest writes meanwhile. A
 * malformed chain, a GSO type the driver did not negotiate (its mistake:
 * not handed to the tap, whose kernel checks the rest) or a frame the
 * backend refuses is dropped and counted. */
static void tx_one(struct virtio_net *n, struct virtq_chain *c)
{
	struct iovec v[VIRTQ_MAX_SIZE + 1], *rest = c->iov;
	unsigned int nr = c->nr_out;
	struct virtio_net_hdr h;

	if (c->nr_in || c->out_len <= NET_HDR_LEN || c->out_len > NET_HDR_LEN + NET_MAX_FRAME) {
		n->stats.dropped[VIRTIO_NET_DROP_TX_CHAIN]++;
		return;
	}
	iov_to_buf(c->iov, c->nr_out, &h, sizeof(h));
	iov_drop_front(&rest, &nr, sizeof(h));
	v[0] = (struct iovec){ &h, sizeof(h) };
	memcpy(v + 1, rest, nr * sizeof(*rest));
	if (!virtio_net_gso_ok(h.gso_type, n->vp.driver_features, VIRTIO_NET_F_HOST_TSO4,
			       VIRTIO_NET_F_HOST_TSO6)) {
		n->stats.dropped[VIRTIO_NET_DROP_TX_GSO]++;
		return;
	}
	if (n->nb->ops->send(n->nb, v, nr + 1)) {
		n->stats.dropped[VIRTIO_NET_DROP_TX_BACKEND]++;
		return;
	}
	net_rate_charge(&n->rate, c->out_len - NET_HDR_LEN);
	n->stats.tx_packets++;
	n->stats.tx_bytes += c->out_len - NET_HDR_LEN;
}

/* Send every frame waiting in the TX queue (while the rate limit lets
 * them go), then interrupt once. A malformed chain is returned unused; a
 * broken ring stops the device. */
static void tx(struct virtio_net *n)
{
	struct virtq *q = &n->vp.vq[VIRTIO_NET_TXQ];
	uint64_t now = n->rate.bytes_per_interval ? net_rate_now() : 0;
	bool any = false;
	int ret;

	while (virtio_pci_queue_live(&n->vp, VIRTIO_NET_TXQ)) {
		if (!net_rate_may_send(&n->rate, now)) {
			n->tx_throttled = true;
			break;
		}
		ret = virtq_pop(q, &n->chain);
		if (ret == -EBADMSG) {
			n->stats.dropped[VIRTIO_NET_DROP_TX_CHAIN]++;
		} else if (ret < 0) {
			n->stats.dropped[VIRTIO_NET_DROP_TX_RING]++;
			virtio_pci_needs_reset(&n->vp);
			break;
		} else if (!ret) {
			break;
		} else {
			tx_one(n, &n->chain);
		}
		virtq_push(q, n->chain.head, 0);
		any = true;
	}
	if (any)
		virtio_pci_queue_interrupt(&n->vp, VIRTIO_NET_TXQ);
}

void virtio_net_set_rate(struct virtio_net *n, uint64_t bytes_per_s, uint32_t interval_us)
{
	net_rate_init(&n->rate, bytes_per_s, interval_us, net_rate_now());
}

int virtio_net_tx_wait_ms(const struct virtio_net *n)
{
	return n->tx_throttled ? net_rate_wait_ms(&n->rate, net_rate_now()) : -1;
}

void virtio_net_tx_resume(struct virtio_net *n)
{
	n->tx_throttled = false;
	tx(n);
}

bool virtio_net_gso_ok(uint8_t gso, uint64_t features, unsigned int tso4, unsigned int tso6)
{
	return gso == VIRTIO_NET_HDR_GSO_NONE ||
	       (gso == VIRTIO_NET_HDR_GSO_TCPV4 && features >> tso4 & 1) ||
	       (gso == VIRTIO_NET_HDR_GSO_TCPV6 && features >> tso6 & 1);
}

void virtio_net_tx_kicked(struct virtio_net *n)
{
	if (!n->tx_kicked)
		return;
	n->tx_kicked = false;
	tx(n);
}

/* A TX kick waits for virtio_net_tx_kicked() (after the notify is answered). */
static void net_notify(struct virtio_pci *vp, unsigned int q)
{
	if (q == VIRTIO_NET_TXQ)
		net_of(vp)->tx_kicked = true;
	else
		virtio_net_rx(net_of(vp));	/* new buffers: a waiting frame may fit */
}

/* A reset drops the frame that waited for buffers, the TX queue that
 * waited for credit and a kick not yet served. */
static void net_reset(struct virtio_pci *vp)
{
	net_of(vp)->rx_len = 0;
	net_of(vp)->tx_throttled = false;
	net_of(vp)->tx_kicked = false;
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
