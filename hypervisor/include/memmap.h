/* memmap.h - e820-style physical memory maps and the dom0 memory size. */
#ifndef XENOLITH_MEMMAP_H
#define XENOLITH_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"

#define MEMMAP_MAX_RANGES 128
#define MEMMAP_PAGE_SHIFT 12
#define MEMMAP_PAGE_SIZE (1ull << MEMMAP_PAGE_SHIFT)

/* Range types: the e820 numbers, plus BAD for badpage= pages. When ranges
 * overlap, the larger number wins (anything beats RAM). */
#define MEMMAP_RAM      1
#define MEMMAP_RESERVED 2
#define MEMMAP_ACPI     3
#define MEMMAP_NVS      4
#define MEMMAP_UNUSABLE 5
#define MEMMAP_BAD      6

struct memmap_range {
	uint64_t start;		/* first byte */
	uint64_t end;		/* one past the last byte; end > start */
	uint32_t type;		/* MEMMAP_* (other e820 numbers kept as is) */
};

/* A map: sorted, non-overlapping and merged after memmap_sanitize(); the
 * other calls keep it so. The owner serialises access (boot CPU). */
struct memmap {
	unsigned int nr;
	struct memmap_range range[MEMMAP_MAX_RANGES];
};

void memmap_init(struct memmap *map);

/*
 * memmap_add: append [start, start+len) of type, as read from the firmware
 * (may overlap; call memmap_sanitize() once all are in). Returns 0,
 * -EINVAL (len 0 or the end wraps) or -ENOSPC (map full).
 */
int memmap_add(struct memmap *map, uint64_t start, uint64_t len,
	       uint32_t type);

/*
 * memmap_sanitize: sort, give overlapping parts the highest type, merge
 * touching ranges of one type. Returns 0, or -ENOSPC when the result needs
 * more than MEMMAP_MAX_RANGES ranges (map unchanged). Not reentrant (uses a
 * static scratch map): boot CPU only.
 */
int memmap_sanitize(struct memmap *map);

/*
 * memmap_remove: punch a hole [start, start+len) into a sanitized map,
 * whatever the types. Returns 0, -EINVAL or -ENOSPC (a split needed a
 * free slot; map unchanged).
 */
int memmap_remove(struct memmap *map, uint64_t start, uint64_t len);

/*
 * memmap_reserve: turn the RAM inside [start, start+len) into type (not
 * RAM), leaving other types alone; for the hypervisor image, modules,
 * bad pages. Sanitized map in, sanitized map out. Returns 0, -EINVAL or
 * -ENOSPC (map unchanged).
 */
int memmap_reserve(struct memmap *map, uint64_t start, uint64_t len,
		   uint32_t type);

/*
 * memmap_clip: apply mem=: drop all RAM at or above limit (other types stay
 * so their addresses remain known). limit 0 means no limit. Returns 0.
 */
int memmap_clip(struct memmap *map, uint64_t limit);

/*
 * memmap_mark_badpages: make each listed page (frame number) that lies in
 * RAM MEMMAP_BAD; pages outside RAM are ignored. Returns the number of
 * pages marked, or -ENOSPC (map left with the pages marked so far).
 */
int memmap_mark_badpages(struct memmap *map, const uint64_t *pfns,
			 unsigned int nr);

/* memmap_total: bytes of the given type in a sanitized map. */
uint64_t memmap_total(const struct memmap *map, uint32_t type);

/* memmap_page_align: shrink every RAM range to whole pages, dropping RAM
 * ranges smaller than a page. Sanitized map stays sanitized. */
void memmap_page_align(struct memmap *map);

/* memmap_type_name: "RAM", "reserved", "ACPI", ... for printing. */
const char *memmap_type_name(uint32_t type);

/*
 * memmap_dom0_size: the bytes to give dom0 out of avail bytes (what the
 * page allocator has free after the hypervisor took its share), following
 * dom0_mem=: the amount (negative: avail minus it; unset: avail minus
 * avail/16 clamped to 128 MiB), then capped by max:, then raised to min:.
 * The result is rounded down to whole pages. Fails with -ENOMEM, and a
 * sentence in err (errlen bytes, may be NULL), when an amount or min: is
 * more than avail, a negative amount leaves nothing, min: exceeds max:, or
 * the result is 0.
 */
int memmap_dom0_size(const struct cmdline_dom0_mem *spec, uint64_t avail,
		     uint64_t *size, char *err, size_t errlen);

#endif
