/* Guest x87/SSE/AVX state: saved and restored when a CPU switches vCPUs. */
#ifndef XENOLITH_ARCH_X86_FPU_H
#define XENOLITH_ARCH_X86_FPU_H

#include <stdint.h>

/*
 * The hypervisor itself never touches these registers (it is built with
 * -mgeneral-regs-only), and VMRUN does not switch them: whatever a vCPU
 * left in them is what the next vCPU on that CPU would see. So each vCPU
 * has a save area, written when it leaves a CPU and read when it comes to
 * a CPU that holds another vCPU's state.
 */
struct fpu_state {
	void *area;		/* XSAVE/FXSAVE image, 64-byte aligned */
	uint64_t xcr0;		/* the guest's XCR0 with it (XSAVE only) */
};

/* fpu_cpu_init: CR4.OSFXSR, and CR4.OSXSAVE where the CPU has XSAVE, so
 * that the hypervisor may save and restore. Every CPU, once. */
void fpu_cpu_init(void);

/* fpu_state_init: a save area in the power-up state (FCW 0x37f, MXCSR
 * 0x1f80, no XSAVE component in use). 0 or -ENOMEM. */
int fpu_state_init(struct fpu_state *s);

/* fpu_state_free: give back what fpu_state_init took (s unused since). */
void fpu_state_free(struct fpu_state *s);

/* fpu_save / fpu_restore: this CPU's registers to s, s to them. */
void fpu_save(struct fpu_state *s);
void fpu_restore(const struct fpu_state *s);

#endif
