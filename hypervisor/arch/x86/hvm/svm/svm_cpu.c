/* AMD-V switched on for one physical CPU: EFER.SVME, host save area. */
#include <stdint.h>

#include <arch/x86/processor.h>
#include <arch/x86/hvm/svm/svm_cpu.h>

void svm_cpu_enable(uint64_t host_save_pa, uint64_t host_vmcb_pa)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, host_save_pa);
	__asm__ volatile("vmsave %%rax" : : "a"(host_vmcb_pa) : "memory");
}
