/* AMD-V on the physical CPUs: feature probe, and switching it on for one CPU. */
#ifndef XENOLITH_ARCH_X86_SVM_CPU_H
#define XENOLITH_ARCH_X86_SVM_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu_features;

/*
 * svm_cpu_probe: the ops' probe (vcpu.h): AMD-V (CPUID 0x80000001 ECX bit
 * 2), not disabled by the firmware (VM_CR.SVMDIS), with nested paging and
 * maybe NRIP save (0x8000000A EDX; AMD APM vol. 2 §15.4, appendix E of
 * vol. 3). Boot CPU, once.
 */
bool svm_cpu_probe(const struct cpu_features *f, char *facts, size_t size, const char **why);

/* svm_cpu_nrips: the CPU saves the next RIP on exits (after the probe). */
bool svm_cpu_nrips(void);

/*
 * svm_cpu_enable: set EFER.SVME, point VM_HSAVE_PA at host_save_pa and
 * VMSAVE this CPU's host state (FS/GS/TR/LDTR bases, syscall MSRs) to
 * host_vmcb_pa for the VMLOAD after each #VMEXIT (AMD APM vol. 2 §15.4,
 * §15.5.2). Both are zeroed 4 KiB pages of this CPU; call after its GDT,
 * TR and GS base are final. GIF is left set. The calling CPU.
 */
void svm_cpu_enable(uint64_t host_save_pa, uint64_t host_vmcb_pa);

#endif
