/* KVM's paravirtual EOI for a vLAPIC: when an EOI may be left to a flag in guest memory. */
#include "arch/x86/vdev/vlapic_pv_eoi.h"
#include "arch/x86/vdev/vlapic.h"
#include "errno.h"

#define VLAPIC_PV_EOI_ALIGN	3ull	/* the flag is a 4-byte-aligned u32 */

int vlapic_pv_eoi_msr_parse(uint64_t val, uint64_t *gpa, bool *enabled)
{
	if ((val & ~VLAPIC_PV_EOI_ENABLED) & VLAPIC_PV_EOI_ALIGN)
		return -EINVAL;
	*gpa = val & ~VLAPIC_PV_EOI_ALIGN;
	*enabled = val & VLAPIC_PV_EOI_ENABLED;
	return 0;
}

/* The one vector set in the 256-bit register at off (ISR, IRR): -1 if
 * none, -2 if more than one. */
static int vlapic_pv_eoi_only(const struct vlapic *v, unsigned int off)
{
	int found = -1;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		uint32_t w = vlapic_reg(v, off + i * 16);

		if (!w)
			continue;
		if (found >= 0 || (w & (w - 1)))
			return -2;
		found = (int)(i * 32 + __builtin_ctz(w));
	}
	return found;
}

int vlapic_pv_eoi_vector(const struct vlapic *v, int offered)
{
	int isr = vlapic_pv_eoi_only(v, VLAPIC_ISR), irr = vlapic_pv_eoi_only(v, VLAPIC_IRR);
	int vec;

	if (offered >= 0 && isr == -1 && irr == offered)
		vec = offered;
	else if (offered < 0 && irr == -1 && isr >= 0)
		vec = isr;
	else
		return -1;
	if (vlapic_reg(v, VLAPIC_TMR + (unsigned int)vec / 32 * 16) & (1u << (vec % 32)))
		return -1;
	return vec;
}
