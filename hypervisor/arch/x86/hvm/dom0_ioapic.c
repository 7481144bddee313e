/* dom0's virtual IOAPICs: what dom0 writes is checked and mirrored onto the physical pins. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/ioapic.h>
#include <arch/x86/irq.h>
#include <arch/x86/emul/mmio_emulate.h>
#include <arch/x86/hvm/dom0_ioapic.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/vdev/vioapic.h>
#include <arch/x86/vdev/vlapic.h>

#define DOM0_IOAPIC_DM(e)	((unsigned int)((e) >> VIOAPIC_RTE_DM_SHIFT) & 7)

/* dom0's view of physical IOAPIC `chip`. */
struct dom0_ioapic {
	unsigned int chip;
	unsigned int gsi_base;
	struct vioapic view;		/* lock */
	volatile int lock;		/* dom0's vCPUs on several CPUs */
	uint64_t refused;		/* pins whose entry we keep masked */
};

static struct dom0_ioapic dom0_ioapics[IOAPIC_MAX];
static unsigned int dom0_ioapic_nr;
static unsigned int dom0_ioapic_watched_gsi;
static void (*dom0_ioapic_watch_fn)(void);	/* NULL: no GSI watched */

/*
 * dom0_ioapic_entry_changed: dom0 wrote a redirection entry: the physical
 * pin gets the same (vector, destination, trigger, polarity, mask: dom0's
 * vCPU n is reached through CPU n, docs/interrupts.md) unless it would
 * deliver to the hypervisor's own vectors, the CPU exceptions, or as
 * SMI/NMI/INIT/ExtINT: that pin stays masked, with one line in the log.
 */
static void dom0_ioapic_entry_changed(void *opaque, unsigned int pin, uint64_t old, uint64_t e)
{
	struct dom0_ioapic *io = opaque;
	unsigned int dm = DOM0_IOAPIC_DM(e), vec = e & VIOAPIC_RTE_VECTOR;
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
	ioapic_program(io->chip, pin, e & ~(VIOAPIC_RTE_DELIVS | VIOAPIC_RTE_REMOTE_IRR));
	if (dom0_ioapic_watch_fn && io->gsi_base + pin == dom0_ioapic_watched_gsi)
		irq_set_watch((e & VIOAPIC_RTE_MASK) ? 0 : (uint8_t)vec,
			      (uint8_t)(e >> VIOAPIC_RTE_DEST_SHIFT), e & VIOAPIC_RTE_DESTMODE,
			      dom0_ioapic_watch_fn);
}

/* No pin of the view is ever asserted: the physical IOAPIC delivers
 * itself, on the entries mirrored above, so the view sends nothing. */
static int dom0_ioapic_deliver(void *opaque, uint8_t dest, bool dest_mode,
			       unsigned int delivery_mode, uint8_t vector, bool level)
{
	return -ENODEV;
}

static const struct vioapic_ops dom0_ioapic_ops = {
	.deliver = dom0_ioapic_deliver,
	.entry_changed = dom0_ioapic_entry_changed,
};

static int dom0_ioapic_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	struct dom0_ioapic *io = opaque;
	int ret;

	lib_spin_lock(&io->lock);
	ret = vioapic_mmio_read(&io->view, gpa, size, val);
	lib_spin_unlock(&io->lock);
	return ret;
}

static int dom0_ioapic_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val)
{
	struct dom0_ioapic *io = opaque;
	int ret;

	lib_spin_lock(&io->lock);
	ret = vioapic_mmio_write(&io->view, gpa, size, val);
	lib_spin_unlock(&io->lock);
	return ret;
}

static const struct mmio_ops dom0_ioapic_mmio = {
	.read = dom0_ioapic_read,
	.write = dom0_ioapic_write,
};

int dom0_ioapic_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ioapic_count(); i++) {
		const struct ioapic_chip *c = ioapic_chip(i);
		struct dom0_ioapic *io = &dom0_ioapics[i];
		struct vioapic_config cfg = {
			.base = c->base, .id = c->id, .pins = c->pins,
			.ops = &dom0_ioapic_ops, .opaque = io,
		};

		io->chip = i;
		io->gsi_base = c->gsi_base;
		ret = vioapic_init(&io->view, &cfg);
		if (ret)
			return ret;
		dom0_ioapic_nr = i + 1;
	}
	return 0;
}

void dom0_ioapic_watch(unsigned int gsi, void (*fn)(void))
{
	dom0_ioapic_watched_gsi = gsi;
	dom0_ioapic_watch_fn = fn;
}

bool dom0_ioapic_npf(struct vcpu *v, uint64_t gpa, bool write)
{
	unsigned int i;

	for (i = 0; i < dom0_ioapic_nr; i++) {
		if ((gpa & ~(uint64_t)(VIOAPIC_WINDOW - 1)) == dom0_ioapics[i].view.cfg.base) {
			v->npf_by_target[VCPU_NPF_IOAPIC]++;
			vcpu_emulate_mmio(v, gpa, write, &dom0_ioapic_mmio, &dom0_ioapics[i],
					  "IOAPIC");
			return true;
		}
	}
	return false;
}
