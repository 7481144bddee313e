/* Intel VT-x exits in vendor-neutral terms: exit reasons and qualifications decoded. */
#ifndef XENOLITH_ARCH_X86_VMX_EXIT_H
#define XENOLITH_ARCH_X86_VMX_EXIT_H

#include <stdint.h>

#include "arch/x86/regs.h"

struct vcpu_exit;

/* What the VMCS says about one exit (read by vmx.c after each exit). */
struct vmx_exit_info {
	uint32_t reason;	/* VMCS_EXIT_REASON, with the failed-entry bit */
	uint64_t qual;		/* exit qualification */
	uint32_t intr_info;	/* VM-exit interruption information */
	uint32_t insn_len;	/* VM-exit instruction length */
	uint64_t gpa;		/* guest-physical address (EPT exits) */
	uint64_t rip;		/* the guest's RIP at the exit */
};

/*
 * vmx_exit_decode: x as a vcpu_exit (reason, port I/O, MSR direction,
 * nested-page-fault address and direction, the RIP after the instruction
 * from its length; SDM vol. 3 chapter 27, appendix C). Exits vmx.c
 * handles itself (control registers, XSETBV, host NMIs) decode as
 * VCPU_EXIT_NONE; reasons no guest of ours should cause as
 * VCPU_EXIT_UNKNOWN.
 */
void vmx_exit_decode(const struct vmx_exit_info *x, struct vcpu_exit *e);

/* A MOV to or from a control register, CLTS or LMSW (table 27-3). */
struct vmx_cr_access {
	unsigned int cr;	/* 0, 3, 4 or 8 */
	unsigned int type;	/* VMX_CR_MOV_TO, _MOV_FROM, _CLTS, _LMSW */
	unsigned int gpr;	/* MOV: the general register, SDM numbering */
	uint16_t lmsw;		/* LMSW: its source operand */
};

/* vmx_exit_cr: decode a control-register access qualification. */
void vmx_exit_cr(uint64_t qual, struct vmx_cr_access *a);

/* vmx_exit_gpr: general register n of r in the SDM's numbering (0 RAX,
 * 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15). */
uint64_t *vmx_exit_gpr(struct cpu_regs *r, unsigned int n);

#endif
