/* A CPU's general registers as the entry stubs save them, and their dump. */
#ifndef XENOLITH_ARCH_X86_REGS_H
#define XENOLITH_ARCH_X86_REGS_H

/* Offsets of struct cpu_regs for the entry stubs (checked below). */
#define CPU_REGS_RAX	0x00
#define CPU_REGS_RBX	0x08
#define CPU_REGS_RCX	0x10
#define CPU_REGS_RDX	0x18
#define CPU_REGS_RSI	0x20
#define CPU_REGS_RDI	0x28
#define CPU_REGS_RBP	0x30
#define CPU_REGS_R8	0x38
#define CPU_REGS_R9	0x40
#define CPU_REGS_R10	0x48
#define CPU_REGS_R11	0x50
#define CPU_REGS_R12	0x58
#define CPU_REGS_R13	0x60
#define CPU_REGS_R14	0x68
#define CPU_REGS_R15	0x70

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

/* A guest's registers (struct vcpu, written by the vendor's entry stub and
 * code) or the hypervisor's at an exception (traps.S). */
struct cpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;	/* 0x00 */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;	/* 0x38 */
	uint64_t rsp, rip, rflags;			/* 0x78 */
};
_Static_assert(offsetof(struct cpu_regs, rbp) == CPU_REGS_RBP, "regs layout");
_Static_assert(offsetof(struct cpu_regs, r15) == CPU_REGS_R15, "regs layout");
_Static_assert(sizeof(struct cpu_regs) == 0x90, "regs size");

/* regs_dump: the sixteen general registers, four lines at printk level,
 * each starting with indent. Any CPU. */
void regs_dump(unsigned int level, const char *indent, const struct cpu_regs *r);
#endif

#endif
