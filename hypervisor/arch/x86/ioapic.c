/* The physical IOAPICs: the hypervisor's; dom0 programs them through virtual ones. */
#include <stdbool.h>
#include <stdint.h>

#include "acpi.h"
#include "errno.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/ioapic.h>
#include <arch/x86/irq.h>
#include <arch/x86/emul/mmio_emulate.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/vdev/vioapic.h>
#include <arch/x86/vdev/vlapic.h>

#define IOAPIC_MAX		8
#define IOAPIC_MADT_ENTRY	1	/* MADT I/O APIC structure (ACPI §5.2.12.3) */
#define IOAPIC_REG_SEL		0	/* in 32-bit words of the window */
#define IOAPIC_REG_WIN		4
#define IOAPIC_RTE_DM(e)	((unsigned int)((e) >> VIOAPIC_RTE_DM_SHIFT) & 7)

/* One physical IOAPIC and dom0's view of it. */
struct ioapic {
	volatile uint32_t *window;	/* the physical registers */
	unsigned int gsi_base;
	struct vioapic view;		/* what dom0 reads and writes */
	volatile int lock;		/* dom0's vCPUs on several CPUs */
	uint64_t refused;		/* pins whose entry we keep masked */
};

static struct ioapic ioapics[IOAPIC_MAX];
static unsigned int ioapic_count;

static uint32_t ioapic_read(struct ioapic *io, uint32_t reg)
{
	io->window[IOAPIC_REG_SEL] = reg;
	return io->window[IOAPIC_REG_WIN];
}

static void ioapic_write(struct ioapic *io, uint32_t reg, uint32_t val)
{
	io->window[IOAPIC_REG_SEL] = reg;
	io->window[IOAPIC_REG_WIN] = val;
}

/* ioapic_program: the physical entry of pin, masked while its halves
 * change (82093AA datasheet §3.2.4). */
static void ioapic_program(struct ioapic *io, unsigned int pin, uint64_t e)
{
	uint32_t reg = VIOAPIC_REG_REDIR + 2 * pin;

	ioapic_write(io, reg, (uint32_t)e | (uint32_t)VIOAPIC_RTE_MASK);
	ioapic_write(io, reg + 1, (uint32_t)(e >> 32));
	ioapic_write(io, reg, (uint32_t)e);
}

/*
 * ioapic_entry_changed: dom0 wrote a redirection entry: the physical pin
 * gets the same (vector, destination, trigger, polarity, mask: dom0's
 * vCPU n is reached through CPU n, docs/interrupts.md) unless it would
 * deliver to the hypervisor's own vectors, the CPU exceptions, or as
 * SMI/NMI/INIT/ExtINT: that pin stays masked, with one line in the log.
 */
static void ioapic_entry_changed(void *opaque, unsigned int pin, uint64_t old, uint64_t e)
{
	struct ioapic *io = opaque;
	unsigned int dm = IOAPIC_RTE_DM(e), vec = e & VIOAPIC_RTE_VECTOR;
	uint64_t bit = pin < 64 ? 1ull << pin : 0;
	bool bad = dm > VLAPIC_DM_LOWEST || vec < IRQ_VEC_FIRST || vec > IRQ_VEC_LAST;

	if (!(e & VIOAPIC_RTE_MASK) && bad) {
		if (!(io->refused & bit))
			printk(PRINTK_WARNING, "dom0: IOAPIC GSI %u set to vector %#x, delivery "
			       "mode %u: refused, the pin stays masked\n", io->gsi_base + pin,
			       vec, dm);
		io->refused |= bit;
		e |= VIOAPIC_RTE_MASK;
	} else {
		io->refused &= ~bit;
	}
	ioapic_program(io, pin, e & ~(VIOAPIC_RTE_DELIVS | VIOAPIC_RTE_REMOTE_IRR));
}

/* No pin of the view is ever asserted: the physical IOAPIC delivers
 * itself, on the entries mirrored above, so the view sends nothing. */
static int ioapic_view_deliver(void *opaque, uint8_t dest, bool dest_mode,
			       unsigned int delivery_mode, uint8_t vector, bool level)
{
	return -ENODEV;
}

static const struct vioapic_ops ioapic_view_ops = {
	.deliver = ioapic_view_deliver,
	.entry_changed = ioapic_entry_changed,
};

static int ioapic_mmio_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	struct ioapic *io = opaque;
	int ret;

	lib_spin_lock(&io->lock);
	ret = vioapic_mmio_read(&io->view, gpa, size, val);
	lib_spin_unlock(&io->lock);
	return ret;
}

static int ioapic_mmio_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val)
{
	struct ioapic *io = opaque;
	int ret;

	lib_spin_lock(&io->lock);
	ret = vioapic_mmio_write(&io->view, gpa, size, val);
	lib_spin_unlock(&io->lock);
	return ret;
}

static const struct mmio_ops ioapic_mmio = {
	.read = ioapic_mmio_read,
	.write = ioapic_mmio_write,
};

/* ioapic_add: take over the IOAPIC at base: every physical pin masked,
 * dom0's view as many pins, reset. */
static int ioapic_add(uint8_t id, uint64_t base, unsigned int gsi_base)
{
	struct ioapic *io = &ioapics[ioapic_count];
	struct vioapic_config cfg = {
		.base = base, .id = id, .ops = &ioapic_view_ops, .opaque = io,
	};
	unsigned int pin;
	int ret;

	io->window = (volatile uint32_t *)(uintptr_t)base;
	io->gsi_base = gsi_base;
	cfg.pins = LIB_MIN(((ioapic_read(io, VIOAPIC_REG_VER) >> 16) & 0xff) + 1,
			   VIOAPIC_MAX_PINS);
	ret = vioapic_init(&io->view, &cfg);
	if (ret)
		return ret;
	for (pin = 0; pin < cfg.pins; pin++)
		ioapic_program(io, pin, VIOAPIC_RTE_MASK);
	ioapic_count++;
	printk(PRINTK_INFO, "IOAPIC: id %u at %#llx, GSIs %u-%u: owned by the hypervisor, "
	       "dom0 programs a virtual one\n", id, (unsigned long long)base, gsi_base,
	       gsi_base + cfg.pins - 1);
	return 0;
}

int ioapic_init(const struct acpi_madt *madt, int (*unmap)(uint64_t gpa, void *ctx), void *ctx)
{
	const uint8_t *p = (const uint8_t *)(madt + 1);
	const uint8_t *end = (const uint8_t *)madt + madt->hdr.length;
	uint32_t addr, gsi;
	int ret;

	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] != IOAPIC_MADT_ENTRY || p[1] < 12)
			continue;
		memcpy(&addr, p + 4, 4);
		memcpy(&gsi, p + 8, 4);
		if (ioapic_count == IOAPIC_MAX || addr & (VIOAPIC_WINDOW - 1)) {
			printk(PRINTK_WARNING, "IOAPIC: id %u at %#x left out (%s)\n", p[2], addr,
			       ioapic_count == IOAPIC_MAX ? "too many" : "window not page-aligned");
			continue;
		}
		ret = unmap(addr, ctx);
		if (!ret)
			ret = ioapic_add(p[2], addr, gsi);
		if (ret)
			return ret;
	}
	return 0;
}

bool ioapic_npf(struct vcpu *v, uint64_t gpa, bool write)
{
	unsigned int i;

	for (i = 0; i < ioapic_count; i++) {
		if ((gpa & ~(uint64_t)(VIOAPIC_WINDOW - 1)) == ioapics[i].view.cfg.base) {
			vcpu_emulate_mmio(v, gpa, write, &ioapic_mmio, &ioapics[i], "IOAPIC");
			return true;
		}
	}
	return false;
}
