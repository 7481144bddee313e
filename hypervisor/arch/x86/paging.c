/* Extending the boot identity map beyond 4 GiB (RAM for the allocator). */
#include <stdint.h>

#include "lib.h"
#include <arch/x86/paging.h>

#define PAGING_1G	0x40000000ull
#define PAGING_2M	0x200000ull

extern uint64_t boot_pdpt[512];

unsigned int paging_tables_needed(uint64_t top)
{
	top = LIB_MIN((top + PAGING_1G - 1) & ~(PAGING_1G - 1), PAGING_MAX_LIMIT);
	if (top <= PAGING_BOOT_LIMIT)
		return 0;
	return (top - PAGING_BOOT_LIMIT) / PAGING_1G;
}

void paging_extend(uint64_t top, uint64_t tables)
{
	unsigned int n = paging_tables_needed(top), i, j;

	for (i = 0; i < n; i++) {
		uint64_t *pd = (uint64_t *)(uintptr_t)(tables + i * 0x1000ull);
		uint64_t gb = PAGING_BOOT_LIMIT / PAGING_1G + i;

		for (j = 0; j < 512; j++)
			pd[j] = (gb * PAGING_1G + j * PAGING_2M) | 0x83;	/* P, RW, 2 MiB */
		boot_pdpt[gb] = (tables + i * 0x1000ull) | 0x3;
	}
	__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax", "memory");
}
