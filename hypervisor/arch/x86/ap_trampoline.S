/* AP start-up: real mode at SMP_TRAMPOLINE_PA -> protected -> long mode -> C. */
#include <arch/x86/desc.h>
#include <arch/x86/long_mode.h>
#include <arch/x86/smpboot.h>

/* Linear address of a label once the page is copied to SMP_TRAMPOLINE_PA. */
#define TRAMP(x)	(SMP_TRAMPOLINE_PA + (x) - ap_trampoline)
#define PARAM(x)	(SMP_TRAMPOLINE_PA + SMP_PARAMS_OFFSET + (x))

	.section .rodata, "a"
	.align 16
	.globl ap_trampoline, ap_trampoline_end
	.code16
ap_trampoline:
	/* STARTUP: real mode, CS:IP = (SMP_TRAMPOLINE_PA >> 4):0 (SDM vol. 3
	 * §8.4.4). The hypervisor's GDT (below 4 GiB) is usable as is. */
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	lgdtl	tramp_gdt_ptr - ap_trampoline
	mov	%cr0, %eax
	or	$1, %eax			/* PE */
	mov	%eax, %cr0
	ljmpl	$GDT_SEL_CODE32, $TRAMP(tramp32)

	.code32
tramp32:
	mov	$GDT_SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	ENTER_LONG_MODE PARAM(SMP_PARAM_CR3)
	ljmp	$GDT_SEL_CODE64, $TRAMP(tramp64)

	.code64
tramp64:
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	mov	PARAM(SMP_PARAM_STACK), %rsp
	mov	PARAM(SMP_PARAM_ARG), %rdi
	mov	PARAM(SMP_PARAM_ENTRY), %rax
	xor	%ebp, %ebp			/* end of the frame-pointer chain */
	call	*%rax
1:	cli
	hlt
	jmp	1b

	.align 8
tramp_gdt_ptr:
	.short GDT_ENTRIES * 8 - 1
	.long gdt_table
ap_trampoline_end:
