/* Intel VT-x guest state: start states, control-register and XSETBV exits. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/processor.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/hvm/vmx/vmcs.h>
#include <arch/x86/hvm/vmx/vmx.h>
#include <arch/x86/hvm/vmx/vmx_caps.h>
#include <arch/x86/hvm/vmx/vmx_cpu.h>
#include <arch/x86/hvm/vmx/vmx_exit.h>
#include <arch/x86/hvm/vmx/vmx_insn.h>
#include <arch/x86/vdev/vlapic.h>

#define VMX_CR0_TS		(1ull << 3)
#define VMX_CR0_NW		(1ull << 29)
#define VMX_CR0_CD		(1ull << 30)
#define VMX_CR4_PAE		(1ull << 5)
#define VMX_CR4_VMXE		(1ull << 13)
#define VMX_XCR0_X87		(1ull << 0)
#define VMX_XCR0_SSE		(1ull << 1)
#define VMX_XCR0_AVX		(1ull << 2)
#define VMX_XCR0_AVX512		(7ull << 5)

/* With unrestricted guest the guest may run with paging or protection
 * off whatever CR0_FIXED0 says (§26.3.1.1). */
#define VMX_CR0_UNRESTRICTED	(X86_CR0_PE | X86_CR0_PG)

static void vmx_guest_write_seg(unsigned int seg, const struct vmx_seg *s)
{
	vmx_vmwrite(VMCS_GUEST_ES_SEL + 2 * seg, s->sel);
	vmx_vmwrite(VMCS_GUEST_ES_AR + 2 * seg, s->ar);
	vmx_vmwrite(VMCS_GUEST_ES_LIMIT + 2 * seg, s->limit);
	vmx_vmwrite(VMCS_GUEST_ES_BASE + 2 * seg, s->base);
}

uint64_t vmx_guest_cr0_mask(void)
{
	const struct vmx_cpu_caps *c = vmx_cpu_caps();

	return ((c->cr0_fixed0 | ~c->cr0_fixed1) & 0xffffffffull & ~(uint64_t)VMX_CR0_UNRESTRICTED) |
	       X86_CR0_PG;
}

uint64_t vmx_guest_cr4_mask(void)
{
	const struct vmx_cpu_caps *c = vmx_cpu_caps();

	return (c->cr4_fixed0 | ~c->cr4_fixed1) & 0xffffffffull;
}

/* The real CR0/CR4 for what the guest wants, VMX's fixed bits applied. */
static uint64_t vmx_guest_real_cr0(uint64_t cr0)
{
	const struct vmx_cpu_caps *c = vmx_cpu_caps();

	return vmx_caps_fixed(cr0, c->cr0_fixed0, c->cr0_fixed1, VMX_CR0_UNRESTRICTED);
}

static uint64_t vmx_guest_real_cr4(uint64_t cr4)
{
	const struct vmx_cpu_caps *c = vmx_cpu_caps();

	return vmx_caps_fixed(cr4, c->cr4_fixed0, c->cr4_fixed1, 0);
}

/* vmx_guest_set_efer: EFER and the entry control that must agree with
 * its LMA (§26.2.4). */
static void vmx_guest_set_efer(struct vmx_vcpu *x, uint64_t efer)
{
	x->efer = efer;
	if (efer & EFER_LMA)
		x->entry_controls |= VMX_ENTRY_IA32E_GUEST;
	else
		x->entry_controls &= ~VMX_ENTRY_IA32E_GUEST;
	vmx_vmwrite(VMCS_GUEST_EFER, efer);
	vmx_vmwrite(VMCS_ENTRY_CONTROLS, x->entry_controls);
}

void vmx_guest_reset(struct vmx_vcpu *x)
{
	static const struct vmx_seg ldtr = { 0, VMCS_AR_UNUSABLE, 0xffff, 0 };
	static const struct vmx_seg tr = { 0, 0x8b, 0xffff, 0 };	/* busy TSS */
	unsigned int seg;

	vmx_guest_write_seg(VMCS_CS, &x->start_code);
	for (seg = VMCS_ES; seg <= VMCS_GS; seg++)
		if (seg != VMCS_CS)
			vmx_guest_write_seg(seg, &x->start_data);
	vmx_guest_write_seg(VMCS_LDTR, &ldtr);
	vmx_guest_write_seg(VMCS_TR, &tr);
	vmx_vmwrite(VMCS_GUEST_GDTR_BASE, 0);
	vmx_vmwrite(VMCS_GUEST_GDTR_LIMIT, 0xffff);
	vmx_vmwrite(VMCS_GUEST_IDTR_BASE, 0);
	vmx_vmwrite(VMCS_GUEST_IDTR_LIMIT, 0xffff);
	x->cr0 = x->start_cr0;
	x->cr4 = 0;
	x->cr2 = 0;
	vmx_vmwrite(VMCS_GUEST_CR0, vmx_guest_real_cr0(x->cr0));
	vmx_vmwrite(VMCS_CR0_SHADOW, x->cr0);
	vmx_vmwrite(VMCS_GUEST_CR4, vmx_guest_real_cr4(x->cr4));
	vmx_vmwrite(VMCS_CR4_SHADOW, x->cr4);
	vmx_vmwrite(VMCS_GUEST_CR3, 0);
	x->guest_cr3 = 0;
	vmx_guest_set_efer(x, 0);
	vmx_vmwrite(VMCS_GUEST_DR7, 0x400);
	vmx_vmwrite(VMCS_GUEST_DEBUGCTL, 0);
	vmx_vmwrite(VMCS_GUEST_PAT, X86_PAT_POWER_ON);
	vmx_vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	vmx_vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	vmx_vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	vmx_vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmx_vmwrite(VMCS_GUEST_ACTIVITY, 0);
	vmx_vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	x->interruptibility = 0;
	x->event = 0;
	x->nmi_waiting = false;
	x->cs = x->start_code;
	x->ss_ar = x->start_data.ar;
	x->start_pending = false;
}

/* vmx_guest_queue_gp: #GP(0) at the next entry. */
static void vmx_guest_queue_gp(struct vmx_vcpu *x)
{
	x->event = 13 | (VMX_INTR_TYPE_HW_EXCEPTION << 8) | VMX_INTR_ERROR_VALID | VMX_INTR_VALID;
	x->event_error = 0;
}

/* vmx_guest_refuse: #GP for the instruction that exited, with a line in
 * the log naming it (a guest that stops early shows why). */
static void vmx_guest_refuse(struct vcpu *v, const char *what, unsigned int n, uint64_t val)
{
	printk(PRINTK_INFO | PRINTK_LOG_ONLY, "%s vcpu%u: %s%u %#llx refused (#GP) at RIP %#llx\n",
	       domain_label(v->domain), v->id, what, n, (unsigned long long)val,
	       (unsigned long long)v->regs.rip);
	vmx_guest_queue_gp(vmx_of(v));
}

/* MOV to CR0, CLTS, LMSW: the checks of SDM vol. 3 §2.5 and §10.8.5 that
 * VMX leaves to us for the bits we own, and long mode switched with
 * paging (EFER.LMA, the IA-32e entry control). 0 or -1 for #GP. */
static int vmx_guest_write_cr0(struct vmx_vcpu *x, uint64_t val)
{
	if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & VMX_CR0_NW) && !(val & VMX_CR0_CD)))
		return -1;
	val |= X86_CR0_ET;
	if ((val & X86_CR0_PG) && !(x->cr0 & X86_CR0_PG) && (x->efer & EFER_LME)) {
		if (!(x->cr4 & VMX_CR4_PAE))
			return -1;
		vmx_guest_set_efer(x, x->efer | EFER_LMA);
	} else if (!(val & X86_CR0_PG) && (x->efer & EFER_LMA)) {
		vmx_guest_set_efer(x, x->efer & ~(uint64_t)EFER_LMA);
	}
	x->cr0 = val;
	vmx_vmwrite(VMCS_CR0_SHADOW, val);
	vmx_vmwrite(VMCS_GUEST_CR0, vmx_guest_real_cr0(val));
	return 0;
}

/* MOV to CR4: no VMX for guests; bits the CPU lacks and PAE off in long
 * mode fault. */
static int vmx_guest_write_cr4(struct vmx_vcpu *x, uint64_t val)
{
	if ((val & VMX_CR4_VMXE) || (val & ~vmx_cpu_caps()->cr4_fixed1) ||
	    ((x->efer & EFER_LMA) && !(val & VMX_CR4_PAE)))
		return -1;
	x->cr4 = val;
	vmx_vmwrite(VMCS_CR4_SHADOW, val);
	vmx_vmwrite(VMCS_GUEST_CR4, vmx_guest_real_cr4(val));
	return 0;
}

/* CR8 is the vLAPIC's TPR bits 7:4 (SDM vol. 3 §10.8.6.1). */
static int vmx_guest_write_cr(struct vcpu *v, struct vmx_vcpu *x, unsigned int cr, uint64_t val)
{
	switch (cr) {
	case 0:
		return vmx_guest_write_cr0(x, val);
	case 3:
		vmx_vmwrite(VMCS_GUEST_CR3, val);
		x->guest_cr3 = val;
		x->flush = true;	/* its TLB entries go, as on the CPU */
		return 0;
	case 4:
		return vmx_guest_write_cr4(x, val);
	case 8:
		if (val > 15)
			return -1;
		return vlapic_mmio_write(v->lapic, v->lapic_page + VLAPIC_TPR, 4, val << 4) ? -1 : 0;
	}
	return -1;
}

static uint64_t vmx_guest_read_cr(struct vcpu *v, struct vmx_vcpu *x, unsigned int cr)
{
	if (cr == 3)
		return vmx_vmread(VMCS_GUEST_CR3);
	return (vlapic_reg(v->lapic, VLAPIC_TPR) >> 4) & 15;	/* CR8 */
}

void vmx_guest_cr(struct vcpu *v, uint64_t qual, uint32_t len)
{
	struct vmx_vcpu *x = vmx_of(v);
	struct vmx_cr_access a;
	uint64_t *reg, val = 0;
	int ret = 0;

	vmx_exit_cr(qual, &a);
	reg = vmx_exit_gpr(&v->regs, a.gpr);
	switch (a.type) {
	case VMX_CR_MOV_TO:
		val = *reg;
		/* Outside 64-bit mode the operand is 32 bits (§3.2 of vol. 2 MOV). */
		if (!(x->efer & EFER_LMA) || !(x->cs.ar & VMCS_AR_L))
			val = (uint32_t)val;
		ret = vmx_guest_write_cr(v, x, a.cr, val);
		break;
	case VMX_CR_MOV_FROM:
		*reg = vmx_guest_read_cr(v, x, a.cr);
		break;
	case VMX_CR_CLTS:
		val = x->cr0 & ~VMX_CR0_TS;
		ret = vmx_guest_write_cr0(x, val);
		break;
	case VMX_CR_LMSW:
		/* The low four bits; LMSW sets PE but never clears it. */
		val = (x->cr0 & ~0xeull) | (a.lmsw & 0xf) | (x->cr0 & X86_CR0_PE);
		ret = vmx_guest_write_cr0(x, val);
		break;
	}
	if (ret)
		vmx_guest_refuse(v, "write of CR", a.cr, val);
	else
		v->regs.rip += len;
}

void vmx_guest_xsetbv(struct vcpu *v, uint32_t len)
{
	struct vmx_vcpu *x = vmx_of(v);
	uint64_t val = ((uint64_t)(uint32_t)v->regs.rdx << 32) | (uint32_t)v->regs.rax;
	struct cpuid_regs r;

	cpuid_count(0xd, 0, &r);
	/* §13.3 of vol. 1: XCR0 index 0 only, x87 always, AVX with SSE,
	 * the AVX-512 states together and with AVX, what the CPU has. */
	if ((uint32_t)v->regs.rcx != 0 || VMCS_AR_DPL(x->ss_ar) != 0 || !(val & VMX_XCR0_X87) ||
	    (val & ~(((uint64_t)r.edx << 32) | r.eax)) ||
	    ((val & VMX_XCR0_AVX) && !(val & VMX_XCR0_SSE)) ||
	    ((val & VMX_XCR0_AVX512) && ((val & VMX_XCR0_AVX512) != VMX_XCR0_AVX512 ||
					 !(val & VMX_XCR0_AVX)))) {
		vmx_guest_refuse(v, "XSETBV of XCR", (uint32_t)v->regs.rcx, val);
		return;
	}
	__asm__ volatile("xsetbv" : : "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(0));
	v->regs.rip += len;
}
