/* Entry stubs for the device vectors 0x20-0xEF: call irq_dispatch(vector). */
#include <arch/x86/irq.h>

	.macro IRQ_STUB vec
	.align 16
	pushq	$\vec
	jmp	irq_common
	.endm

	.text
	.align 16
	.globl irq_stubs
irq_stubs:
	vec = IRQ_VEC_FIRST
	.rept IRQ_VEC_LAST - IRQ_VEC_FIRST + 1
	IRQ_STUB vec
	vec = vec + 1
	.endr

/* Caller-saved registers only: irq_dispatch() keeps the others. The frame
 * pointer chain stays intact; the stack is aligned for the call. */
irq_common:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%rbp
	mov	%rsp, %rbp
	mov	80(%rsp), %rdi		/* vector */
	and	$-16, %rsp
	call	irq_dispatch
	mov	%rbp, %rsp
	pop	%rbp
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	add	$8, %rsp		/* vector */
	iretq
