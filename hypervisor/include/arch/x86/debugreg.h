/* A vCPU's debug address registers DR0-DR3: saved and loaded with its FPU state. */
#ifndef XENOLITH_ARCH_X86_DEBUGREG_H
#define XENOLITH_ARCH_X86_DEBUGREG_H

#include <stdint.h>

/*
 * Neither VMRUN/#VMEXIT nor VM entry/exit switch DR0-DR3 (DR6 and DR7 are
 * in the VMCB and VMCS; AMD APM vol. 2 §15.5.1, Intel SDM vol. 3 §27.3):
 * the addresses one guest set would be read by the next guest on that
 * CPU. The hypervisor sets no breakpoints of its own.
 */
struct debug_addrs {
	uint64_t dr[4];
};

/* debug_addrs_save / debug_addrs_load: this CPU's DR0-DR3 to d, d to them. */
static inline void debug_addrs_save(struct debug_addrs *d)
{
	__asm__ volatile("mov %%db0, %0" : "=r"(d->dr[0]));
	__asm__ volatile("mov %%db1, %0" : "=r"(d->dr[1]));
	__asm__ volatile("mov %%db2, %0" : "=r"(d->dr[2]));
	__asm__ volatile("mov %%db3, %0" : "=r"(d->dr[3]));
}

static inline void debug_addrs_load(const struct debug_addrs *d)
{
	__asm__ volatile("mov %0, %%db0" : : "r"(d->dr[0]));
	__asm__ volatile("mov %0, %%db1" : : "r"(d->dr[1]));
	__asm__ volatile("mov %0, %%db2" : : "r"(d->dr[2]));
	__asm__ volatile("mov %0, %%db3" : : "r"(d->dr[3]));
}

#endif
