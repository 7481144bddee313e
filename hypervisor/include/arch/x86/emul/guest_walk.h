/* Guest page-table walk: guest-virtual to guest-physical, as the guest's MMU does. */
#ifndef XENOLITH_ARCH_X86_GUEST_WALK_H
#define XENOLITH_ARCH_X86_GUEST_WALK_H

#include <stddef.h>
#include <stdint.h>

/* As in insn_decode.h: errno.h has no EOPNOTSUPP yet (Linux's value). */
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 95
#endif

/* The guest's paging controls, as the vendor code reads them (VMCB/VMCS). */
struct guest_walk_cpu {
	uint64_t cr0, cr3, cr4, efer;
};

#define GUEST_WALK_CR0_WP	(1ull << 16)
#define GUEST_WALK_CR0_PG	(1ull << 31)
#define GUEST_WALK_CR4_PSE	(1ull << 4)
#define GUEST_WALK_CR4_PAE	(1ull << 5)
#define GUEST_WALK_CR4_LA57	(1ull << 12)
#define GUEST_WALK_CR4_SMEP	(1ull << 20)
#define GUEST_WALK_EFER_LMA	(1ull << 10)
#define GUEST_WALK_EFER_NXE	(1ull << 11)

/* The access checked; the bits sit where the page-fault error code has
 * them (SDM vol. 3 §4.7, AMD APM vol. 2 §8.4.2). */
#define GUEST_WALK_WRITE	(1u << 1)
#define GUEST_WALK_USER		(1u << 2)	/* CPL 3 */
#define GUEST_WALK_FETCH	(1u << 4)

/* Page-fault error code bits. */
#define GUEST_PFEC_P		(1u << 0)	/* 0: not present, 1: protection */
#define GUEST_PFEC_W		(1u << 1)
#define GUEST_PFEC_U		(1u << 2)
#define GUEST_PFEC_RSVD		(1u << 3)
#define GUEST_PFEC_I		(1u << 4)

/*
 * Reads size (4 or 8) bytes of guest-physical memory at gpa, little-endian,
 * into *val. Returns 0 or -errno (the walk then fails with -EIO).
 */
typedef int (*guest_walk_read_fn)(void *opaque, uint64_t gpa,
				  unsigned int size, uint64_t *val);

/*
 * guest_walk: translate the linear address gva for an access of kind
 * access (GUEST_WALK_*) through the guest's page tables: no paging,
 * 32-bit (with 4 MiB PSE pages), PAE (2 MiB pages), or 4-level long mode
 * (2 MiB and 1 GiB pages), as CR0.PG, CR4.PAE and EFER.LMA select.
 * Checks present, R/W (supervisor writes only with CR0.WP), U/S and NX;
 * sets no accessed/dirty bits; SMEP, SMAP and protection keys are not
 * checked; PAE PDPTEs are read from memory, not from the CPU's cache.
 * Returns 0 with *gpa, or
 *   -EFAULT      the guest takes a page fault: *pfec is its error code,
 *   -EINVAL      a non-canonical address (the guest takes #GP instead),
 *   -EOPNOTSUPP  5-level paging (CR4.LA57),
 *   -EIO         read failed on a page-table entry.
 * Pure logic: any CPU, no side effects but the reads.
 */
int guest_walk(const struct guest_walk_cpu *cpu, uint64_t gva,
	       unsigned int access, guest_walk_read_fn read, void *opaque,
	       uint64_t *gpa, uint32_t *pfec);

/*
 * guest_walk_copy: copy len bytes at linear gva (e.g. CS base + RIP, with
 * GUEST_WALK_FETCH, for the decoder) into buf, page by page, with read
 * (which must also accept sizes 1 and 2 here). Returns the number of bytes
 * copied: len, or fewer when a later page faults (an instruction may end
 * before it); or, when not even the first byte is reachable, the error
 * guest_walk() gave (with *pfec for -EFAULT).
 */
int guest_walk_copy(const struct guest_walk_cpu *cpu, uint64_t gva, void *buf,
		    size_t len, unsigned int access, guest_walk_read_fn read,
		    void *opaque, uint32_t *pfec);

#endif
