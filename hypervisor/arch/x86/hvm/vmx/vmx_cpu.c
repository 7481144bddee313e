/* Intel VT-x on the physical CPUs: feature probe, control words, VMXON per CPU. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "page_alloc.h"
#include "panic.h"
#include <arch/x86/cpu.h>
#include <arch/x86/desc.h>
#include <arch/x86/processor.h>
#include <arch/x86/smpboot.h>
#include <arch/x86/hvm/vmx/vmcs.h>
#include <arch/x86/hvm/vmx/vmx_caps.h>
#include <arch/x86/hvm/vmx/vmx_cpu.h>
#include <arch/x86/hvm/vmx/vmx_insn.h>

#define VMX_CPU_MSR_GS_BASE	0xc0000101
#define VMX_CPU_CR4_VMXE	(1ull << 13)

static struct vmx_cpu_caps vmx_caps;		/* the boot CPU's probe */
static uint64_t vmx_cpu_vmxon_pa[SMP_MAX_CPUS];	/* written by the boot CPU */
static struct vmx_cpu_host vmx_cpu_hosts[SMP_MAX_CPUS];	/* each CPU its own */

/* The controls the backend cannot do without, and those it takes where
 * offered (docs/hypervisor.md). */
#define VMX_PIN_REQUIRED	(VMX_PIN_EXTINT_EXITING | VMX_PIN_NMI_EXITING | VMX_PIN_VIRTUAL_NMIS)
#define VMX_PIN_OPTIONAL	VMX_PIN_PREEMPT_TIMER
#define VMX_PROC_REQUIRED	(VMX_PROC_HLT_EXITING | VMX_PROC_IO_BITMAPS | \
				 VMX_PROC_MSR_BITMAPS | VMX_PROC_SECONDARY)
/* CR8 is the vLAPIC's TPR: read and written in a TPR shadow where the CPU
 * has one, else every access exits. */
#define VMX_PROC_CR8_EXITS	(VMX_PROC_CR8_LOAD_EXITING | VMX_PROC_CR8_STORE_EXITING)
#define VMX_PROC_OPTIONAL	(VMX_PROC_TPR_SHADOW | VMX_PROC_CR8_EXITS)
#define VMX_PROC2_REQUIRED	(VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED)
#define VMX_PROC2_OPTIONAL	(VMX_PROC2_VPID | VMX_PROC2_RDTSCP | VMX_PROC2_INVPCID | \
				 VMX_PROC2_XSAVES)
#define VMX_EXIT_REQUIRED	(VMX_EXIT_HOST_64BIT | VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT | \
				 VMX_EXIT_SAVE_EFER | VMX_EXIT_LOAD_EFER)
#define VMX_ENTRY_REQUIRED	(VMX_ENTRY_LOAD_PAT | VMX_ENTRY_LOAD_EFER | VMX_ENTRY_IA32E_GUEST)
#define VMX_EPT_REQUIRED	(VMX_EPT_CAP_WALK4 | VMX_EPT_CAP_WB | VMX_EPT_CAP_UC | \
				 VMX_EPT_CAP_2M | VMX_EPT_CAP_INVEPT)

/* vmx_cpu_controls: every control word from its capability MSR (the
 * "true" ones where IA32_VMX_BASIC says they exist, appendix A.2);
 * *why names the first control missing. */
static int vmx_cpu_controls(uint64_t basic, const char **why)
{
	bool true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	uint32_t missing;
	uint64_t proc_cap, proc2_cap = 0;

	if (vmx_caps_adjust(rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED : MSR_IA32_VMX_PINBASED),
			    VMX_PIN_REQUIRED, VMX_PIN_OPTIONAL, &vmx_caps.pin, &missing)) {
		*why = "this CPU's VT-x has no NMI exiting with virtual NMIs";
		return -ENODEV;
	}
	proc_cap = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED : MSR_IA32_VMX_PROCBASED);
	if (vmx_caps_adjust(proc_cap, VMX_PROC_REQUIRED, VMX_PROC_OPTIONAL, &vmx_caps.proc,
			    &missing) ||
	    (!(vmx_caps.proc & VMX_PROC_TPR_SHADOW) &&
	     (vmx_caps.proc & VMX_PROC_CR8_EXITS) != VMX_PROC_CR8_EXITS)) {
		*why = "this CPU's VT-x lacks I/O or MSR bitmaps, secondary controls or CR8 exits";
		return -ENODEV;
	}
	if (vmx_caps.proc & VMX_PROC_TPR_SHADOW)	/* the must-be-1 bits stay */
		vmx_caps.proc &= ~(VMX_PROC_CR8_EXITS & ~(uint32_t)proc_cap);
	proc2_cap = rdmsr(MSR_IA32_VMX_PROCBASED2);
	if (vmx_caps_adjust(proc2_cap, VMX_PROC2_REQUIRED, VMX_PROC2_OPTIONAL, &vmx_caps.proc2,
			    &missing)) {
		*why = missing & VMX_PROC2_EPT ? "this CPU's VT-x has no EPT"
					       : "this CPU's VT-x has no unrestricted guest";
		return -ENODEV;
	}
	if (vmx_caps_adjust(rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_EXIT : MSR_IA32_VMX_EXIT),
			    VMX_EXIT_REQUIRED, 0, &vmx_caps.exit, &missing) ||
	    vmx_caps_adjust(rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY : MSR_IA32_VMX_ENTRY),
			    VMX_ENTRY_REQUIRED, 0, &vmx_caps.entry, &missing)) {
		*why = "this CPU's VT-x cannot switch EFER and PAT on entry and exit";
		return -ENODEV;
	}
	vmx_caps.entry &= ~VMX_ENTRY_IA32E_GUEST;	/* per guest, from its EFER.LMA */
	vmx_caps.ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	if ((vmx_caps.ept_vpid & VMX_EPT_REQUIRED) != VMX_EPT_REQUIRED ||
	    !(vmx_caps.ept_vpid & (VMX_EPT_CAP_INVEPT_SINGLE | VMX_EPT_CAP_INVEPT_ALL))) {
		*why = "this CPU's EPT lacks 4-level write-back tables, 2 MiB pages or INVEPT";
		return -ENODEV;
	}
	vmx_caps.invept_single = vmx_caps.ept_vpid & VMX_EPT_CAP_INVEPT_SINGLE;
	vmx_caps.vpid = vmx_caps.proc2 & VMX_PROC2_VPID;
	vmx_caps.preempt_shift = VMX_MISC_PREEMPT_SHIFT(rdmsr(MSR_IA32_VMX_MISC));
	return 0;
}

bool vmx_cpu_probe(const struct cpu_features *f, char *facts, size_t size, const char **why)
{
	struct cpuid_regs r;
	uint64_t basic;
	bool vmx = false;
	int ret;

	if (strcmp(f->vendor, "GenuineIntel") == 0 && f->max_leaf >= 1) {
		cpuid_count(1, 0, &r);
		vmx = r.ecx & CPUID1_ECX_VMX;
	}
	snprintf(facts, size, "VMX %s", vmx ? "yes" : "no");
	if (strcmp(f->vendor, "GenuineIntel") != 0)
		return false;
	if (!vmx) {
		*why = "this CPU has no Intel VT-x (VMX)";
		return false;
	}
	if (vmx_caps_feature_control(rdmsr(MSR_IA32_FEATURE_CONTROL)) == VMX_FC_LOCKED_OFF) {
		*why = "Intel VT-x is disabled by the firmware (IA32_FEATURE_CONTROL locked with "
		       "VMX off: turn it on in the firmware setup)";
		return false;
	}
	basic = rdmsr(MSR_IA32_VMX_BASIC);
	if (VMX_BASIC_REGION_SIZE(basic) > PAGE_ALLOC_PAGE_SIZE ||
	    VMX_BASIC_MEMTYPE(basic) != 6 || (basic & VMX_BASIC_ADDR32)) {
		*why = "this CPU's VMCS is not a write-back page anywhere in memory";
		return false;
	}
	vmx_caps.revision = VMX_BASIC_REVISION(basic);
	ret = vmx_cpu_controls(basic, why);
	snprintf(facts, size, "VMX yes, EPT %s, VPID %s, unrestricted guest %s, "
		 "preemption timer %s, TPR shadow %s",
		 vmx_caps.proc2 & VMX_PROC2_EPT ? "yes" : "no", vmx_caps.vpid ? "yes" : "no",
		 vmx_caps.proc2 & VMX_PROC2_UNRESTRICTED ? "yes" : "no",
		 vmx_caps.pin & VMX_PIN_PREEMPT_TIMER ? "yes" : "no",
		 vmx_caps.proc & VMX_PROC_TPR_SHADOW ? "yes" : "no");
	if (ret)
		return false;
	vmx_caps.cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	vmx_caps.cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	vmx_caps.cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	vmx_caps.cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	return true;
}

const struct vmx_cpu_caps *vmx_cpu_caps(void)
{
	return &vmx_caps;
}

int vmx_cpu_init(unsigned int cpu)
{
	uint32_t *region = page_alloc_zeroed(0, &vmx_cpu_vmxon_pa[cpu]);

	if (!region)
		return -ENOMEM;
	region[0] = vmx_caps.revision;	/* §24.11.5 */
	return 0;
}

/* vmx_cpu_record_host: the descriptor tables, TSS, GS base and control
 * registers this CPU runs with, for the host fields (§24.5). */
static void vmx_cpu_record_host(struct vmx_cpu_host *h)
{
	struct desc_ptr gdtr, idtr;
	const uint64_t *gdt;

	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	gdt = (const uint64_t *)(uintptr_t)gdtr.base;
	h->gdtr_base = gdtr.base;
	h->idtr_base = idtr.base;
	/* The TSS descriptor's base: bits 16-39 and 56-63, then the next slot. */
	h->tr_base = ((gdt[GDT_SEL_TSS / 8] >> 16) & 0xffffff) |
		     (((gdt[GDT_SEL_TSS / 8] >> 56) & 0xff) << 24) | (gdt[GDT_SEL_TSS / 8 + 1] << 32);
	h->gs_base = rdmsr(VMX_CPU_MSR_GS_BASE);
	h->cr0 = read_cr0();
	h->cr3 = read_cr3();
	h->cr4 = read_cr4();
	h->efer = rdmsr(MSR_EFER);
	h->pat = rdmsr(MSR_PAT);
	h->current = NULL;
}

void vmx_cpu_enable(unsigned int cpu)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (vmx_caps_feature_control(fc) == VMX_FC_UNLOCKED)
		wrmsr(MSR_IA32_FEATURE_CONTROL,
		      fc | FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMX_OUTSIDE_SMX);
	else if (vmx_caps_feature_control(fc) == VMX_FC_LOCKED_OFF)
		panic("cpu%u: VT-x locked off by the firmware (IA32_FEATURE_CONTROL %#llx) "
		      "while the boot CPU has it on", cpu, (unsigned long long)fc);
	write_cr0(vmx_caps_fixed(read_cr0(), vmx_caps.cr0_fixed0, vmx_caps.cr0_fixed1, 0));
	write_cr4(vmx_caps_fixed(read_cr4() | VMX_CPU_CR4_VMXE, vmx_caps.cr4_fixed0,
				 vmx_caps.cr4_fixed1, 0));
	if (!vmx_vmxon(vmx_cpu_vmxon_pa[cpu]))
		panic("cpu%u: VMXON failed", cpu);
	vmx_cpu_record_host(&vmx_cpu_hosts[cpu]);
}

struct vmx_cpu_host *vmx_cpu_host(void)
{
	return &vmx_cpu_hosts[smp_this_cpu()];
}
