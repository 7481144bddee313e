/* AMD-V on the physical CPUs: feature probe, per-CPU host areas, switching it on. */
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

/* svm_cpu_init: the ops' cpu_init: CPU cpu's host save area and
 * host-state page, zeroed. Boot CPU. 0 or -ENOMEM. */
int svm_cpu_init(unsigned int cpu);

/*
 * svm_cpu_enable: the ops' cpu_enable: set EFER.SVME, point VM_HSAVE_PA at
 * CPU cpu's host save area and VMSAVE its host state (FS/GS/TR/LDTR bases,
 * syscall MSRs) for the VMLOAD after each #VMEXIT (AMD APM vol. 2 §15.4,
 * §15.5.2). After svm_cpu_init(cpu), on CPU cpu once its GDT, TR and GS
 * base are final. GIF is left set (svm_run clears it).
 */
void svm_cpu_enable(unsigned int cpu);

/* svm_cpu_host_state: the calling CPU's host-state page for VMLOAD. */
uint64_t svm_cpu_host_state(void);

#endif
