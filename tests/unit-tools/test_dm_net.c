/* test_dm_net.c - virtio-net against a fake backend: configuration, TX chains, RX with and without merged buffers, backpressure, malformed chains. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "dm_testlib.h"
#include "net_testlib.h"
#include "virtio/net.h"

#define RXBASE		0x10000
#define TXBASE		0x14000
#define QSIZE		16
#define BUF		0x20000		/* buffer i at BUF + i * 0x1000 (one page each) */
#define BIG		0x40000		/* a 128 KiB area */
#define NO_CSUM		(1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS)
#define MRG		(NO_CSUM | 1ull << VIRTIO_NET_F_MRG_RXBUF)
#define RX_FRAMES	4

/* The backend: what was sent, frames to hand out, the checksum switch. */
struct fake_net {
	struct net nb;
	unsigned int sent, recvs, nr_rx;
	int send_ret;
	int recv_ret;			/* returned when no frame waits: -EAGAIN */
	unsigned int offload;
	size_t last_len;
	uint8_t last[NET_HDR_LEN + NET_MAX_FRAME];
	size_t rx_len[RX_FRAMES];
	uint8_t rx[RX_FRAMES][4096];
};

struct fixture {
	struct xl_guest_ram ram;
	struct virtio_net net;
	struct fake_net fn;
	struct fake_vq rxq, txq;
	struct msi_log msi;
};

static int fake_send(struct net *nb, const struct iovec *iov, unsigned int n)
{
	struct fake_net *f = (struct fake_net *)nb;
	unsigned int i;

	f->sent++;
	f->last_len = 0;
	for (i = 0; i < n; i++) {
		memcpy(f->last + f->last_len, iov[i].iov_base, iov[i].iov_len);
		f->last_len += iov[i].iov_len;
	}
	return f->send_ret;
}

static ssize_t fake_recv(struct net *nb, void *buf, size_t len)
{
	struct fake_net *f = (struct fake_net *)nb;
	size_t k;

	f->recvs++;
	if (!f->nr_rx)
		return f->recv_ret ? f->recv_ret : -EAGAIN;
	k = f->rx_len[0] < len ? f->rx_len[0] : len;
	memcpy(buf, f->rx[0], k);
	f->nr_rx--;
	memmove(f->rx_len, f->rx_len + 1, sizeof(f->rx_len[0]) * f->nr_rx);
	memmove(f->rx, f->rx + 1, sizeof(f->rx[0]) * f->nr_rx);
	return (ssize_t)k;
}

static int fake_set_offload(struct net *nb, unsigned int offload)
{
	((struct fake_net *)nb)->offload = offload;
	return 0;
}

static void fake_close(struct net *nb)
{
	(void)nb;
}

static const struct net_ops fake_ops = { fake_send, fake_recv, fake_set_offload, fake_close };

/* Queue a frame of len bytes (after the header) filled with byte fill, with header flags. */
static void backend_frame(struct fake_net *f, size_t len, uint8_t fill, uint8_t flags)
{
	struct virtio_net_hdr h = { .flags = flags, .num_buffers = 0x7777 };

	assert_true(f->nr_rx < RX_FRAMES && len + NET_HDR_LEN <= sizeof(f->rx[0]));
	memcpy(f->rx[f->nr_rx], &h, sizeof(h));
	memset(f->rx[f->nr_rx] + NET_HDR_LEN, fill, len);
	f->rx_len[f->nr_rx++] = NET_HDR_LEN + len;
}

/* A device with MTU 1500 whose driver accepted features (+ VERSION_1), both queues up. */
static struct fixture *make(uint64_t features)
{
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0x01, 0x02, 0x03 };
	struct fixture *x = calloc(1, sizeof(*x));
	struct fake_vq f[2];
	const uint64_t base[2] = { RXBASE, TXBASE };

	fake_ram_init(&x->ram);
	x->fn.nb = (struct net){ .ops = &fake_ops, .fd = -1, .mtu = 1500, .name = "vif1.0" };
	virtio_net_init(&x->net, &x->fn.nb, mac, &x->ram, (struct msix_sink){ msi_log_raise, &x->msi });
	fake_driver_ok_n(&x->net.vp, f, 0, 2, base, QSIZE, features);
	assert_int_equal(x->net.vp.status, 0x0f);
	x->rxq = f[0];
	x->txq = f[1];
	return x;
}

static int setup(void **state)
{
	*state = make(NO_CSUM);
	return 0;
}

static int setup_mrg(void **state)
{
	*state = make(MRG);
	return 0;
}

static bool needs_reset(struct fixture *x)
{
	return x->net.vp.status & VIRTIO_STATUS_NEEDS_RESET;
}

/* Offer n one-descriptor receive buffers of len bytes each, from buffer first. */
static void rx_buffers(struct fixture *x, unsigned int first, unsigned int n, uint32_t len)
{
	unsigned int i;

	for (i = first; i < first + n; i++) {
		uint64_t a = BUF + i * 0x1000ull;
		uint16_t w = VIRTQ_DESC_F_WRITE;

		fake_vq_chain(&x->rxq, (uint16_t)i, 1, &a, &len, &w);
	}
}

static void test_config(void **state)
{
	struct fixture *x = *state;
	struct virtio_pci *vp = &x->net.vp;
	uint64_t mac = 0;

	assert_int_equal(pci_dev_get(&vp->pci, 0, 2), VIRTIO_PCI_VENDOR);
	assert_int_equal(pci_dev_get(&vp->pci, 2, 2), 0x1041);
	assert_int_equal(pci_dev_get(&vp->pci, 9, 3), 0x020000);
	assert_int_equal(vp->nr_queues, 2);
	vp->ops->cfg_read(vp, 0, &mac, 6);
	assert_int_equal(mac, 0x0302013e1600ull);
	assert_int_equal(vp->pci.ops->bar_read(&vp->pci, 0, VIRTIO_PCI_DEVICE_OFF + 6, 2),
			 VIRTIO_NET_S_LINK_UP);
	assert_int_equal(vp->pci.ops->bar_read(&vp->pci, 0, VIRTIO_PCI_DEVICE_OFF + 10, 2), 1500);
	assert_true(vp->features >> VIRTIO_NET_F_MRG_RXBUF & 1);
	assert_true(vp->features >> VIRTIO_NET_F_MTU & 1);
	assert_true(vp->features >> VIRTIO_NET_F_CSUM & 1);
	assert_true(vp->features >> VIRTIO_F_VERSION_1 & 1);
	/* read-only: a write changes nothing */
	vp->pci.ops->bar_write(&vp->pci, 0, VIRTIO_PCI_DEVICE_OFF, 4, 0xffffffff);
	assert_int_equal(vp->pci.ops->bar_read(&vp->pci, 0, VIRTIO_PCI_DEVICE_OFF, 2), 0x1600);
}

/* A frame split as header (2 descriptors) and payload (2 descriptors). */
static void test_tx(void **state)
{
	struct fixture *x = *state;
	uint64_t a[4] = { BUF, BUF + 0x1000, BUF + 0x2000, BUF + 0x3000 };
	uint32_t l[4] = { 5, 7, 100, 60 };
	uint16_t fl[4] = { 0 };
	uint8_t *p = gpa(&x->ram, BUF);

	memset(p, 0, 12);
	memset(gpa(&x->ram, BUF + 0x2000), 0xab, 100);
	memset(gpa(&x->ram, BUF + 0x3000), 0xcd, 60);
	fake_vq_chain(&x->txq, 0, 4, a, l, fl);
	net_kick_tx(&x->net);
	assert_int_equal(x->fn.sent, 1);
	assert_int_equal(x->fn.last_len, 172);
	assert_int_equal(x->fn.last[12], 0xab);
	assert_int_equal(x->fn.last[171], 0xcd);
	assert_int_equal(fake_used_idx(&x->txq), 1);
	assert_int_equal(fake_used_id(&x->txq, 0), 0);
	assert_int_equal(fake_used_len(&x->txq, 0), 0);
	assert_int_equal(x->msi.count, 1);
	assert_int_equal(x->msi.data, 0x40 + 2);	/* the TX queue's vector */
	assert_false(needs_reset(x));
}

/* A TX kick only marks the queue: nothing goes out (and no interrupt)
 * until the event loop runs it, which then also sends a frame queued
 * after the kick, with one interrupt for both; a run without a kick, or
 * after a reset dropped it, sends nothing. */
static void test_tx_after_answer(void **state)
{
	struct fixture *x = *state;
	uint64_t a = BUF;
	uint32_t l = 72;
	uint16_t fl = 0;

	memset(gpa(&x->ram, BUF), 0, l);
	virtio_net_tx_kicked(&x->net);
	fake_vq_chain(&x->txq, 0, 1, &a, &l, &fl);
	fake_kick(&x->net.vp, VIRTIO_NET_TXQ);
	assert_int_equal(x->fn.sent, 0);
	assert_int_equal(fake_used_idx(&x->txq), 0);
	assert_int_equal(x->msi.count, 0);
	fake_vq_chain(&x->txq, 1, 1, &a, &l, &fl);
	virtio_net_tx_kicked(&x->net);
	assert_int_equal(x->fn.sent, 2);
	assert_int_equal(fake_used_idx(&x->txq), 2);
	assert_int_equal(x->msi.count, 1);
	fake_vq_chain(&x->txq, 2, 1, &a, &l, &fl);
	virtio_net_tx_kicked(&x->net);			/* no kick since */
	assert_int_equal(x->fn.sent, 2);
	fake_kick(&x->net.vp, VIRTIO_NET_TXQ);
	x->net.vp.pci.ops->bar_write(&x->net.vp.pci, 0, 0x14, 1, 0);	/* reset */
	virtio_net_tx_kicked(&x->net);
	assert_int_equal(x->fn.sent, 2);
	assert_false(x->net.tx_kicked);
}

/* With HOST_TSO4 a TCP/IPv4 GSO frame goes to the backend; TCPv6 (not negotiated) does not. */
static void test_tx_gso(void **state)
{
	struct fixture *x = make(NO_CSUM | 1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_HOST_TSO4);
	struct virtio_net_hdr *h = gpa(&x->ram, BUF);
	uint64_t a = BUF;
	uint32_t l = 3000;
	uint16_t fl = 0;

	(void)state;
	*h = (struct virtio_net_hdr){ VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4,
				      54, 1000, 34, 16, 0 };
	fake_vq_chain(&x->txq, 0, 1, &a, &l, &fl);
	net_kick_tx(&x->net);
	h->gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	fake_vq_chain(&x->txq, 1, 1, &a, &l, &fl);
	net_kick_tx(&x->net);
	assert_int_equal(x->fn.sent, 1);
	assert_int_equal(x->fn.last[1], VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(x->net.stats.dropped[VIRTIO_NET_DROP_TX_GSO], 1);
	assert_int_equal(virtio_net_dropped(&x->net.stats), 1);
	assert_int_equal(x->net.stats.tx_packets, 1);
	assert_int_equal(x->net.stats.tx_bytes, 3000 - NET_HDR_LEN);
	assert_int_equal(fake_used_idx(&x->txq), 2);
	fake_fixture_free((void **)&x);
}

/* Refused by the backend, or a GSO frame: dropped, the chain returned. */
static void test_tx_dropped(void **state)
{
	struct fixture *x = *state;
	uint64_t a = BUF;
	uint32_t l = 80;
	uint16_t fl = 0;
	struct virtio_net_hdr *h = gpa(&x->ram, BUF);

	x->fn.send_ret = -EINVAL;
	fake_vq_chain(&x->txq, 0, 1, &a, &l, &fl);
	net_kick_tx(&x->net);
	x->fn.send_ret = 0;
	h->gso_type = 1;
	fake_vq_chain(&x->txq, 1, 1, &a, &l, &fl);
	net_kick_tx(&x->net);
	assert_int_equal(x->fn.sent, 1);	/* the GSO frame never reached it */
	assert_int_equal(x->net.stats.dropped[VIRTIO_NET_DROP_TX_BACKEND], 1);
	assert_int_equal(x->net.stats.dropped[VIRTIO_NET_DROP_TX_GSO], 1);
	assert_int_equal(x->net.stats.tx_packets, 0);
	assert_int_equal(fake_used_idx(&x->txq), 2);
	assert_false(needs_reset(x));
}

/* One malformed TX chain, then a good one: the bad one is returned
 * unused and counted, the device goes on (no reset) and sends the next. */
static void tx_bad(uint64_t addr, uint32_t len0, uint32_t len1, uint16_t flags1)
{
	struct fixture *x = make(NO_CSUM);
	uint64_t a[2] = { addr, BIG }, good = BUF;
	uint32_t l[2] = { len0, len1 }, goodlen = 80;
	uint16_t fl[2] = { 0, flags1 }, goodfl = 0;

	memset(gpa(&x->ram, BUF), 0, NET_HDR_LEN);
	fake_vq_chain(&x->txq, 0, len1 ? 2 : 1, a, l, fl);
	fake_vq_chain(&x->txq, 2, 1, &good, &goodlen, &goodfl);
	net_kick_tx(&x->net);
	assert_false(needs_reset(x));
	assert_int_equal(x->fn.sent, 1);
	assert_int_equal(x->fn.last_len, 80);
	assert_int_equal(fake_used_idx(&x->txq), 2);
	assert_int_equal(fake_used_id(&x->txq, 0), 0);
	assert_int_equal(fake_used_len(&x->txq, 0), 0);
	assert_int_equal(x->net.stats.dropped[VIRTIO_NET_DROP_TX_CHAIN], 1);
	assert_int_equal(virtio_net_dropped(&x->net.stats), 1);
	assert_int_equal(x->net.stats.tx_packets, 1);
	assert_int_equal(x->net.stats.tx_bytes, 80 - NET_HDR_LEN);
	fake_fixture_free((void **)&x);
}

static void test_tx_malformed(void **state)
{
	(void)state;
	tx_bad(BUF, 11, 0, 0);				/* shorter than the header */
	tx_bad(BUF, 12, 0, 0);				/* a header and no frame */
	tx_bad(BUF, 12, NET_MAX_FRAME + 1, 0);		/* a frame over 64 KiB */
	tx_bad(BUF, 60, 4, VIRTQ_DESC_F_WRITE);		/* a writable buffer */
	tx_bad(FAKE_LOW - 4, 12, 0, 0);			/* outside RAM */
}

/* A TX ring whose avail index jumps past the queue size: the device
 * needs a reset, counted once. */
static void test_tx_ring_broken(void **state)
{
	struct fixture *x = *state;
	uint16_t *avail_idx = (uint16_t *)gpa(&x->ram, x->txq.avail) + 1;

	*avail_idx = (uint16_t)(*avail_idx + QSIZE + 1);
	net_kick_tx(&x->net);
	assert_true(needs_reset(x));
	assert_int_equal(x->net.stats.dropped[VIRTIO_NET_DROP_TX_RING], 1);
	assert_int_equal(x->fn.sent, 0);
}

/* A rate limit of 1 byte a second (credit 10 bytes each 10 s): the first
 * frame goes, the next waits in the queue, counted nowhere as dropped. */
static void test_tx_rate_limited(void **state)
{
	struct fixture *x = *state;
	uint64_t a = BUF;
	uint32_t l = 80;
	uint16_t fl = 0;

	memset(gpa(&x->ram, BUF), 0, NET_HDR_LEN);
	virtio_net_set_rate(&x->net, 1, 10000000);
	assert_int_equal(virtio_net_tx_wait_ms(&x->net), -1);
	fake_vq_chain(&x->txq, 0, 1, &a, &l, &fl);
	fake_vq_chain(&x->txq, 1, 1, &a, &l, &fl);
	net_kick_tx(&x->net);
	assert_int_equal(x->fn.sent, 1);
	assert_int_equal(fake_used_idx(&x->txq), 1);
	assert_true(virtio_net_tx_wait_ms(&x->net) > 9000);
	virtio_net_tx_resume(&x->net);			/* too early: still waits */
	assert_int_equal(x->fn.sent, 1);
	assert_int_equal(virtio_net_dropped(&x->net.stats), 0);
	virtio_net_set_rate(&x->net, 0, 0);		/* lifted: the frame goes */
	virtio_net_tx_resume(&x->net);
	assert_int_equal(x->fn.sent, 2);
	assert_int_equal(virtio_net_tx_wait_ms(&x->net), -1);
}

/* The largest frame passes. */
static void test_tx_max(void **state)
{
	struct fixture *x = *state;
	uint64_t a[2] = { BUF, BIG };
	uint32_t l[2] = { 12, NET_MAX_FRAME };
	uint16_t fl[2] = { 0, 0 };

	fake_vq_chain(&x->txq, 0, 2, a, l, fl);
	net_kick_tx(&x->net);
	assert_int_equal(x->fn.sent, 1);
	assert_int_equal(x->fn.last_len, NET_HDR_LEN + NET_MAX_FRAME);
	assert_false(needs_reset(x));
}

/* Without MRG_RXBUF: one chain per frame, header zeroed but num_buffers 1. */
static void test_rx_single(void **state)
{
	struct fixture *x = *state;
	struct virtio_net_hdr *h = gpa(&x->ram, BUF);

	rx_buffers(x, 0, 2, 1526);
	backend_frame(&x->fn, 1000, 0x5a, VIRTIO_NET_HDR_F_DATA_VALID);
	backend_frame(&x->fn, 60, 0xa5, 0);
	assert_true(virtio_net_rx_wanted(&x->net));
	virtio_net_rx(&x->net);
	assert_int_equal(fake_used_idx(&x->rxq), 2);
	assert_int_equal(fake_used_len(&x->rxq, 0), 1012);
	assert_int_equal(fake_used_len(&x->rxq, 1), 72);
	assert_int_equal(h->flags, 0);			/* DATA_VALID needs GUEST_CSUM */
	assert_int_equal(h->num_buffers, 1);
	assert_int_equal(((uint8_t *)gpa(&x->ram, BUF))[1011], 0x5a);
	assert_int_equal(((uint8_t *)gpa(&x->ram, BUF + 0x1000))[12], 0xa5);
	assert_int_equal(x->msi.count, 1);
	assert_int_equal(x->msi.data, 0x40 + 1);
	assert_int_equal(x->fn.offload, 0);
}

/* A chain too small for the frame (no MRG_RXBUF): the frame is dropped, the chain kept for the next. */
static void test_rx_too_small(void **state)
{
	struct fixture *x = *state;

	rx_buffers(x, 0, 1, 200);
	backend_frame(&x->fn, 1000, 1, 0);
	backend_frame(&x->fn, 100, 2, 0);
	virtio_net_rx(&x->net);
	assert_int_equal(x->net.stats.dropped[VIRTIO_NET_DROP_RX_BUFFERS], 1);
	assert_int_equal(fake_used_idx(&x->rxq), 1);
	assert_int_equal(fake_used_len(&x->rxq, 0), 112);
}

/* With MRG_RXBUF: a 3000-byte frame over three 1500-byte buffers, returned at once. */
static void test_rx_merged(void **state)
{
	struct fixture *x = *state;
	struct virtio_net_hdr *h = gpa(&x->ram, BUF);

	rx_buffers(x, 0, 4, 1500);
	backend_frame(&x->fn, 3000, 0x11, 0);
	virtio_net_rx(&x->net);
	assert_int_equal(fake_used_idx(&x->rxq), 3);
	assert_int_equal(h->num_buffers, 3);
	assert_int_equal(fake_used_len(&x->rxq, 0), 1500);
	assert_int_equal(fake_used_len(&x->rxq, 1), 1500);
	assert_int_equal(fake_used_len(&x->rxq, 2), 12);
	assert_int_equal(((uint8_t *)gpa(&x->ram, BUF + 0x2000))[11], 0x11);
	assert_int_equal(x->msi.count, 1);
	assert_false(needs_reset(x));
}

/* No buffers: one frame is held, the tap is no longer wanted; a kick with buffers delivers it. */
static void test_rx_backpressure(void **state)
{
	struct fixture *x = *state;
	unsigned int recvs;

	backend_frame(&x->fn, 3000, 0x22, 0);
	backend_frame(&x->fn, 100, 0x33, 0);
	virtio_net_rx(&x->net);
	assert_false(virtio_net_rx_wanted(&x->net));
	assert_int_equal(fake_used_idx(&x->rxq), 0);
	recvs = x->fn.recvs;
	rx_buffers(x, 0, 2, 1500);			/* not enough for 3012 bytes */
	fake_kick(&x->net.vp, VIRTIO_NET_RXQ);
	assert_int_equal(fake_used_idx(&x->rxq), 0);
	assert_int_equal(x->fn.recvs, recvs);		/* nothing more read */
	rx_buffers(x, 2, 1, 1500);
	fake_kick(&x->net.vp, VIRTIO_NET_RXQ);
	assert_int_equal(fake_used_idx(&x->rxq), 3);
	assert_int_equal(fake_used_len(&x->rxq, 2), 12);
	assert_false(virtio_net_rx_wanted(&x->net));	/* the 100-byte frame waits */
	rx_buffers(x, 3, 1, 1500);
	fake_kick(&x->net.vp, VIRTIO_NET_RXQ);
	assert_int_equal(fake_used_idx(&x->rxq), 4);
	assert_int_equal(fake_used_len(&x->rxq, 3), 112);
	assert_true(virtio_net_rx_wanted(&x->net));
}

/* A frame larger than every buffer of the ring together is dropped. */
static void test_rx_never_fits(void **state)
{
	struct fixture *x = *state;

	rx_buffers(x, 0, QSIZE, 16);
	backend_frame(&x->fn, 1000, 0x44, 0);
	virtio_net_rx(&x->net);
	assert_int_equal(x->net.stats.dropped[VIRTIO_NET_DROP_RX_BUFFERS], 1);
	assert_int_equal(x->net.stats.rx_packets, 0);
	assert_int_equal(fake_used_idx(&x->rxq), 0);
	assert_true(virtio_net_rx_wanted(&x->net));
}

/* GUEST_CSUM negotiated: the backend hands out partial checksums and the flags pass. */
static void test_rx_csum(void **state)
{
	struct fixture *x = make(MRG | 1ull << VIRTIO_NET_F_GUEST_CSUM);
	struct virtio_net_hdr *h = gpa(&x->ram, BUF);

	(void)state;
	rx_buffers(x, 0, 1, 1500);
	backend_frame(&x->fn, 100, 0, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	virtio_net_rx(&x->net);
	assert_int_equal(x->fn.offload, NET_OFFLOAD_CSUM);
	assert_int_equal(h->flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(h->num_buffers, 1);
	fake_fixture_free((void **)&x);
}

/* With GUEST_TSO4 a TCP/IPv4 GSO frame passes, header intact; TCPv6 and ECN do not. */
static void test_rx_gso(void **state)
{
	struct fixture *x = make(MRG | 1ull << VIRTIO_NET_F_GUEST_CSUM |
				 1ull << VIRTIO_NET_F_GUEST_TSO4);
	struct virtio_net_hdr *h = gpa(&x->ram, BUF);
	unsigned int i;

	(void)state;
	rx_buffers(x, 0, 4, 1500);
	for (i = 0; i < 3; i++) {
		backend_frame(&x->fn, 3000, 0, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		x->fn.rx[i][1] = (uint8_t[]){ VIRTIO_NET_HDR_GSO_TCPV4, VIRTIO_NET_HDR_GSO_TCPV6,
					      VIRTIO_NET_HDR_GSO_TCPV4 | 0x80 }[i];
		x->fn.rx[i][4] = 0xe8;			/* gso_size 1000 */
		x->fn.rx[i][5] = 0x03;
	}
	while (x->fn.nr_rx)
		virtio_net_rx(&x->net);
	assert_int_equal(x->fn.offload, NET_OFFLOAD_CSUM | NET_OFFLOAD_TSO4);
	assert_int_equal(fake_used_idx(&x->rxq), 3);
	assert_int_equal(h->gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(h->gso_size, 1000);
	assert_int_equal(h->num_buffers, 3);
	assert_int_equal(x->net.stats.dropped[VIRTIO_NET_DROP_RX_FRAME], 2);
	assert_int_equal(x->net.stats.rx_packets, 1);
	assert_int_equal(x->net.stats.rx_bytes, 3000);
	fake_fixture_free((void **)&x);
}

/* Without GUEST_CSUM a frame with a partial checksum, a GSO frame or a runt is dropped. */
static void test_rx_refused_frames(void **state)
{
	struct fixture *x = *state;

	rx_buffers(x, 0, 2, 1500);
	backend_frame(&x->fn, 100, 0, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	backend_frame(&x->fn, 5, 0, 0);
	x->fn.rx[x->fn.nr_rx - 1][1] = 0;
	backend_frame(&x->fn, 100, 0, 0);
	x->fn.rx[x->fn.nr_rx - 1][1] = 1;		/* gso_type TCPv4 */
	while (x->fn.nr_rx)
		virtio_net_rx(&x->net);
	assert_int_equal(x->net.stats.dropped[VIRTIO_NET_DROP_RX_FRAME], 3);
	assert_int_equal(fake_used_idx(&x->rxq), 0);
}

/* A receive chain with a readable buffer, or outside RAM: returned
 * empty, the frame dropped and counted; the next frame takes the next
 * chain, and the device goes on. */
static void test_rx_malformed(void **state)
{
	struct fixture *x = *state;
	uint64_t a[2] = { BUF, BUF + 0x1000 }, outside = FAKE_LOW - 4;
	uint32_t l[2] = { 12, 1500 }, four = 100;
	uint16_t fl[2] = { 0, VIRTQ_DESC_F_WRITE }, w = VIRTQ_DESC_F_WRITE;

	fake_vq_chain(&x->rxq, 0, 2, a, l, fl);
	fake_vq_chain(&x->rxq, 2, 1, &outside, &four, &w);
	rx_buffers(x, 3, 1, 1500);
	backend_frame(&x->fn, 100, 0, 0);
	backend_frame(&x->fn, 100, 0, 0);
	backend_frame(&x->fn, 100, 0x77, 0);
	while (x->fn.nr_rx)
		virtio_net_rx(&x->net);
	assert_false(needs_reset(x));
	assert_int_equal(x->net.stats.dropped[VIRTIO_NET_DROP_RX_CHAIN], 2);
	assert_int_equal(fake_used_idx(&x->rxq), 3);
	assert_int_equal(fake_used_len(&x->rxq, 0), 0);
	assert_int_equal(fake_used_len(&x->rxq, 1), 0);
	assert_int_equal(fake_used_len(&x->rxq, 2), 112);
	assert_int_equal(x->net.stats.rx_packets, 1);
	assert_true(virtio_net_rx_wanted(&x->net));
}

/* A reset drops the frame that waited for buffers. */
static void test_rx_reset(void **state)
{
	struct fixture *x = *state;

	backend_frame(&x->fn, 100, 0, 0);
	virtio_net_rx(&x->net);
	assert_int_equal(x->net.rx_len, NET_HDR_LEN + 100);
	x->net.vp.pci.ops->bar_write(&x->net.vp.pci, 0, 0x14, 1, 0);
	assert_int_equal(x->net.rx_len, 0);
	assert_false(virtio_net_rx_wanted(&x->net));	/* not until DRIVER_OK again */
}

/* A backend that fails is no longer read, however often the guest kicks. */
static void test_rx_backend_gone(void **state)
{
	struct fixture *x = *state;

	rx_buffers(x, 0, 2, 1500);
	x->fn.recv_ret = -EBADFD;
	virtio_net_rx(&x->net);
	assert_int_equal(x->net.rx_error, -EBADFD);
	assert_false(virtio_net_rx_wanted(&x->net));
	fake_kick(&x->net.vp, VIRTIO_NET_RXQ);
	virtio_net_rx(&x->net);
	assert_int_equal(x->fn.recvs, 1);
	assert_false(needs_reset(x));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_tx, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_tx_after_answer, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_tx_dropped, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_tx_ring_broken, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_tx_rate_limited, setup, fake_fixture_free),
		cmocka_unit_test(test_tx_malformed),
		cmocka_unit_test_setup_teardown(test_tx_max, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_rx_single, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_rx_too_small, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_rx_merged, setup_mrg, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_rx_backpressure, setup_mrg, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_rx_never_fits, setup_mrg, fake_fixture_free),
		cmocka_unit_test(test_rx_csum),
		cmocka_unit_test(test_rx_gso),
		cmocka_unit_test(test_tx_gso),
		cmocka_unit_test_setup_teardown(test_rx_refused_frames, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_rx_malformed, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_rx_reset, setup_mrg, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_rx_backend_gone, setup, fake_fixture_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
