/* Exception entry stubs: push a uniform frame and call trap_handle(). */
#include <arch/x86/desc.h>

	.macro TRAP_NOERR vec
	.align 16
	pushq	$0
	pushq	$\vec
	jmp	trap_common
	.endm

	.macro TRAP_ERR vec
	.align 16
	pushq	$\vec
	jmp	trap_common
	.endm

	.text
	.align 16
	.globl trap_stubs
trap_stubs:
	TRAP_NOERR 0
	TRAP_NOERR 1
	TRAP_NOERR 2
	TRAP_NOERR 3
	TRAP_NOERR 4
	TRAP_NOERR 5
	TRAP_NOERR 6
	TRAP_NOERR 7
	TRAP_ERR 8
	TRAP_NOERR 9
	TRAP_ERR 10
	TRAP_ERR 11
	TRAP_ERR 12
	TRAP_ERR 13
	TRAP_ERR 14
	TRAP_NOERR 15
	TRAP_NOERR 16
	TRAP_ERR 17
	TRAP_NOERR 18
	TRAP_NOERR 19
	TRAP_NOERR 20
	TRAP_ERR 21
	TRAP_NOERR 22
	TRAP_NOERR 23
	TRAP_NOERR 24
	TRAP_NOERR 25
	TRAP_NOERR 26
	TRAP_NOERR 27
	TRAP_NOERR 28
	TRAP_ERR 29
	TRAP_ERR 30
	TRAP_NOERR 31

/*
 * Frame layout must match struct trap_frame in include/arch/x86/traps.h: a
 * struct cpu_regs (RFLAGS, RIP and RSP copied from the CPU's frame, then
 * the general registers, RAX last), the vector, the error code and the
 * CPU's frame.
 */
trap_common:
	pushq	32(%rsp)		/* RFLAGS */
	pushq	24(%rsp)		/* RIP */
	pushq	56(%rsp)		/* RSP */
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%r11
	push	%r10
	push	%r9
	push	%r8
	push	%rbp
	push	%rdi
	push	%rsi
	push	%rdx
	push	%rcx
	push	%rbx
	push	%rax
	mov	%rsp, %rdi
	and	$-16, %rsp
	call	trap_handle
1:	cli
	hlt
	jmp	1b
