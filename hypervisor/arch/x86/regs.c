/* The general-register dump shared by guest crash reports and hypervisor exceptions. */
#include <stddef.h>
#include <stdint.h>

#include "printk.h"
#include "arch/x86/regs.h"

/* The sixteen general registers in the order they are shown, four a line. */
static const struct {
	char name[4];
	uint8_t offset;
} regs_shown[16] = {
	{ "RAX", offsetof(struct cpu_regs, rax) }, { "RBX", offsetof(struct cpu_regs, rbx) },
	{ "RCX", offsetof(struct cpu_regs, rcx) }, { "RDX", offsetof(struct cpu_regs, rdx) },
	{ "RSI", offsetof(struct cpu_regs, rsi) }, { "RDI", offsetof(struct cpu_regs, rdi) },
	{ "RBP", offsetof(struct cpu_regs, rbp) }, { "RSP", offsetof(struct cpu_regs, rsp) },
	{ "R8", offsetof(struct cpu_regs, r8) },   { "R9", offsetof(struct cpu_regs, r9) },
	{ "R10", offsetof(struct cpu_regs, r10) }, { "R11", offsetof(struct cpu_regs, r11) },
	{ "R12", offsetof(struct cpu_regs, r12) }, { "R13", offsetof(struct cpu_regs, r13) },
	{ "R14", offsetof(struct cpu_regs, r14) }, { "R15", offsetof(struct cpu_regs, r15) },
};

/* regs_value: shown register i of r. */
static unsigned long long regs_value(const struct cpu_regs *r, unsigned int i)
{
	const uint64_t *p = (const uint64_t *)((const char *)r + regs_shown[i].offset);

	return *p;
}

void regs_dump(unsigned int level, const char *indent, const struct cpu_regs *r)
{
	unsigned int i;

	for (i = 0; i < 16; i += 4)
		printk(level, "%s%-3s %016llx %-3s %016llx %-3s %016llx %-3s %016llx\n", indent,
		       regs_shown[i].name, regs_value(r, i), regs_shown[i + 1].name,
		       regs_value(r, i + 1), regs_shown[i + 2].name, regs_value(r, i + 2),
		       regs_shown[i + 3].name, regs_value(r, i + 3));
}
