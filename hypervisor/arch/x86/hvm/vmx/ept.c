/* Intel EPT: the entry format p2m.c builds the nested tables in. */
#include <stdint.h>

#include "arch/x86/hvm/vmx/ept.h"

/*
 * Tables: read, write and execute for everything below (§28.2.2). Leaves:
 * RAM write-back, device memory uncached: with EPT the guest's memory
 * types combine with the EPT type in place of the MTRRs (§28.2.6.2), so
 * the EPT type is what keeps MMIO uncached whatever the guest's PAT says
 * (a write-combining PAT entry still gives WC, as over an UC MTRR).
 */
const struct p2m_format ept_format = {
	.present = EPT_READ | EPT_WRITE | EPT_EXEC,
	.table = EPT_READ | EPT_WRITE | EPT_EXEC,
	.leaf = EPT_LEAF(EPT_MT_WB),
	.device = EPT_LEAF(EPT_MT_UC),
	.large = EPT_LARGE,
	.write = EPT_WRITE,
};
