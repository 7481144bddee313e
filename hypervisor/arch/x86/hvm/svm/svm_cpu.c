/* AMD-V on the physical CPUs: feature probe, per-CPU host areas, switching it on. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "page_alloc.h"
#include <arch/x86/cpu.h>
#include <arch/x86/processor.h>
#include <arch/x86/smpboot.h>
#include <arch/x86/hvm/svm/svm.h>
#include <arch/x86/hvm/svm/svm_cpu.h>

static bool svm_cpu_has_nrips;	/* written once by the boot CPU's probe */

/* Each CPU's VM_HSAVE_PA area and the host state VMLOAD restores after an
 * exit (AMD APM vol. 2 §15.4, §15.5.2): written by the boot CPU in
 * svm_cpu_init before that CPU starts, then read-only. */
static struct {
	uint64_t host_save_pa;
	uint64_t host_state_pa;
} svm_cpus[SMP_MAX_CPUS];

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

int svm_cpu_init(unsigned int cpu)
{
	if (!page_alloc_zeroed(0, &svm_cpus[cpu].host_save_pa) ||
	    !page_alloc_zeroed(0, &svm_cpus[cpu].host_state_pa))
		return -ENOMEM;	/* boot-time shortage: a page may stay allocated */
	return 0;
}

void svm_cpu_enable(unsigned int cpu)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, svm_cpus[cpu].host_save_pa);
	__asm__ volatile("vmsave %%rax" : : "a"(svm_cpus[cpu].host_state_pa) : "memory");
}

uint64_t svm_cpu_host_state(void)
{
	return svm_cpus[smp_this_cpu()].host_state_pa;
}
