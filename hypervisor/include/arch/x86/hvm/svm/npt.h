/* Nested page tables (AMD-V NPT): guest-physical to host-physical. */
#ifndef XENOLITH_ARCH_X86_NPT_H
#define XENOLITH_ARCH_X86_NPT_H

#include <stdint.h>

#define NPT_PAGE_SIZE	0x1000ull
#define NPT_LARGE_SIZE	0x200000ull

/* Long-mode page table entry bits (AMD APM vol. 2 §5.3); nested walks are
 * user accesses, so U/S must be set at every level (§15.25.5). */
#define NPT_P		(1ull << 0)
#define NPT_RW		(1ull << 1)
#define NPT_US		(1ull << 2)
#define NPT_PS		(1ull << 7)
#define NPT_ADDR_MASK	0x000ffffffffff000ull

struct npt {
	uint64_t root_pa;	/* PML4; owner: the domain builder */
	uint64_t sink_pa;	/* 4 KiB page standing in for hidden memory */
	uint64_t sink_pt_pa;	/* a page table whose 512 entries map sink_pa */
	uint64_t pages;		/* table pages allocated */
};

/*
 * npt_init: empty tables plus the sink page (filled with 0xff) and the
 * shared sink table. Returns 0 or -ENOMEM.
 */
int npt_init(struct npt *n);

/* npt_map_identity: map [start, end) to itself, read/write, 2 MiB pages
 * where alignment allows. Page-aligned arguments. 0 or -ENOMEM. */
int npt_map_identity(struct npt *n, uint64_t start, uint64_t end);

/* npt_map_sink: make [start, end) show the sink page (hidden memory: reads
 * see 0xff, writes land in the sink and reach nothing else). 0 or -ENOMEM. */
int npt_map_sink(struct npt *n, uint64_t start, uint64_t end);

/* npt_map_page: map the 4 KiB page at gpa to hpa. 0 or -ENOMEM. */
int npt_map_page(struct npt *n, uint64_t gpa, uint64_t hpa);

/* npt_unmap_page: leave the 4 KiB page at gpa unmapped: every access
 * exits with a nested page fault (emulated devices). 0 or -ENOMEM. */
int npt_unmap_page(struct npt *n, uint64_t gpa);

/* npt_map_large: map the 2 MiB page at gpa to hpa (both 2 MiB aligned).
 * 0, -EINVAL (alignment) or -ENOMEM. */
int npt_map_large(struct npt *n, uint64_t gpa, uint64_t hpa);

/*
 * npt_destroy: free every table page and the sink; each mapped page other
 * than the sink is handed to leaf (order 0: 4 KiB, 9: 2 MiB; may be NULL)
 * first. For a domain whose vCPUs run nowhere any more.
 */
void npt_destroy(struct npt *n, void (*leaf)(uint64_t hpa, unsigned int order, void *ctx),
		 void *ctx);

/* npt_lookup: host-physical address gpa maps to, or -1 when unmapped. */
uint64_t npt_lookup(const struct npt *n, uint64_t gpa);

#endif
