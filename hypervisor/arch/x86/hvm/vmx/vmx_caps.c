/* Intel VT-x capability MSRs: control words, fixed CR bits, the feature-control lock. */
#include <stdint.h>

#include "errno.h"
#include "arch/x86/hvm/vmx/vmx_caps.h"

int vmx_caps_adjust(uint64_t cap, uint32_t required, uint32_t optional, uint32_t *out,
		    uint32_t *missing)
{
	uint32_t must = (uint32_t)cap, may = (uint32_t)(cap >> 32);

	*missing = required & ~may;
	if (*missing)
		return -ENODEV;
	*out = must | required | (optional & may);
	return 0;
}

uint64_t vmx_caps_fixed(uint64_t value, uint64_t fixed0, uint64_t fixed1, uint64_t exempt)
{
	return (value | (fixed0 & ~exempt)) & (fixed1 | exempt);
}

enum vmx_feature_control vmx_caps_feature_control(uint64_t value)
{
	if (!(value & FEATURE_CONTROL_LOCKED))
		return VMX_FC_UNLOCKED;
	return value & FEATURE_CONTROL_VMX_OUTSIDE_SMX ? VMX_FC_ENABLED : VMX_FC_LOCKED_OFF;
}
