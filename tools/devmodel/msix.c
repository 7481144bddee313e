/* msix.c - MSI-X: the vector table, per-vector and function masking, pending bits. */
#include <string.h>

#include "msix.h"

#define MSIX_VECTOR_MASKED	1

void msix_init(struct msix *m, struct pci_dev *d, unsigned int nr, unsigned int bar,
	       uint32_t table_off, uint32_t pba_off, struct msix_sink sink)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->nr = nr;
	m->dev = d;
	m->sink = sink;
	for (i = 0; i < nr; i++)
		m->table[i][3] = MSIX_VECTOR_MASKED;
	m->cap = pci_dev_add_cap(d, MSIX_CAP_ID, 12);
	pci_dev_put(d, m->cap + 2, 2, nr - 1);
	pci_dev_put(d, m->cap + 4, 4, table_off | bar);
	pci_dev_put(d, m->cap + 8, 4, pba_off | bar);
	pci_dev_set_wmask(d, m->cap + 2, 2, MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
}

static uint16_t ctrl(const struct msix *m)
{
	return pci_dev_get(m->dev, m->cap + 2, 2);
}

bool msix_enabled(const struct msix *m)
{
	return ctrl(m) & MSIX_CTRL_ENABLE;
}

static bool masked(const struct msix *m, unsigned int v)
{
	return (ctrl(m) & MSIX_CTRL_MASKALL) || (m->table[v][3] & MSIX_VECTOR_MASKED);
}

static void send(struct msix *m, unsigned int v)
{
	uint64_t addr = (uint64_t)m->table[v][1] << 32 | m->table[v][0];

	m->sink.raise(m->sink.opaque, addr, m->table[v][2]);
}

void msix_notify(struct msix *m, unsigned int vector)
{
	if (!msix_enabled(m) || vector >= m->nr)
		return;
	if (masked(m, vector))
		m->pba[vector / 64] |= 1ull << (vector % 64);
	else
		send(m, vector);
}

/* Send and clear every pending vector that is no longer masked. */
static void flush_pending(struct msix *m)
{
	unsigned int v;

	if (!msix_enabled(m))
		return;
	for (v = 0; v < m->nr; v++) {
		uint64_t bit = 1ull << (v % 64);

		if ((m->pba[v / 64] & bit) && !masked(m, v)) {
			m->pba[v / 64] &= ~bit;
			send(m, v);
		}
	}
}

/* Dword or qword accesses, naturally aligned, inside len bytes (§6.8.2). */
static bool access_ok(uint64_t off, unsigned int size, uint64_t len)
{
	return (size == 4 || size == 8) && !(off & (size - 1)) && off < len && size <= len - off;
}

uint64_t msix_table_read(const struct msix *m, uint64_t off, unsigned int size)
{
	uint64_t v = 0;

	if (!access_ok(off, size, (uint64_t)m->nr * MSIX_ENTRY_SIZE))
		return ~0ull;
	memcpy(&v, (const uint8_t *)m->table + off, size);
	return v;
}

void msix_table_write(struct msix *m, uint64_t off, unsigned int size, uint64_t val)
{
	if (!access_ok(off, size, (uint64_t)m->nr * MSIX_ENTRY_SIZE))
		return;
	memcpy((uint8_t *)m->table + off, &val, size);
	flush_pending(m);
}

uint64_t msix_pba_read(const struct msix *m, uint64_t off, unsigned int size)
{
	uint64_t v = 0;

	if (!access_ok(off, size, sizeof(m->pba)))
		return 0;
	memcpy(&v, (const uint8_t *)m->pba + off, size);
	return v;
}

void msix_ctrl_written(struct msix *m)
{
	flush_pending(m);
}
