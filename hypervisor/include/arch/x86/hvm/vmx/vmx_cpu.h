/* Intel VT-x on the physical CPUs: feature probe, control words, VMXON per CPU. */
#ifndef XENOLITH_ARCH_X86_VMX_CPU_H
#define XENOLITH_ARCH_X86_VMX_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu_features;

/* What the boot CPU's probe settled on: written once, then read-only. */
struct vmx_cpu_caps {
	uint32_t revision;		/* VMCS revision identifier */
	uint32_t pin, proc, proc2, exit, entry;	/* the control words every VMCS gets */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t ept_vpid;		/* IA32_VMX_EPT_VPID_CAP */
	bool vpid;			/* VPIDs in use */
	bool invept_single;		/* INVEPT of one context (else all) */
	unsigned int preempt_shift;	/* the preemption timer's TSC divisor (log2) */
};

/*
 * vmx_cpu_probe: the ops' probe (vcpu.h): VT-x (CPUID 1 ECX bit 5), not
 * locked off by the firmware (IA32_FEATURE_CONTROL), with every control
 * the backend requires (docs/hypervisor.md: EPT with 4-level write-back
 * walks and 2 MiB pages, INVEPT, unrestricted guest, I/O and MSR bitmaps,
 * virtual NMIs, EFER and PAT switched on entry and exit). Boot CPU, once.
 * On a CPU that is not Intel's, *why is left as it was.
 */
bool vmx_cpu_probe(const struct cpu_features *f, char *facts, size_t size, const char **why);

/* vmx_cpu_caps: the probe's results. */
const struct vmx_cpu_caps *vmx_cpu_caps(void);

/* vmx_cpu_init: the ops' cpu_init: CPU cpu's VMXON region. Boot CPU.
 * 0 or -ENOMEM. */
int vmx_cpu_init(unsigned int cpu);

/*
 * vmx_cpu_enable: the ops' cpu_enable: lock IA32_FEATURE_CONTROL with VMX
 * on where the firmware left it open, set CR0/CR4 as VMX operation wants
 * (CR4.VMXE) and VMXON (SDM vol. 3 §23.7); record the host state every
 * VMCS loaded here gets (vmx_cpu_host). Panics if VMXON fails: the probe
 * found the CPU able.
 */
void vmx_cpu_enable(unsigned int cpu);

/* The calling CPU's host state for a VMCS's host fields (§24.5). */
struct vmx_cpu_host {
	uint64_t cr0, cr3, cr4, efer, pat;
	uint64_t gs_base, tr_base, gdtr_base, idtr_base;
	void *current;		/* the vCPU whose VMCS is current here (vmx.c) */
};

/* vmx_cpu_host: the calling CPU's (after its vmx_cpu_enable). */
struct vmx_cpu_host *vmx_cpu_host(void);

#endif
