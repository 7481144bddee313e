/* heap.h - small-object heap on top of the page allocator. */
#ifndef XENOLITH_HEAP_H
#define XENOLITH_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* Every block is aligned to HEAP_ALIGN bytes. Blocks up to
 * HEAP_SMALL_MAX bytes come from per-size slabs; larger ones take whole
 * pages (2^order, so prefer page_alloc_pages() for page-sized buffers). */
#define HEAP_ALIGN 16
#define HEAP_SMALL_MAX 2032

struct heap_stats {
	uint64_t allocs;	/* successful heap_alloc/heap_zalloc calls */
	uint64_t frees;		/* successful heap_free calls */
	uint64_t bytes_in_use;	/* requested bytes not yet freed */
	uint64_t pages;		/* pages taken from the page allocator now */
};

/* heap_init: start empty (forgetting every block); after page_alloc_init(),
 * before any heap_alloc(). Boot CPU. */
void heap_init(void);

/*
 * heap_alloc: size bytes (uninitialised), or NULL when size is 0 or memory
 * is short. heap_zalloc: the same, cleared. Needs page_alloc_init() first.
 * Any CPU.
 */
void *heap_alloc(size_t size);
void *heap_zalloc(size_t size);

/*
 * heap_free: give back a block from heap_alloc/heap_zalloc; NULL is
 * ignored. Returns 0, or -EINVAL (and logs an error) for a pointer that is
 * not a live heap block, e.g. freed twice. Any CPU.
 */
int heap_free(void *ptr);

void heap_get_stats(struct heap_stats *stats);

/* heap_dump: printk the statistics (the memory debug key). */
void heap_dump(void);

#endif
