/* Multiboot1/2 headers and the 32-bit -> 64-bit entry of the hypervisor. */
#include <arch/x86/desc.h>
#include <arch/x86/long_mode.h>

#define MB1_MAGIC	0x1BADB002
#define MB1_FLAGS	0x00000003	/* page-aligned modules, memory info */
#define MB2_MAGIC	0xE85250D6
#define MB2_ARCH	0		/* i386 protected mode */

#define BOOT_PD_COUNT	4		/* 4 GiB identity-mapped with 2 MiB pages */

	.section .multiboot, "a"
	.align 4
mb1_header:
	.long MB1_MAGIC, MB1_FLAGS, -(MB1_MAGIC + MB1_FLAGS)

	.align 8
mb2_header:
	.long MB2_MAGIC, MB2_ARCH, mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH + (mb2_header_end - mb2_header))
	/* information request (optional): cmdline, modules, mmap, framebuffer,
	 * ACPI, EFI mmap */
	.align 8
mb2_info_req:
	.short 1, 1
	.long mb2_info_req_end - mb2_info_req
	.long 1, 3, 6, 8, 14, 15, 17
mb2_info_req_end:
	.align 8
	/* console flags (optional): EGA text is supported */
	.short 4, 1
	.long 12, 2
	.align 8
	/* framebuffer (optional, no preference): under UEFI, where there is no
	 * text mode, GRUB then hands over the GOP framebuffer for dom0 */
	.short 5, 1
	.long 20, 0, 0, 0
	.align 8
	/* module alignment (page) */
	.short 6, 0
	.long 8
	/* end tag */
	.short 0, 0
	.long 8
mb2_header_end:

	.section .text.entry, "ax"
	.code32
	.globl start32
start32:
	cli
	cld
	mov	%eax, %ebp			/* multiboot magic */
	mov	%ebx, %esi			/* multiboot info (physical) */

	/* Zero .bss (loaders do, but do not rely on it). */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb

	/* PML4[0] -> PDPT; PDPT[0..3] -> PDs; PD entries: 2 MiB identity. */
	mov	$boot_pdpt, %eax
	or	$0x3, %eax
	mov	%eax, boot_pml4
	mov	$boot_pd, %eax
	or	$0x3, %eax
	xor	%ecx, %ecx
1:	mov	%eax, boot_pdpt(,%ecx,8)
	add	$0x1000, %eax
	inc	%ecx
	cmp	$BOOT_PD_COUNT, %ecx
	jb	1b
	mov	$0x83, %eax			/* present, writable, 2 MiB */
	xor	%ecx, %ecx
1:	mov	%eax, boot_pd(,%ecx,8)
	movl	$0, boot_pd+4(,%ecx,8)
	add	$0x200000, %eax
	inc	%ecx
	cmp	$(512 * BOOT_PD_COUNT), %ecx
	jb	1b

	ENTER_LONG_MODE $boot_pml4

	lgdt	boot_gdt_ptr
	ljmp	$GDT_SEL_CODE64, $start64

	.code64
start64:
	mov	$GDT_SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$boot_stack_top, %rsp
	mov	%ebp, %edi			/* arg0: multiboot magic */
	mov	%esi, %esi			/* arg1: info, zero-extended */
	xor	%ebp, %ebp			/* end of the frame-pointer chain */
	call	start_xenolith
2:	cli
	hlt
	jmp	2b

	.section .rodata
	.align 8
boot_gdt_ptr:
	.short GDT_ENTRIES * 8 - 1
	.quad gdt_table

	.section .bss.page_aligned, "aw", @nobits
	.align 4096
	.globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4096 * BOOT_PD_COUNT
	.globl boot_stack, boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:
