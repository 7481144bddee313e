/* Intel VT-x (VMX) vendor ops: VMCS set-up, intercepts, world switch, events. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "heap.h"
#include "lib.h"
#include "page_alloc.h"
#include "panic.h"
#include "printk.h"
#include <arch/x86/desc.h>
#include <arch/x86/emul/mmio_emulate.h>
#include <arch/x86/processor.h>
#include <arch/x86/time.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/hvm/vmx/ept.h>
#include <arch/x86/hvm/vmx/vmcs.h>
#include <arch/x86/hvm/vmx/vmx.h>
#include <arch/x86/hvm/vmx/vmx_caps.h>
#include <arch/x86/hvm/vmx/vmx_cpu.h>
#include <arch/x86/hvm/vmx/vmx_exit.h>
#include <arch/x86/hvm/vmx/vmx_insn.h>
#include <arch/x86/vdev/vlapic.h>

#define VMX_IO_BITMAP_ORDER	1	/* A and B (§24.6.4) */
#define VMX_MSR_RDTSCP_HIDE	(1u << 27)	/* CPUID 0x80000001 EDX */
#define VMX_CPUID7_INVPCID	(1u << 10)	/* CPUID 7 EBX */
#define VMX_BACKSTOP_US		500	/* a guest runs at most this long without an exit */

int vmx_enter(struct cpu_regs *regs, int launched);
extern const char vmx_exit_point[];

static const uint32_t vmx_lazy_msr_index[VMX_LAZY_MSRS] = {
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000102,
};

static uint16_t vmx_next_vpid;	/* atomics */

/* MSR bitmap (§24.6.9): read bits for 0-0x1fff at 0, for
 * 0xc0000000-0xc0001fff at 1 KiB; the write bits 2 KiB further. */
static void vmx_msr_bits(struct vmx_vcpu *x, uint32_t msr, bool read, bool write, bool set)
{
	uint32_t base;

	if (msr <= 0x1fff)
		base = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		base = 1024, msr -= 0xc0000000;
	else
		return;	/* outside the map: always exits */
	if (read && set)
		x->msr_bitmap[base + msr / 8] |= 1u << (msr % 8);
	else if (read)
		x->msr_bitmap[base + msr / 8] &= ~(1u << (msr % 8));
	if (write && set)
		x->msr_bitmap[base + 2048 + msr / 8] |= 1u << (msr % 8);
	else if (write)
		x->msr_bitmap[base + 2048 + msr / 8] &= ~(1u << (msr % 8));
}

static void vmx_intercept_msr(struct vcpu *v, uint32_t msr, bool read, bool write)
{
	vmx_msr_bits(vmx_of(v), msr, read, write, true);
}

static void vmx_intercept_io(struct vcpu *v, uint16_t port, unsigned int count)
{
	uint8_t *bm = vmx_of(v)->io_bitmap;
	unsigned int p;

	for (p = port; p < (unsigned int)port + count && p < 0x10000; p++)
		bm[p / 8] |= 1u << (p % 8);
}

static void vmx_isolate(struct vcpu *v)
{
	struct vmx_vcpu *x = vmx_of(v);
	unsigned int i;

	memset(x->io_bitmap, 0xff, PAGE_ALLOC_PAGE_SIZE << VMX_IO_BITMAP_ORDER);
	memset(x->msr_bitmap, 0xff, PAGE_ALLOC_PAGE_SIZE);
	for (i = 0; i < vcpu_nr_guest_msrs; i++)
		vmx_msr_bits(x, vcpu_guest_msrs[i], true, true, false);
}

static void vmx_free_pages(struct vmx_vcpu *x)
{
	if (x->vapic)
		page_alloc_free_pages(x->vapic_pa, 0);
	if (x->msr_bitmap)
		page_alloc_free_pages(x->msr_bitmap_pa, 0);
	if (x->io_bitmap)
		page_alloc_free_pages(x->io_bitmap_pa, VMX_IO_BITMAP_ORDER);
	if (x->vmcs)
		page_alloc_free_pages(x->vmcs_pa, 0);
	heap_free(x);
}

/* vmx_vcpu_init: VMCS (cleared: launch state "clear", §24.1), I/O and
 * MSR bitmaps, a VPID, and the MSR intercepts every guest has: EFER
 * writes (long mode follows CR0.PG, vmx_guest.c) and the VMX MSRs. */
static int vmx_vcpu_init(struct vcpu *v)
{
	struct vmx_vcpu *x = heap_zalloc(sizeof(*x));
	uint32_t *vmcs, msr;

	if (!x)
		return -ENOMEM;
	vmcs = page_alloc_zeroed(0, &x->vmcs_pa);
	x->vmcs = vmcs;
	x->io_bitmap = page_alloc_zeroed(VMX_IO_BITMAP_ORDER, &x->io_bitmap_pa);
	x->msr_bitmap = page_alloc_zeroed(0, &x->msr_bitmap_pa);
	if (vmx_cpu_caps()->proc & VMX_PROC_TPR_SHADOW)
		x->vapic = page_alloc_zeroed(0, &x->vapic_pa);
	if (!vmcs || !x->io_bitmap || !x->msr_bitmap ||
	    (!x->vapic && (vmx_cpu_caps()->proc & VMX_PROC_TPR_SHADOW))) {
		vmx_free_pages(x);
		return -ENOMEM;
	}
	vmcs[0] = vmx_cpu_caps()->revision;
	if (!vmx_vmclear(x->vmcs_pa)) {
		vmx_free_pages(x);
		return -EIO;
	}
	if (vmx_cpu_caps()->vpid)	/* 1-65535; 0 is the host's */
		x->vpid = (uint16_t)(__atomic_fetch_add(&vmx_next_vpid, 1, __ATOMIC_RELAXED) % 65535 + 1);
	x->offered = x->injected = x->taken = -1;
	x->entry_controls = vmx_cpu_caps()->entry;
	v->vendor = x;
	vmx_msr_bits(x, MSR_EFER, false, true, true);
	vmx_msr_bits(x, MSR_IA32_FEATURE_CONTROL, true, true, true);
	for (msr = MSR_IA32_VMX_BASIC; msr <= MSR_IA32_VMX_VMFUNC; msr++)
		vmx_msr_bits(x, msr, true, true, true);
	return 0;
}

static void vmx_vcpu_free(struct vcpu *v)
{
	vmx_free_pages(vmx_of(v));
	v->vendor = NULL;
}

/* vmx_write_controls: the fields that stay for the VMCS's life (§24.6-24.8). */
static void vmx_write_controls(struct vmx_vcpu *x)
{
	const struct vmx_cpu_caps *c = vmx_cpu_caps();

	vmx_vmwrite(VMCS_PIN_CONTROLS, c->pin);
	vmx_vmwrite(VMCS_PROC_CONTROLS, c->proc);
	vmx_vmwrite(VMCS_PROC_CONTROLS2, c->proc2);
	vmx_vmwrite(VMCS_EXIT_CONTROLS, c->exit);
	vmx_vmwrite(VMCS_ENTRY_CONTROLS, x->entry_controls);
	vmx_vmwrite(VMCS_EXCEPTION_BITMAP, 0);
	vmx_vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	vmx_vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmx_vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmx_vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmx_vmwrite(VMCS_IO_BITMAP_A, x->io_bitmap_pa);
	vmx_vmwrite(VMCS_IO_BITMAP_B, x->io_bitmap_pa + PAGE_ALLOC_PAGE_SIZE);
	vmx_vmwrite(VMCS_MSR_BITMAP, x->msr_bitmap_pa);
	if (x->vapic)
		vmx_vmwrite(VMCS_VIRTUAL_APIC_ADDR, x->vapic_pa);
	if (c->vpid)
		vmx_vmwrite(VMCS_VPID, x->vpid);
	vmx_vmwrite(VMCS_LINK_POINTER, ~0ull);
	vmx_vmwrite(VMCS_CR0_MASK, vmx_guest_cr0_mask());
	vmx_vmwrite(VMCS_CR4_MASK, vmx_guest_cr4_mask());
	vmx_vmwrite(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_point);
	vmx_vmwrite(VMCS_HOST_CS_SEL, GDT_SEL_CODE64);
	vmx_vmwrite(VMCS_HOST_SS_SEL, GDT_SEL_DATA);
	vmx_vmwrite(VMCS_HOST_DS_SEL, GDT_SEL_DATA);
	vmx_vmwrite(VMCS_HOST_ES_SEL, GDT_SEL_DATA);
	vmx_vmwrite(VMCS_HOST_FS_SEL, 0);
	vmx_vmwrite(VMCS_HOST_GS_SEL, 0);
	vmx_vmwrite(VMCS_HOST_TR_SEL, GDT_SEL_TSS);
	vmx_vmwrite(VMCS_HOST_FS_BASE, 0);
	vmx_vmwrite(VMCS_HOST_SYSENTER_CS, 0);
	vmx_vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
	vmx_vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
	x->controls_written = true;
}

/* vmx_load: make x's VMCS current on this CPU (h), with this CPU's host
 * state, and x's lazily switched MSRs in the CPU. */
static void vmx_load(struct vmx_vcpu *x, struct vmx_cpu_host *h)
{
	unsigned int i;

	if (!vmx_vmptrld(x->vmcs_pa))
		panic("VMPTRLD of a vCPU's VMCS failed");
	h->current = x;
	if (!x->controls_written)
		vmx_write_controls(x);
	vmx_vmwrite(VMCS_HOST_CR0, h->cr0);
	vmx_vmwrite(VMCS_HOST_CR3, h->cr3);
	vmx_vmwrite(VMCS_HOST_CR4, h->cr4);
	vmx_vmwrite(VMCS_HOST_GS_BASE, h->gs_base);
	vmx_vmwrite(VMCS_HOST_TR_BASE, h->tr_base);
	vmx_vmwrite(VMCS_HOST_GDTR_BASE, h->gdtr_base);
	vmx_vmwrite(VMCS_HOST_IDTR_BASE, h->idtr_base);
	vmx_vmwrite(VMCS_HOST_EFER, h->efer);
	vmx_vmwrite(VMCS_HOST_PAT, h->pat);
	for (i = 0; i < VMX_LAZY_MSRS; i++)
		wrmsr(vmx_lazy_msr_index[i], x->lazy_msrs[i]);
}

/* vmx_vcpu_put: this CPU is done with v for now: its lazily switched MSRs
 * saved, its VMCS written back and cleared (§24.11.1), so that any CPU
 * may load it next. */
static void vmx_vcpu_put(struct vcpu *v)
{
	struct vmx_vcpu *x = vmx_of(v);
	struct vmx_cpu_host *h = vmx_cpu_host();
	unsigned int i;

	if (h->current != x)
		return;
	for (i = 0; i < VMX_LAZY_MSRS; i++)
		x->lazy_msrs[i] = rdmsr(vmx_lazy_msr_index[i]);
	vmx_vmclear(x->vmcs_pa);
	h->current = NULL;
	x->launched = false;
}

/* vmx_set_start: the state set_flat32 and set_sipi give, applied at the
 * next entry (vmx_guest_reset); the general registers cleared now. */
static void vmx_set_start(struct vcpu *v, const struct vmx_seg *code, const struct vmx_seg *data,
			  uint64_t cr0)
{
	struct vmx_vcpu *x = vmx_of(v);

	x->start_code = *code;
	x->start_data = *data;
	x->start_cr0 = cr0;
	x->offered = x->injected = x->taken = -1;
	x->window = false;
	x->start_pending = true;
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rflags = X86_RFLAGS_FIXED;
}

/* vmx_set_flat32: the Linux 32-bit boot protocol's state: flat 4 GiB
 * segments __BOOT_CS/__BOOT_DS, CR0.PE only, interrupts off. */
static void vmx_set_flat32(struct vcpu *v, uint32_t eip, uint32_t esi)
{
	static const struct vmx_seg code = { 0x10, 0xc09b, 0xffffffff, 0 };
	static const struct vmx_seg data = { 0x18, 0xc093, 0xffffffff, 0 };

	vmx_set_start(v, &code, &data, X86_CR0_PE | X86_CR0_ET);
	v->regs.rip = eip;
	v->regs.rsi = esi;
}

/* vmx_set_sipi: real mode at vector << 12 with 64 KiB segments, as after
 * INIT and a STARTUP IPI (SDM vol. 3 §8.4.2, table 9-1); unrestricted
 * guest runs it as it is. */
static void vmx_set_sipi(struct vcpu *v, uint8_t vector)
{
	const struct vmx_seg code = { (uint16_t)vector << 8, 0x9b, 0xffff, (uint64_t)vector << 12 };
	static const struct vmx_seg data = { 0, 0x93, 0xffff, 0 };

	vmx_set_start(v, &code, &data, X86_CR0_ET);
	vmx_of(v)->flush = true;
}

static void vmx_set_p2m_root(struct vcpu *v, uint64_t root_pa)
{
	struct vmx_vcpu *x = vmx_of(v);

	x->eptp = ept_pointer(root_pa);
	x->eptp_dirty = true;
	x->flush = true;
}

/* flush_p2m: INVEPT at the next entry, on the CPU that runs v then. */
static void vmx_flush_p2m(struct vcpu *v)
{
	vmx_of(v)->flush = true;
}

/* INVEPT drops the EPT translations and the guest-linear ones combined
 * with them for every VPID (§28.4.3.1). */
static void vmx_flush_now(struct vmx_vcpu *x)
{
	if (vmx_cpu_caps()->invept_single)
		vmx_invept(VMX_INV_SINGLE, x->eptp);
	else
		vmx_invept(VMX_INV_ALL, 0);
	x->flush = false;
}

/*
 * vmx_events_before: the event for this entry (§26.6): one queued
 * (exception, NMI, one cut short), else a waiting NMI if the guest is not
 * blocking NMIs, else the offered interrupt if RFLAGS.IF and no
 * interrupt shadow allow it. What cannot go in now asks for the exit
 * that comes once it can: NMI-window or interrupt-window exiting.
 */
static void vmx_events_before(struct vcpu *v, struct vmx_vcpu *x)
{
	uint32_t proc = vmx_cpu_caps()->proc;
	bool shadow = x->interruptibility & (VMX_BLOCK_STI | VMX_BLOCK_MOV_SS);

	x->injected = -1;
	if (!x->event && x->nmi_waiting && !shadow && !(x->interruptibility & VMX_BLOCK_NMI)) {
		x->event = 2 | (VMX_INTR_TYPE_NMI << 8) | VMX_INTR_VALID;
		x->nmi_waiting = false;
	}
	if (!x->event && x->offered >= 0 && (v->regs.rflags & X86_RFLAGS_IF) && !shadow) {
		x->event = (uint32_t)x->offered | (VMX_INTR_TYPE_EXTERNAL << 8) | VMX_INTR_VALID;
		x->injected = x->offered;
	}
	if (x->nmi_waiting)
		proc |= VMX_PROC_NMI_WINDOW;
	if ((x->offered >= 0 && x->injected < 0) || x->window)
		proc |= VMX_PROC_IRQ_WINDOW;
	vmx_vmwrite(VMCS_PROC_CONTROLS, proc);
	vmx_vmwrite(VMCS_ENTRY_INTR_INFO, x->event);
	if (x->event & VMX_INTR_ERROR_VALID)
		vmx_vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, x->event_error);
	if (VMX_INTR_TYPE(x->event) >= VMX_INTR_TYPE_SW_INTERRUPT)
		vmx_vmwrite(VMCS_ENTRY_INSN_LEN, x->event_len);
	x->event = 0;
}

/*
 * vmx_events_after: an event whose delivery the exit cut short
 * (IDT-vectoring information, §27.2.4) goes in again at the next entry,
 * except the offered interrupt: that one the vLAPIC still holds and
 * offers again. The offered one delivered counts as taken.
 */
static void vmx_events_after(struct vmx_vcpu *x, uint32_t len)
{
	uint32_t idt = x->idt_info;

	x->window = false;
	if ((idt & VMX_INTR_VALID) && VMX_INTR_TYPE(idt) == VMX_INTR_TYPE_EXTERNAL &&
	    (int)VMX_INTR_VECTOR(idt) == x->injected)
		return;
	if (x->injected >= 0) {
		x->taken = x->injected;
		x->offered = -1;
	}
	if (idt & VMX_INTR_VALID) {
		x->event = idt & ~VMX_INTR_NMI_UNBLOCKED;
		x->event_error = (uint32_t)vmx_vmread(VMCS_IDT_VECTORING_ERROR);
		x->event_len = len;
	}
}

/* vmx_read_exit: the exit's information and the guest state the other
 * ops read, copied out of the VMCS. */
static void vmx_read_exit(struct vcpu *v, struct vmx_vcpu *x, struct vmx_exit_info *info)
{
	v->regs.rsp = vmx_vmread(VMCS_GUEST_RSP);
	v->regs.rip = vmx_vmread(VMCS_GUEST_RIP);
	v->regs.rflags = vmx_vmread(VMCS_GUEST_RFLAGS);
	info->reason = (uint32_t)vmx_vmread(VMCS_EXIT_REASON);
	info->qual = vmx_vmread(VMCS_EXIT_QUALIFICATION);
	info->intr_info = (uint32_t)vmx_vmread(VMCS_EXIT_INTR_INFO);
	info->insn_len = (uint32_t)vmx_vmread(VMCS_EXIT_INSN_LEN);
	info->gpa = vmx_vmread(VMCS_GUEST_PHYS_ADDR);
	info->rip = v->regs.rip;
	x->exit_reason = info->reason;
	x->exit_qual = info->qual;
	x->exit_rip = v->regs.rip;
	x->idt_info = (uint32_t)vmx_vmread(VMCS_IDT_VECTORING_INFO);
	x->interruptibility = (uint32_t)vmx_vmread(VMCS_GUEST_INTERRUPTIBILITY);
	x->guest_cr3 = vmx_vmread(VMCS_GUEST_CR3);
	/* The bits the guest owns change without exits: ours from the shadow. */
	x->cr0 = (vmx_vmread(VMCS_GUEST_CR0) & ~vmx_guest_cr0_mask()) |
		 (x->cr0 & vmx_guest_cr0_mask());
	x->cr4 = (vmx_vmread(VMCS_GUEST_CR4) & ~vmx_guest_cr4_mask()) |
		 (x->cr4 & vmx_guest_cr4_mask());
	x->efer = vmx_vmread(VMCS_GUEST_EFER);
	x->cs.sel = (uint16_t)vmx_vmread(VMCS_GUEST_ES_SEL + 2 * VMCS_CS);
	x->cs.ar = (uint32_t)vmx_vmread(VMCS_GUEST_ES_AR + 2 * VMCS_CS);
	x->cs.limit = (uint32_t)vmx_vmread(VMCS_GUEST_ES_LIMIT + 2 * VMCS_CS);
	x->cs.base = vmx_vmread(VMCS_GUEST_ES_BASE + 2 * VMCS_CS);
	x->ss_ar = (uint32_t)vmx_vmread(VMCS_GUEST_ES_AR + 2 * VMCS_SS);
}

/* vmx_handle_own: the exits vmx_exit_decode leaves to the backend. */
static void vmx_handle_own(struct vcpu *v, struct vmx_vcpu *x, const struct vmx_exit_info *info)
{
	switch (VMX_EXIT_REASON(info->reason)) {
	case VMX_EXIT_EXCEPTION_NMI:
		/* A physical NMI while the guest ran: under SVM it reaches
		 * the guest; it does here too. */
		x->nmi_waiting = true;
		break;
	case VMX_EXIT_CR_ACCESS:
		vmx_guest_cr(v, info->qual, info->insn_len);
		break;
	case VMX_EXIT_XSETBV:
		vmx_guest_xsetbv(v, info->insn_len);
		break;
	}
}

/*
 * vmx_arm_backstop: the VMX-preemption timer for VMX_BACKSTOP_US, where
 * the CPU has one. A physical interrupt exits the guest anyway; this
 * bounds the wait where it does not: Bochs 2.7 keeps interrupts masked
 * in a guest entered with RFLAGS.IF clear until the guest changes IF
 * (a domU's kernel decompressing itself held the console UART's
 * interrupt off for 4 s, and typed bytes were lost).
 */
static void vmx_arm_backstop(void)
{
	const struct vmx_cpu_caps *caps = vmx_cpu_caps();
	uint64_t ticks;

	if (!(caps->pin & VMX_PIN_PREEMPT_TIMER))
		return;
	ticks = (time_tsc_khz() * VMX_BACKSTOP_US / 1000) >> caps->preempt_shift;
	vmx_vmwrite(VMCS_GUEST_PREEMPT_TIMER, ticks ? LIB_MIN(ticks, 0xffffffffull) : 1000);
}

/*
 * vmx_tpr_before / vmx_tpr_after: the TPR shadow (SDM vol. 3 §29.1.1),
 * where the CPU has one: the vLAPIC's TPR into the virtual-APIC page
 * before an entry, with the threshold below which a CR8 write exits; the
 * guest's CR8 writes back into the vLAPIC after the exit.
 */
static void vmx_tpr_before(struct vcpu *v, struct vmx_vcpu *x)
{
	if (!x->vapic || !v->lapic)
		return;
	x->vapic[VLAPIC_TPR] = (uint8_t)vlapic_reg(v->lapic, VLAPIC_TPR);
	vmx_vmwrite(VMCS_TPR_THRESHOLD, vlapic_tpr_threshold(v->lapic));
}

static void vmx_tpr_after(struct vcpu *v, struct vmx_vcpu *x)
{
	uint8_t tpr;

	if (!x->vapic || !v->lapic)
		return;
	tpr = x->vapic[VLAPIC_TPR];
	if (tpr != (uint8_t)vlapic_reg(v->lapic, VLAPIC_TPR))
		vlapic_mmio_write(v->lapic, v->lapic_page + VLAPIC_TPR, 4, tpr);
}

/*
 * vmx_run: make v's VMCS current here, apply what changed meanwhile
 * (start state, EPT pointer, flush), put the event in, switch worlds and
 * decode the exit. Physical interrupts exit (external-interrupt exiting,
 * not acknowledged: §24.7.1) and stay pending in the LAPIC until
 * vmx_host_irqs() lets the hypervisor's IDT take them.
 */
static void vmx_run(struct vcpu *v, struct vcpu_exit *exit)
{
	struct vmx_vcpu *x = vmx_of(v);
	struct vmx_cpu_host *h = vmx_cpu_host();
	struct vmx_exit_info info;

	if (h->current != x)
		vmx_load(x, h);
	if (x->start_pending)
		vmx_guest_reset(x);
	if (x->eptp_dirty) {
		vmx_vmwrite(VMCS_EPT_POINTER, x->eptp);
		x->eptp_dirty = false;
	}
	if (x->flush)
		vmx_flush_now(x);
	/* An instruction the hypervisor completed ends the STI/MOV SS shadow. */
	if (v->regs.rip != x->exit_rip && (x->interruptibility & (VMX_BLOCK_STI | VMX_BLOCK_MOV_SS))) {
		x->interruptibility &= ~(VMX_BLOCK_STI | VMX_BLOCK_MOV_SS);
		vmx_vmwrite(VMCS_GUEST_INTERRUPTIBILITY, x->interruptibility);
	}
	vmx_vmwrite(VMCS_GUEST_RSP, v->regs.rsp);
	vmx_vmwrite(VMCS_GUEST_RIP, v->regs.rip);
	vmx_vmwrite(VMCS_GUEST_RFLAGS, v->regs.rflags);
	vmx_events_before(v, x);
	vmx_tpr_before(v, x);
	vmx_arm_backstop();
	if (read_cr2() != x->cr2)
		write_cr2(x->cr2);
	if (vmx_enter(&v->regs, x->launched)) {
		x->insn_error = (uint32_t)vmx_vmread(VMCS_INSN_ERROR);
		memset(exit, 0, sizeof(*exit));
		exit->reason = VCPU_EXIT_ENTRY_FAILED;
		exit->raw_info1 = x->insn_error;
		return;
	}
	x->launched = true;
	x->cr2 = read_cr2();	/* before anything here could fault */
	vmx_read_exit(v, x, &info);
	vmx_tpr_after(v, x);
	vmx_events_after(x, info.insn_len);
	/* An EPT violation in an IRET that unblocked NMIs: blocked again
	 * when the IRET runs again (§27.2.3). */
	if (VMX_EXIT_REASON(info.reason) == VMX_EXIT_EPT_VIOLATION &&
	    (info.qual & VMX_EPT_NMI_UNBLOCKED) && !(x->idt_info & VMX_INTR_VALID)) {
		x->interruptibility |= VMX_BLOCK_NMI;
		vmx_vmwrite(VMCS_GUEST_INTERRUPTIBILITY, x->interruptibility);
	}
	vmx_exit_decode(&info, exit);
	if (exit->reason == VCPU_EXIT_NONE)
		vmx_handle_own(v, x, &info);
}

static void vmx_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	struct vmx_vcpu *x = vmx_of(v);

	x->event = vector | (VMX_INTR_TYPE_HW_EXCEPTION << 8) | VMX_INTR_VALID |
		   (has_error ? VMX_INTR_ERROR_VALID : 0);
	x->event_error = error;
}

static void vmx_inject_nmi(struct vcpu *v)
{
	vmx_of(v)->nmi_waiting = true;
}

/*
 * EFER bits a guest may write (SDM vol. 3 §2.2.1, table 2-1 of the MSRs):
 * SCE, LME, LMA (kept as CR0.PG makes it), NXE. Others fault.
 */
#define VMX_EFER_WRITABLE	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

/*
 * vmx_msr: the ops' msr: EFER writes (LMA follows CR0.PG and LME, §9.8.5),
 * IA32_FEATURE_CONTROL reading "locked, VMX off" and ignoring writes, and
 * the VMX capability MSRs, which fault as on a CPU without VMX.
 */
static int vmx_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
	struct vmx_vcpu *x = vmx_of(v);
	uint64_t efer;

	if (msr == MSR_EFER) {
		if (!write) {
			*val = x->efer;
			return 0;
		}
		if (*val & ~(uint64_t)VMX_EFER_WRITABLE)
			return -EINVAL;
		efer = *val & ~(uint64_t)EFER_LMA;
		if ((efer & EFER_LME) && (x->cr0 & X86_CR0_PG))
			efer |= EFER_LMA;
		if ((efer ^ x->efer) & EFER_LMA)
			return -EINVAL;	/* LME changed with paging on */
		x->efer = efer;
		vmx_vmwrite(VMCS_GUEST_EFER, efer);
		return 0;
	}
	if (msr == MSR_IA32_FEATURE_CONTROL) {
		if (write)
			return -EINVAL;	/* locked */
		*val = FEATURE_CONTROL_LOCKED;
		return 0;
	}
	if (msr >= MSR_IA32_VMX_BASIC && msr <= MSR_IA32_VMX_VMFUNC)
		return -EINVAL;
	return 1;
}

/* vmx_cpuid_hide: no VMX for guests (leaf 1 ECX bit 5), and the
 * instructions the VMCS does not enable hidden (RDTSCP, INVPCID would
 * fault: §25.3). */
static void vmx_cpuid_hide(uint32_t leaf, struct cpuid_regs *r)
{
	uint32_t proc2 = vmx_cpu_caps()->proc2;

	if (leaf == 1)
		r->ecx &= ~CPUID1_ECX_VMX;
	else if (leaf == 0x80000001 && !(proc2 & VMX_PROC2_RDTSCP))
		r->edx &= ~VMX_MSR_RDTSCP_HIDE;
	else if (leaf == 7 && !(proc2 & VMX_PROC2_INVPCID))
		r->ebx &= ~VMX_CPUID7_INVPCID;
}

static void vmx_dump(struct vcpu *v, unsigned int level)
{
	const struct vmx_vcpu *x = vmx_of(v);

	printk(level, "  CR0 %016llx CR2 %016llx CR3 %016llx CR4 %016llx EFER %016llx\n",
	       (unsigned long long)x->cr0, (unsigned long long)x->cr2,
	       (unsigned long long)x->guest_cr3,
	       (unsigned long long)x->cr4, (unsigned long long)x->efer);
	printk(level, "  exit %#x qual %#llx idt-vectoring %#x interruptibility %#x "
	       "insn-error %u\n", x->exit_reason, (unsigned long long)x->exit_qual,
	       x->idt_info, x->interruptibility, x->insn_error);
	printk(level, "  CS   sel %04x ar %05x limit %08x base %016llx SS ar %05x\n",
	       x->cs.sel, x->cs.ar, x->cs.limit, (unsigned long long)x->cs.base, x->ss_ar);
}

static void vmx_get_guest(struct vcpu *v, struct mmio_guest *g)
{
	const struct vmx_vcpu *x = vmx_of(v);

	g->paging.cr0 = x->cr0;
	g->paging.cr3 = x->guest_cr3;
	g->paging.cr4 = x->cr4;
	g->paging.efer = x->efer;
	g->cs_base = x->cs.base;
	g->cs_l = x->cs.ar & VMCS_AR_L;
	g->cs_d = x->cs.ar & VMCS_AR_DB;
	g->cpl = VMCS_AR_DPL(x->ss_ar);
}

static bool vmx_irq_allowed(struct vcpu *v)
{
	const struct vmx_vcpu *x = vmx_of(v);

	return (v->regs.rflags & X86_RFLAGS_IF) &&
	       !(x->interruptibility & (VMX_BLOCK_STI | VMX_BLOCK_MOV_SS)) && !x->event;
}

/* vmx_offer_irq: injected at the next entry if the guest can take it
 * then (vmx_events_before), else an interrupt-window exit. */
static void vmx_offer_irq(struct vcpu *v, int vector)
{
	vmx_of(v)->offered = vector;
}

static int vmx_irq_taken(struct vcpu *v)
{
	struct vmx_vcpu *x = vmx_of(v);
	int vector = x->taken;

	x->taken = -1;
	return vector;
}

static void vmx_irq_window(struct vcpu *v)
{
	struct vmx_vcpu *x = vmx_of(v);

	x->offered = -1;
	x->window = true;
}

/*
 * vmx_host_irqs: RFLAGS.IF set for a moment so that the physical
 * interrupt that caused an external-interrupt exit (left pending: no
 * acknowledge on exit) or any other pending one runs through the
 * hypervisor's IDT; STI's shadow covers the HLT, so an interrupt
 * arriving after the caller's last check still wakes it.
 */
static void vmx_host_irqs(bool halt)
{
	if (halt)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	else
		__asm__ volatile("sti; nop; nop; cli" ::: "memory");
}

const struct vcpu_vendor_ops vmx_vendor_ops = {
	.name = "vmx",
	.probe = vmx_cpu_probe,
	.cpu_init = vmx_cpu_init,
	.cpu_enable = vmx_cpu_enable,
	.vcpu_init = vmx_vcpu_init,
	.set_flat32 = vmx_set_flat32,
	.p2m = &ept_format,
	.set_p2m_root = vmx_set_p2m_root,
	.flush_p2m = vmx_flush_p2m,
	.intercept_io = vmx_intercept_io,
	.intercept_msr = vmx_intercept_msr,
	.isolate = vmx_isolate,
	.vcpu_free = vmx_vcpu_free,
	.vcpu_put = vmx_vcpu_put,
	.run = vmx_run,
	.inject_exception = vmx_inject_exception,
	.cpuid_hide = vmx_cpuid_hide,
	.msr = vmx_msr,
	.dump = vmx_dump,
	.get_guest = vmx_get_guest,
	.irq_allowed = vmx_irq_allowed,
	.set_sipi = vmx_set_sipi,
	.inject_nmi = vmx_inject_nmi,
	.offer_irq = vmx_offer_irq,
	.irq_taken = vmx_irq_taken,
	.irq_window = vmx_irq_window,
	.host_irqs = vmx_host_irqs,
};
