/* long_mode.h - the switch from 32-bit protected mode to long mode, for assembly. */
#ifndef ARCH_X86_LONG_MODE_H
#define ARCH_X86_LONG_MODE_H

#ifdef __ASSEMBLY__
/*
 * ENTER_LONG_MODE cr3: with paging off, enable PAE, load CR3 from the operand
 * (a 32-bit source), set EFER.LME, then CR0.PG|WP|PE (AMD APM vol. 2 §14.6.1).
 * The caller then far-jumps to a 64-bit code segment. Clobbers eax, ecx, edx.
 */
.macro ENTER_LONG_MODE cr3
	mov	%cr4, %eax
	or	$0x20, %eax			/* CR4.PAE */
	mov	%eax, %cr4
	mov	\cr3, %eax
	mov	%eax, %cr3
	mov	$0xC0000080, %ecx		/* EFER */
	rdmsr
	or	$0x100, %eax			/* EFER.LME */
	wrmsr
	mov	%cr0, %eax
	or	$0x80010001, %eax		/* PG, WP, PE */
	mov	%eax, %cr0
.endm
#endif

#endif
