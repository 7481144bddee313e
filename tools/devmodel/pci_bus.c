/* pci_bus.c - bus 0: the host bridge at 00.0, configuration mechanism #1 (PCI 3.0 §3.2.2.3.2), BAR dispatch. */
#include <errno.h>
#include <stddef.h>

#include "pci_bus.h"

#define CONF_ENABLE	0x80000000u

/* pci_dev's BAR decoding changed: pass it to the bus's owner, with the
 * posted writes it holds (made posted after the BAR, taken back before). */
static void bus_bar_map(struct pci_dev *d, unsigned int bar, bool on)
{
	struct pci_bus *b = d->bus;
	bool posted = b->post && d->posted.nr && d->posted.bar == bar;

	if (posted && !on)
		b->post(b->opaque, d->slot, d->bar[bar].addr + d->posted.off, d->posted.nr, false);
	b->map(b->opaque, d->bar[bar].addr, d->bar[bar].size, on);
	if (posted && on)
		b->post(b->opaque, d->slot, d->bar[bar].addr + d->posted.off, d->posted.nr, true);
}

void pci_bus_init(struct pci_bus *b, pci_bus_map_fn map, void *opaque)
{
	*b = (struct pci_bus){ .map = map, .opaque = opaque, .mmio_next = PCI_LAYOUT_MMIO_BASE };
	pci_dev_init(&b->host, PCI_LAYOUT_HOST_VENDOR, PCI_LAYOUT_HOST_DEVICE, 0x060000, 0,
		     NULL, NULL);
	b->slot[0] = &b->host;
}

int pci_bus_add(struct pci_bus *b, struct pci_dev *d)
{
	uint64_t next = b->mmio_next;
	unsigned int i, s;

	for (s = 1; s < PCI_LAYOUT_SLOTS && b->slot[s]; s++)
		;
	if (s == PCI_LAYOUT_SLOTS)
		return -ENOSPC;
	for (i = 0; i < PCI_DEV_BARS; i++) {
		struct pci_bar *bar = &d->bar[i];

		if (!bar->size)
			continue;
		next = (next + bar->size - 1) & ~(bar->size - 1);
		if (next + bar->size > PCI_LAYOUT_MMIO_END)
			return -ENOSPC;
		pci_dev_cfg_write(d, PCI_BAR0 + 4 * i, 4, (uint32_t)next);
		if (bar->is64)
			pci_dev_cfg_write(d, PCI_BAR0 + 4 * (i + 1), 4, next >> 32);
		next += bar->size;
	}
	b->mmio_next = next;
	d->bus = b;
	d->map = bus_bar_map;
	d->slot = s;
	b->slot[s] = d;
	return (int)s;
}

void pci_bus_remove(struct pci_bus *b, unsigned int slot)
{
	struct pci_dev *d = b->slot[slot];
	unsigned int i;

	if (!slot || slot >= PCI_LAYOUT_SLOTS || !d)
		return;
	for (i = 0; i < PCI_DEV_BARS; i++)
		if (d->bar[i].mapped) {
			d->bar[i].mapped = false;
			bus_bar_map(d, i, false);
		}
	b->slot[slot] = NULL;
}

/* The function that the address register selects with register offset
 * off, or NULL (disabled, another bus, an empty slot, function != 0). */
static struct pci_dev *conf_target(struct pci_bus *b, uint16_t port, unsigned int *off)
{
	uint32_t a = b->conf_addr;
	unsigned int slot = a >> 11 & 31;

	if (!(a & CONF_ENABLE) || (a >> 16 & 0xff) || (a >> 8 & 7))
		return NULL;
	*off = (a & 0xfc) + (port & 3);
	return b->slot[slot];
}

/* Accesses must not cross the dword (a 2-byte access at 0xcff). */
static bool data_access_ok(uint16_t port, unsigned int size)
{
	return port >= PCI_LAYOUT_CONF_DATA && port + size <= PCI_LAYOUT_CONF_DATA + 4 &&
	       (size == 1 || size == 2 || size == 4) && !(port & (size - 1));
}

uint32_t pci_bus_pio_read(struct pci_bus *b, uint16_t port, unsigned int size)
{
	struct pci_dev *d;
	unsigned int off;

	if (port == PCI_LAYOUT_CONF_ADDR && size == 4)
		return b->conf_addr;
	if (!data_access_ok(port, size))
		return 0xffffffffu;
	d = conf_target(b, port, &off);
	if (!d)
		return size == 4 ? 0xffffffffu : (1u << size * 8) - 1;
	return pci_dev_cfg_read(d, off, size);
}

void pci_bus_pio_write(struct pci_bus *b, uint16_t port, unsigned int size, uint32_t val)
{
	struct pci_dev *d;
	unsigned int off;

	if (port == PCI_LAYOUT_CONF_ADDR && size == 4) {
		b->conf_addr = val & (CONF_ENABLE | 0x00fffffc);
		return;
	}
	if (!data_access_ok(port, size))
		return;
	d = conf_target(b, port, &off);
	if (d && d != &b->host)
		pci_dev_cfg_write(d, off, size, val);
}

/* The decoding BAR holding [addr, addr + size), as device and BAR index. */
static struct pci_dev *mmio_target(struct pci_bus *b, uint64_t addr, unsigned int size,
				   unsigned int *bar)
{
	unsigned int s, i;

	for (s = 1; s < PCI_LAYOUT_SLOTS; s++) {
		struct pci_dev *d = b->slot[s];

		if (!d)
			continue;
		for (i = 0; i < PCI_DEV_BARS; i++) {
			const struct pci_bar *r = &d->bar[i];

			if (r->mapped && addr >= r->addr && addr - r->addr < r->size &&
			    size <= r->size - (addr - r->addr)) {
				*bar = i;
				return d;
			}
		}
	}
	return NULL;
}

bool pci_bus_mmio_read(struct pci_bus *b, uint64_t addr, unsigned int size, uint64_t *val)
{
	unsigned int bar;
	struct pci_dev *d = mmio_target(b, addr, size, &bar);

	if (!d || !d->ops || !d->ops->bar_read)
		return false;
	*val = d->ops->bar_read(d, bar, addr - d->bar[bar].addr, size);
	return true;
}

bool pci_bus_mmio_write(struct pci_bus *b, uint64_t addr, unsigned int size, uint64_t val)
{
	unsigned int bar;
	struct pci_dev *d = mmio_target(b, addr, size, &bar);

	if (!d || !d->ops || !d->ops->bar_write)
		return false;
	d->ops->bar_write(d, bar, addr - d->bar[bar].addr, size, val);
	return true;
}

void pci_bus_kick(struct pci_bus *b, unsigned int slot, uint64_t queues)
{
	struct pci_dev *d = slot && slot < PCI_LAYOUT_SLOTS ? b->slot[slot] : NULL;
	unsigned int q;

	if (!d || !d->posted.nr || !d->bar[d->posted.bar].mapped || !d->ops || !d->ops->bar_write)
		return;
	for (q = 0; q < d->posted.nr && q < PCI_POSTED_MAX; q++)
		if (queues >> q & 1)
			d->ops->bar_write(d, d->posted.bar, d->posted.off + PCI_POSTED_STRIDE * q, 2, q);
}
