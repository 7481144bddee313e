/* Assembler macros of the world switches (svm_entry.S, vmx_entry.S): guest GPRs
 * from or to a struct cpu_regs. Include after <arch/x86/regs.h>. */
#ifndef XENOLITH_ENTRY_GPRS_H
#define XENOLITH_ENTRY_GPRS_H

/* GPR load|store, reg, off: one register from or to off(%rdi). */
	.macro GPR dir, reg, off
	.ifc \dir, load
	mov	\off(%rdi), %\reg
	.else
	mov	%\reg, \off(%rdi)
	.endif
	.endm

/* GPRS_BUT_RAX load|store: RBX, RCX, RDX, RSI, RBP and R8-R15 (RSP is the
 * CPU's to switch, RDI holds the pointer, RAX is the caller's). */
	.macro GPRS_BUT_RAX dir
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

#endif
