/* Hypervisor exceptions: register dump, stack trace, then reboot. */
#include <stdint.h>

#include "panic.h"
#include "printk.h"
#include <arch/x86/processor.h>
#include <arch/x86/regs.h>
#include <arch/x86/symbols.h>
#include <arch/x86/traps.h>

extern char _start[], _end[];

static const char *const trap_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE", "#CP control protection",
};

/* "[<address>] function+0xoffset" */
static void trap_print_addr(const char *indent, uint64_t addr)
{
	uint64_t off;
	const char *name = symbols_lookup(addr, &off);

	if (name)
		printk(PRINTK_ERR, "%s[<%016llx>] %s+%#llx\n", indent, (unsigned long long)addr,
		       name, (unsigned long long)off);
	else
		printk(PRINTK_ERR, "%s[<%016llx>]\n", indent, (unsigned long long)addr);
}

/* trap_stack_trace: walk saved RBPs (the image is built with frame
 * pointers) while they stay inside the image or its stacks. */
void trap_stack_trace(uint64_t rbp)
{
	int depth;

	printk(PRINTK_ERR, "Stack trace:\n");
	for (depth = 0; depth < 16 && rbp; depth++) {
		uint64_t *frame = (uint64_t *)(uintptr_t)rbp;

		if (rbp < (uint64_t)(uintptr_t)_start || rbp >= (uint64_t)(uintptr_t)_end ||
		    (rbp & 7))
			break;
		trap_print_addr("  ", frame[1]);
		rbp = frame[0];
	}
}

/*
 * trap_handle: an exception in the hypervisor itself is a bug: dump the
 * registers and the stack trace, then reboot in 5 s (halt with noreboot).
 * Called from traps.S only.
 */
void trap_handle(struct trap_frame *f)
{
	const char *name = f->vector < 32 && trap_names[f->vector] ?
			   trap_names[f->vector] : "exception";

	printk_set_sync(true);
	printk(PRINTK_ERR, "*** Xenolith: hypervisor exception %llu (%s), error code %#llx\n",
	       (unsigned long long)f->vector, name, (unsigned long long)f->error_code);
	printk(PRINTK_ERR, "RIP %04llx:%016llx RFLAGS %016llx CR2 %016llx\n",
	       (unsigned long long)f->cs, (unsigned long long)f->rip,
	       (unsigned long long)f->rflags, (unsigned long long)read_cr2());
	regs_dump(PRINTK_ERR, "", &f->regs);
	printk(PRINTK_ERR, "CR0 %016llx CR3 %016llx CR4 %016llx\n",
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr3(),
	       (unsigned long long)read_cr4());
	trap_print_addr("Faulting code: ", f->rip);
	trap_stack_trace(f->regs.rbp);
	panic_reboot();
}
