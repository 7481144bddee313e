/* Nested page tables (guest-physical to host-physical) in the vendor's entry format. */
#ifndef XENOLITH_ARCH_X86_P2M_H
#define XENOLITH_ARCH_X86_P2M_H

#include <stdbool.h>
#include <stdint.h>

#define P2M_PAGE_SIZE	0x1000ull
#define P2M_LARGE_SIZE	0x200000ull
#define P2M_ADDR_MASK	0x000ffffffffff000ull

/*
 * How a vendor encodes a table entry (vcpu_vendor_ops.p2m): AMD NPT uses
 * long-mode page-table entries, Intel EPT its own. Both are four levels
 * of 512 entries with the address in bits 12-51 and the page-size bit in
 * a level-2 entry for 2 MiB pages.
 */
struct p2m_format {
	uint64_t present;	/* an entry with any of these bits is in use */
	uint64_t table;		/* the bits of an entry pointing at a table */
	uint64_t leaf;		/* the bits of an entry mapping a page of RAM:
				 * access (read, write, execute), memory type */
	uint64_t device;	/* the same for device memory (MMIO): uncached
				 * where the format carries the memory type */
	uint64_t large;		/* a level-2 entry maps a 2 MiB page */
	uint64_t write;		/* the leaf bit that allows writes */
};

struct p2m {
	const struct p2m_format *fmt;	/* constant after p2m_init */
	uint64_t root_pa;	/* PML4; owner: the domain builder */
	uint64_t sink_pa;	/* 4 KiB page standing in for hidden memory */
	uint64_t sink_pt_pa;	/* a page table whose 512 entries map sink_pa */
	uint64_t zero_pa;	/* 4 KiB of zeros standing in for revoked mappings */
	uint64_t zero_pt_pa;	/* a page table whose 512 entries map zero_pa read-only */
	uint64_t pages;		/* table pages allocated */
};

/*
 * p2m_init: empty tables in format fmt, plus the sink page (filled with
 * 0xff) and the shared sink table. Returns 0 or -ENOMEM.
 */
int p2m_init(struct p2m *p, const struct p2m_format *fmt);

/* p2m_map_identity: map [start, end) of RAM to itself, read/write, 2 MiB
 * pages where alignment allows. Page-aligned arguments. 0 or -ENOMEM.
 * p2m_map_device: the same for device memory (fmt->device). */
int p2m_map_identity(struct p2m *p, uint64_t start, uint64_t end);
int p2m_map_device(struct p2m *p, uint64_t start, uint64_t end);

/* p2m_map_sink: make [start, end) show the sink page (hidden memory: reads
 * see 0xff, writes land in the sink and reach nothing else). 0 or -ENOMEM. */
int p2m_map_sink(struct p2m *p, uint64_t start, uint64_t end);

/* p2m_map_page: map the 4 KiB page at gpa to hpa. 0 or -ENOMEM. */
int p2m_map_page(struct p2m *p, uint64_t gpa, uint64_t hpa);

/* p2m_unmap_page: leave the 4 KiB page at gpa unmapped: every access
 * exits with a nested page fault (emulated devices). 0 or -ENOMEM. */
int p2m_unmap_page(struct p2m *p, uint64_t gpa);

/* p2m_map_large: map the 2 MiB page at gpa to hpa (both 2 MiB aligned).
 * 0, -EINVAL (alignment) or -ENOMEM. */
int p2m_map_large(struct p2m *p, uint64_t gpa, uint64_t hpa);

/*
 * p2m_destroy: free every table page and the sink; each mapped page other
 * than the sink is handed to leaf (order 0: 4 KiB, 9: 2 MiB; may be NULL)
 * first. For a domain whose vCPUs run nowhere any more.
 */
void p2m_destroy(struct p2m *p, void (*leaf)(uint64_t hpa, unsigned int order, void *ctx),
		 void *ctx);

/* p2m_lookup: host-physical address gpa maps to, or -1 when unmapped.
 * p2m_lookup_span: the same, and *span the size of the page mapping it
 * (4 KiB, 2 MiB or 1 GiB). */
uint64_t p2m_lookup(const struct p2m *p, uint64_t gpa);
uint64_t p2m_lookup_span(const struct p2m *p, uint64_t gpa, uint64_t *span);

/*
 * p2m_clear_large: make the 2 MiB ranges of [start, end) (2 MiB aligned)
 * unmapped, or with zeros show the zero page read-only (reads see zeros,
 * a write faults; allocated on first use). Tables under them are freed.
 * Flush the vCPUs' nested TLBs afterwards. 0 or -ENOMEM.
 */
int p2m_clear_large(struct p2m *p, uint64_t start, uint64_t end, bool zeros);

/* p2m_map_zero_page: the 4 KiB page at gpa shows the zero page read-only
 * (as p2m_clear_large with zeros does for 2 MiB). 0 or -ENOMEM. */
int p2m_map_zero_page(struct p2m *p, uint64_t gpa);

#endif
