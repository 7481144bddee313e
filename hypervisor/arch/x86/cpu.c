/* CPU feature detection: vendor, AMD-V, nested paging, VT-x. */
#include "lib.h"
#include <arch/x86/processor.h>
#include <arch/x86/hvm/svm/svm.h>
#include <arch/x86/hvm/vcpu.h>

/* cpu_detect: read the facts the vendor probes need (AMD APM vol. 3,
 * appendix E: CPUID 1, 0x80000001 ECX bit 2 SVM, 0x8000000A EDX). */
void cpu_detect(struct cpu_features *f)
{
	struct cpuid_regs r;

	memset(f, 0, sizeof(*f));
	cpuid_count(0, 0, &r);
	f->max_leaf = r.eax;
	memcpy(f->vendor, &r.ebx, 4);
	memcpy(f->vendor + 4, &r.edx, 4);
	memcpy(f->vendor + 8, &r.ecx, 4);
	cpuid_count(1, 0, &r);
	f->apic_id = r.ebx >> 24;
	f->vmx = r.ecx & (1u << 5);
	cpuid_count(0x80000000, 0, &r);
	f->max_ext_leaf = r.eax;
	if (f->max_ext_leaf >= 0x80000001) {
		cpuid_count(0x80000001, 0, &r);
		f->svm = r.ecx & (1u << 2);
	}
	if (f->svm) {
		f->svm_disabled = rdmsr(MSR_VM_CR) & VM_CR_SVMDIS;
		if (f->max_ext_leaf >= 0x8000000a) {
			cpuid_count(0x8000000a, 0, &r);
			f->npt = r.edx & SVM_CPUID_NP;
			f->nrips = r.edx & SVM_CPUID_NRIPS;
		}
	}
}
