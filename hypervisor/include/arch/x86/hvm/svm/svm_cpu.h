/* AMD-V switched on for one physical CPU (the APs; see smpboot.c). */
#ifndef XENOLITH_ARCH_X86_SVM_CPU_H
#define XENOLITH_ARCH_X86_SVM_CPU_H

#include <stdint.h>

/*
 * svm_cpu_enable: set EFER.SVME, point VM_HSAVE_PA at host_save_pa and
 * VMSAVE this CPU's host state (FS/GS/TR/LDTR bases, syscall MSRs) to
 * host_vmcb_pa for the VMLOAD after each #VMEXIT (AMD APM vol. 2 §15.4,
 * §15.5.2). Both are zeroed 4 KiB pages of this CPU; call after its GDT,
 * TR and GS base are final. GIF is left set. The calling CPU.
 */
void svm_cpu_enable(uint64_t host_save_pa, uint64_t host_vmcb_pa);

#endif
