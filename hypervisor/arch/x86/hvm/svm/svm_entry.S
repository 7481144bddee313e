/* SVM world switch: load guest GPRs, VMLOAD/VMRUN/VMSAVE, store them back. */
#include <arch/x86/regs.h>

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

	mov	CPU_REGS_RBX(%rdi), %rbx
	mov	CPU_REGS_RCX(%rdi), %rcx
	mov	CPU_REGS_RDX(%rdi), %rdx
	mov	CPU_REGS_RSI(%rdi), %rsi
	mov	CPU_REGS_RBP(%rdi), %rbp
	mov	CPU_REGS_R8(%rdi), %r8
	mov	CPU_REGS_R9(%rdi), %r9
	mov	CPU_REGS_R10(%rdi), %r10
	mov	CPU_REGS_R11(%rdi), %r11
	mov	CPU_REGS_R12(%rdi), %r12
	mov	CPU_REGS_R13(%rdi), %r13
	mov	CPU_REGS_R14(%rdi), %r14
	mov	CPU_REGS_R15(%rdi), %r15
	mov	CPU_REGS_RDI(%rdi), %rdi

	vmload	%rax
	vmrun	%rax
	vmsave	%rax

	push	%rdi			/* guest RDI */
	mov	16(%rsp), %rdi		/* regs */
	mov	%rbx, CPU_REGS_RBX(%rdi)
	mov	%rcx, CPU_REGS_RCX(%rdi)
	mov	%rdx, CPU_REGS_RDX(%rdi)
	mov	%rsi, CPU_REGS_RSI(%rdi)
	mov	%rbp, CPU_REGS_RBP(%rdi)
	mov	%r8, CPU_REGS_R8(%rdi)
	mov	%r9, CPU_REGS_R9(%rdi)
	mov	%r10, CPU_REGS_R10(%rdi)
	mov	%r11, CPU_REGS_R11(%rdi)
	mov	%r12, CPU_REGS_R12(%rdi)
	mov	%r13, CPU_REGS_R13(%rdi)
	mov	%r14, CPU_REGS_R14(%rdi)
	mov	%r15, CPU_REGS_R15(%rdi)
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
