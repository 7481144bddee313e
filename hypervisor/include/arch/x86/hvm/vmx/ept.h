/* Intel EPT: the entry format p2m.c builds the tables in, and the EPT pointer. */
#ifndef XENOLITH_ARCH_X86_EPT_H
#define XENOLITH_ARCH_X86_EPT_H

#include <stdint.h>

#include "arch/x86/hvm/p2m.h"

/* Entry bits (SDM vol. 3 §28.2.2, tables 28-1 to 28-6). */
#define EPT_READ		(1ull << 0)
#define EPT_WRITE		(1ull << 1)
#define EPT_EXEC		(1ull << 2)
#define EPT_MEMTYPE_SHIFT	3		/* leaves: bits 5:3 */
#define EPT_IGNORE_PAT		(1ull << 6)	/* leaves */
#define EPT_LARGE		(1ull << 7)	/* a 2 MiB (PDE) or 1 GiB (PDPTE) page */

/* Memory types (§11.11, §28.2.6). */
#define EPT_MT_UC		0u
#define EPT_MT_WC		1u
#define EPT_MT_WT		4u
#define EPT_MT_WP		5u
#define EPT_MT_WB		6u

/* EPT_LEAF: a leaf's access and memory-type bits for type mt, the guest's
 * PAT combining with it (IPAT clear, §28.2.6.2). */
#define EPT_LEAF(mt)		(EPT_READ | EPT_WRITE | EPT_EXEC | ((uint64_t)(mt) << EPT_MEMTYPE_SHIFT))

/* ept_pointer: the EPTP for tables rooted at root_pa: write-back walks of
 * four levels (§24.6.11). */
static inline uint64_t ept_pointer(uint64_t root_pa)
{
	return (root_pa & P2M_ADDR_MASK) | EPT_MT_WB | (3ull << 3);
}

/* ept_format: RAM write-back, device memory uncached. */
extern const struct p2m_format ept_format;

#endif
