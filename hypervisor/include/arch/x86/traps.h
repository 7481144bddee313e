/* Hypervisor exception frame and handler. */
#ifndef XENOLITH_ARCH_X86_TRAPS_H
#define XENOLITH_ARCH_X86_TRAPS_H

#include <stdint.h>

/* Pushed by traps.S (last pushed first) and the CPU. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;	/* 0x00 */
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;	/* 0x40 */
	uint64_t vector;				/* 0x78 */
	uint64_t error_code;				/* 0x80 */
	uint64_t rip, cs, rflags, rsp, ss;		/* 0x88: CPU frame */
};
_Static_assert(sizeof(struct trap_frame) == 0xb0, "trap frame size");

/* trap_handle: report a hypervisor exception and reboot (see traps.c). */
void trap_handle(struct trap_frame *f);

/* trap_stack_trace: print return addresses along the frame-pointer chain. */
void trap_stack_trace(uint64_t rbp);

#endif
