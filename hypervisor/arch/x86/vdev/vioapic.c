/* Virtual IOAPIC: IOREGSEL/IOWIN, redirection entries, edge and level pins (82093AA). */
#include "arch/x86/vdev/vioapic.h"
#include "errno.h"
#include "lib.h"

#define RTE_DM(e)	((unsigned int)((e) >> VIOAPIC_RTE_DM_SHIFT) & 7)

int vioapic_init(struct vioapic *io, const struct vioapic_config *cfg)
{
	if (!cfg->pins || cfg->pins > VIOAPIC_MAX_PINS || !cfg->ops ||
	    !cfg->ops->deliver || cfg->base & (VIOAPIC_WINDOW - 1))
		return -EINVAL;
	memset(io, 0, sizeof(*io));
	io->cfg = *cfg;
	io->id = (uint32_t)(cfg->id & 0xf) << 24;
	/* After reset every entry is masked (datasheet §3.2.4, bit 16). */
	for (unsigned int i = 0; i < cfg->pins; i++)
		io->rte[i] = VIOAPIC_RTE_MASK;
	return 0;
}

/*
 * vioapic_service: send pin's interrupt if its state asks for one now.
 * Called on a rising edge (edge pins) or whenever a level pin may have
 * become deliverable; a level pin stays quiet while Remote IRR is set,
 * which its EOI clears (datasheet §3.2.4, bit 14).
 */
static void vioapic_service(struct vioapic *io, unsigned int pin)
{
	uint64_t e = io->rte[pin];
	bool level = e & VIOAPIC_RTE_LEVEL;
	unsigned int dm = RTE_DM(e);
	int ret;

	if (e & VIOAPIC_RTE_MASK || !io->asserted[pin] ||
	    (level && e & VIOAPIC_RTE_REMOTE_IRR))
		return;
	if (dm == 3 || dm == 6)		/* reserved delivery modes */
		return;
	ret = io->cfg.ops->deliver(io->cfg.opaque, (uint8_t)(e >> VIOAPIC_RTE_DEST_SHIFT),
				   e & VIOAPIC_RTE_DESTMODE, dm,
				   (uint8_t)(e & VIOAPIC_RTE_VECTOR), level);
	if (level && ret == 0)
		io->rte[pin] |= VIOAPIC_RTE_REMOTE_IRR;
}

int vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level)
{
	bool was;

	if (pin >= io->cfg.pins)
		return -EINVAL;
	was = io->asserted[pin];
	io->asserted[pin] = level;
	if (!level)
		return 0;
	/* Edge: only the rising edge counts; a masked edge is lost. */
	if (io->rte[pin] & VIOAPIC_RTE_LEVEL || !was)
		vioapic_service(io, pin);
	return 0;
}

unsigned int vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	unsigned int n = 0;

	for (unsigned int pin = 0; pin < io->cfg.pins; pin++) {
		uint64_t e = io->rte[pin];

		if (!(e & VIOAPIC_RTE_LEVEL) || (e & VIOAPIC_RTE_VECTOR) != vector)
			continue;
		n++;
		if (!(e & VIOAPIC_RTE_REMOTE_IRR))
			continue;
		io->rte[pin] &= ~VIOAPIC_RTE_REMOTE_IRR;
		if (io->cfg.ops->eoi_pin)
			io->asserted[pin] = io->cfg.ops->eoi_pin(io->cfg.opaque, pin);
		vioapic_service(io, pin);
	}
	return n;
}

uint64_t vioapic_entry(const struct vioapic *io, unsigned int pin)
{
	return pin < io->cfg.pins ? io->rte[pin] : 0;
}

/* One half of a redirection entry written: keep the read-only bits, tell
 * the physical side, and deliver a level pin the change made ready. */
static void vioapic_write_rte(struct vioapic *io, unsigned int pin, bool high,
			      uint32_t val)
{
	uint64_t old = io->rte[pin], e;

	e = high ? (old & 0xffffffffull) | (uint64_t)val << 32
		 : (old & ~0xffffffffull) | val;
	e = (e & VIOAPIC_RTE_WRITABLE) | (old & VIOAPIC_RTE_REMOTE_IRR);
	/* Remote IRR means nothing for edge pins: switching to edge clears
	 * it, which OSes use to retire a stuck level interrupt. */
	if (!(e & VIOAPIC_RTE_LEVEL))
		e &= ~VIOAPIC_RTE_REMOTE_IRR;
	io->rte[pin] = e;
	if (e != old && io->cfg.ops->entry_changed)
		io->cfg.ops->entry_changed(io->cfg.opaque, pin, old, e);
	if (e & VIOAPIC_RTE_LEVEL)
		vioapic_service(io, pin);
}

static uint32_t vioapic_read_indirect(const struct vioapic *io)
{
	uint32_t r = io->ioregsel;

	switch (r) {
	case VIOAPIC_REG_ID:
	case VIOAPIC_REG_ARB:	/* the arbitration ID follows the ID */
		return io->id;
	case VIOAPIC_REG_VER:
		return VIOAPIC_VERSION | (io->cfg.pins - 1) << 16;
	}
	if (r >= VIOAPIC_REG_REDIR && r < VIOAPIC_REG_REDIR + 2 * io->cfg.pins) {
		uint64_t e = io->rte[(r - VIOAPIC_REG_REDIR) / 2];

		return (r & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
	}
	return 0;
}

static void vioapic_write_indirect(struct vioapic *io, uint32_t val)
{
	uint32_t r = io->ioregsel;

	if (r == VIOAPIC_REG_ID) {
		io->id = val & 0x0f000000u;
		return;
	}
	if (r >= VIOAPIC_REG_REDIR && r < VIOAPIC_REG_REDIR + 2 * io->cfg.pins)
		vioapic_write_rte(io, (r - VIOAPIC_REG_REDIR) / 2, r & 1, val);
}

static int vioapic_check(const struct vioapic *io, uint64_t gpa,
			 unsigned int size)
{
	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    gpa < io->cfg.base || gpa - io->cfg.base > VIOAPIC_WINDOW - size)
		return -EINVAL;
	return 0;
}

int vioapic_mmio_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	struct vioapic *io = opaque;
	unsigned int off, byte;
	uint32_t r;
	int ret = vioapic_check(io, gpa, size);

	if (ret)
		return ret;
	*val = 0;
	off = (unsigned int)(gpa - io->cfg.base);
	byte = off & 0xf;
	if ((off & ~0xfu) > VIOAPIC_IOWIN || (!(size == 8 && byte == 0) &&
					      byte + size > 4))
		return 0;
	r = (off & ~0xfu) == VIOAPIC_IOREGSEL ? io->ioregsel :
						vioapic_read_indirect(io);
	*val = size >= 4 ? r : (r >> (byte * 8)) & ((1u << (size * 8)) - 1);
	return 0;
}

int vioapic_mmio_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val)
{
	struct vioapic *io = opaque;
	unsigned int off;
	int ret = vioapic_check(io, gpa, size);

	if (ret)
		return ret;
	off = (unsigned int)(gpa - io->cfg.base);
	if (off == VIOAPIC_IOREGSEL)
		io->ioregsel = (uint32_t)val & 0xff;
	else if (off == VIOAPIC_IOWIN && size >= 4)
		vioapic_write_indirect(io, (uint32_t)val);
	return 0;
}
