/* AMD-V on the physical CPUs: feature probe, and switching it on for one CPU. */
#include <stdbool.h>
#include <stdint.h>

#include "lib.h"
#include <arch/x86/cpu.h>
#include <arch/x86/processor.h>
#include <arch/x86/hvm/svm/svm.h>
#include <arch/x86/hvm/svm/svm_cpu.h>

static bool svm_cpu_has_nrips;	/* written once by the boot CPU's probe */

bool svm_cpu_probe(const struct cpu_features *f, char *facts, size_t size, const char **why)
{
	struct cpuid_regs r;
	bool svm = false, npt = false;

	if (f->max_ext_leaf >= 0x80000001) {
		cpuid_count(0x80000001, 0, &r);
		svm = r.ecx & SVM_CPUID_SVM;
	}
	if (svm && f->max_ext_leaf >= 0x8000000a) {
		cpuid_count(0x8000000a, 0, &r);
		npt = r.edx & SVM_CPUID_NP;
		svm_cpu_has_nrips = r.edx & SVM_CPUID_NRIPS;
	}
	snprintf(facts, size, "SVM %s, NPT %s, NRIP save %s", svm ? "yes" : "no",
		 npt ? "yes" : "no", svm_cpu_has_nrips ? "yes" : "no");
	if (!svm) {
		*why = "this CPU has no AMD-V (SVM)";
		return false;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		*why = "AMD-V (SVM) is disabled by the firmware (VM_CR.SVMDIS)";
		return false;
	}
	if (!npt) {
		*why = "this CPU's AMD-V has no nested paging (NPT)";
		return false;
	}
	return true;
}

bool svm_cpu_nrips(void)
{
	return svm_cpu_has_nrips;
}

void svm_cpu_enable(uint64_t host_save_pa, uint64_t host_vmcb_pa)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, host_save_pa);
	__asm__ volatile("vmsave %%rax" : : "a"(host_vmcb_pa) : "memory");
}
