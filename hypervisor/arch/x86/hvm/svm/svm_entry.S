/* SVM world switch: load guest GPRs, VMLOAD/VMRUN/VMSAVE, store them back. */
#include <arch/x86/regs.h>

/* RAX carries the VMCB, so SVM switches every GPR but RAX (GPRS_BUT_RAX). */
#include <arch/x86/hvm/entry_gprs.h>

/*
 * void svm_vmrun(struct cpu_regs *regs, uint64_t vmcb_pa, uint64_t host_pa)
 * GIF is clear on entry (svm.c). VMRUN restores the host's RSP, RIP and RAX
 * on #VMEXIT (AMD APM vol. 2 §15.5); FS, GS, TR, LDTR and the syscall MSRs
 * are switched with VMLOAD/VMSAVE (§15.5.2).
 */
	.text
	.globl svm_vmrun
svm_vmrun:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdi			/* regs */
	push	%rdx			/* host save page */
	mov	%rsi, %rax		/* guest VMCB */

	GPRS_BUT_RAX	load
	mov	CPU_REGS_RDI(%rdi), %rdi

	vmload	%rax
	vmrun	%rax
	vmsave	%rax

	push	%rdi			/* guest RDI */
	mov	16(%rsp), %rdi		/* regs */
	GPRS_BUT_RAX	store
	pop	%rax
	mov	%rax, CPU_REGS_RDI(%rdi)

	pop	%rax			/* host save page */
	vmload	%rax
	pop	%rdi
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
