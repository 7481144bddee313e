/* page_alloc.h - physical page allocator: free ranges of a memmap, 2^order pages. */
#ifndef XENOLITH_PAGE_ALLOC_H
#define XENOLITH_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memmap.h"

#define PAGE_ALLOC_PAGE_SHIFT MEMMAP_PAGE_SHIFT
#define PAGE_ALLOC_PAGE_SIZE MEMMAP_PAGE_SIZE
/* Orders 0 .. PAGE_ALLOC_MAX_ORDER - 1; the largest block is 1 GiB. */
#define PAGE_ALLOC_MAX_ORDER 19

/*
 * page_alloc_init: take every whole page of MEMMAP_RAM in map (reserve the
 * hypervisor image, modules, page 0 etc. in the map first) as free pages.
 * direct_map is the virtual address at which physical address 0 is mapped;
 * all RAM of the map must be mapped there, writable, because the allocator
 * keeps its free lists inside free pages and carves a bitmap (one bit per
 * page of the spanned range) out of the RAM itself. Returns 0, -EINVAL
 * (no RAM) or -ENOMEM (no room for the bitmap). Boot CPU, once.
 */
int page_alloc_init(const struct memmap *map, uintptr_t direct_map);

/*
 * page_alloc_pages: allocate 2^order physically contiguous pages aligned to
 * their size; *paddr receives the first byte's physical address. Contents
 * are not cleared. Returns 0, -EINVAL (order too big) or -ENOMEM. Any CPU.
 */
int page_alloc_pages(unsigned int order, uint64_t *paddr);

/*
 * page_alloc_zeroed: page_alloc_pages(), the block cleared; returns its
 * mapping (page_alloc_virt), or NULL when memory is short. Any CPU.
 */
void *page_alloc_zeroed(unsigned int order, uint64_t *paddr);

/*
 * page_alloc_free_pages: give back a block from page_alloc_pages() with
 * the same order; buddies are merged. Returns 0, or -EINVAL when paddr is
 * not a block the allocator could have handed out at that order or is
 * (partly) free already — the block is then left alone. Any CPU.
 */
int page_alloc_free_pages(uint64_t paddr, unsigned int order);

/* page_alloc_free_count: free pages now. page_alloc_total_count: pages
 * managed (free or allocated; the bitmap's own pages excluded). */
uint64_t page_alloc_free_count(void);
uint64_t page_alloc_total_count(void);

/* page_alloc_virt / page_alloc_phys: convert through the direct map. */
void *page_alloc_virt(uint64_t paddr);
uint64_t page_alloc_phys(const void *vaddr);

/* page_alloc_dump: printk free blocks per order (the memory debug key). */
void page_alloc_dump(void);

#endif
