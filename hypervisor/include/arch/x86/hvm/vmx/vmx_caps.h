/* Intel VT-x capability MSRs and what they allow: controls, fixed CR bits, the firmware's lock. */
#ifndef XENOLITH_ARCH_X86_VMX_CAPS_H
#define XENOLITH_ARCH_X86_VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

/* IA32_FEATURE_CONTROL (SDM vol. 3 §23.7) and the VMX capability MSRs
 * (appendix A). */
#define MSR_IA32_FEATURE_CONTROL	0x3a
#define FEATURE_CONTROL_LOCKED		(1ull << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX	(1ull << 2)
#define MSR_IA32_VMX_BASIC		0x480
#define MSR_IA32_VMX_PINBASED		0x481
#define MSR_IA32_VMX_PROCBASED		0x482
#define MSR_IA32_VMX_EXIT		0x483
#define MSR_IA32_VMX_ENTRY		0x484
#define MSR_IA32_VMX_MISC		0x485
#define MSR_IA32_VMX_CR0_FIXED0		0x486
#define MSR_IA32_VMX_CR0_FIXED1		0x487
#define MSR_IA32_VMX_CR4_FIXED0		0x488
#define MSR_IA32_VMX_CR4_FIXED1		0x489
#define MSR_IA32_VMX_PROCBASED2		0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP	0x48c
#define MSR_IA32_VMX_TRUE_PINBASED	0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED	0x48e
#define MSR_IA32_VMX_TRUE_EXIT		0x48f
#define MSR_IA32_VMX_TRUE_ENTRY		0x490
#define MSR_IA32_VMX_VMFUNC		0x491

/* IA32_VMX_BASIC (appendix A.1). */
#define VMX_BASIC_REVISION(b)		((uint32_t)(b) & 0x7fffffffu)
#define VMX_BASIC_REGION_SIZE(b)	((uint32_t)((b) >> 32) & 0x1fffu)
#define VMX_BASIC_ADDR32		(1ull << 48)
#define VMX_BASIC_MEMTYPE(b)		((unsigned int)((b) >> 50) & 0xfu)
#define VMX_BASIC_TRUE_CTLS		(1ull << 55)

/* IA32_VMX_EPT_VPID_CAP (appendix A.10). */
#define VMX_EPT_CAP_WALK4		(1ull << 6)
#define VMX_EPT_CAP_UC			(1ull << 8)
#define VMX_EPT_CAP_WB			(1ull << 14)
#define VMX_EPT_CAP_2M			(1ull << 16)
#define VMX_EPT_CAP_INVEPT		(1ull << 20)
#define VMX_EPT_CAP_INVEPT_SINGLE	(1ull << 25)
#define VMX_EPT_CAP_INVEPT_ALL		(1ull << 26)
#define VMX_VPID_CAP_INVVPID		(1ull << 32)

/* IA32_VMX_MISC (appendix A.6): the VMX-preemption timer counts down
 * once every 2^n TSC ticks. */
#define VMX_MISC_PREEMPT_SHIFT(m)	((unsigned int)(m) & 0x1fu)

#define CPUID1_ECX_VMX			(1u << 5)

/*
 * vmx_caps_adjust: a control word from its capability MSR cap (appendix
 * A.3-A.5: bits 31:0 the allowed 0-settings, i.e. bits that must be 1;
 * bits 63:32 the allowed 1-settings). required must all be allowed;
 * optional bits are taken where allowed; the must-be-1 bits are added.
 * Returns 0 with *out set, or -ENODEV with *missing the required bits
 * the CPU does not allow.
 */
int vmx_caps_adjust(uint64_t cap, uint32_t required, uint32_t optional, uint32_t *out,
		    uint32_t *missing);

/*
 * vmx_caps_fixed: value with the bits fixed0 says must be 1 set and those
 * fixed1 says must be 0 cleared (appendix A.7, A.8), except those in
 * exempt (PE and PG under unrestricted guest).
 */
uint64_t vmx_caps_fixed(uint64_t value, uint64_t fixed0, uint64_t fixed1, uint64_t exempt);

enum vmx_feature_control {
	VMX_FC_ENABLED,		/* locked with VMX allowed outside SMX */
	VMX_FC_UNLOCKED,	/* the hypervisor may enable and lock it */
	VMX_FC_LOCKED_OFF,	/* the firmware locked VMX off: unusable */
};

/* vmx_caps_feature_control: what IA32_FEATURE_CONTROL's value allows. */
enum vmx_feature_control vmx_caps_feature_control(uint64_t value);

#endif
