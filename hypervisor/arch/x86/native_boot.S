/* Long mode -> 32-bit protected mode without paging, then into the kernel. */
#include <arch/x86/desc.h>

	.text
	.code64
	.globl native_boot_jump
native_boot_jump:			/* edi = entry, esi = boot_params */
	cli
	mov	%edi, %edi
	pushq	$GDT_SEL_CODE32
	lea	1f(%rip), %rax
	pushq	%rax
	lretq				/* compatibility mode, still identity-mapped */

	.code32
1:	mov	%cr0, %eax
	and	$0x7fffffff, %eax	/* paging off: leaves long mode (APM vol. 2 §14.7) */
	mov	%eax, %cr0
	mov	$0xC0000080, %ecx
	rdmsr
	and	$~0x100, %eax		/* EFER.LME */
	wrmsr
	mov	%cr4, %eax
	and	$~0x20, %eax		/* PAE */
	mov	%eax, %cr4
	mov	$GDT_SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%edi, %eax
	xor	%ebx, %ebx
	xor	%ebp, %ebp
	xor	%edi, %edi
	jmp	*%eax
