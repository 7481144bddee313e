/* test_vioapic.c - unit tests of the virtual IOAPIC: registers, edge and level pins, Remote IRR, EOI, routing to vLAPICs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/vdev/vioapic.h"
#include "arch/x86/vdev/vlapic.h"

#define BASE	0xfec00000ull

/* One message the vIOAPIC sent. */
struct msg {
	uint8_t dest, vector;
	bool logical, level;
	unsigned int dm;
};

static struct vioapic io;
static struct msg msgs[64];
static unsigned int nmsg, nchanged;
static int deliver_ret;
static unsigned int changed_pin;
static uint64_t changed_old, changed_new;

/* With a LAPIC group attached, messages go to real vLAPICs. */
static struct vlapic_group grp;
static struct vlapic lapic[2];
static bool use_lapics;
static unsigned int neoi_level;

static int fake_deliver(void *opaque, uint8_t dest, bool dest_mode,
			unsigned int dm, uint8_t vector, bool level)
{
	assert_ptr_equal(opaque, &io);
	if (nmsg < 64)
		msgs[nmsg] = (struct msg){ dest, vector, dest_mode, level, dm };
	nmsg++;
	if (use_lapics)
		return vlapic_group_deliver(&grp, dest, dest_mode, false, dm,
					    vector, level) ? 0 : -ENOENT;
	return deliver_ret;
}

static void fake_changed(void *opaque, unsigned int pin, uint64_t old,
			 uint64_t new_entry)
{
	assert_ptr_equal(opaque, &io);
	nchanged++;
	changed_pin = pin;
	changed_old = old;
	changed_new = new_entry;
}

static const struct vioapic_ops ops = {
	.deliver = fake_deliver,
	.entry_changed = fake_changed,
};

/* A pin fed by a physical interrupt: EOI unmasks it and forgets the line. */
static unsigned int eoi_pins[8], neoi_pin;

static bool fake_eoi_pin(void *opaque, unsigned int pin)
{
	assert_ptr_equal(opaque, &io);
	if (neoi_pin < 8)
		eoi_pins[neoi_pin] = pin;
	neoi_pin++;
	return false;
}

static const struct vioapic_ops phys_ops = {
	.deliver = fake_deliver,
	.eoi_pin = fake_eoi_pin,
};

static int setup(void **state)
{
	struct vioapic_config cfg = {
		.base = BASE, .pins = 24, .id = 2, .ops = &ops, .opaque = &io,
	};

	(void)state;
	nmsg = nchanged = neoi_level = 0;
	deliver_ret = 0;
	use_lapics = false;
	assert_int_equal(vioapic_init(&io, &cfg), 0);
	return 0;
}

static uint32_t rd(uint8_t reg)
{
	uint64_t val = 0xdeadbeef;

	assert_int_equal(vioapic_mmio_write(&io, BASE + VIOAPIC_IOREGSEL, 4, reg), 0);
	assert_int_equal(vioapic_mmio_read(&io, BASE + VIOAPIC_IOWIN, 4, &val), 0);
	assert_true(val <= 0xffffffffu);
	return (uint32_t)val;
}

static void wr(uint8_t reg, uint32_t val)
{
	assert_int_equal(vioapic_mmio_write(&io, BASE + VIOAPIC_IOREGSEL, 4, reg), 0);
	assert_int_equal(vioapic_mmio_write(&io, BASE + VIOAPIC_IOWIN, 4, val), 0);
}

static void set_rte(unsigned int pin, uint64_t e)
{
	wr((uint8_t)(VIOAPIC_REG_REDIR + 2 * pin + 1), (uint32_t)(e >> 32));
	wr((uint8_t)(VIOAPIC_REG_REDIR + 2 * pin), (uint32_t)e);
}

static uint64_t get_rte(unsigned int pin)
{
	return rd((uint8_t)(VIOAPIC_REG_REDIR + 2 * pin)) |
	       (uint64_t)rd((uint8_t)(VIOAPIC_REG_REDIR + 2 * pin + 1)) << 32;
}

static void test_init(void **state)
{
	struct vioapic other;
	struct vioapic_config cfg = { .base = BASE, .pins = 0, .ops = &ops,
				      .opaque = &io };

	(void)state;
	assert_int_equal(vioapic_init(&other, &cfg), -EINVAL);
	cfg.pins = VIOAPIC_MAX_PINS + 1;
	assert_int_equal(vioapic_init(&other, &cfg), -EINVAL);
	cfg.pins = 1000000;
	assert_int_equal(vioapic_init(&other, &cfg), -EINVAL);
	cfg.pins = 24;
	cfg.base = BASE + 0x10;
	assert_int_equal(vioapic_init(&other, &cfg), -EINVAL);
	cfg.base = BASE;
	cfg.ops = NULL;
	assert_int_equal(vioapic_init(&other, &cfg), -EINVAL);
	cfg.ops = &ops;
	cfg.pins = VIOAPIC_MAX_PINS;
	assert_int_equal(vioapic_init(&other, &cfg), 0);
	/* The last pin's high half is register 0xff. */
	assert_int_equal(vioapic_mmio_write(&other, BASE, 4, 0xff), 0);
	assert_int_equal(vioapic_mmio_write(&other, BASE + 0x10, 4, 0xab000000), 0);
	assert_int_equal(vioapic_entry(&other, VIOAPIC_MAX_PINS - 1),
			 0xab00000000010000ull);
}

static void test_registers(void **state)
{
	(void)state;
	assert_int_equal(rd(VIOAPIC_REG_ID), 0x02000000);
	assert_int_equal(rd(VIOAPIC_REG_VER), 0x00170011);	/* 24 pins */
	assert_int_equal(rd(VIOAPIC_REG_ARB), 0x02000000);
	wr(VIOAPIC_REG_ID, 0xffffffff);
	assert_int_equal(rd(VIOAPIC_REG_ID), 0x0f000000);
	assert_int_equal(rd(VIOAPIC_REG_ARB), 0x0f000000);
	wr(VIOAPIC_REG_VER, 0);
	wr(VIOAPIC_REG_ARB, 0);
	assert_int_equal(rd(VIOAPIC_REG_VER), 0x00170011);
	assert_int_equal(rd(VIOAPIC_REG_ARB), 0x0f000000);
	/* Every pin comes up masked. */
	for (unsigned int pin = 0; pin < 24; pin++)
		assert_int_equal(get_rte(pin), VIOAPIC_RTE_MASK);
	/* Unknown registers: past the last pin, between ARB and 0x10. */
	assert_int_equal(rd(0x03), 0);
	assert_int_equal(rd(0x0f), 0);
	assert_int_equal(rd(0x10 + 48), 0);
	assert_int_equal(rd(0xff), 0);
	wr(0x10 + 48, 0x1234);
	wr(0xff, 0x1234);
	assert_int_equal(nchanged, 0);
	/* IOREGSEL keeps bits 7:0 only. */
	assert_int_equal(vioapic_mmio_write(&io, BASE, 4, 0xffffff01), 0);
	uint64_t val;
	assert_int_equal(vioapic_mmio_read(&io, BASE, 4, &val), 0);
	assert_int_equal(val, 0x01);
}

static void test_rte_bits(void **state)
{
	(void)state;
	/* Read-only bits (delivery status 12, Remote IRR 14) and the
	 * reserved 17-55 never stick. */
	set_rte(3, ~0ull);
	assert_int_equal(get_rte(3), 0xff0000000001afffull);
	assert_int_equal(nchanged, 2);		/* high, then low half */
	assert_int_equal(changed_pin, 3);
	assert_int_equal(changed_old, 0xff00000000010000ull);
	assert_int_equal(changed_new, 0xff0000000001afffull);
	/* Writing the same value again: no change reported. */
	set_rte(3, 0xff0000000001afffull);
	assert_int_equal(nchanged, 2);
	set_rte(3, 0x0100000000000031ull);	/* both halves change */
	assert_int_equal(nchanged, 4);
	assert_int_equal(changed_new, 0x0100000000000031ull);
	assert_int_equal(vioapic_entry(&io, 3), 0x0100000000000031ull);
	assert_int_equal(vioapic_entry(&io, 24), 0);
	assert_int_equal(nmsg, 0);
}

static void test_edge(void **state)
{
	(void)state;
	set_rte(1, 0x0200000000000031ull);	/* edge, fixed, dest 2 */
	assert_int_equal(vioapic_set_irq(&io, 1, true), 0);
	assert_int_equal(nmsg, 1);
	assert_int_equal(msgs[0].dest, 2);
	assert_int_equal(msgs[0].vector, 0x31);
	assert_int_equal(msgs[0].dm, 0);
	assert_false(msgs[0].level);
	assert_false(msgs[0].logical);
	/* Still high: no new edge. */
	assert_int_equal(vioapic_set_irq(&io, 1, true), 0);
	assert_int_equal(nmsg, 1);
	assert_int_equal(vioapic_set_irq(&io, 1, false), 0);
	assert_int_equal(vioapic_set_irq(&io, 1, true), 0);
	assert_int_equal(nmsg, 2);
	/* No Remote IRR for edge pins, no EOI effect. */
	assert_int_equal(get_rte(1) & VIOAPIC_RTE_REMOTE_IRR, 0);
	assert_int_equal(vioapic_eoi(&io, 0x31), 0);
	/* Masked: the edge is lost, unmasking does not bring it back. */
	vioapic_set_irq(&io, 1, false);
	set_rte(1, 0x0200000000010031ull);
	vioapic_set_irq(&io, 1, true);
	assert_int_equal(nmsg, 2);
	set_rte(1, 0x0200000000000031ull);
	assert_int_equal(nmsg, 2);
	/* Logical, lowest priority, NMI carry their fields. */
	vioapic_set_irq(&io, 1, false);
	set_rte(1, 0x0300000000000941ull);
	vioapic_set_irq(&io, 1, true);
	assert_int_equal(nmsg, 3);
	assert_true(msgs[2].logical);
	assert_int_equal(msgs[2].dm, 1);
	assert_int_equal(msgs[2].dest, 3);
	/* Reserved delivery modes send nothing. */
	vioapic_set_irq(&io, 1, false);
	set_rte(1, 0x0300000000000341ull);
	vioapic_set_irq(&io, 1, true);
	assert_int_equal(nmsg, 3);
	/* Bad pins. */
	assert_int_equal(vioapic_set_irq(&io, 24, true), -EINVAL);
	assert_int_equal(vioapic_set_irq(&io, ~0u, true), -EINVAL);
}

static void test_level(void **state)
{
	(void)state;
	set_rte(9, 0x0100000000008049ull);	/* level, active high */
	assert_int_equal(vioapic_set_irq(&io, 9, true), 0);
	assert_int_equal(nmsg, 1);
	assert_true(msgs[0].level);
	assert_int_equal(get_rte(9) & VIOAPIC_RTE_REMOTE_IRR, VIOAPIC_RTE_REMOTE_IRR);
	/* Remote IRR holds further deliveries while the line stays high. */
	vioapic_set_irq(&io, 9, true);
	vioapic_set_irq(&io, 9, false);
	vioapic_set_irq(&io, 9, true);
	assert_int_equal(nmsg, 1);
	/* EOI of another vector: nothing. */
	assert_int_equal(vioapic_eoi(&io, 0x48), 0);
	assert_int_equal(nmsg, 1);
	/* EOI while still asserted: delivered again, Remote IRR again. */
	assert_int_equal(vioapic_eoi(&io, 0x49), 1);
	assert_int_equal(nmsg, 2);
	assert_int_equal(get_rte(9) & VIOAPIC_RTE_REMOTE_IRR, VIOAPIC_RTE_REMOTE_IRR);
	/* Line dropped before the EOI: Remote IRR clears, nothing sent. */
	vioapic_set_irq(&io, 9, false);
	assert_int_equal(vioapic_eoi(&io, 0x49), 1);
	assert_int_equal(nmsg, 2);
	assert_int_equal(get_rte(9) & VIOAPIC_RTE_REMOTE_IRR, 0);
	/* A guest write cannot set or clear Remote IRR. */
	vioapic_set_irq(&io, 9, true);
	assert_int_equal(nmsg, 3);
	set_rte(9, 0x0100000000008049ull);
	assert_int_equal(get_rte(9) & VIOAPIC_RTE_REMOTE_IRR, VIOAPIC_RTE_REMOTE_IRR);
	/* Switching to edge clears it (what OSes do for a stuck pin). */
	set_rte(9, 0x0100000000010049ull);
	assert_int_equal(get_rte(9) & VIOAPIC_RTE_REMOTE_IRR, 0);
	assert_int_equal(nmsg, 3);
	/* Two pins sharing a vector: one EOI serves both. */
	set_rte(9, 0x0100000000008049ull);	/* asserted, unmasked: sends */
	assert_int_equal(nmsg, 4);
	set_rte(10, 0x0100000000008049ull);
	vioapic_set_irq(&io, 10, true);
	assert_int_equal(nmsg, 5);
	vioapic_set_irq(&io, 9, false);
	vioapic_set_irq(&io, 10, false);
	assert_int_equal(vioapic_eoi(&io, 0x49), 2);
	assert_int_equal(get_rte(9) & VIOAPIC_RTE_REMOTE_IRR, 0);
	assert_int_equal(get_rte(10) & VIOAPIC_RTE_REMOTE_IRR, 0);
}

static void test_level_masked(void **state)
{
	(void)state;
	set_rte(5, 0x0000000000018055ull);	/* level, masked */
	vioapic_set_irq(&io, 5, true);
	assert_int_equal(nmsg, 0);
	assert_int_equal(get_rte(5) & VIOAPIC_RTE_REMOTE_IRR, 0);
	/* Unmasking a still-asserted level pin delivers it. */
	set_rte(5, 0x0000000000008055ull);
	assert_int_equal(nmsg, 1);
	assert_int_equal(changed_pin, 5);
	assert_int_equal(changed_old & VIOAPIC_RTE_MASK, VIOAPIC_RTE_MASK);
	assert_int_equal(changed_new & VIOAPIC_RTE_MASK, 0);
	/* Masked while Remote IRR is set, EOI, unmask: delivered once. */
	set_rte(5, 0x0000000000018055ull);
	assert_int_equal(vioapic_eoi(&io, 0x55), 1);
	assert_int_equal(nmsg, 1);
	set_rte(5, 0x0000000000008055ull);
	assert_int_equal(nmsg, 2);
	/* Nobody accepted it: Remote IRR stays clear, no retry loop. */
	deliver_ret = -ENOENT;
	assert_int_equal(vioapic_eoi(&io, 0x55), 1);
	assert_int_equal(nmsg, 3);
	assert_int_equal(get_rte(5) & VIOAPIC_RTE_REMOTE_IRR, 0);
	/* Active-low polarity is only stored: set_irq takes the logical
	 * state. */
	deliver_ret = 0;
	vioapic_set_irq(&io, 5, false);
	set_rte(5, 0x000000000000a055ull);
	assert_int_equal(nmsg, 3);
	vioapic_set_irq(&io, 5, true);
	assert_int_equal(nmsg, 4);
}

static void test_eoi_pin(void **state)
{
	struct vioapic_config cfg = {
		.base = BASE, .pins = 24, .ops = &phys_ops, .opaque = &io,
	};

	(void)state;
	neoi_pin = 0;
	assert_int_equal(vioapic_init(&io, &cfg), 0);
	set_rte(16, 0x00000000000080a0ull);
	set_rte(17, 0x00000000000080a0ull);
	vioapic_set_irq(&io, 16, true);		/* the physical pin fired */
	assert_int_equal(nmsg, 1);
	/* EOI: only the pin with Remote IRR is handed back; its line is
	 * forgotten, so no new message until it fires again. */
	assert_int_equal(vioapic_eoi(&io, 0xa0), 2);
	assert_int_equal(neoi_pin, 1);
	assert_int_equal(eoi_pins[0], 16);
	assert_int_equal(nmsg, 1);
	vioapic_set_irq(&io, 16, true);
	assert_int_equal(nmsg, 2);
	assert_int_equal(vioapic_eoi(&io, 0xa0), 2);
	assert_int_equal(neoi_pin, 2);
	assert_int_equal(vioapic_eoi(&io, 0xa0), 2);	/* nothing to hand back */
	assert_int_equal(neoi_pin, 2);
}

static void test_mmio_sizes(void **state)
{
	uint64_t val;

	(void)state;
	assert_int_equal(vioapic_mmio_write(&io, BASE, 1, VIOAPIC_REG_VER), 0);
	assert_int_equal(vioapic_mmio_read(&io, BASE + 0x10, 1, &val), 0);
	assert_int_equal(val, 0x11);
	assert_int_equal(vioapic_mmio_read(&io, BASE + 0x12, 2, &val), 0);
	assert_int_equal(val, 0x17);
	assert_int_equal(vioapic_mmio_read(&io, BASE + 0x10, 8, &val), 0);
	assert_int_equal(val, 0x00170011);
	assert_int_equal(vioapic_mmio_read(&io, BASE + 0x12, 4, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(vioapic_mmio_read(&io, BASE + 0x14, 4, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(vioapic_mmio_read(&io, BASE + 0x20, 4, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(vioapic_mmio_read(&io, BASE + 0x40, 4, &val), 0);
	assert_int_equal(val, 0);
	/* Narrow or misplaced IOWIN writes are dropped. */
	assert_int_equal(vioapic_mmio_write(&io, BASE, 4, VIOAPIC_REG_ID), 0);
	assert_int_equal(vioapic_mmio_write(&io, BASE + 0x10, 1, 0x0f), 0);
	assert_int_equal(vioapic_mmio_write(&io, BASE + 0x13, 1, 0x0f), 0);
	assert_int_equal(vioapic_mmio_write(&io, BASE + 0x14, 4, 0x0f000000), 0);
	assert_int_equal(vioapic_mmio_write(&io, BASE + 0x40, 4, 0x0f000000), 0);
	assert_int_equal(rd(VIOAPIC_REG_ID), 0x02000000);
	assert_int_equal(vioapic_mmio_write(&io, BASE + 0x10, 8, 0xffffffff05000000ull), 0);
	assert_int_equal(rd(VIOAPIC_REG_ID), 0x05000000);
	/* Outside the page, impossible sizes: errors. */
	assert_int_equal(vioapic_mmio_read(&io, BASE - 1, 1, &val), -EINVAL);
	assert_int_equal(vioapic_mmio_read(&io, BASE + 0xffc, 8, &val), -EINVAL);
	assert_int_equal(vioapic_mmio_write(&io, BASE + 0x1000, 4, 0), -EINVAL);
	assert_int_equal(vioapic_mmio_write(&io, BASE, 0, 0), -EINVAL);
	assert_int_equal(vioapic_mmio_read(&io, BASE, 5, &val), -EINVAL);
}

/* ---- end to end: vIOAPIC -> vLAPIC -> EOI -> vIOAPIC ---- */

static uint64_t lapic_now(void *opaque)
{
	(void)opaque;
	return 0;
}

static void lapic_send(void *opaque, unsigned int target, unsigned int mode,
		       uint8_t vector, bool level)
{
	(void)opaque;
	if (mode == VLAPIC_DM_FIXED)
		vlapic_accept_irq(grp.lapic[target], vector, level);
}

/* The routing code's job: EOI of a level vector goes to the vIOAPIC. */
static void lapic_eoi_level(void *opaque, unsigned int vcpu, uint8_t vector)
{
	(void)opaque;
	(void)vcpu;
	neoi_level++;
	vioapic_eoi(&io, vector);
}

static const struct vlapic_ops lapic_ops = {
	.now_ns = lapic_now,
	.send_ipi = lapic_send,
	.eoi_level = lapic_eoi_level,
};

static void lapic_setup(void)
{
	struct vlapic_config cfg = { .bus_ns = 1, .phys_bits = 39 };

	memset(&grp, 0, sizeof(grp));
	grp.ops = &lapic_ops;
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(vlapic_init(&lapic[i], &grp, i, &cfg), 0);
		assert_int_equal(vlapic_mmio_write(&lapic[i], 0xfee000f0, 4, 0x1ff), 0);
	}
	use_lapics = true;
}

static void lapic_eoi(struct vlapic *v)
{
	assert_int_equal(vlapic_mmio_write(v, 0xfee000b0, 4, 0), 0);
}

static void test_with_lapics(void **state)
{
	(void)state;
	lapic_setup();
	set_rte(11, 0x0100000000008061ull);	/* level, vector 0x61, vCPU 1 */
	vioapic_set_irq(&io, 11, true);
	assert_int_equal(vlapic_pending_vector(&lapic[1]), 0x61);
	assert_int_equal(vlapic_pending_vector(&lapic[0]), -1);
	assert_int_equal(vlapic_reg(&lapic[1], VLAPIC_TMR + 0x30), 1u << 1);
	assert_int_equal(vlapic_ack(&lapic[1], 0x61), 0);
	/* The device still holds the line: the EOI brings it back. */
	lapic_eoi(&lapic[1]);
	assert_int_equal(neoi_level, 1);
	assert_int_equal(vlapic_pending_vector(&lapic[1]), 0x61);
	assert_int_equal(vlapic_ack(&lapic[1], 0x61), 0);
	vioapic_set_irq(&io, 11, false);	/* the driver served it */
	lapic_eoi(&lapic[1]);
	assert_int_equal(neoi_level, 2);
	assert_int_equal(vlapic_pending_vector(&lapic[1]), -1);
	assert_int_equal(get_rte(11) & VIOAPIC_RTE_REMOTE_IRR, 0);
	/* Edge pin to a destination nobody has: dropped. */
	set_rte(12, 0x0700000000000062ull);
	vioapic_set_irq(&io, 12, true);
	assert_int_equal(vlapic_pending_vector(&lapic[0]), -1);
	assert_int_equal(vlapic_pending_vector(&lapic[1]), -1);
	/* A level pin with vector 3: illegal, no Remote IRR, ESR noted. */
	set_rte(13, 0x0000000000008003ull);
	vioapic_set_irq(&io, 13, true);
	assert_int_equal(get_rte(13) & VIOAPIC_RTE_REMOTE_IRR, 0);
	assert_int_equal(vlapic_mmio_write(&lapic[0], 0xfee00280, 4, 0), 0);
	assert_int_equal(vlapic_reg(&lapic[0], VLAPIC_ESR), VLAPIC_ESR_RECV_ILLEGAL);
	/* Logical flat destination to both. */
	for (unsigned int i = 0; i < 2; i++)
		assert_int_equal(vlapic_mmio_write(&lapic[i], 0xfee000d0, 4,
						   1u << (24 + i)), 0);
	set_rte(14, 0x0300000000000870ull);
	vioapic_set_irq(&io, 14, true);
	assert_int_equal(vlapic_pending_vector(&lapic[0]), 0x70);
	assert_int_equal(vlapic_pending_vector(&lapic[1]), 0x70);
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A hostile guest and random lines: every call succeeds for accesses the
 * emulator can make, read-only and reserved bits never stick, and Remote
 * IRR appears only on level entries. */
static void test_random_hostile(void **state)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int eois = 0;

	(void)state;
	for (unsigned int it = 0; it < 200000; it++) {
		uint64_t r = rnd(), val = rnd(), got;
		unsigned int size = sizes[r % 4];
		uint64_t gpa = BASE + ((r >> 8) % (VIOAPIC_WINDOW + 1 - size));

		if (r & (1ull << 40))
			gpa = BASE + ((r >> 20) % 2) * 0x10;
		switch ((r >> 32) % 5) {
		case 0:
			assert_int_equal(vioapic_mmio_read(&io, gpa, size, &got), 0);
			break;
		case 1:
			if (gpa == BASE)	/* mostly registers that exist */
				val %= 0x10 + 2 * 24 + 4;
			assert_int_equal(vioapic_mmio_write(&io, gpa, size, val), 0);
			break;
		case 2:
			assert_int_equal(vioapic_set_irq(&io, (unsigned int)(val % 24),
							 (val >> 8) & 1), 0);
			break;
		case 3:
			eois += vioapic_eoi(&io, (uint8_t)val) != 0;
			break;
		default:
			deliver_ret = (val & 3) ? 0 : -ENOENT;
			break;
		}
		assert_int_equal(io.id & ~0x0f000000u, 0);
		for (unsigned int pin = 0; pin < 24; pin++) {
			uint64_t e = vioapic_entry(&io, pin);

			assert_int_equal(e & ~(VIOAPIC_RTE_WRITABLE | VIOAPIC_RTE_REMOTE_IRR), 0);
			if (!(e & VIOAPIC_RTE_LEVEL))
				assert_int_equal(e & VIOAPIC_RTE_REMOTE_IRR, 0);
		}
	}
	print_message("random: %u messages, %u entry changes, %u EOIs that matched\n",
		      nmsg, nchanged, eois);
	assert_true(nmsg > 1000 && nchanged > 1000 && eois > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init, setup),
		cmocka_unit_test_setup(test_registers, setup),
		cmocka_unit_test_setup(test_rte_bits, setup),
		cmocka_unit_test_setup(test_edge, setup),
		cmocka_unit_test_setup(test_level, setup),
		cmocka_unit_test_setup(test_level_masked, setup),
		cmocka_unit_test_setup(test_eoi_pin, setup),
		cmocka_unit_test_setup(test_mmio_sizes, setup),
		cmocka_unit_test_setup(test_with_lapics, setup),
		cmocka_unit_test_setup(test_random_hostile, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
