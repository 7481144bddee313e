/* Nested page tables, in the vendor's entry format: identity maps, hidden ranges, single-page remaps. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "page_alloc.h"
#include "arch/x86/hvm/p2m.h"

static uint64_t *p2m_table(uint64_t pa)
{
	return page_alloc_virt(pa & P2M_ADDR_MASK);
}

static int p2m_alloc_table(struct p2m *p, uint64_t *pa)
{
	if (!page_alloc_zeroed(0, pa))
		return -ENOMEM;
	p->pages++;
	return 0;
}

int p2m_init(struct p2m *p, const struct p2m_format *fmt)
{
	uint64_t *pt;
	int ret, i;

	memset(p, 0, sizeof(*p));
	p->fmt = fmt;
	ret = p2m_alloc_table(p, &p->root_pa);
	if (ret)
		return ret;
	ret = page_alloc_pages(0, &p->sink_pa);
	if (ret)
		return ret;
	memset(page_alloc_virt(p->sink_pa), 0xff, P2M_PAGE_SIZE);
	ret = p2m_alloc_table(p, &p->sink_pt_pa);
	if (ret)
		return ret;
	pt = p2m_table(p->sink_pt_pa);
	for (i = 0; i < 512; i++)
		pt[i] = p->sink_pa | p->fmt->leaf;
	return 0;
}

/* e points at one of the shared tables (sink, zeros). */
static bool p2m_is_shared(const struct p2m *p, uint64_t e)
{
	uint64_t pa = e & P2M_ADDR_MASK;

	return pa == p->sink_pt_pa || (p->zero_pt_pa && pa == p->zero_pt_pa);
}

/*
 * p2m_walk: the entry for gpa at level (1 = 4 KiB PTE, 2 = 2 MiB PDE),
 * creating tables on the way. A 2 MiB page or a shared table met
 * above the wanted level is split into a private table first.
 */
static int p2m_walk(struct p2m *p, uint64_t gpa, int level, uint64_t **entry)
{
	uint64_t pa = p->root_pa;
	int l;

	for (l = 4; l > level; l--) {
		uint64_t *t = p2m_table(pa);
		uint64_t *e = &t[(gpa >> (12 + 9 * (l - 1))) & 511];
		uint64_t new_pa;
		int ret, i;

		if (!(*e & p->fmt->present)) {
			ret = p2m_alloc_table(p, &new_pa);
			if (ret)
				return ret;
			*e = new_pa | p->fmt->table;
		} else if (*e & p->fmt->large) {
			uint64_t base = *e & P2M_ADDR_MASK & ~(P2M_LARGE_SIZE - 1);
			uint64_t bits = *e & ~P2M_ADDR_MASK & ~p->fmt->large;	/* RAM or device */
			uint64_t *nt;

			ret = p2m_alloc_table(p, &new_pa);
			if (ret)
				return ret;
			nt = p2m_table(new_pa);
			for (i = 0; i < 512; i++)
				nt[i] = (base + i * P2M_PAGE_SIZE) | bits;
			*e = new_pa | p->fmt->table;
		} else if (p2m_is_shared(p, *e)) {
			ret = p2m_alloc_table(p, &new_pa);
			if (ret)
				return ret;
			memcpy(p2m_table(new_pa), p2m_table(*e & P2M_ADDR_MASK), P2M_PAGE_SIZE);
			*e = new_pa | p->fmt->table;
		}
		pa = *e & P2M_ADDR_MASK;
	}
	*entry = &p2m_table(pa)[(gpa >> (12 + 9 * (level - 1))) & 511];
	return 0;
}

/* Set the PD entry of gpa to value; a private 4 KiB table it pointed at
 * is freed (as p2m_clear_large does: flush the vCPUs afterwards). */
static int p2m_set_large(struct p2m *p, uint64_t gpa, uint64_t value)
{
	uint64_t *e, old;
	int ret = p2m_walk(p, gpa, 2, &e);

	if (ret)
		return ret;
	old = *e;
	*e = value;
	if ((old & p->fmt->present) && !(old & p->fmt->large) && !p2m_is_shared(p, old)) {
		page_alloc_free_pages(old & P2M_ADDR_MASK, 0);
		p->pages--;
	}
	return 0;
}

int p2m_map_page(struct p2m *p, uint64_t gpa, uint64_t hpa)
{
	uint64_t *e;
	int ret = p2m_walk(p, gpa, 1, &e);

	if (ret)
		return ret;
	*e = (hpa & P2M_ADDR_MASK) | p->fmt->leaf;
	return 0;
}

int p2m_unmap_page(struct p2m *p, uint64_t gpa)
{
	uint64_t *e;
	int ret = p2m_walk(p, gpa, 1, &e);

	if (ret)
		return ret;
	*e = 0;
	return 0;
}

/* p2m_map_range: [start, end) to itself with leaf bits (RAM or device),
 * or to the sink, with 2 MiB entries where alignment allows (the sink's:
 * its shared table). */
static int p2m_map_range(struct p2m *p, uint64_t start, uint64_t end, bool sink, uint64_t leaf)
{
	uint64_t *e;
	int ret;

	while (start < end) {
		if (!(start & (P2M_LARGE_SIZE - 1)) && end - start >= P2M_LARGE_SIZE) {
			ret = p2m_set_large(p, start, sink ? p->sink_pt_pa | p->fmt->table :
							    start | leaf | p->fmt->large);
			start += P2M_LARGE_SIZE;
		} else {
			ret = p2m_walk(p, start, 1, &e);
			if (!ret)
				*e = sink ? p->sink_pa | p->fmt->leaf : start | leaf;
			start += P2M_PAGE_SIZE;
		}
		if (ret)
			return ret;
	}
	return 0;
}

int p2m_map_identity(struct p2m *p, uint64_t start, uint64_t end)
{
	return p2m_map_range(p, start, end, false, p->fmt->leaf);
}

int p2m_map_device(struct p2m *p, uint64_t start, uint64_t end)
{
	return p2m_map_range(p, start, end, false, p->fmt->device);
}

int p2m_map_sink(struct p2m *p, uint64_t start, uint64_t end)
{
	return p2m_map_range(p, start, end, true, p->fmt->leaf);
}

uint64_t p2m_lookup_span(const struct p2m *p, uint64_t gpa, uint64_t *span)
{
	uint64_t pa = p->root_pa;
	int l;

	for (l = 4; l >= 1; l--) {
		uint64_t e = p2m_table(pa)[(gpa >> (12 + 9 * (l - 1))) & 511];

		*span = 1ull << (12 + 9 * (l - 1));
		if (!(e & p->fmt->present))
			return (uint64_t)-1;
		if (l == 1 || (e & p->fmt->large))
			return (e & P2M_ADDR_MASK & ~(*span - 1)) | (gpa & (*span - 1));
		pa = e & P2M_ADDR_MASK;
	}
	return (uint64_t)-1;
}

uint64_t p2m_lookup(const struct p2m *p, uint64_t gpa)
{
	uint64_t span;

	return p2m_lookup_span(p, gpa, &span);
}

/* The zero page and its table, made on first use. */
static int p2m_zero_table(struct p2m *p)
{
	uint64_t *pt;
	int i;

	if (p->zero_pt_pa)
		return 0;
	if (!page_alloc_zeroed(0, &p->zero_pa))
		return -ENOMEM;
	if (p2m_alloc_table(p, &p->zero_pt_pa)) {
		page_alloc_free_pages(p->zero_pa, 0);
		p->zero_pa = 0;
		return -ENOMEM;
	}
	pt = p2m_table(p->zero_pt_pa);
	for (i = 0; i < 512; i++)
		pt[i] = p->zero_pa | (p->fmt->leaf & ~p->fmt->write);
	return 0;
}

int p2m_map_zero_page(struct p2m *p, uint64_t gpa)
{
	uint64_t *e;
	int ret = p2m_zero_table(p);

	if (!ret)
		ret = p2m_walk(p, gpa, 1, &e);
	if (!ret)
		*e = p->zero_pa | (p->fmt->leaf & ~p->fmt->write);
	return ret;
}

int p2m_clear_large(struct p2m *p, uint64_t start, uint64_t end, bool zeros)
{
	uint64_t *e;
	int ret = zeros ? p2m_zero_table(p) : 0;

	for (; !ret && start < end; start += P2M_LARGE_SIZE) {
		ret = p2m_walk(p, start, 2, &e);
		if (ret)
			break;
		if ((*e & p->fmt->present) && !(*e & p->fmt->large) && !p2m_is_shared(p, *e)) {
			page_alloc_free_pages(*e & P2M_ADDR_MASK, 0);
			p->pages--;
		}
		*e = zeros ? p->zero_pt_pa | p->fmt->table : 0;
	}
	return ret;
}

int p2m_map_large(struct p2m *p, uint64_t gpa, uint64_t hpa)
{
	if ((gpa | hpa) & (P2M_LARGE_SIZE - 1))
		return -EINVAL;
	return p2m_set_large(p, gpa, (hpa & P2M_ADDR_MASK) | p->fmt->leaf | p->fmt->large);
}

/* Free the table at pa of level l (4 = PML4) and every table below it;
 * leaves other than the sink go to leaf(). */
static void p2m_free_level(struct p2m *p, uint64_t pa, int l,
			   void (*leaf)(uint64_t hpa, unsigned int order, void *ctx), void *ctx)
{
	uint64_t *t = p2m_table(pa);
	int i;

	for (i = 0; i < 512; i++) {
		uint64_t e = t[i], target = e & P2M_ADDR_MASK;

		if (!(e & p->fmt->present))
			continue;
		if (l == 1 || (e & p->fmt->large)) {
			if (target != p->sink_pa && (!p->zero_pa || target != p->zero_pa) && leaf)
				leaf(target, l == 1 ? 0 : 9, ctx);
		} else if (!p2m_is_shared(p, e)) {
			p2m_free_level(p, target, l - 1, leaf, ctx);
		}
	}
	page_alloc_free_pages(pa, 0);
}

void p2m_destroy(struct p2m *p, void (*leaf)(uint64_t hpa, unsigned int order, void *ctx),
		 void *ctx)
{
	if (p->root_pa)
		p2m_free_level(p, p->root_pa, 4, leaf, ctx);
	if (p->sink_pt_pa)
		page_alloc_free_pages(p->sink_pt_pa, 0);
	if (p->sink_pa)
		page_alloc_free_pages(p->sink_pa, 0);
	if (p->zero_pt_pa)
		page_alloc_free_pages(p->zero_pt_pa, 0);
	if (p->zero_pa)
		page_alloc_free_pages(p->zero_pa, 0);
	memset(p, 0, sizeof(*p));
}
