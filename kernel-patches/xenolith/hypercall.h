/* The hypercall instruction: VMMCALL on AMD, VMCALL on Intel, chosen by the kernel's alternatives. */
#ifndef XENOLITH_HYPERCALL_H
#define XENOLITH_HYPERCALL_H

#include <asm/alternative.h>
#include <asm/cpufeatures.h>

/*
 * xl_hypercall: hypercall NR with up to three arguments (public/xenolith.h:
 * RAX = nr, RDI, RSI, RDX = arguments, the result in RAX, no other register
 * changed). Returns 0 or a positive value, or -errno. X86_FEATURE_VMMCALL is
 * set on AMD and Hygon CPUs (AMD APM vol. 2 §15.5 VMMCALL; Intel SDM vol. 3
 * §25.1.3 VMCALL), so the kernel patches in the instruction this CPU has,
 * as KVM's guest hypercalls do.
 */
static inline long xl_hypercall(unsigned long nr, unsigned long a1,
				unsigned long a2, unsigned long a3)
{
	long ret;

	asm volatile(ALTERNATIVE("vmcall", "vmmcall", X86_FEATURE_VMMCALL)
		     : "=a"(ret)
		     : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
		     : "memory");
	return ret;
}

#endif
