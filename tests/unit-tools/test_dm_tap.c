/* test_dm_tap.c - the tap backend against real tap devices and a bridge, alone and under a virtio-net device, in a private network namespace (root and /dev/net/tun, else skipped). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dm_testlib.h"
#include "net_testlib.h"
#include "netns_testlib.h"
#include "net/net.h"
#include "virtio/net.h"

static bool usable;

static int group_setup(void **state)
{
	(void)state;
	usable = netns_private_bridge("test_dm_tap");
	return 0;
}

/* Read a file's first line into buf ("" if it cannot be read). */
static const char *line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
	return buf;
}

/* The next frame on nb's tap from source address src (the bridge may
 * first pass on the taps' own IPv6 chatter: skipped); its length. */
static ssize_t recv_from(struct net *nb, const uint8_t *src, uint8_t *buf, size_t len)
{
	struct pollfd p = { .fd = nb->fd, .events = POLLIN };
	ssize_t n;

	do {
		assert_int_equal(poll(&p, 1, 2000), 1);
		n = nb->ops->recv(nb, buf, len);
	} while (n > 0 && memcmp(buf + NET_HDR_LEN + 6, src, 6));
	return n;
}

static void expect_error(const char *name, const char *bridge, const char *want)
{
	struct net *nb = NULL;
	char err[256] = "";

	assert_true(net_tap_open(name, bridge, &nb, err, sizeof(err)) < 0);
	if (!strstr(err, want))
		fail_msg("expected an error with '%s', saw '%s'", want, err);
	assert_null(nb);
}

static void test_errors(void **state)
{
	(void)state;
	if (!usable)
		skip();
	expect_error("vif9.0", "nosuch", "vif9.0: bridge nosuch: no such bridge");
	expect_error("vif9.0", "lo", "vif9.0: bridge lo: not a bridge");
	expect_error("vif9.0123456789ab", "xbr0", "not an interface name");
	expect_error("lo", "xbr0", "lo: an interface of that name exists already");
	assert_int_equal(if_nametoindex("vif9.0"), 0);		/* nothing left behind */
}

/* No bridge: the tap exists, down, on no bridge, with its own MTU, for
 * the vif's script to plug in; it goes when closed. */
static void test_no_bridge(void **state)
{
	struct net *a;
	char err[256], buf[64];

	(void)state;
	if (!usable)
		skip();
	if (net_tap_open("vif9.0", "", &a, err, sizeof(err)))
		fail_msg("net_tap_open: %s", err);
	assert_int_equal(a->mtu, 1500);
	assert_int_equal(access("/sys/class/net/vif9.0/brport", F_OK), -1);
	assert_false(strtoul(line("/sys/class/net/vif9.0/flags", buf, sizeof(buf)), NULL, 16) & IFF_UP);
	a->ops->close(a);
	assert_int_equal(if_nametoindex("vif9.0"), 0);
}

/* Two taps on the bridge: the MTU, the bridge, up; a frame from one reaches the other. */
static void test_bridge(void **state)
{
	static const uint8_t bcast[14] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					   0x00, 0x16, 0x3e, 0, 0, 1, 0x88, 0xb5 };
	uint8_t hdr[NET_HDR_LEN] = { 0 }, frame[64], got[NET_HDR_LEN + 1500];
	struct iovec iov[2] = { { hdr, sizeof(hdr) }, { frame, sizeof(frame) } };
	struct net *a, *b;
	char err[256], buf[64];

	(void)state;
	if (!usable)
		skip();
	if (net_tap_open("vif9.0", "xbr0", &a, err, sizeof(err)) ||
	    net_tap_open("vif9.1", "xbr0", &b, err, sizeof(err)))
		fail_msg("net_tap_open: %s", err);
	assert_int_equal(a->mtu, 1400);
	assert_string_equal(line("/sys/class/net/vif9.0/mtu", buf, sizeof(buf)), "1400");
	assert_string_equal(line("/sys/class/net/vif9.0/brport/bridge/uevent", buf, sizeof(buf)),
			    "DEVTYPE=bridge");
	assert_true(strtoul(line("/sys/class/net/vif9.0/flags", buf, sizeof(buf)), NULL, 16) & IFF_UP);
	assert_true(fcntl(a->fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(a->ops->set_offload(a, NET_OFFLOAD_CSUM | NET_OFFLOAD_TSO4 |
					     NET_OFFLOAD_TSO6), 0);
	assert_int_equal(a->ops->set_offload(a, 0), 0);
	expect_error("vif9.0", "xbr0", "exists already");

	memset(frame, 0x5a, sizeof(frame));
	memcpy(frame, bcast, sizeof(bcast));
	assert_int_equal(a->ops->send(a, iov, 2), 0);
	assert_int_equal(recv_from(b, bcast + 6, got, sizeof(got)), NET_HDR_LEN + sizeof(frame));
	assert_memory_equal(got + NET_HDR_LEN, frame, sizeof(frame));
	a->ops->close(a);
	b->ops->close(b);
	assert_int_equal(if_nametoindex("vif9.0"), 0);		/* gone with its fd */
}

#define RX_BUF	0x30000

/* Offer one 1500-byte receive buffer after another until the frame from
 * src arrives (the taps' own IPv6 chatter may come first); its used entry. */
static uint16_t rx_from(struct virtio_net *n, struct fake_vq *f, const uint8_t *src)
{
	struct pollfd p = { .fd = n->nb->fd, .events = POLLIN };
	uint64_t a = RX_BUF;
	uint32_t l = 1500;
	uint16_t w = VIRTQ_DESC_F_WRITE, i;

	for (i = 0; i < 16; i++) {
		fake_vq_chain(f, i, 1, &a, &l, &w);
		while (fake_used_idx(f) == i) {
			assert_true(virtio_net_rx_wanted(n));
			assert_int_equal(poll(&p, 1, 2000), 1);
			virtio_net_rx(n);
		}
		if (!memcmp((uint8_t *)gpa(f->ram, RX_BUF) + NET_HDR_LEN + 6, src, 6))
			return i;
	}
	fail_msg("no frame from the peer in 16 frames");
	return 0;
}

/* A virtio-net device over tap vif with the given driver features, both
 * queues up (RX at 0x10000, TX at 0x14000, 16 entries), and a peer tap
 * peer_vif on the same bridge. */
struct rig {
	struct xl_guest_ram ram;	/* first: fake_fixture_free frees it */
	struct virtio_net n;
	struct fake_vq f[2];
	struct msi_log msi;
	struct net *peer;
};

static struct rig *rig_open(const char *vif, const char *peer_vif, const uint8_t *mac,
			    uint64_t features)
{
	static const uint64_t base[2] = { 0x10000, 0x14000 };
	struct rig *r = calloc(1, sizeof(*r));
	struct net *t;
	char err[256];

	if (net_tap_open(vif, "xbr0", &t, err, sizeof(err)) ||
	    net_tap_open(peer_vif, "xbr0", &r->peer, err, sizeof(err)))
		fail_msg("net_tap_open: %s", err);
	fake_ram_init(&r->ram);
	virtio_net_init(&r->n, t, mac, &r->ram, (struct msix_sink){ msi_log_raise, &r->msi });
	fake_driver_ok_n(&r->n.vp, r->f, 0, 2, base, 16, features);
	return r;
}

static void rig_close(struct rig *r)
{
	r->n.nb->ops->close(r->n.nb);
	r->peer->ops->close(r->peer);
	fake_fixture_free((void **)&r);
}

/* A guest's frame through virtio-net, its tap, the bridge and a second
 * tap; and back, into a merged receive buffer. */
static void test_device(void **state)
{
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0, 0, 2 };
	static const uint8_t peer_mac[6] = { 0x00, 0x16, 0x3e, 0, 0, 3 };
	uint8_t frame[NET_HDR_LEN + 60] = { 0 }, got[NET_HDR_LEN + 1500];
	struct iovec iov = { frame, sizeof(frame) };
	uint64_t a = 0x20000;
	uint32_t l = sizeof(frame);
	uint16_t fl = 0, i;
	struct virtio_net_hdr *h;
	struct rig *r;

	(void)state;
	if (!usable)
		skip();
	r = rig_open("vif9.2", "vif9.3", mac, 1ull << VIRTIO_NET_F_MRG_RXBUF |
		     1ull << VIRTIO_NET_F_GUEST_CSUM | 1ull << VIRTIO_NET_F_CSUM);
	/* guest to peer: a broadcast from the guest's MAC */
	memset(frame + NET_HDR_LEN, 0xff, 6);
	memcpy(frame + NET_HDR_LEN + 6, mac, 6);
	frame[NET_HDR_LEN + 12] = 0x88;
	frame[NET_HDR_LEN + 13] = 0xb5;
	memcpy(gpa(&r->ram, a), frame, sizeof(frame));
	fake_vq_chain(&r->f[1], 0, 1, &a, &l, &fl);
	net_kick_tx(&r->n);
	assert_int_equal(virtio_net_dropped(&r->n.stats), 0);
	assert_int_equal(recv_from(r->peer, mac, got, sizeof(got)), sizeof(frame));
	assert_memory_equal(got + NET_HDR_LEN, frame + NET_HDR_LEN, 60);

	/* peer to guest: into a 1500-byte buffer, num_buffers 1 */
	memcpy(frame + NET_HDR_LEN + 6, peer_mac, 6);
	assert_int_equal(r->peer->ops->send(r->peer, &iov, 1), 0);
	i = rx_from(&r->n, &r->f[0], peer_mac);
	h = gpa(&r->ram, RX_BUF);
	assert_int_equal(fake_used_len(&r->f[0], i), sizeof(frame));
	assert_int_equal(h->num_buffers, 1);
	assert_int_equal(r->n.offload, NET_OFFLOAD_CSUM);
	assert_memory_equal((uint8_t *)h + NET_HDR_LEN, frame + NET_HDR_LEN, 60);
	rig_close(r);
}

/* An Ethernet + IPv4 + TCP frame from src to the broadcast address with
 * len payload bytes into f (after a zeroed virtio_net_hdr); its length
 * with the header. The IPv4 checksum is right; TCP's is left partial. */
static size_t tcp_frame(uint8_t *f, const uint8_t *src, unsigned int len)
{
	uint8_t *ip = f + NET_HDR_LEN + 14;
	uint32_t sum = 0;
	unsigned int i;

	memset(f, 0, NET_HDR_LEN + 54);
	memset(f + NET_HDR_LEN, 0xff, 6);
	memcpy(f + NET_HDR_LEN + 6, src, 6);
	f[NET_HDR_LEN + 12] = 0x08;				/* IPv4 */
	ip[0] = 0x45;
	ip[2] = (uint8_t)((40 + len) >> 8);
	ip[3] = (uint8_t)(40 + len);
	ip[8] = 64;
	ip[9] = 6;						/* TCP */
	memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~((sum & 0xffff) + (sum >> 16));
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	ip[20 + 12] = 0x50;					/* data offset 5 */
	ip[20 + 13] = 0x18;					/* PSH, ACK */
	memset(ip + 40, 0x77, len);
	return NET_HDR_LEN + 54 + len;
}

/* TSO both ways on real taps: a guest's 3000-byte TCP segment leaves as
 * three 1000-byte frames (the kernel splits it for the peer, which takes
 * no offloads); the peer's own 3000-byte segment reaches the guest whole,
 * GSO header and all, over three merged buffers. */
static void test_tso(void **state)
{
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0, 0, 4 };
	static const uint8_t peer_mac[6] = { 0x00, 0x16, 0x3e, 0, 0, 5 };
	static uint8_t frame[NET_HDR_LEN + 54 + 3000], got[NET_HDR_LEN + 1500];
	struct virtio_net_hdr gso = { VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4,
				      54, 1000, 34, 16, 0 };
	struct iovec iov = { frame, 0 };
	uint64_t a = 0x20000;
	uint32_t l;
	uint16_t fl = 0, w = VIRTQ_DESC_F_WRITE, i;
	struct virtio_net_hdr *h;
	struct rig *r;

	(void)state;
	if (!usable)
		skip();
	r = rig_open("vif9.4", "vif9.5", mac, 1ull << VIRTIO_NET_F_MRG_RXBUF |
		     1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_HOST_TSO4 |
		     1ull << VIRTIO_NET_F_GUEST_CSUM | 1ull << VIRTIO_NET_F_GUEST_TSO4);

	l = (uint32_t)tcp_frame(gpa(&r->ram, a), mac, 3000);
	memcpy(gpa(&r->ram, a), &gso, sizeof(gso));
	fake_vq_chain(&r->f[1], 0, 1, &a, &l, &fl);
	net_kick_tx(&r->n);
	assert_int_equal(virtio_net_dropped(&r->n.stats), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(recv_from(r->peer, mac, got, sizeof(got)), NET_HDR_LEN + 54 + 1000);
		assert_int_equal(got[NET_HDR_LEN + 14 + 2] << 8 | got[NET_HDR_LEN + 14 + 3], 1040);
	}

	/* the peer's segment: 16 buffers of 1500 bytes, 2 KiB apart */
	for (i = 0; i < 16; i++) {
		a = 0x30000 + 0x800 * i;
		l = 1500;
		fake_vq_chain(&r->f[0], i, 1, &a, &l, &w);
	}
	fake_kick(&r->n.vp, VIRTIO_NET_RXQ);		/* as a driver does: the tap takes TSO now */
	iov.iov_len = tcp_frame(frame, peer_mac, 3000);
	memcpy(frame, &gso, sizeof(gso));
	assert_int_equal(r->peer->ops->send(r->peer, &iov, 1), 0);
	for (i = 0;;) {			/* frame by frame: the taps' chatter may come first */
		struct pollfd p = { .fd = r->n.nb->fd, .events = POLLIN };

		while (fake_used_idx(&r->f[0]) == i) {
			assert_int_equal(poll(&p, 1, 2000), 1);
			virtio_net_rx(&r->n);
		}
		h = gpa(&r->ram, 0x30000 + 0x800 * fake_used_id(&r->f[0], i));
		if (!memcmp((uint8_t *)h + NET_HDR_LEN + 6, peer_mac, 6))
			break;
		i = (uint16_t)(i + h->num_buffers);
		assert_true(i < 13);
	}
	assert_int_equal(h->gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(h->gso_size, 1000);
	assert_int_equal(h->num_buffers, 3);
	assert_int_equal(fake_used_len(&r->f[0], i) + fake_used_len(&r->f[0], i + 1) +
			 fake_used_len(&r->f[0], i + 2), NET_HDR_LEN + 54 + 3000);
	assert_int_equal(r->n.offload, NET_OFFLOAD_CSUM | NET_OFFLOAD_TSO4);
	rig_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_no_bridge),
		cmocka_unit_test(test_bridge),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_tso),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
