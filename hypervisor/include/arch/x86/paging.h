/* The hypervisor's own page tables: physical memory mapped 1:1. */
#ifndef XENOLITH_ARCH_X86_PAGING_H
#define XENOLITH_ARCH_X86_PAGING_H

#include <stdint.h>

/* What head.S maps (2 MiB pages) and the most paging_extend() can reach. */
#define PAGING_BOOT_LIMIT	0x100000000ull		/* 4 GiB */
#define PAGING_MAX_LIMIT	0x8000000000ull		/* 512 GiB: one PDPT */

/*
 * paging_tables_needed: page-directory pages paging_extend() needs to map
 * up to top (rounded up to 1 GiB, at most PAGING_MAX_LIMIT).
 */
unsigned int paging_tables_needed(uint64_t top);

/*
 * paging_extend: map [4 GiB, top) 1:1 with 2 MiB pages, using the
 * paging_tables_needed(top) zeroed-or-not pages at tables (physical,
 * already mapped, contiguous). Boot CPU, before the memory is used.
 */
void paging_extend(uint64_t top, uint64_t tables);

#endif
