/* Nested page tables: identity maps, hidden ranges, single-page remaps. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "page_alloc.h"
#include <arch/x86/hvm/svm/npt.h>

#define NPT_TABLE	(NPT_P | NPT_RW | NPT_US)
#define NPT_LEAF	(NPT_P | NPT_RW | NPT_US)

static uint64_t *npt_table(uint64_t pa)
{
	return page_alloc_virt(pa & NPT_ADDR_MASK);
}

static int npt_alloc_table(struct npt *n, uint64_t *pa)
{
	int ret = page_alloc_pages(0, pa);

	if (ret)
		return ret;
	memset(page_alloc_virt(*pa), 0, NPT_PAGE_SIZE);
	n->pages++;
	return 0;
}

int npt_init(struct npt *n)
{
	uint64_t *pt;
	int ret, i;

	memset(n, 0, sizeof(*n));
	ret = npt_alloc_table(n, &n->root_pa);
	if (ret)
		return ret;
	ret = page_alloc_pages(0, &n->sink_pa);
	if (ret)
		return ret;
	memset(page_alloc_virt(n->sink_pa), 0xff, NPT_PAGE_SIZE);
	ret = npt_alloc_table(n, &n->sink_pt_pa);
	if (ret)
		return ret;
	pt = npt_table(n->sink_pt_pa);
	for (i = 0; i < 512; i++)
		pt[i] = n->sink_pa | NPT_LEAF;
	return 0;
}

/*
 * npt_walk: the entry for gpa at level (1 = 4 KiB PTE, 2 = 2 MiB PDE),
 * creating tables on the way. A 2 MiB page or the shared sink table met
 * above the wanted level is split into a private table first.
 */
static int npt_walk(struct npt *n, uint64_t gpa, int level, uint64_t **entry)
{
	uint64_t pa = n->root_pa;
	int l;

	for (l = 4; l > level; l--) {
		uint64_t *t = npt_table(pa);
		uint64_t *e = &t[(gpa >> (12 + 9 * (l - 1))) & 511];
		uint64_t new_pa;
		int ret, i;

		if (!(*e & NPT_P)) {
			ret = npt_alloc_table(n, &new_pa);
			if (ret)
				return ret;
			*e = new_pa | NPT_TABLE;
		} else if (*e & NPT_PS) {
			uint64_t base = *e & NPT_ADDR_MASK & ~(NPT_LARGE_SIZE - 1);
			uint64_t *nt;

			ret = npt_alloc_table(n, &new_pa);
			if (ret)
				return ret;
			nt = npt_table(new_pa);
			for (i = 0; i < 512; i++)
				nt[i] = (base + i * NPT_PAGE_SIZE) | NPT_LEAF;
			*e = new_pa | NPT_TABLE;
		} else if ((*e & NPT_ADDR_MASK) == n->sink_pt_pa) {
			ret = npt_alloc_table(n, &new_pa);
			if (ret)
				return ret;
			memcpy(npt_table(new_pa), npt_table(n->sink_pt_pa), NPT_PAGE_SIZE);
			*e = new_pa | NPT_TABLE;
		}
		pa = *e & NPT_ADDR_MASK;
	}
	*entry = &npt_table(pa)[(gpa >> (12 + 9 * (level - 1))) & 511];
	return 0;
}

/* A PD entry already pointing at a private 4 KiB table keeps it: replace
 * it only when mapping a whole 2 MiB range (the old table is leaked; rare
 * and at boot only). */
static int npt_set_large(struct npt *n, uint64_t gpa, uint64_t value)
{
	uint64_t *e;
	int ret = npt_walk(n, gpa, 2, &e);

	if (ret)
		return ret;
	*e = value;
	return 0;
}

int npt_map_page(struct npt *n, uint64_t gpa, uint64_t hpa)
{
	uint64_t *e;
	int ret = npt_walk(n, gpa, 1, &e);

	if (ret)
		return ret;
	*e = (hpa & NPT_ADDR_MASK) | NPT_LEAF;
	return 0;
}

int npt_unmap_page(struct npt *n, uint64_t gpa)
{
	uint64_t *e;
	int ret = npt_walk(n, gpa, 1, &e);

	if (ret)
		return ret;
	*e = 0;
	return 0;
}

int npt_map_identity(struct npt *n, uint64_t start, uint64_t end)
{
	int ret;

	while (start < end) {
		if (!(start & (NPT_LARGE_SIZE - 1)) && end - start >= NPT_LARGE_SIZE) {
			ret = npt_set_large(n, start, start | NPT_LEAF | NPT_PS);
			start += NPT_LARGE_SIZE;
		} else {
			ret = npt_map_page(n, start, start);
			start += NPT_PAGE_SIZE;
		}
		if (ret)
			return ret;
	}
	return 0;
}

int npt_map_sink(struct npt *n, uint64_t start, uint64_t end)
{
	int ret;

	while (start < end) {
		if (!(start & (NPT_LARGE_SIZE - 1)) && end - start >= NPT_LARGE_SIZE) {
			ret = npt_set_large(n, start, n->sink_pt_pa | NPT_TABLE);
			start += NPT_LARGE_SIZE;
		} else {
			ret = npt_map_page(n, start, n->sink_pa);
			start += NPT_PAGE_SIZE;
		}
		if (ret)
			return ret;
	}
	return 0;
}

uint64_t npt_lookup(const struct npt *n, uint64_t gpa)
{
	uint64_t pa = n->root_pa;
	int l;

	for (l = 4; l >= 1; l--) {
		uint64_t e = npt_table(pa)[(gpa >> (12 + 9 * (l - 1))) & 511];
		uint64_t span = 1ull << (12 + 9 * (l - 1));

		if (!(e & NPT_P))
			return (uint64_t)-1;
		if (l == 1 || (e & NPT_PS))
			return (e & NPT_ADDR_MASK & ~(span - 1)) | (gpa & (span - 1));
		pa = e & NPT_ADDR_MASK;
	}
	return (uint64_t)-1;
}

int npt_map_large(struct npt *n, uint64_t gpa, uint64_t hpa)
{
	if ((gpa | hpa) & (NPT_LARGE_SIZE - 1))
		return -EINVAL;
	return npt_set_large(n, gpa, (hpa & NPT_ADDR_MASK) | NPT_LEAF | NPT_PS);
}

/* Free the table at pa of level l (4 = PML4) and every table below it;
 * leaves other than the sink go to leaf(). */
static void npt_free_level(struct npt *n, uint64_t pa, int l,
			   void (*leaf)(uint64_t hpa, unsigned int order, void *ctx), void *ctx)
{
	uint64_t *t = npt_table(pa);
	int i;

	for (i = 0; i < 512; i++) {
		uint64_t e = t[i], target = e & NPT_ADDR_MASK;

		if (!(e & NPT_P))
			continue;
		if (l == 1 || (e & NPT_PS)) {
			if (target != n->sink_pa && leaf)
				leaf(target, l == 1 ? 0 : 9, ctx);
		} else if (target != n->sink_pt_pa) {
			npt_free_level(n, target, l - 1, leaf, ctx);
		}
	}
	page_alloc_free_pages(pa, 0);
}

void npt_destroy(struct npt *n, void (*leaf)(uint64_t hpa, unsigned int order, void *ctx),
		 void *ctx)
{
	if (n->root_pa)
		npt_free_level(n, n->root_pa, 4, leaf, ctx);
	if (n->sink_pt_pa)
		page_alloc_free_pages(n->sink_pt_pa, 0);
	if (n->sink_pa)
		page_alloc_free_pages(n->sink_pa, 0);
	memset(n, 0, sizeof(*n));
}
