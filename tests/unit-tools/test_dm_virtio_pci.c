/* test_dm_virtio_pci.c - the virtio-pci transport: ids and capabilities, feature negotiation, status and reset, queue setup, notifications, MSI-X masking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dm_testlib.h"
#include "virtio/pci.h"

#define COMMON(f)	(VIRTIO_PCI_COMMON_OFF + (f))

struct fixture {
	struct xl_guest_ram ram;
	struct virtio_pci vp;
	struct msi_log msi;
	unsigned int notified, notify_q, resets;
	uint8_t devcfg[8];
};

static void fake_cfg_read(struct virtio_pci *vp, uint32_t off, void *buf, unsigned int len)
{
	struct fixture *x = vp->dev;

	memcpy(buf, x->devcfg + off, len);
}

static void fake_cfg_write(struct virtio_pci *vp, uint32_t off, const void *buf, unsigned int len)
{
	struct fixture *x = vp->dev;

	memcpy(x->devcfg + off, buf, len);
}

static void fake_notify(struct virtio_pci *vp, unsigned int q)
{
	struct fixture *x = vp->dev;

	x->notified++;
	x->notify_q = q;
}

static void fake_reset(struct virtio_pci *vp)
{
	struct fixture *x = vp->dev;

	x->resets++;
}

static const struct virtio_dev_ops fake_ops = {
	.cfg_read = fake_cfg_read, .cfg_write = fake_cfg_write,
	.notify = fake_notify, .reset = fake_reset,
};

static int setup(void **state)
{
	struct fixture *x = calloc(1, sizeof(*x));

	fake_ram_init(&x->ram);
	memcpy(x->devcfg, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	virtio_pci_init(&x->vp, 2, 0x018000, 2, 1ull << 9, sizeof(x->devcfg), &fake_ops, x,
			&x->ram, (struct msix_sink){ msi_log_raise, &x->msi });
	*state = x;
	return 0;
}

static uint64_t rd(struct fixture *x, uint64_t off, unsigned int size)
{
	return x->vp.pci.ops->bar_read(&x->vp.pci, 0, off, size);
}

static void wr(struct fixture *x, uint64_t off, unsigned int size, uint64_t val)
{
	x->vp.pci.ops->bar_write(&x->vp.pci, 0, off, size, val);
}

static uint32_t cfg(struct fixture *x, unsigned int off, unsigned int size)
{
	return pci_dev_cfg_read(&x->vp.pci, off, size);
}

/* The vendor capability of cfg_type type, as its offset in config space. */
static unsigned int find_cap(struct fixture *x, uint8_t id, uint8_t type)
{
	unsigned int c, n = 0;

	for (c = cfg(x, PCI_CAP_PTR, 1); c && n < 48; c = cfg(x, c + 1, 1), n++)
		if (cfg(x, c, 1) == id && (id != 0x09 || cfg(x, c + 3, 1) == type))
			return c;
	return 0;
}

static void test_ids_and_caps(void **state)
{
	struct fixture *x = *state;
	unsigned int c;

	assert_int_equal(cfg(x, 0, 4), 0x10421af4);
	assert_int_equal(cfg(x, 0x08, 1), 1);			/* revision 1: modern */
	assert_int_equal(cfg(x, 0x2c, 4), 0x10421af4);
	assert_int_equal(cfg(x, 0x10, 4) & 7, PCI_BAR_MEM_64);
	c = find_cap(x, 0x09, 1);
	assert_int_not_equal(c, 0);
	assert_int_equal(cfg(x, c + 4, 1), 0);			/* BAR 0 */
	assert_int_equal(cfg(x, c + 8, 4), VIRTIO_PCI_COMMON_OFF);
	assert_int_equal(cfg(x, c + 12, 4), VIRTIO_PCI_COMMON_LEN);
	c = find_cap(x, 0x09, 2);
	assert_int_equal(cfg(x, c + 2, 1), 20);
	assert_int_equal(cfg(x, c + 8, 4), VIRTIO_PCI_NOTIFY_OFF);
	assert_int_equal(cfg(x, c + 16, 4), VIRTIO_PCI_NOTIFY_MULT);
	c = find_cap(x, 0x09, 3);
	assert_int_equal(cfg(x, c + 8, 4), VIRTIO_PCI_ISR_OFF);
	c = find_cap(x, 0x09, 4);
	assert_int_equal(cfg(x, c + 8, 4), VIRTIO_PCI_DEVICE_OFF);
	assert_int_equal(cfg(x, c + 12, 4), 8);
	c = find_cap(x, 0x11, 0);
	assert_int_equal(cfg(x, c + 2, 2), 2);			/* 3 vectors: 2 queues + config */
	assert_int_equal(cfg(x, c + 4, 4), VIRTIO_PCI_MSIX_TABLE_OFF);
	assert_int_equal(cfg(x, c + 8, 4), VIRTIO_PCI_MSIX_PBA_OFF);
	assert_int_equal(rd(x, VIRTIO_PCI_DEVICE_OFF + 4, 4), 0x08070605);
	assert_int_equal(rd(x, VIRTIO_PCI_DEVICE_OFF + 6, 4), 0);	/* past its end */
}

static void test_features(void **state)
{
	struct fixture *x = *state;

	assert_int_equal(rd(x, COMMON(0x00), 4), 0);
	assert_int_equal(rd(x, COMMON(0x04), 4),
			 1u << 9 | 1u << VIRTIO_F_INDIRECT_DESC | 1u << VIRTIO_F_EVENT_IDX);
	wr(x, COMMON(0x00), 4, 1);
	assert_int_equal(rd(x, COMMON(0x04), 4), 1);		/* VERSION_1 */
	wr(x, COMMON(0x00), 4, 2);
	assert_int_equal(rd(x, COMMON(0x04), 4), 0);
	wr(x, COMMON(0x14), 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);

	/* Without VERSION_1: FEATURES_OK does not stick. */
	wr(x, COMMON(0x08), 4, 0);
	wr(x, COMMON(0x0c), 4, 1u << 9);
	wr(x, COMMON(0x14), 1, 0x0b);
	assert_int_equal(rd(x, COMMON(0x14), 1), 0x03);
	/* A feature not offered: refused too. */
	wr(x, COMMON(0x08), 4, 1);
	wr(x, COMMON(0x0c), 4, 1 | 2);
	wr(x, COMMON(0x14), 1, 0x0b);
	assert_int_equal(rd(x, COMMON(0x14), 1), 0x03);
	/* A good subset sticks, and features are frozen after. */
	wr(x, COMMON(0x0c), 4, 1);
	wr(x, COMMON(0x14), 1, 0x0b);
	assert_int_equal(rd(x, COMMON(0x14), 1), 0x0b);
	assert_true(virtio_pci_has(&x->vp, VIRTIO_F_VERSION_1));
	assert_true(virtio_pci_has(&x->vp, 9));
	wr(x, COMMON(0x0c), 4, 0);
	assert_true(virtio_pci_has(&x->vp, VIRTIO_F_VERSION_1));
	assert_int_equal(rd(x, COMMON(0x0c), 4), 1);

	/* Reset: status 0 clears everything and tells the device. */
	wr(x, COMMON(0x14), 1, 0);
	assert_int_equal(x->resets, 1);
	assert_int_equal(rd(x, COMMON(0x14), 1), 0);
	assert_false(virtio_pci_has(&x->vp, VIRTIO_F_VERSION_1));
}

/* Bring the device to DRIVER_OK with queue 1 at 0x10000, vector 1. */
static void driver_ok(struct fixture *x)
{
	wr(x, COMMON(0x14), 1, 0x03);
	wr(x, COMMON(0x08), 4, 1);
	wr(x, COMMON(0x0c), 4, 1);
	wr(x, COMMON(0x14), 1, 0x0b);
	wr(x, COMMON(0x16), 2, 1);
	wr(x, COMMON(0x18), 2, 16);
	wr(x, COMMON(0x1a), 2, 1);
	/* 64-bit fields in two 32-bit halves, as Linux writes them. */
	wr(x, COMMON(0x20), 4, 0x10000);
	wr(x, COMMON(0x24), 4, 0);
	wr(x, COMMON(0x28), 4, 0x10100);
	wr(x, COMMON(0x2c), 4, 0);
	wr(x, COMMON(0x30), 8, 0x10200);
	wr(x, COMMON(0x1c), 2, 1);
	wr(x, COMMON(0x14), 1, 0x0f);
}

static void test_queues(void **state)
{
	struct fixture *x = *state;

	assert_int_equal(rd(x, COMMON(0x12), 2), 2);		/* num_queues */
	wr(x, COMMON(0x16), 2, 1);
	assert_int_equal(rd(x, COMMON(0x18), 2), VIRTQ_MAX_SIZE);
	assert_int_equal(rd(x, COMMON(0x1e), 2), 1);		/* notify_off */
	wr(x, COMMON(0x1a), 2, 7);				/* no such vector */
	assert_int_equal(rd(x, COMMON(0x1a), 2), VIRTQ_NO_VECTOR);
	wr(x, COMMON(0x16), 2, 2);				/* no such queue */
	assert_int_equal(rd(x, COMMON(0x18), 2), 0);
	wr(x, COMMON(0x18), 2, 8);

	/* A kick before DRIVER_OK is ignored, after reaches the device. */
	wr(x, VIRTIO_PCI_NOTIFY_OFF + 4, 2, 1);
	assert_int_equal(x->notified, 0);
	driver_ok(x);
	assert_int_equal(rd(x, COMMON(0x14), 1), 0x0f);
	assert_int_equal(rd(x, COMMON(0x1c), 2), 1);
	assert_int_equal(rd(x, COMMON(0x20), 8), 0x10000);
	assert_int_equal(rd(x, COMMON(0x2c), 4), 0);
	assert_int_equal(rd(x, COMMON(0x30), 4), 0x10200);
	assert_int_equal(rd(x, COMMON(0x1a), 2), 1);
	wr(x, VIRTIO_PCI_NOTIFY_OFF + 4, 2, 1);
	assert_int_equal(x->notified, 1);
	assert_int_equal(x->notify_q, 1);
	wr(x, VIRTIO_PCI_NOTIFY_OFF, 2, 0);			/* queue 0 is not enabled */
	assert_int_equal(x->notified, 1);
	/* Once enabled the rings are fixed. */
	wr(x, COMMON(0x20), 4, 0x20000);
	assert_int_equal(rd(x, COMMON(0x20), 4), 0x10000);
	assert_true(virtio_pci_queue_live(&x->vp, 1));
	wr(x, COMMON(0x14), 1, 0);
	assert_false(virtio_pci_queue_live(&x->vp, 1));
	assert_int_equal(rd(x, COMMON(0x1c), 2), 0);
}

static void test_bad_ring_needs_reset(void **state)
{
	struct fixture *x = *state;

	wr(x, COMMON(0x14), 1, 0x0b);
	wr(x, COMMON(0x16), 2, 0);
	wr(x, COMMON(0x20), 8, FAKE_LOW - 64);		/* the table runs out of RAM */
	wr(x, COMMON(0x1c), 2, 1);
	assert_int_equal(rd(x, COMMON(0x14), 1) & VIRTIO_STATUS_NEEDS_RESET,
			 VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(rd(x, COMMON(0x1c), 2), 0);
	wr(x, COMMON(0x14), 1, 0);
	assert_int_equal(rd(x, COMMON(0x14), 1), 0);
}

static void test_msix(void **state)
{
	struct fixture *x = *state;
	unsigned int c = find_cap(x, 0x11, 0);
	struct fake_vq f;
	uint64_t addr = 0x40000;
	uint32_t len = 8;
	uint16_t flags = 0;

	driver_ok(x);
	fake_vq_init(&f, &x->vp.vq[1], &x->ram, 0x10000, 16);
	assert_int_equal(virtq_enable(&x->vp.vq[1]), 0);
	x->vp.vq[1].vector = 1;
	/* Vector 1: address and data; masked at first. */
	wr(x, VIRTIO_PCI_MSIX_TABLE_OFF + 16, 8, 0xfee00000ull);
	wr(x, VIRTIO_PCI_MSIX_TABLE_OFF + 24, 4, 0x4041);
	assert_int_equal(rd(x, VIRTIO_PCI_MSIX_TABLE_OFF + 28, 4), 1);
	fake_vq_chain(&f, 0, 1, &addr, &len, &flags);

	/* MSI-X off: nothing at all. */
	virtio_pci_queue_interrupt(&x->vp, 1);
	assert_int_equal(x->msi.count, 0);
	assert_int_equal(rd(x, VIRTIO_PCI_ISR_OFF, 1), 1);	/* and reading clears */
	assert_int_equal(rd(x, VIRTIO_PCI_ISR_OFF, 1), 0);

	/* Enabled, vector masked: pending, sent when unmasked. */
	pci_dev_cfg_write(&x->vp.pci, c + 2, 2, MSIX_CTRL_ENABLE);
	virtio_pci_queue_interrupt(&x->vp, 1);
	assert_int_equal(x->msi.count, 0);
	assert_int_equal(rd(x, VIRTIO_PCI_MSIX_PBA_OFF, 8), 2);
	wr(x, VIRTIO_PCI_MSIX_TABLE_OFF + 28, 4, 0);
	assert_int_equal(x->msi.count, 1);
	assert_int_equal(x->msi.addr, 0xfee00000ull);
	assert_int_equal(x->msi.data, 0x4041);
	assert_int_equal(rd(x, VIRTIO_PCI_MSIX_PBA_OFF, 8), 0);
	virtio_pci_queue_interrupt(&x->vp, 1);
	assert_int_equal(x->msi.count, 2);

	/* Function mask: pending, sent when the function is unmasked. */
	pci_dev_cfg_write(&x->vp.pci, c + 2, 2, MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	virtio_pci_queue_interrupt(&x->vp, 1);
	assert_int_equal(x->msi.count, 2);
	pci_dev_cfg_write(&x->vp.pci, c + 2, 2, MSIX_CTRL_ENABLE);
	assert_int_equal(x->msi.count, 3);
	/* The table size bits are read-only. */
	assert_int_equal(cfg(x, c + 2, 2), MSIX_CTRL_ENABLE | 2);

	/* The driver suppresses interrupts: none. */
	((uint16_t *)gpa(&x->ram, f.avail))[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;
	virtio_pci_queue_interrupt(&x->vp, 1);
	assert_int_equal(x->msi.count, 3);

	/* NEEDS_RESET goes to the config vector (0 here, unmasked). */
	wr(x, COMMON(0x10), 2, 0);
	wr(x, VIRTIO_PCI_MSIX_TABLE_OFF, 8, 0xfee01000ull);
	wr(x, VIRTIO_PCI_MSIX_TABLE_OFF + 8, 4, 0x4050);
	wr(x, VIRTIO_PCI_MSIX_TABLE_OFF + 12, 4, 0);
	virtio_pci_needs_reset(&x->vp);
	assert_int_equal(x->msi.count, 4);
	assert_int_equal(x->msi.data, 0x4050);
	assert_false(virtio_pci_queue_live(&x->vp, 1));
	/* Bad table accesses: outside, misaligned, wrong size. */
	assert_int_equal(rd(x, VIRTIO_PCI_MSIX_TABLE_OFF + 48, 4), 0);
	wr(x, VIRTIO_PCI_MSIX_TABLE_OFF + 2, 4, 0);
	wr(x, VIRTIO_PCI_MSIX_TABLE_OFF, 2, 0);
	assert_int_equal(rd(x, VIRTIO_PCI_MSIX_TABLE_OFF, 4), 0xfee01000u);
}

/* VIRTIO_PCI_CAP_PCI_CFG: BAR 0 through config space. */
static void test_pci_cfg_window(void **state)
{
	struct fixture *x = *state;
	unsigned int c = find_cap(x, 0x09, 5);

	assert_int_not_equal(c, 0);
	assert_int_equal(cfg(x, c + 2, 1), 20);
	pci_dev_cfg_write(&x->vp.pci, c + 8, 4, COMMON(0x12));	/* num_queues */
	pci_dev_cfg_write(&x->vp.pci, c + 12, 4, 2);
	assert_int_equal(cfg(x, c + 16, 2), 2);
	pci_dev_cfg_write(&x->vp.pci, c + 8, 4, COMMON(0x14));	/* device status */
	pci_dev_cfg_write(&x->vp.pci, c + 12, 4, 1);
	pci_dev_cfg_write(&x->vp.pci, c + 16, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(rd(x, COMMON(0x14), 1), VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(cfg(x, c + 16, 1), VIRTIO_STATUS_ACKNOWLEDGE);
	/* Bad windows do nothing: other BAR, odd length, misaligned, outside. */
	pci_dev_cfg_write(&x->vp.pci, c + 4, 1, 1);
	pci_dev_cfg_write(&x->vp.pci, c + 16, 1, 0);
	pci_dev_cfg_write(&x->vp.pci, c + 4, 1, 0);
	pci_dev_cfg_write(&x->vp.pci, c + 12, 4, 3);
	pci_dev_cfg_write(&x->vp.pci, c + 16, 1, 0);
	pci_dev_cfg_write(&x->vp.pci, c + 8, 4, COMMON(0x13));
	pci_dev_cfg_write(&x->vp.pci, c + 12, 4, 2);
	pci_dev_cfg_write(&x->vp.pci, c + 16, 2, 0);
	pci_dev_cfg_write(&x->vp.pci, c + 8, 4, ~0u & ~3u);
	pci_dev_cfg_write(&x->vp.pci, c + 12, 4, 4);
	pci_dev_cfg_write(&x->vp.pci, c + 16, 4, 0);
	assert_int_equal(rd(x, COMMON(0x14), 1), VIRTIO_STATUS_ACKNOWLEDGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ids_and_caps, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_features, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_queues, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_bad_ring_needs_reset, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_msix, setup, fake_fixture_free),
		cmocka_unit_test_setup_teardown(test_pci_cfg_window, setup, fake_fixture_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
