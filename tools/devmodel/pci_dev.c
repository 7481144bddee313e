/* pci_dev.c - one PCI function's configuration space: the header, BAR sizing and decoding, capability list. */
#include <string.h>

#include "pci_dev.h"

#define PCI_CAP_START		0x40
#define PCI_INTERRUPT_LINE	0x3c

uint32_t pci_dev_get(const struct pci_dev *d, unsigned int off, unsigned int size)
{
	uint32_t v = 0;

	memcpy(&v, &d->cfg[off], size);
	return v;
}

void pci_dev_put(struct pci_dev *d, unsigned int off, unsigned int size, uint32_t val)
{
	memcpy(&d->cfg[off], &val, size);
}

void pci_dev_set_wmask(struct pci_dev *d, unsigned int off, unsigned int size, uint32_t mask)
{
	memcpy(&d->wmask[off], &mask, size);
}

void pci_dev_init(struct pci_dev *d, uint16_t vendor, uint16_t device, uint32_t class,
		  uint8_t revision, const struct pci_dev_ops *ops, void *owner)
{
	memset(d, 0, sizeof(*d));
	pci_dev_put(d, 0x00, 2, vendor);
	pci_dev_put(d, 0x02, 2, device);
	pci_dev_put(d, 0x08, 4, class << 8 | revision);
	pci_dev_set_wmask(d, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			  PCI_COMMAND_INTX_OFF);
	pci_dev_set_wmask(d, PCI_INTERRUPT_LINE, 1, 0xff);
	d->cap_end = PCI_CAP_START;
	d->ops = ops;
	d->owner = owner;
}

void pci_dev_set_subsystem(struct pci_dev *d, uint16_t vendor, uint16_t device)
{
	pci_dev_put(d, 0x2c, 2, vendor);
	pci_dev_put(d, 0x2e, 2, device);
}

/* The BAR register's value: address bits and the type flags. */
static void bar_store(struct pci_dev *d, unsigned int i)
{
	struct pci_bar *b = &d->bar[i];

	pci_dev_put(d, PCI_BAR0 + 4 * i, 4, (uint32_t)b->addr | (b->is64 ? PCI_BAR_MEM_64 : 0));
	if (b->is64)
		pci_dev_put(d, PCI_BAR0 + 4 * (i + 1), 4, b->addr >> 32);
}

void pci_dev_add_bar(struct pci_dev *d, unsigned int bar, uint64_t size, bool is64)
{
	d->bar[bar] = (struct pci_bar){ .size = size, .is64 = is64 };
	bar_store(d, bar);
}

unsigned int pci_dev_add_cap(struct pci_dev *d, uint8_t id, unsigned int len)
{
	unsigned int off = d->cap_end;

	d->cfg[off] = id;
	d->cfg[off + 1] = 0;
	if (d->cap_last)
		d->cfg[d->cap_last + 1] = off;
	else
		d->cfg[PCI_CAP_PTR] = off;
	pci_dev_put(d, PCI_STATUS, 2, pci_dev_get(d, PCI_STATUS, 2) | PCI_STATUS_CAP_LIST);
	d->cap_last = off;
	d->cap_end = (off + len + 3) & ~3u;
	return off;
}

/* Whether BAR i should decode now: memory enabled, an address that neither
 * is 0 (never assigned) nor wraps. */
static bool bar_live(const struct pci_dev *d, unsigned int i)
{
	const struct pci_bar *b = &d->bar[i];

	if (!b->size || !(pci_dev_get(d, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY))
		return false;
	if (!b->addr || b->addr + b->size < b->addr)
		return false;
	return b->is64 || b->addr + b->size <= 1ull << 32;
}

/* Bring every BAR's decoding in line with the command register and its
 * address, telling the bus (a moved BAR goes off, then on). */
static void bars_update(struct pci_dev *d, int moved)
{
	unsigned int i;

	for (i = 0; i < PCI_DEV_BARS; i++) {
		bool live = bar_live(d, i);

		if (d->bar[i].mapped && (!live || (int)i == moved)) {
			d->bar[i].mapped = false;
			if (d->map)
				d->map(d, i, false);
		}
		if (live && !d->bar[i].mapped) {
			d->bar[i].mapped = true;
			if (d->map)
				d->map(d, i, true);
		}
	}
}

/* A write of the dword at BAR register reg (0..5): sizing or a new address. */
static void bar_write(struct pci_dev *d, unsigned int reg, uint32_t val)
{
	unsigned int i = reg;
	struct pci_bar *b = &d->bar[i];
	uint64_t mask;

	if (!b->size && reg > 0 && d->bar[reg - 1].is64)
		b = &d->bar[--i];
	if (!b->size)
		return;
	mask = ~(b->size - 1);
	if (i == reg)
		b->addr = (b->addr & ~0xffffffffull) | (val & (uint32_t)mask & ~0xfu);
	else
		b->addr = (b->addr & 0xffffffffull) | ((uint64_t)val << 32 & mask);
	bar_store(d, i);
	bars_update(d, (int)i);
}

uint32_t pci_dev_cfg_read(struct pci_dev *d, unsigned int off, unsigned int size)
{
	if (off >= PCI_CAP_START && d->ops && d->ops->cap_read)
		d->ops->cap_read(d, off, size);
	return pci_dev_get(d, off, size);
}

void pci_dev_cfg_write(struct pci_dev *d, unsigned int off, unsigned int size, uint32_t val)
{
	uint32_t old = pci_dev_get(d, off, size), mask = 0;

	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_DEV_BARS) {
		unsigned int reg = (off - PCI_BAR0) / 4, shift = (off & 3) * 8;
		uint32_t dword = pci_dev_get(d, PCI_BAR0 + 4 * reg, 4);
		uint32_t m = size == 4 ? ~0u : ((1u << size * 8) - 1) << shift;

		bar_write(d, reg, (dword & ~m) | (val << shift & m));
		return;
	}
	memcpy(&mask, &d->wmask[off], size);
	pci_dev_put(d, off, size, (old & ~mask) | (val & mask));
	if (off <= PCI_COMMAND && off + size > PCI_COMMAND)
		bars_update(d, -1);
	if (off >= PCI_CAP_START && d->ops && d->ops->cap_write)
		d->ops->cap_write(d, off, size);
}
