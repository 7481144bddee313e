/* AMD-V (SVM) vendor ops: VMCB set-up, intercepts, world switch, exit decoding. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "heap.h"
#include "lib.h"
#include "page_alloc.h"
#include "printk.h"
#include <arch/x86/emul/mmio_emulate.h>
#include <arch/x86/processor.h>
#include <arch/x86/hvm/svm/npt.h>
#include <arch/x86/hvm/svm/svm.h>
#include <arch/x86/hvm/svm/svm_cpu.h>
#include <arch/x86/hvm/vcpu.h>

#define SVM_IOPM_ORDER	2	/* 12 KiB used (APM vol. 2 §15.10.1) */
#define SVM_MSRPM_ORDER	1	/* 8 KiB (§15.11) */
#define SVM_GUEST_ASID	1	/* 0 is the host's */

struct svm_vcpu {
	struct vmcb *vmcb;
	uint64_t vmcb_pa;
	uint8_t *iopm;
	uint64_t iopm_pa;
	uint8_t *msrpm;
	uint64_t msrpm_pa;
	int offered;		/* the vector in V_IRQ (svm_offer_irq), or -1 */
};

void svm_vmrun(struct cpu_regs *regs, uint64_t vmcb_pa, uint64_t host_pa);

static inline void svm_clgi(void)
{
	__asm__ volatile("clgi" ::: "memory");
}

static struct svm_vcpu *svm_of(struct vcpu *v)
{
	return v->vendor;
}

/* MSR permission map: three 2 KiB vectors, 2 bits per MSR (§15.11). */
static void svm_intercept_msr(struct vcpu *v, uint32_t msr, bool read, bool write)
{
	uint8_t *pm = svm_of(v)->msrpm;
	uint32_t base, bit;

	if (msr <= 0x1fff)
		base = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		base = 0x800, msr -= 0xc0000000;
	else if (msr >= 0xc0010000 && msr <= 0xc0011fff)
		base = 0x1000, msr -= 0xc0010000;
	else
		return;	/* outside the map: always intercepted */
	bit = msr * 2;
	if (read)
		pm[base + bit / 8] |= 1u << (bit % 8);
	if (write)
		pm[base + (bit + 1) / 8] |= 1u << ((bit + 1) % 8);
}

/* svm_vcpu_init: VMCB, I/O and MSR permission maps and the intercepts
 * every guest has: among MSRs, EFER writes and the SVM MSRs (svm_msr).
 * 0 or -ENOMEM. */
static int svm_vcpu_init(struct vcpu *v)
{
	struct svm_vcpu *s = heap_zalloc(sizeof(*s));
	struct vmcb_control *c;
	uint32_t msr;

	if (!s)
		return -ENOMEM;
	s->offered = -1;
	s->vmcb = page_alloc_zeroed(0, &s->vmcb_pa);
	if (!s->vmcb)
		goto err_free;
	s->iopm = page_alloc_zeroed(SVM_IOPM_ORDER, &s->iopm_pa);
	if (!s->iopm)
		goto err_vmcb;
	s->msrpm = page_alloc_zeroed(SVM_MSRPM_ORDER, &s->msrpm_pa);
	if (!s->msrpm)
		goto err_iopm;

	c = &s->vmcb->control;
	c->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_CPUID | SVM_INTERCEPT_IOIO |
			     SVM_INTERCEPT_HLT |
			     SVM_INTERCEPT_MSR | SVM_INTERCEPT_SHUTDOWN |
			     SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_INVD;
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
			     SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
			     SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT;
	c->iopm_base_pa = s->iopm_pa;
	c->msrpm_base_pa = s->msrpm_pa;
	/* One ASID for every guest: a CPU flushes it when it switches
	 * vCPUs (vcpu_sched.c), so no stale translation survives (§15.16). */
	c->asid = SVM_GUEST_ASID;
	c->tlb_control = 1;
	/* V_INTR_MASKING: the guest's RFLAGS.IF masks only virtual
	 * interrupts; a physical one exits (INTR intercept) and is taken by
	 * the hypervisor's IDT (APM vol. 2 §15.21.1). */
	c->vintr = SVM_VINTR_MASKING;
	c->np_enable = 1;
	v->vendor = s;
	svm_intercept_msr(v, MSR_EFER, false, true);
	svm_intercept_msr(v, MSR_PAT, true, true);
	for (msr = MSR_VM_CR; msr <= MSR_SVM_KEY; msr++)
		svm_intercept_msr(v, msr, true, true);
	return 0;

err_iopm:
	page_alloc_free_pages(s->iopm_pa, SVM_IOPM_ORDER);
err_vmcb:
	page_alloc_free_pages(s->vmcb_pa, 0);
err_free:
	heap_free(s);
	return -ENOMEM;
}

static void svm_vcpu_free(struct vcpu *v)
{
	struct svm_vcpu *s = svm_of(v);

	page_alloc_free_pages(s->msrpm_pa, SVM_MSRPM_ORDER);
	page_alloc_free_pages(s->iopm_pa, SVM_IOPM_ORDER);
	page_alloc_free_pages(s->vmcb_pa, 0);
	heap_free(s);
	v->vendor = NULL;
}

/* Clear msr's read and write intercept bits (§15.11). */
static void svm_allow_msr(struct svm_vcpu *s, uint32_t msr)
{
	uint32_t base, bit;

	if (msr <= 0x1fff)
		base = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		base = 0x800, msr -= 0xc0000000;
	else
		return;
	bit = msr * 2;
	s->msrpm[base + bit / 8] &= ~(3u << (bit % 8));
}

static void svm_isolate(struct vcpu *v)
{
	struct svm_vcpu *s = svm_of(v);
	unsigned int i;

	memset(s->iopm, 0xff, PAGE_ALLOC_PAGE_SIZE << SVM_IOPM_ORDER);
	memset(s->msrpm, 0xff, PAGE_ALLOC_PAGE_SIZE << SVM_MSRPM_ORDER);
	for (i = 0; i < vcpu_nr_guest_msrs; i++)
		if (vcpu_guest_msrs[i] != MSR_PAT)	/* svm_msr's */
			svm_allow_msr(s, vcpu_guest_msrs[i]);
}

static void svm_set_seg(struct vmcb_seg *seg, uint16_t sel, uint16_t attrib,
			uint32_t limit, uint64_t base)
{
	seg->selector = sel;
	seg->attrib = attrib;
	seg->limit = limit;
	seg->base = base;
}

/* svm_reset_state: what every start state shares: empty descriptor
 * tables, CPL 0, paging and long mode off, the architectural DR6/DR7/PAT,
 * general registers 0. */
static void svm_reset_state(struct vcpu *v, uint64_t cr0)
{
	struct vmcb *vmcb = svm_of(v)->vmcb;
	struct vmcb_save *s = &vmcb->save;

	svm_set_seg(&s->gdtr, 0, 0, 0xffff, 0);
	svm_set_seg(&s->idtr, 0, 0, 0xffff, 0);
	svm_set_seg(&s->ldtr, 0, 0x82, 0xffff, 0);
	svm_set_seg(&s->tr, 0, 0x8b, 0xffff, 0);
	s->cpl = 0;
	s->efer = EFER_SVME;
	s->cr0 = cr0;
	s->cr3 = 0;
	s->cr4 = 0;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = X86_PAT_POWER_ON;
	vmcb->control.event_inj = 0;
	vmcb->control.interrupt_shadow = 0;
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rflags = X86_RFLAGS_FIXED;
}

/* svm_set_flat32: the state the Linux 32-bit boot protocol asks for:
 * flat 4 GiB segments __BOOT_CS/__BOOT_DS, CR0.PE only, interrupts off. */
static void svm_set_flat32(struct vcpu *v, uint32_t eip, uint32_t esi)
{
	struct vmcb_save *s = &svm_of(v)->vmcb->save;

	svm_set_seg(&s->cs, 0x10, 0xc9b, 0xffffffff, 0);
	svm_set_seg(&s->ds, 0x18, 0xc93, 0xffffffff, 0);
	s->es = s->ss = s->fs = s->gs = s->ds;
	svm_reset_state(v, X86_CR0_PE | X86_CR0_ET);
	v->regs.rip = eip;
	v->regs.rsi = esi;
}

/* svm_set_sipi: real mode at vector << 12 with 64 KiB segments, as after
 * INIT and a STARTUP IPI (SDM vol. 3 §8.4.2, table 9-1). */
static void svm_set_sipi(struct vcpu *v, uint8_t vector)
{
	struct vmcb_save *s = &svm_of(v)->vmcb->save;

	svm_set_seg(&s->cs, (uint16_t)vector << 8, 0x9b, 0xffff, (uint64_t)vector << 12);
	svm_set_seg(&s->ds, 0, 0x93, 0xffff, 0);
	s->es = s->ss = s->fs = s->gs = s->ds;
	svm_reset_state(v, X86_CR0_ET);
	svm_of(v)->vmcb->control.tlb_control = 1;
}

static void svm_set_p2m_root(struct vcpu *v, uint64_t root_pa)
{
	svm_of(v)->vmcb->control.n_cr3 = root_pa;
	svm_of(v)->vmcb->control.tlb_control = 1;
}

static void svm_flush_p2m(struct vcpu *v)
{
	/* No flush-by-ASID under QEMU: flush everything (TLB_CONTROL 1). */
	svm_of(v)->vmcb->control.tlb_control = 1;
}

static void svm_intercept_io(struct vcpu *v, uint16_t port, unsigned int count)
{
	uint8_t *iopm = svm_of(v)->iopm;
	unsigned int p;

	for (p = port; p < (unsigned int)port + count && p < 0x10000; p++)
		iopm[p / 8] |= 1u << (p % 8);
}

static uint64_t svm_rip_after(struct vcpu *v, unsigned int len)
{
	if (svm_cpu_nrips() && svm_of(v)->vmcb->control.next_rip)
		return svm_of(v)->vmcb->control.next_rip;
	return v->regs.rip + len;
}

/* svm_decode_exit: translate the VMCB exit code and info into *e; the next
 * RIP comes from NRIP save when the CPU has it, else from the instruction
 * length each intercepted instruction has (APM vol. 2 §15.7.1). */
static void svm_decode_exit(struct vcpu *v, struct vcpu_exit *e)
{
	struct vmcb_control *c = &svm_of(v)->vmcb->control;
	uint64_t info1 = c->exit_info1;

	memset(e, 0, sizeof(*e));
	e->raw_code = c->exit_code;
	e->raw_info1 = info1;
	e->raw_info2 = c->exit_info2;
	switch (c->exit_code) {
	case SVM_EXIT_CPUID:
		e->reason = VCPU_EXIT_CPUID;
		e->next_rip = svm_rip_after(v, 2);
		break;
	case SVM_EXIT_IOIO:
		e->reason = VCPU_EXIT_IO;
		e->io.port = info1 >> SVM_IOIO_PORT_SHIFT;
		/* SZ8/SZ16/SZ32 are one-hot bits 4..6. */
		e->io.size = (info1 >> SVM_IOIO_SIZE_SHIFT) & 7;
		e->io.in = info1 & SVM_IOIO_IN;
		e->io.string = info1 & SVM_IOIO_STR;
		e->io.rep = info1 & SVM_IOIO_REP;
		e->next_rip = c->exit_info2;	/* IOIO gives it without NRIPS */
		break;
	case SVM_EXIT_MSR:
		e->reason = info1 ? VCPU_EXIT_MSR_WRITE : VCPU_EXIT_MSR_READ;
		e->next_rip = svm_rip_after(v, 2);
		break;
	case SVM_EXIT_VMMCALL:
		e->reason = VCPU_EXIT_HYPERCALL;
		e->next_rip = svm_rip_after(v, 3);
		break;
	case SVM_EXIT_INVD:
		e->reason = VCPU_EXIT_INVD;
		e->next_rip = svm_rip_after(v, 2);
		break;
	case SVM_EXIT_HLT:
		e->reason = VCPU_EXIT_HLT;
		e->next_rip = svm_rip_after(v, 1);
		break;
	case SVM_EXIT_NPF:
		e->reason = VCPU_EXIT_NPF;
		e->gpa = c->exit_info2;
		e->write = info1 & 2;
		break;
	case SVM_EXIT_SHUTDOWN:
		e->reason = VCPU_EXIT_SHUTDOWN;
		break;
	case SVM_EXIT_INTR:
		e->reason = VCPU_EXIT_INTR;
		break;
	case SVM_EXIT_VINTR:
		e->reason = VCPU_EXIT_IRQ_WINDOW;
		break;
	case SVM_EXIT_VMRUN: case SVM_EXIT_VMLOAD: case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI: case SVM_EXIT_CLGI: case SVM_EXIT_SKINIT:
	case 0x7a:	/* INVLPGA */
		e->reason = VCPU_EXIT_VIRT_INSN;
		break;
	case SVM_EXIT_INVALID:
		e->reason = VCPU_EXIT_ENTRY_FAILED;
		break;
	default:
		e->reason = VCPU_EXIT_UNKNOWN;
		break;
	}
}

/*
 * svm_reinject: the event whose delivery the exit cut short goes in again
 * at the next entry (APM vol. 2 §15.7.2). An offered V_IRQ cut short that
 * is still set (QEMU leaves it so and reports it as an exception) is taken
 * again from there, never through EVENTINJ (see svm_offer_irq); one the
 * CPU cleared counts as taken (svm_irq_taken) and goes in through EVENTINJ.
 */
static void svm_reinject(struct svm_vcpu *s)
{
	struct vmcb_control *c = &s->vmcb->control;
	uint32_t ev = c->exit_int_info;

	if ((int)(ev & 0xff) == s->offered && (c->vintr & SVM_VINTR_V_IRQ))
		return;
	c->event_inj = ev;
}

/*
 * svm_run: copy RAX/RSP/RIP/RFLAGS into the VMCB, switch worlds, copy them
 * back and decode the exit. An event whose delivery was cut short by the
 * exit (EXITINTINFO valid) is re-injected on the next entry (§15.7.2).
 * The host's RFLAGS.IF is set across VMRUN with GIF clear: with
 * V_INTR_MASKING it is what lets a physical interrupt cause the INTR exit
 * (§15.21.1); GIF keeps it from being taken on the host until
 * svm_host_irqs() opens a window.
 */
static void svm_run(struct vcpu *v, struct vcpu_exit *exit)
{
	struct svm_vcpu *s = svm_of(v);
	struct vmcb *vmcb = s->vmcb;

	vmcb->save.rax = v->regs.rax;
	vmcb->save.rsp = v->regs.rsp;
	vmcb->save.rip = v->regs.rip;
	vmcb->save.rflags = v->regs.rflags;
	svm_clgi();
	__asm__ volatile("sti" ::: "memory");
	svm_vmrun(&v->regs, s->vmcb_pa, svm_cpu_host_state());
	__asm__ volatile("cli" ::: "memory");
	v->regs.rax = vmcb->save.rax;
	v->regs.rsp = vmcb->save.rsp;
	v->regs.rip = vmcb->save.rip;
	v->regs.rflags = vmcb->save.rflags;
	vmcb->control.tlb_control = 0;
	vmcb->control.event_inj = 0;
	if (vmcb->control.exit_int_info & SVM_EVTINJ_VALID)
		svm_reinject(s);
	svm_decode_exit(v, exit);
}

static void svm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
				 uint32_t error)
{
	uint64_t ev = vector | SVM_EVTINJ_TYPE_EXCP | SVM_EVTINJ_VALID;

	if (has_error)
		ev |= SVM_EVTINJ_ERR_VALID | ((uint64_t)error << 32);
	svm_of(v)->vmcb->control.event_inj = ev;
}

/*
 * EFER bits a guest may write (AMD APM vol. 2 §3.1.7): SCE, LME, LMA,
 * NXE, SVME (a guest that reads EFER unintercepted sees it set, and
 * writes it back; it stays set whatever is written, or VMRUN fails:
 * §15.5.1), LMSLE, FFXSR, TCE; the rest are reserved (#GP).
 */
#define SVM_EFER_WRITABLE	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME | \
				 (1ull << 13) | (1ull << 14) | (1ull << 15))

/*
 * svm_msr: the ops' msr: EFER as the guest sees it (SVME kept set, not
 * shown); PAT as the VMCB's G_PAT, checked: a guest's RDMSR and WRMSR of
 * PAT would reach the CPU's own PAT, which the hypervisor and the next
 * guest use, while nested paging takes the guest's memory types from
 * G_PAT (APM vol. 2 §15.25.8); and the SVM MSRs, which read as "SVM
 * disabled" (VM_CR.SVMDIS) or 0 and ignore writes.
 */
static int svm_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
	struct vmcb_save *s = &svm_of(v)->vmcb->save;

	if (msr == MSR_EFER) {
		if (!write) {
			*val = s->efer & ~(uint64_t)EFER_SVME;
			return 0;
		}
		if (*val & ~SVM_EFER_WRITABLE)
			return -EINVAL;
		s->efer = *val | EFER_SVME;
		return 0;
	}
	if (msr == MSR_PAT) {
		if (!write)
			*val = s->g_pat;
		else if (x86_pat_valid(*val))
			s->g_pat = *val;
		else
			return -EINVAL;
		return 0;
	}
	if (msr >= MSR_VM_CR && msr <= MSR_SVM_KEY) {
		*val = msr == MSR_VM_CR ? VM_CR_SVMDIS : 0;
		return 0;
	}
	return 1;
}

/* svm_cpuid_hide: no SVM for guests (0x80000001 ECX bit 2, leaf 0x8000000A). */
static void svm_cpuid_hide(uint32_t leaf, struct cpuid_regs *r)
{
	if (leaf == 0x80000001)
		r->ecx &= ~SVM_CPUID_SVM;
	else if (leaf == 0x8000000a)
		memset(r, 0, sizeof(*r));
}

static void svm_dump_seg(unsigned int level, const char *name, const struct vmcb_seg *s)
{
	printk(level, "  %-4s sel %04x attr %03x limit %08x base %016llx\n",
	       name, s->selector, s->attrib, s->limit, (unsigned long long)s->base);
}

static void svm_dump(struct vcpu *v, unsigned int level)
{
	const struct vmcb *vmcb = svm_of(v)->vmcb;
	const struct vmcb_save *s = &vmcb->save;
	const struct vmcb_control *c = &vmcb->control;

	printk(level, "  CR0 %016llx CR2 %016llx CR3 %016llx CR4 %016llx\n",
	       (unsigned long long)s->cr0, (unsigned long long)s->cr2,
	       (unsigned long long)s->cr3, (unsigned long long)s->cr4);
	printk(level, "  EFER %016llx CPL %u exit %#llx info1 %#llx info2 %#llx intinfo %#llx\n",
	       (unsigned long long)s->efer, s->cpl,
	       (unsigned long long)c->exit_code, (unsigned long long)c->exit_info1,
	       (unsigned long long)c->exit_info2, (unsigned long long)c->exit_int_info);
	svm_dump_seg(level, "CS", &s->cs);
	svm_dump_seg(level, "SS", &s->ss);
	svm_dump_seg(level, "DS", &s->ds);
	svm_dump_seg(level, "GDTR", &s->gdtr);
	svm_dump_seg(level, "IDTR", &s->idtr);
	svm_dump_seg(level, "TR", &s->tr);
}

/* CS attribute bits L (53) and D/B (54) as the VMCB packs them (§15.5.1). */
#define SVM_ATTR_L	(1u << 9)
#define SVM_ATTR_DB	(1u << 10)

static void svm_get_guest(struct vcpu *v, struct mmio_guest *g)
{
	const struct vmcb_save *s = &svm_of(v)->vmcb->save;

	g->paging.cr0 = s->cr0;
	g->paging.cr3 = s->cr3;
	g->paging.cr4 = s->cr4;
	g->paging.efer = s->efer & ~(uint64_t)EFER_SVME;
	g->cs_base = s->cs.base;
	g->cs_l = s->cs.attrib & SVM_ATTR_L;
	g->cs_d = s->cs.attrib & SVM_ATTR_DB;
	g->cpl = s->cpl;
}

static bool svm_irq_allowed(struct vcpu *v)
{
	const struct vmcb_control *c = &svm_of(v)->vmcb->control;

	return (v->regs.rflags & X86_RFLAGS_IF) && !(c->interrupt_shadow & SVM_INT_SHADOW) &&
	       !(c->event_inj & SVM_EVTINJ_VALID);
}

static void svm_inject_nmi(struct vcpu *v)
{
	svm_of(v)->vmcb->control.event_inj = 2 | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID;
}

/* The virtual interrupt's fields: V_IRQ, its priority and vector, V_TPR
 * ignored (APM vol. 2 §15.21.4). */
static void svm_set_virq(struct svm_vcpu *s, bool on, uint8_t vector, bool intercept)
{
	struct vmcb_control *c = &s->vmcb->control;

	c->vintr &= ~(SVM_VINTR_V_IRQ | SVM_VINTR_IGN_TPR | (0xfull << SVM_VINTR_PRIO_SHIFT) |
		      (0xffull << SVM_VINTR_VECTOR_SHIFT));
	c->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	if (!on)
		return;
	c->vintr |= SVM_VINTR_V_IRQ | SVM_VINTR_IGN_TPR |
		    ((uint64_t)(vector >> 4) << SVM_VINTR_PRIO_SHIFT) |
		    ((uint64_t)vector << SVM_VINTR_VECTOR_SHIFT);
	if (intercept)
		c->intercept_misc1 |= SVM_INTERCEPT_VINTR;
}

/*
 * svm_offer_irq: the vector as V_IRQ, which the guest takes through its
 * IDT when RFLAGS.IF allows, without an exit. External interrupts are
 * never injected through EVENTINJ: QEMU's VMRUN (7.2 and later) leaves
 * the injected vector as the CPU's pending exception and delivers it a
 * second time if the vCPU's thread is kicked before the next exit, into
 * the handler of the first (docs/interrupts.md).
 */
static void svm_offer_irq(struct vcpu *v, int vector)
{
	struct svm_vcpu *s = svm_of(v);

	s->offered = vector;
	svm_set_virq(s, vector >= 0, vector >= 0 ? (uint8_t)vector : 0, false);
}

/* The CPU clears V_IRQ when the guest takes the virtual interrupt. */
static int svm_irq_taken(struct vcpu *v)
{
	struct svm_vcpu *s = svm_of(v);
	int vector = s->offered;

	if (vector < 0 || (s->vmcb->control.vintr & SVM_VINTR_V_IRQ))
		return -1;
	s->offered = -1;
	return vector;
}

/* svm_irq_window: a V_IRQ with its VINTR intercept: the exit comes when
 * the guest could take it (§15.21.4), so its vector is never delivered. */
static void svm_irq_window(struct vcpu *v)
{
	struct svm_vcpu *s = svm_of(v);

	s->offered = -1;
	svm_set_virq(s, true, 0xf0, true);
}

/*
 * svm_host_irqs: GIF set and RFLAGS.IF set for a moment, so that the
 * physical interrupt that caused an INTR exit (or any pending one) runs
 * through the hypervisor's IDT (APM vol. 2 §15.17); STI's one-instruction
 * shadow covers the HLT, so an interrupt arriving after the caller's last
 * check still wakes it. GIF and IF are clear again on return.
 */
static void svm_host_irqs(bool halt)
{
	if (halt)
		__asm__ volatile("stgi; sti; hlt; cli; clgi" ::: "memory");
	else
		__asm__ volatile("stgi; sti; nop; nop; cli; clgi" ::: "memory");
}

const struct vcpu_vendor_ops svm_vendor_ops = {
	.name = "svm",
	.probe = svm_cpu_probe,
	.cpu_init = svm_cpu_init,
	.cpu_enable = svm_cpu_enable,
	.vcpu_init = svm_vcpu_init,
	.set_flat32 = svm_set_flat32,
	.p2m = &npt_format,
	.set_p2m_root = svm_set_p2m_root,
	.flush_p2m = svm_flush_p2m,
	.intercept_io = svm_intercept_io,
	.intercept_msr = svm_intercept_msr,
	.isolate = svm_isolate,
	.vcpu_free = svm_vcpu_free,
	.run = svm_run,
	.inject_exception = svm_inject_exception,
	.cpuid_hide = svm_cpuid_hide,
	.msr = svm_msr,
	.dump = svm_dump,
	.get_guest = svm_get_guest,
	.irq_allowed = svm_irq_allowed,
	.set_sipi = svm_set_sipi,
	.inject_nmi = svm_inject_nmi,
	.offer_irq = svm_offer_irq,
	.irq_taken = svm_irq_taken,
	.irq_window = svm_irq_window,
	.host_irqs = svm_host_irqs,
};
