/* net_rx.c - virtio-net's receive queue: frames from the backend into the guest's buffers, merged or not. */
#include <errno.h>
#include <string.h>

#include "virtio/iov.h"
#include "virtio/net.h"

#define ETH_HLEN	14

/* Ask the backend for exactly the offloads the driver takes: partial
 * checksums with GUEST_CSUM, and TCP segments with GUEST_TSO4/6 (which
 * need it, §5.1.3.1). A failure keeps the old ones; rx_header() drops
 * what the driver would not take. */
static void sync_offload(struct virtio_net *n)
{
	unsigned int want = 0;

	if (virtio_pci_has(&n->vp, VIRTIO_NET_F_GUEST_CSUM))
		want = NET_OFFLOAD_CSUM |
		       (virtio_pci_has(&n->vp, VIRTIO_NET_F_GUEST_TSO4) ? NET_OFFLOAD_TSO4 : 0) |
		       (virtio_pci_has(&n->vp, VIRTIO_NET_F_GUEST_TSO6) ? NET_OFFLOAD_TSO6 : 0);
	if (want != n->offload && !n->nb->ops->set_offload(n->nb, want))
		n->offload = want;
}

/* Make the backend's header one the driver accepted: GSO only of the
 * types it negotiated, checksum flags only with GUEST_CSUM. false: the
 * frame must be dropped. */
static bool rx_header(struct virtio_net *n)
{
	struct virtio_net_hdr h;

	memcpy(&h, n->rx_buf, sizeof(h));
	if (!virtio_net_gso_ok(h.gso_type, n->vp.driver_features, VIRTIO_NET_F_GUEST_TSO4,
			       VIRTIO_NET_F_GUEST_TSO6))
		return false;
	if (!virtio_pci_has(&n->vp, VIRTIO_NET_F_GUEST_CSUM)) {
		if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
			return false;
		memset(&h, 0, sizeof(h));
	}
	if (h.gso_type == VIRTIO_NET_HDR_GSO_NONE)
		h.hdr_len = h.gso_size = 0;
	h.num_buffers = 1;
	memcpy(n->rx_buf, &h, sizeof(h));
	return true;
}

/* Read the next frame from the backend into rx_buf; true if one waits now. */
static bool fetch(struct virtio_net *n)
{
	ssize_t r;

	r = n->nb->ops->recv(n->nb, n->rx_buf, sizeof(n->rx_buf));
	if (r < 0) {
		if (r != -EAGAIN && r != -EINTR)
			n->rx_error = (int)r;
		return false;
	}
	if (r < NET_HDR_LEN + ETH_HLEN || r > NET_HDR_LEN + NET_MAX_RX_FRAME || !rx_header(n)) {
		n->stats.dropped[VIRTIO_NET_DROP_RX_FRAME]++;
		return false;
	}
	n->rx_len = (uint32_t)r;
	return true;
}

/* Put the waiting frame into the RX queue: one chain, or with
 * MRG_RXBUF as many as it takes (num_buffers in the first one's header).
 * 1: the frame is gone (delivered, or dropped because the guest's
 * buffers can never hold it or a chain was malformed); 0: not enough buffers yet (none taken);
 * -1: the driver broke the queue. */
static int deliver(struct virtio_net *n)
{
	struct virtq *q = &n->vp.vq[VIRTIO_NET_RXQ];
	bool mrg = virtio_pci_has(&n->vp, VIRTIO_NET_F_MRG_RXBUF);
	uint16_t heads[VIRTQ_MAX_SIZE], used = 0;
	uint32_t lens[VIRTQ_MAX_SIZE], done = 0, k;

	while (done < n->rx_len) {
		struct virtq_chain *c = used ? &n->chain : &n->first;
		int ret = virtq_pop(q, c);

		if (ret == -EBADMSG || (ret > 0 && c->nr_out)) {
			/* A malformed chain or one with readable buffers: it and
			 * the frame's chains so far go back empty; the frame is dropped. */
			heads[used] = c->head;
			memset(lens, 0, sizeof(lens));
			virtq_push_n(q, heads, lens, used + 1u);
			n->stats.dropped[VIRTIO_NET_DROP_RX_CHAIN]++;
			return 1;
		}
		if (ret < 0) {
			n->stats.dropped[VIRTIO_NET_DROP_RX_RING]++;
			virtio_pci_needs_reset(&n->vp);
			return -1;
		}
		if (!ret) {		/* out of buffers: wait, unless the ring is all there is */
			virtq_unpop(q, used);
			return used == q->size ? (n->stats.dropped[VIRTIO_NET_DROP_RX_BUFFERS]++, 1) : 0;
		}
		k = c->in_len < n->rx_len - done ? (uint32_t)c->in_len : n->rx_len - done;
		if ((!used && k < NET_HDR_LEN) || (!mrg && k < n->rx_len)) {
			virtq_unpop(q, used + 1);	/* too small for this frame: dropped */
			n->stats.dropped[VIRTIO_NET_DROP_RX_BUFFERS]++;
			return 1;
		}
		iov_from_buf(c->iov, c->nr_in, n->rx_buf + done, k);
		heads[used] = c->head;
		lens[used++] = k;
		done += k;
	}
	if (used > 1) {
		memcpy(n->rx_buf + offsetof(struct virtio_net_hdr, num_buffers), &used, 2);
		iov_from_buf(n->first.iov, n->first.nr_in, n->rx_buf, NET_HDR_LEN);
	}
	virtq_push_n(q, heads, lens, used);
	n->stats.rx_packets++;
	n->stats.rx_bytes += n->rx_len - NET_HDR_LEN;
	return 1;
}

bool virtio_net_rx_wanted(const struct virtio_net *n)
{
	return !n->rx_len && !n->rx_error && virtio_pci_queue_live(&n->vp, VIRTIO_NET_RXQ);
}

void virtio_net_rx(struct virtio_net *n)
{
	struct virtq *q = &n->vp.vq[VIRTIO_NET_RXQ];
	uint16_t before = q->used_idx;
	unsigned int i;

	/* Offloads follow the driver's features from its first kick of the
	 * RX queue on, before any frame is read for it. */
	if (virtio_pci_queue_live(&n->vp, VIRTIO_NET_RXQ))
		sync_offload(n);
	for (i = 0; i < VIRTIO_NET_RX_BATCH && virtio_pci_queue_live(&n->vp, VIRTIO_NET_RXQ); i++) {
		if (!n->rx_len && (n->rx_error || !fetch(n)))
			break;
		if (deliver(n) <= 0)
			break;
		n->rx_len = 0;
	}
	if (q->used_idx != before)
		virtio_pci_queue_interrupt(&n->vp, VIRTIO_NET_RXQ);
}
