/* page_alloc.c - physical page allocator: free ranges of a memmap, 2^order pages. */
#include "errno.h"
#include "lib.h"
#include "page_alloc.h"
#include "printk.h"

/*
 * A buddy allocator. Each free block of 2^order pages starts with a
 * struct pa_free linking it into the list of its order; a bitmap with one
 * bit per page of [pa_base, pa_base + pa_span) marks the first page of each
 * free block, so a header is trusted only when its bit is set. Blocks are
 * aligned to their size in absolute frame numbers, so a block's buddy is
 * pfn ^ (1 << order). All state is guarded by pa_lock.
 */
#define PA_MAGIC 0x58656e6f46726565ull	/* "XenoFree" */
#define PA_NONE UINT64_MAX

struct pa_free {
	uint64_t magic;
	uint64_t next;		/* pfn of the next free block, or PA_NONE */
	uint64_t prev;
	uint32_t order;
};

static volatile int pa_lock;
static uintptr_t pa_direct_map;
static uint64_t pa_base;		/* first pfn the bitmap covers */
static uint64_t pa_span;		/* pages the bitmap covers */
static uint64_t *pa_bitmap;
static uint64_t pa_head[PAGE_ALLOC_MAX_ORDER];
static uint64_t pa_nr_free[PAGE_ALLOC_MAX_ORDER];	/* blocks per order */
static uint64_t pa_free_pages;
static uint64_t pa_total_pages;
/* The managed RAM, page aligned, without the bitmap: validates frees. */
static struct memmap pa_ram;

void *page_alloc_virt(uint64_t paddr)
{
	return (void *)(pa_direct_map + (uintptr_t)paddr);
}

uint64_t page_alloc_phys(const void *vaddr)
{
	return (uint64_t)((uintptr_t)vaddr - pa_direct_map);
}

static struct pa_free *pa_block(uint64_t pfn)
{
	return page_alloc_virt(pfn << PAGE_ALLOC_PAGE_SHIFT);
}

static bool pa_bit(uint64_t pfn)
{
	uint64_t i = pfn - pa_base;

	return (pa_bitmap[i / 64] >> (i % 64)) & 1;
}

static void pa_set_bit(uint64_t pfn, bool on)
{
	uint64_t i = pfn - pa_base;

	if (on)
		pa_bitmap[i / 64] |= 1ull << (i % 64);
	else
		pa_bitmap[i / 64] &= ~(1ull << (i % 64));
}

/* pa_managed: [pfn, pfn + n) lies inside one managed RAM range. */
static bool pa_managed(uint64_t pfn, uint64_t n)
{
	uint64_t s = pfn << PAGE_ALLOC_PAGE_SHIFT;
	uint64_t e = (pfn + n) << PAGE_ALLOC_PAGE_SHIFT;

	for (unsigned int i = 0; i < pa_ram.nr; i++)
		if (pa_ram.range[i].start <= s && pa_ram.range[i].end >= e)
			return true;
	return false;
}

static void pa_push(uint64_t pfn, unsigned int order)
{
	struct pa_free *b = pa_block(pfn);

	b->magic = PA_MAGIC;
	b->order = order;
	b->prev = PA_NONE;
	b->next = pa_head[order];
	if (b->next != PA_NONE)
		pa_block(b->next)->prev = pfn;
	pa_head[order] = pfn;
	pa_nr_free[order]++;
	pa_set_bit(pfn, true);
}

static void pa_unlink(uint64_t pfn)
{
	struct pa_free *b = pa_block(pfn);

	if (b->prev != PA_NONE)
		pa_block(b->prev)->next = b->next;
	else
		pa_head[b->order] = b->next;
	if (b->next != PA_NONE)
		pa_block(b->next)->prev = b->prev;
	pa_nr_free[b->order]--;
	b->magic = 0;
	pa_set_bit(pfn, false);
}

/* pa_is_free_head: pfn starts a free block of exactly order. */
static bool pa_is_free_head(uint64_t pfn, unsigned int order)
{
	if (pfn < pa_base || pfn - pa_base >= pa_span || !pa_bit(pfn))
		return false;
	return pa_block(pfn)->order == order;
}

/* pa_add_range: hand [pfn, end) to the free lists in maximal aligned
 * blocks. */
static void pa_add_range(uint64_t pfn, uint64_t end)
{
	while (pfn < end) {
		unsigned int order = PAGE_ALLOC_MAX_ORDER - 1;

		while (order && ((pfn & ((1ull << order) - 1)) ||
				 pfn + (1ull << order) > end))
			order--;
		pa_push(pfn, order);
		pa_free_pages += 1ull << order;
		pfn += 1ull << order;
	}
}

int page_alloc_init(const struct memmap *map, uintptr_t direct_map)
{
	uint64_t lo = UINT64_MAX, hi = 0, bitmap_pages;
	unsigned int i;

	pa_direct_map = direct_map;
	memmap_init(&pa_ram);
	for (i = 0; i < map->nr; i++) {
		const struct memmap_range *r = &map->range[i];
		uint64_t s = (r->start + PAGE_ALLOC_PAGE_SIZE - 1) >>
			     PAGE_ALLOC_PAGE_SHIFT;
		uint64_t e = r->end >> PAGE_ALLOC_PAGE_SHIFT;

		if (r->type != MEMMAP_RAM || s >= e)
			continue;
		pa_ram.range[pa_ram.nr++] = (struct memmap_range){
			s << PAGE_ALLOC_PAGE_SHIFT, e << PAGE_ALLOC_PAGE_SHIFT,
			MEMMAP_RAM };
		lo = LIB_MIN(lo, s);
		hi = LIB_MAX(hi, e);
	}
	if (!pa_ram.nr)
		return -EINVAL;
	pa_base = lo;
	pa_span = hi - lo;
	bitmap_pages = ((pa_span + 63) / 64 * 8 + PAGE_ALLOC_PAGE_SIZE - 1) >>
		       PAGE_ALLOC_PAGE_SHIFT;

	/* The bitmap takes the start of the first range big enough. */
	pa_bitmap = NULL;
	for (i = 0; i < pa_ram.nr; i++) {
		struct memmap_range *r = &pa_ram.range[i];

		if ((r->end - r->start) >> PAGE_ALLOC_PAGE_SHIFT > bitmap_pages) {
			pa_bitmap = page_alloc_virt(r->start);
			r->start += bitmap_pages << PAGE_ALLOC_PAGE_SHIFT;
			break;
		}
	}
	if (!pa_bitmap)
		return -ENOMEM;
	memset(pa_bitmap, 0, bitmap_pages << PAGE_ALLOC_PAGE_SHIFT);

	for (i = 0; i < PAGE_ALLOC_MAX_ORDER; i++) {
		pa_head[i] = PA_NONE;
		pa_nr_free[i] = 0;
	}
	pa_free_pages = 0;
	for (i = 0; i < pa_ram.nr; i++)
		pa_add_range(pa_ram.range[i].start >> PAGE_ALLOC_PAGE_SHIFT,
			     pa_ram.range[i].end >> PAGE_ALLOC_PAGE_SHIFT);
	pa_total_pages = pa_free_pages;
	return 0;
}

int page_alloc_pages(unsigned int order, uint64_t *paddr)
{
	unsigned int k;
	uint64_t pfn;

	if (order >= PAGE_ALLOC_MAX_ORDER)
		return -EINVAL;
	lib_spin_lock(&pa_lock);
	for (k = order; k < PAGE_ALLOC_MAX_ORDER && pa_head[k] == PA_NONE; k++)
		;
	if (k == PAGE_ALLOC_MAX_ORDER) {
		lib_spin_unlock(&pa_lock);
		return -ENOMEM;
	}
	pfn = pa_head[k];
	pa_unlink(pfn);
	while (k > order) {
		k--;
		pa_push(pfn + (1ull << k), k);
	}
	pa_free_pages -= 1ull << order;
	lib_spin_unlock(&pa_lock);
	*paddr = pfn << PAGE_ALLOC_PAGE_SHIFT;
	return 0;
}

void *page_alloc_zeroed(unsigned int order, uint64_t *paddr)
{
	void *va;

	if (page_alloc_pages(order, paddr))
		return NULL;
	va = page_alloc_virt(*paddr);
	memset(va, 0, PAGE_ALLOC_PAGE_SIZE << order);
	return va;
}

/*
 * pa_overlaps_free: whether any page of [pfn, pfn + 2^order) is free:
 * either a free block starts inside it, or a free block of a larger order
 * starting before it covers it. Caller holds pa_lock.
 */
static bool pa_overlaps_free(uint64_t pfn, unsigned int order)
{
	uint64_t n = 1ull << order;

	for (uint64_t p = pfn; p < pfn + n; p++) {
		uint64_t i = p - pa_base;

		if (i % 64 == 0 && p + 64 <= pfn + n && !pa_bitmap[i / 64]) {
			p += 63;
			continue;
		}
		if (pa_bit(p))
			return true;
	}
	for (unsigned int k = order + 1; k < PAGE_ALLOC_MAX_ORDER; k++) {
		uint64_t head = pfn & ~((1ull << k) - 1);

		if (head >= pa_base && pa_bit(head) &&
		    pa_block(head)->order >= k)
			return true;
	}
	return false;
}

int page_alloc_free_pages(uint64_t paddr, unsigned int order)
{
	uint64_t pfn = paddr >> PAGE_ALLOC_PAGE_SHIFT;

	if (order >= PAGE_ALLOC_MAX_ORDER ||
	    (paddr & (PAGE_ALLOC_PAGE_SIZE - 1)) ||
	    (pfn & ((1ull << order) - 1)) || !pa_managed(pfn, 1ull << order))
		return -EINVAL;
	lib_spin_lock(&pa_lock);
	if (pa_overlaps_free(pfn, order)) {
		lib_spin_unlock(&pa_lock);
		return -EINVAL;
	}
	pa_free_pages += 1ull << order;
	while (order < PAGE_ALLOC_MAX_ORDER - 1) {
		uint64_t buddy = pfn ^ (1ull << order);

		if (!pa_is_free_head(buddy, order))
			break;
		pa_unlink(buddy);
		pfn &= ~(1ull << order);
		order++;
	}
	pa_push(pfn, order);
	lib_spin_unlock(&pa_lock);
	return 0;
}

uint64_t page_alloc_free_count(void)
{
	return pa_free_pages;
}

uint64_t page_alloc_total_count(void)
{
	return pa_total_pages;
}

void page_alloc_dump(void)
{
	uint64_t blocks[PAGE_ALLOC_MAX_ORDER];
	uint64_t free_pages;

	lib_spin_lock(&pa_lock);
	memcpy(blocks, pa_nr_free, sizeof(blocks));
	free_pages = pa_free_pages;
	lib_spin_unlock(&pa_lock);
	printk(PRINTK_INFO, "page_alloc: %llu of %llu pages free (%llu MiB)\n",
	       (unsigned long long)free_pages,
	       (unsigned long long)pa_total_pages,
	       (unsigned long long)(free_pages >> (20 - PAGE_ALLOC_PAGE_SHIFT)));
	for (unsigned int k = 0; k < PAGE_ALLOC_MAX_ORDER; k++)
		if (blocks[k])
			printk(PRINTK_INFO, "  order %2u: %llu free blocks\n", k,
			       (unsigned long long)blocks[k]);
}
