/* net.h - the virtio network device (virtio 1.x §5.1) over a network backend. */
#ifndef DEVMODEL_VIRTIO_NET_H
#define DEVMODEL_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "net/net.h"
#include "net/rate.h"
#include "virtio/pci.h"

#define VIRTIO_ID_NET			1
#define VIRTIO_NET_RXQ			0
#define VIRTIO_NET_TXQ			1

/* Feature bits (§5.1.3). */
#define VIRTIO_NET_F_CSUM		0
#define VIRTIO_NET_F_GUEST_CSUM		1
#define VIRTIO_NET_F_MTU		3
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_GUEST_TSO4		7
#define VIRTIO_NET_F_GUEST_TSO6		8
#define VIRTIO_NET_F_HOST_TSO4		11
#define VIRTIO_NET_F_HOST_TSO6		12
#define VIRTIO_NET_F_MRG_RXBUF		15
#define VIRTIO_NET_F_STATUS		16

#define VIRTIO_NET_S_LINK_UP		1
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1
#define VIRTIO_NET_HDR_F_DATA_VALID	2
#define VIRTIO_NET_HDR_GSO_NONE		0
#define VIRTIO_NET_HDR_GSO_TCPV4	1
#define VIRTIO_NET_HDR_GSO_TCPV6	4
#define VIRTIO_NET_RX_BATCH		64	/* frames taken from the backend per call */

/* struct virtio_net_hdr (§5.1.6), 12 bytes in virtio 1.x. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};
_Static_assert(sizeof(struct virtio_net_hdr) == NET_HDR_LEN, "virtio_net_hdr layout");

/* Why a frame was dropped; network-list names them by virtio_net_drop_name. */
enum virtio_net_drop {
	VIRTIO_NET_DROP_TX_CHAIN,	/* malformed TX chain: bad descriptor, writable buffer,
					 * shorter than its header, longer than NET_MAX_FRAME */
	VIRTIO_NET_DROP_TX_GSO,		/* a GSO type the driver did not negotiate */
	VIRTIO_NET_DROP_TX_BACKEND,	/* the tap refused the frame */
	VIRTIO_NET_DROP_TX_RING,	/* the TX ring itself broke (the device needs a reset) */
	VIRTIO_NET_DROP_RX_FRAME,	/* from the tap: runt, too long, offloads not negotiated */
	VIRTIO_NET_DROP_RX_CHAIN,	/* a malformed RX chain, or one with readable buffers */
	VIRTIO_NET_DROP_RX_BUFFERS,	/* no guest buffers could ever hold it */
	VIRTIO_NET_DROP_RX_RING,	/* the RX ring broke (the device needs a reset) */
	VIRTIO_NET_DROP_NR
};

/* Counters of one NIC; packets and bytes are whole frames (no header)
 * as the guest sees them: tx from the guest, rx to the guest. */
struct virtio_net_stats {
	unsigned long rx_packets, tx_packets;
	unsigned long long rx_bytes, tx_bytes;
	unsigned long dropped[VIRTIO_NET_DROP_NR];
};

/* The short name of a drop reason ("tx_chain", ...). */
const char *virtio_net_drop_name(enum virtio_net_drop why);
/* All drops of s. */
unsigned long virtio_net_dropped(const struct virtio_net_stats *s);

/* All fields belong to the event loop. */
struct virtio_net {
	struct virtio_pci vp;
	struct net *nb;			/* the backend, owned by the caller */
	uint8_t mac[6];
	uint16_t mtu;			/* offered with VIRTIO_NET_F_MTU */
	unsigned int offload;		/* NET_OFFLOAD_* the backend's frames may use now */
	uint32_t rx_len;		/* the frame waiting for guest buffers, with its header; 0: none */
	int rx_error;			/* the backend failed (-errno, not -EAGAIN): no longer read */
	struct virtio_net_stats stats;
	struct net_rate rate;		/* the limit on what the guest sends */
	bool tx_throttled;		/* TX stopped for want of credit */
	bool tx_kicked;			/* TX kicked since virtio_net_tx_kicked() last ran */
	struct virtq_chain first, chain;	/* RX: the frame's first chain; scratch */
	uint8_t rx_buf[NET_HDR_LEN + NET_MAX_RX_FRAME + 1];	/* the frame being delivered (+1: too long) */
};

/* Make n a virtio-net device with address mac over backend nb (one RX
 * and one TX queue); plug n->vp.pci into a bus afterwards. */
void virtio_net_init(struct virtio_net *n, struct net *nb, const uint8_t mac[6],
		     const struct xl_guest_ram *ram, struct msix_sink sink);
/* Limit what the guest sends to bytes_per_s (0: no limit), credited
 * every interval_us (net/rate.h); frames over the limit wait in the TX
 * queue, none is dropped. */
void virtio_net_set_rate(struct virtio_net *n, uint64_t bytes_per_s, uint32_t interval_us);
/* Milliseconds until TX may go on after the limit stopped it (0: now),
 * or -1 if it is not stopped. */
int virtio_net_tx_wait_ms(const struct virtio_net *n);
/* Go on sending what waits in the TX queue, once tx_wait_ms said 0. */
void virtio_net_tx_resume(struct virtio_net *n);
/* Send what the TX queue holds if the driver kicked it since the last
 * call. A kick only marks the queue: the event loop calls this once the
 * notify's I/O request is answered, so that the guest's vCPU runs on
 * (queueing more frames, which then need no kick of their own) while
 * the frames go through the backend, instead of waiting for all of it. */
void virtio_net_tx_kicked(struct virtio_net *n);
/* Whether the event loop should poll the backend's fd for POLLIN: the
 * driver is ready, no frame waits for its buffers and the backend has not
 * failed (rx_error, which the caller logs: the tap was deleted, say). */
bool virtio_net_rx_wanted(const struct virtio_net *n);
/* The backend's fd is readable: move up to VIRTIO_NET_RX_BATCH frames
 * into the guest's receive buffers (virtio/net_rx.c). */
void virtio_net_rx(struct virtio_net *n);
/* Whether a frame with GSO type gso (ECN and other types: never) may pass
 * given features, TSO4 and TSO6 being bits tso4 and tso6 (net.c). */
bool virtio_net_gso_ok(uint8_t gso, uint64_t features, unsigned int tso4, unsigned int tso6);

#endif
