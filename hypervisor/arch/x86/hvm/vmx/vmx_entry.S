/* VMX world switch: load guest GPRs, VMLAUNCH/VMRESUME, store them back at the exit. */
#include <arch/x86/regs.h>
#include <arch/x86/hvm/vmx/vmcs.h>

#include <arch/x86/hvm/entry_gprs.h>

/* GPRS load|store: every general register but RSP (in the VMCS) and RDI
 * (the pointer: apart) from or to the struct cpu_regs at %rdi. */
	.macro GPRS dir
	GPR	\dir, rax, CPU_REGS_RAX
	GPRS_BUT_RAX \dir
	.endm

/*
 * int vmx_enter(struct cpu_regs *regs, int launched)
 * Enter the guest of the current VMCS (VMRESUME if launched, else
 * VMLAUNCH). Returns 0 after a VM exit (the CPU comes back at
 * vmx_exit_point with the host RSP written here, SDM vol. 3 §27.5), or 1
 * if the instruction failed (VMfailInvalid/VMfailValid: the VMCS's
 * instruction-error field says why).
 */
	.text
	.globl vmx_enter
vmx_enter:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdi			/* regs, at the host RSP */
	mov	$VMCS_HOST_RSP, %rax
	vmwrite	%rsp, %rax
	test	%esi, %esi		/* the MOVs below keep ZF */
	GPRS	load
	mov	CPU_REGS_RDI(%rdi), %rdi
	jnz	1f
	vmlaunch
	jmp	2f
1:	vmresume
2:	pop	%rdi			/* failed: no exit happened */
	mov	$1, %eax
	jmp	3f

	.globl vmx_exit_point
vmx_exit_point:
	push	%rdi			/* guest RDI */
	mov	8(%rsp), %rdi		/* regs */
	GPRS	store
	pop	%rax
	mov	%rax, CPU_REGS_RDI(%rdi)
	pop	%rdi
	xor	%eax, %eax
3:	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
