/* Intel VT-x exits decoded: reasons and qualifications into vendor-neutral terms. */
#include <stdbool.h>
#include <stdint.h>

#include "lib.h"
#include "arch/x86/hvm/vcpu.h"
#include "arch/x86/hvm/vmx/vmcs.h"
#include "arch/x86/hvm/vmx/vmx_exit.h"

/* The reasons that decode to a fixed vcpu_exit reason and, where the
 * instruction completes, advance RIP by its length. */
static const struct {
	uint16_t vmx;
	uint8_t reason;
	bool advance;
} vmx_exit_simple[] = {
	{ VMX_EXIT_EXTERNAL_INTR, VCPU_EXIT_INTR, false },
	/* The backstop (vmx.c): the host takes what interrupts are pending. */
	{ VMX_EXIT_PREEMPT_TIMER, VCPU_EXIT_INTR, false },
	/* CR8 lowered in the TPR shadow below a waiting vector's class. */
	{ VMX_EXIT_TPR_BELOW_THRESHOLD, VCPU_EXIT_IRQ_WINDOW, false },
	{ VMX_EXIT_TRIPLE_FAULT, VCPU_EXIT_SHUTDOWN, false },
	{ VMX_EXIT_IRQ_WINDOW, VCPU_EXIT_IRQ_WINDOW, false },
	{ VMX_EXIT_NMI_WINDOW, VCPU_EXIT_IRQ_WINDOW, false },
	{ VMX_EXIT_CPUID, VCPU_EXIT_CPUID, true },
	{ VMX_EXIT_HLT, VCPU_EXIT_HLT, true },
	{ VMX_EXIT_INVD, VCPU_EXIT_INVD, true },
	{ VMX_EXIT_VMCALL, VCPU_EXIT_HYPERCALL, true },
	{ VMX_EXIT_RDMSR, VCPU_EXIT_MSR_READ, true },
	{ VMX_EXIT_WRMSR, VCPU_EXIT_MSR_WRITE, true },
	{ VMX_EXIT_CR_ACCESS, VCPU_EXIT_NONE, false },
	{ VMX_EXIT_XSETBV, VCPU_EXIT_NONE, false },
	/* The VMX instructions, GETSEC, INVEPT/INVVPID, VMFUNC: #UD. */
	{ VMX_EXIT_GETSEC, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_VMCLEAR, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_VMLAUNCH, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_VMPTRLD, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_VMPTRST, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_VMREAD, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_VMRESUME, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_VMWRITE, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_VMXOFF, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_VMXON, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_INVEPT, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_INVVPID, VCPU_EXIT_VIRT_INSN, false },
	{ VMX_EXIT_VMFUNC, VCPU_EXIT_VIRT_INSN, false },
};

void vmx_exit_decode(const struct vmx_exit_info *x, struct vcpu_exit *e)
{
	unsigned int reason = VMX_EXIT_REASON(x->reason), i;

	memset(e, 0, sizeof(*e));
	e->raw_code = x->reason;
	e->raw_info1 = x->qual;
	e->raw_info2 = reason == VMX_EXIT_EPT_VIOLATION ? x->gpa : x->intr_info;
	e->reason = VCPU_EXIT_UNKNOWN;
	if (x->reason & VMX_EXIT_FAILED_ENTRY) {
		e->reason = VCPU_EXIT_ENTRY_FAILED;
		return;
	}
	for (i = 0; i < LIB_ARRAY_SIZE(vmx_exit_simple); i++) {
		if (vmx_exit_simple[i].vmx != reason)
			continue;
		e->reason = vmx_exit_simple[i].reason;
		if (vmx_exit_simple[i].advance)
			e->next_rip = x->rip + x->insn_len;
		return;
	}
	switch (reason) {
	case VMX_EXIT_EXCEPTION_NMI:
		/* Only NMIs exit (the exception bitmap is empty): the host's. */
		if (VMX_INTR_TYPE(x->intr_info) == VMX_INTR_TYPE_NMI)
			e->reason = VCPU_EXIT_NONE;
		break;
	case VMX_EXIT_IO:
		e->reason = VCPU_EXIT_IO;
		e->io.port = VMX_IO_PORT(x->qual);
		e->io.size = (uint8_t)VMX_IO_SIZE(x->qual);
		e->io.in = x->qual & VMX_IO_IN;
		e->io.string = x->qual & VMX_IO_STRING;
		e->io.rep = x->qual & VMX_IO_REP;
		e->next_rip = x->rip + x->insn_len;
		break;
	case VMX_EXIT_EPT_VIOLATION:
		e->reason = VCPU_EXIT_NPF;
		e->gpa = x->gpa;
		e->write = x->qual & VMX_EPT_WRITE;
		break;
	}
}

void vmx_exit_cr(uint64_t qual, struct vmx_cr_access *a)
{
	a->cr = VMX_CR_NUMBER(qual);
	a->type = VMX_CR_ACCESS_TYPE(qual);
	a->gpr = VMX_CR_GPR(qual);
	a->lmsw = VMX_CR_LMSW_DATA(qual);
}

uint64_t *vmx_exit_gpr(struct cpu_regs *r, unsigned int n)
{
	uint64_t *const gprs[16] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
		&r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
	};

	return gprs[n & 15];
}
