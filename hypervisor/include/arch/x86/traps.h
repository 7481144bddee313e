/* Hypervisor exception frame and handler. */
#ifndef XENOLITH_ARCH_X86_TRAPS_H
#define XENOLITH_ARCH_X86_TRAPS_H

#include <stdint.h>

#include "arch/x86/regs.h"

/* Pushed by traps.S (last pushed first) and the CPU. */
struct trap_frame {
	struct cpu_regs regs;				/* 0x00: copies of RSP, RIP, RFLAGS */
	uint64_t vector;				/* 0x90 */
	uint64_t error_code;				/* 0x98 */
	uint64_t rip, cs, rflags, rsp, ss;		/* 0xa0: CPU frame */
};
_Static_assert(sizeof(struct trap_frame) == 0xc8, "trap frame size");

/* trap_handle: report a hypervisor exception and reboot (see traps.c). */
void trap_handle(struct trap_frame *f);

/* trap_stack_trace: print return addresses along the frame-pointer chain. */
void trap_stack_trace(uint64_t rbp);

#endif
