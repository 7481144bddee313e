/* test_dm_fuzz_net.c - a deterministic random mutator over virtio-net's RX and TX queues, its registers and a backend handing out frames of every size, under ASan and UBSan. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <cmocka.h>

#include "dm_fuzzlib.h"
#include "virtio/net.h"

#define RXBASE		0x10000
#define TXBASE		0x14000
#define QSIZE		16

struct fuzz {
	struct xl_guest_ram ram;
	struct virtio_net net;
	struct net nb;
	struct fake_vq f[2];
	struct msi_log msi;
	unsigned long sent, received;
};

/* Every byte of the frame is read (ASan sees a bad buffer) and the size bound held. */
static int fuzz_send(struct net *nb, const struct iovec *iov, unsigned int n)
{
	struct fuzz *z = (struct fuzz *)((char *)nb - offsetof(struct fuzz, nb));
	volatile uint8_t sink = 0;
	size_t total = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		for (size_t k = 0; k < iov[i].iov_len; k++)
			sink ^= ((const uint8_t *)iov[i].iov_base)[k];
		total += iov[i].iov_len;
	}
	assert_true(total >= NET_HDR_LEN && total <= NET_HDR_LEN + NET_MAX_FRAME);
	z->sent++;
	return rnd() % 8 ? 0 : -EINVAL;
}

/* Nothing, or a frame of an interesting length with a random header. */
static ssize_t fuzz_recv(struct net *nb, void *buf, size_t len)
{
	static const uint64_t lens[] = { 0, 1, 11, 12, 25, 26, 60, 1526, 3000, 4096,
		NET_HDR_LEN + NET_MAX_FRAME, NET_HDR_LEN + NET_MAX_RX_FRAME,
		NET_HDR_LEN + NET_MAX_RX_FRAME + 1 };
	struct fuzz *z = (struct fuzz *)((char *)nb - offsetof(struct fuzz, nb));
	size_t k;

	if (rnd() % 4 == 0)
		return -EAGAIN;
	k = rnd() % 2 ? pick(lens, sizeof(lens) / 8) : rnd() % 2000;
	if (k > len)
		k = len;
	memset(buf, (int)rnd(), k);
	if (k >= NET_HDR_LEN && rnd() % 2)
		memset(buf, 0, 2);		/* mostly plain flags and no GSO */
	if (k >= NET_HDR_LEN && rnd() % 4 == 0)
		((uint8_t *)buf)[1] = (uint8_t)pick((const uint64_t[]){ 1, 4, 0x81, 3 }, 4);
	if (k >= NET_HDR_LEN && rnd() % 4 == 0)
		((uint8_t *)buf)[0] = (uint8_t)(rnd() % 4);
	z->received++;
	return (ssize_t)k;
}

static int fuzz_set_offload(struct net *nb, unsigned int offload)
{
	(void)nb;
	(void)offload;
	return rnd() % 16 ? 0 : -EIO;
}

static void fuzz_close(struct net *nb)
{
	(void)nb;
}

static const struct net_ops fuzz_ops = { fuzz_send, fuzz_recv, fuzz_set_offload, fuzz_close };

/* Features a driver may pick, and a fresh start with them. */
static void restart(struct fuzz *z)
{
	static const uint64_t base[2] = { RXBASE, TXBASE };
	uint64_t f = rnd() & (1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_GUEST_CSUM |
			      1ull << VIRTIO_NET_F_MRG_RXBUF | 1ull << VIRTIO_NET_F_MAC |
			      1ull << VIRTIO_NET_F_GUEST_TSO4 | 1ull << VIRTIO_NET_F_GUEST_TSO6 |
			      1ull << VIRTIO_NET_F_HOST_TSO4 | 1ull << VIRTIO_NET_F_HOST_TSO6 |
			      1ull << VIRTIO_F_INDIRECT_DESC | 1ull << VIRTIO_F_EVENT_IDX);

	z->net.vp.pci.ops->bar_write(&z->net.vp.pci, 0, 0x14, 1, 0);
	fake_driver_ok_n(&z->net.vp, z->f, 0, 2, base, QSIZE, f);
}

/* Queue q's descriptors: random, or single buffers that make sense (writable for RX). */
static void rnd_queue(struct fuzz *z, unsigned int q)
{
	struct fake_desc *table = gpa(&z->ram, FUZZ_AREA + 0xf000);
	unsigned int i, n = rnd() % 4 + 1;

	for (i = 0; i < QSIZE; i++) {
		if (rnd() % 3)
			continue;
		rnd_desc(fake_desc(&z->f[q], i), QSIZE);
		if (rnd() % 2)
			*fake_desc(&z->f[q], i) = (struct fake_desc){ FUZZ_AREA + 0x1000 * (rnd() % 16),
				(uint32_t)(rnd() % 2 ? 1526 : rnd() % 4097),
				q == VIRTIO_NET_RXQ ? VIRTQ_DESC_F_WRITE : 0, 0 };
	}
	for (i = 0; i < 16; i++)
		if (rnd() % 2)
			rnd_desc(&table[i], 16);
	if (rnd() % 4 == 0)
		*fake_desc(&z->f[q], rnd() % QSIZE) = (struct fake_desc){ FUZZ_AREA + 0xf000,
			(uint32_t)(16 * (rnd() % 18)), VIRTQ_DESC_F_INDIRECT, 0 };
	for (i = 0; i < n; i++)
		fake_vq_offer(&z->f[q], rnd() % 16 ? rnd() % QSIZE : rnd());
	if (rnd() % 32 == 0)
		((uint16_t *)gpa(&z->ram, z->f[q].avail))[1] += rnd();
}

/* One round: both queues, maybe a register poke, kicks, the tap readable. */
static void round_once(struct fuzz *z)
{
	struct pci_dev *d = &z->net.vp.pci;

	rnd_queue(z, rnd() % 2);
	if (rnd() % 16 == 0) {
		static const uint64_t sizes[] = { 1, 2, 4, 8 };
		unsigned int size = pick(sizes, 4);
		uint64_t off = rnd() % VIRTIO_PCI_BAR_SIZE & ~(uint64_t)(size - 1);

		if (rnd() % 2)
			d->ops->bar_write(d, 0, off, size, rnd());
		else
			d->ops->bar_read(d, 0, off, size);
	}
	if (rnd() % 2)
		fake_kick(&z->net.vp, rnd() % 2);
	if (rnd() % 2)		/* the event loop, once the kick is answered */
		virtio_net_tx_kicked(&z->net);
	if (virtio_net_rx_wanted(&z->net) && rnd() % 2)	/* as the event loop does */
		virtio_net_rx(&z->net);
	assert_true(z->net.rx_len <= sizeof(z->net.rx_buf));
	if ((z->net.vp.status & VIRTIO_STATUS_NEEDS_RESET) || rnd() % 256 == 0 ||
	    !virtio_pci_queue_live(&z->net.vp, 0) || !virtio_pci_queue_live(&z->net.vp, 1))
		restart(z);
}

/* Run for $DM_FUZZ_SECONDS (20) from seed $DM_FUZZ_SEED (a fixed one). */
static void test_fuzz_net(void **state)
{
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0, 0, 1 };
	const char *seed = getenv("DM_FUZZ_SEED"), *secs = getenv("DM_FUZZ_SECONDS");
	struct fuzz *z = calloc(1, sizeof(*z));
	time_t end = time(NULL) + (secs ? atoi(secs) : 20);
	unsigned long rounds = 0;

	(void)state;
	fuzz_seed(seed);
	fake_ram_init(&z->ram);
	z->nb = (struct net){ .ops = &fuzz_ops, .fd = -1, .mtu = 1500, .name = "vif1.0" };
	virtio_net_init(&z->net, &z->nb, mac, &z->ram, (struct msix_sink){ msi_log_raise, &z->msi });
	restart(z);
	while (time(NULL) < end) {
		for (unsigned int i = 0; i < 1000; i++)
			round_once(z);
		rounds += 1000;
	}
	printf("test_dm_fuzz_net: %lu rounds, seed %s, %lu frames sent, %lu received, "
	       "%lu dropped, %lu delivered, %u interrupts\n", rounds, seed ? seed : "default", z->sent,
	       z->received, virtio_net_dropped(&z->net.stats), z->net.stats.rx_packets, z->msi.count);
	fake_ram_free(&z->ram);
	free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_net),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
