/* A vCPU's recently emulated MMIO instructions, kept decoded: a repeated access skips the guest page walk and the decoder. */
#ifndef XENOLITH_ARCH_X86_MMIO_INSN_CACHE_H
#define XENOLITH_ARCH_X86_MMIO_INSN_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/emul/insn_decode.h"
#include "arch/x86/emul/mmio_emulate.h"
#include "arch/x86/regs.h"

#define MMIO_INSN_CACHE_SLOTS	8u	/* direct-mapped by the linear address */

/* One instruction that was fetched, decoded and emulated at CPL 0. */
struct mmio_insn_cache_slot {
	bool valid;
	enum insn_mode mode;
	uint64_t linear;		/* its first byte's linear address */
	uint64_t gpa;			/* where the fetch found that byte */
	uint8_t bytes[INSN_MAX_LEN];	/* insn.len of them, all in gpa's page */
	struct insn insn;
};

struct mmio_insn_cache {
	struct mmio_insn_cache_slot slot[MMIO_INSN_CACHE_SLOTS];
	uint64_t hits, misses;		/* statistics */
};

/*
 * mmio_emulate_at_rip_cached: mmio_emulate_at_rip() for a vCPU whose
 * cache is c. At CPL 0, an instruction emulated before at the same linear
 * address in the same mode is not fetched through the page tables nor
 * decoded again if the bytes at the guest-physical address it came from
 * are still the same (read with g->read_ram: code patched in place is
 * seen); otherwise, and at CPL 1-3 (user address spaces differ), the
 * full path runs and an instruction it completed that lies in one page
 * is remembered. A guest that maps a kernel code page to other memory
 * while the old page keeps the old bytes gets the old instruction
 * emulated; that harms nobody but itself (the access is still a->gpa's,
 * with the guest's own registers). Same returns as mmio_emulate_at_rip().
 */
int mmio_emulate_at_rip_cached(struct mmio_insn_cache *c, const struct mmio_guest *g,
			       struct cpu_regs *r, const struct mmio_access *a,
			       struct mmio_result *res);

#endif
