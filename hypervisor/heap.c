/* heap.c - small-object heap on top of the page allocator. */
#include "errno.h"
#include "heap.h"
#include "lib.h"
#include "page_alloc.h"
#include "printk.h"

/*
 * Every block starts with a 16-byte header. Small blocks come from size
 * classes of 32..2048 bytes (header included); each class carves whole
 * pages into objects and keeps freed ones on a list (pages are not given
 * back). Large blocks are 2^order pages with the header at the start and
 * go back to the page allocator when freed. All state under heap_lock.
 */
#define HEAP_MAGIC_LIVE 0x48656170u	/* "Heap" */
#define HEAP_MAGIC_FREE 0x46726565u	/* "Free" */
#define HEAP_LARGE 0x100u		/* cls = HEAP_LARGE + order */
#define HEAP_NR_CLASSES 7
#define HEAP_MIN_SHIFT 5		/* class 0 = 32 bytes */

struct heap_hdr {
	uint32_t magic;
	uint32_t cls;
	uint64_t size;			/* bytes asked for */
};
_Static_assert(sizeof(struct heap_hdr) == HEAP_ALIGN, "heap header size");

/* A free small object: header, then the link. */
struct heap_free_obj {
	struct heap_hdr hdr;
	struct heap_free_obj *next;
};

static volatile int heap_lock;
static struct heap_free_obj *heap_free_list[HEAP_NR_CLASSES];
static struct heap_stats heap_stats;

static size_t heap_class_size(unsigned int cls)
{
	return (size_t)1 << (cls + HEAP_MIN_SHIFT);
}

/* heap_refill: carve a new page into objects of class cls. Caller holds
 * heap_lock. Returns 0 or -ENOMEM. */
static int heap_refill(unsigned int cls)
{
	size_t sz = heap_class_size(cls);
	uint64_t pa;
	char *page;

	if (page_alloc_pages(0, &pa))
		return -ENOMEM;
	page = page_alloc_virt(pa);
	for (size_t off = 0; off + sz <= PAGE_ALLOC_PAGE_SIZE; off += sz) {
		struct heap_free_obj *o = (struct heap_free_obj *)(void *)(page + off);

		o->hdr.magic = HEAP_MAGIC_FREE;
		o->hdr.cls = cls;
		o->next = heap_free_list[cls];
		heap_free_list[cls] = o;
	}
	heap_stats.pages++;
	return 0;
}

static struct heap_hdr *heap_alloc_small(size_t size)
{
	unsigned int cls = 0;
	struct heap_free_obj *o;

	while (heap_class_size(cls) < size + sizeof(struct heap_hdr))
		cls++;
	if (!heap_free_list[cls] && heap_refill(cls))
		return NULL;
	o = heap_free_list[cls];
	heap_free_list[cls] = o->next;
	return &o->hdr;
}

static struct heap_hdr *heap_alloc_large(size_t size)
{
	unsigned int order = 0;
	struct heap_hdr *h;
	uint64_t pa;

	while (order < PAGE_ALLOC_MAX_ORDER &&
	       (PAGE_ALLOC_PAGE_SIZE << order) < size + sizeof(*h))
		order++;
	if (order == PAGE_ALLOC_MAX_ORDER || page_alloc_pages(order, &pa))
		return NULL;
	h = page_alloc_virt(pa);
	h->cls = HEAP_LARGE + order;
	heap_stats.pages += 1ull << order;
	return h;
}

void heap_init(void)
{
	lib_spin_lock(&heap_lock);
	memset(heap_free_list, 0, sizeof(heap_free_list));
	memset(&heap_stats, 0, sizeof(heap_stats));
	lib_spin_unlock(&heap_lock);
}

void *heap_alloc(size_t size)
{
	struct heap_hdr *h;

	if (size == 0 || size > (SIZE_MAX >> 1))
		return NULL;
	lib_spin_lock(&heap_lock);
	h = size <= HEAP_SMALL_MAX ? heap_alloc_small(size) :
				     heap_alloc_large(size);
	if (h) {
		h->magic = HEAP_MAGIC_LIVE;
		h->size = size;
		heap_stats.allocs++;
		heap_stats.bytes_in_use += size;
	}
	lib_spin_unlock(&heap_lock);
	return h ? h + 1 : NULL;
}

void *heap_zalloc(size_t size)
{
	void *p = heap_alloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

int heap_free(void *ptr)
{
	struct heap_hdr *h;

	if (!ptr)
		return 0;
	h = (struct heap_hdr *)ptr - 1;
	lib_spin_lock(&heap_lock);
	if (((uintptr_t)ptr & (HEAP_ALIGN - 1)) || h->magic != HEAP_MAGIC_LIVE ||
	    (h->cls >= HEAP_NR_CLASSES &&
	     (h->cls < HEAP_LARGE || h->cls >= HEAP_LARGE + PAGE_ALLOC_MAX_ORDER))) {
		lib_spin_unlock(&heap_lock);
		printk(PRINTK_ERR, "heap: free of %p, which is not a live block\n",
		       ptr);
		return -EINVAL;
	}
	heap_stats.frees++;
	heap_stats.bytes_in_use -= h->size;
	if (h->cls >= HEAP_LARGE) {
		unsigned int order = h->cls - HEAP_LARGE;

		h->magic = HEAP_MAGIC_FREE;
		heap_stats.pages -= 1ull << order;
		lib_spin_unlock(&heap_lock);
		return page_alloc_free_pages(page_alloc_phys(h), order);
	}
	h->magic = HEAP_MAGIC_FREE;
	((struct heap_free_obj *)h)->next = heap_free_list[h->cls];
	heap_free_list[h->cls] = (struct heap_free_obj *)h;
	lib_spin_unlock(&heap_lock);
	return 0;
}

void heap_get_stats(struct heap_stats *stats)
{
	lib_spin_lock(&heap_lock);
	*stats = heap_stats;
	lib_spin_unlock(&heap_lock);
}

void heap_dump(void)
{
	struct heap_stats s;

	heap_get_stats(&s);
	printk(PRINTK_INFO,
	       "heap: %llu bytes in use, %llu pages, %llu allocs, %llu frees\n",
	       (unsigned long long)s.bytes_in_use, (unsigned long long)s.pages,
	       (unsigned long long)s.allocs, (unsigned long long)s.frees);
}
