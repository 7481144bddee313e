/* AMD-V nested page tables (NPT): the entry format p2m.c builds them in. */
#include <stdint.h>

#include "arch/x86/hvm/svm/npt.h"

/* Long-mode page table entry bits (AMD APM vol. 2 §5.3); nested walks are
 * user accesses, so U/S must be set at every level (§15.25.5). Every page
 * is writable and executable; PWT, PCD and PAT stay clear (host PAT entry
 * 0), the guest's own memory type combining with it (§15.25.8). */
#define NPT_P		(1ull << 0)
#define NPT_RW		(1ull << 1)
#define NPT_US		(1ull << 2)
#define NPT_PS		(1ull << 7)

const struct p2m_format npt_format = {
	.present = NPT_P,
	.table = NPT_P | NPT_RW | NPT_US,
	.leaf = NPT_P | NPT_RW | NPT_US,
	.device = NPT_P | NPT_RW | NPT_US,	/* the MTRRs keep MMIO uncached */
	.large = NPT_PS,
	.write = NPT_RW,
};
