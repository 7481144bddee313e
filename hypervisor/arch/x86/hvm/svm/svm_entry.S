/* SVM world switch: load guest GPRs, VMLOAD/VMRUN/VMSAVE, store them back. */
#include <arch/x86/regs.h>

/* GPRS load|store: RBX, RCX, RDX, RSI, RBP and R8-R15 from or to the
 * struct cpu_regs at %rdi (RAX carries the VMCB, RDI the pointer: apart). */
	.macro GPR dir, reg, off
	.ifc \dir, load
	mov	\off(%rdi), %\reg
	.else
	mov	%\reg, \off(%rdi)
	.endif
	.endm

	.macro GPRS dir
	GPR	\dir, rbx, CPU_REGS_RBX
	GPR	\dir, rcx, CPU_REGS_RCX
	GPR	\dir, rdx, CPU_REGS_RDX
	GPR	\dir, rsi, CPU_REGS_RSI
	GPR	\dir, rbp, CPU_REGS_RBP
	GPR	\dir, r8, CPU_REGS_R8
	GPR	\dir, r9, CPU_REGS_R9
	GPR	\dir, r10, CPU_REGS_R10
	GPR	\dir, r11, CPU_REGS_R11
	GPR	\dir, r12, CPU_REGS_R12
	GPR	\dir, r13, CPU_REGS_R13
	GPR	\dir, r14, CPU_REGS_R14
	GPR	\dir, r15, CPU_REGS_R15
	.endm

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

	GPRS	load
	mov	CPU_REGS_RDI(%rdi), %rdi

	vmload	%rax
	vmrun	%rax
	vmsave	%rax

	push	%rdi			/* guest RDI */
	mov	16(%rsp), %rdi		/* regs */
	GPRS	store
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
