/* Vendor-neutral vCPU exit handling: CPUID, port I/O, MSRs, crashes. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "errno.h"
#include "hypercall.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/emul/mmio_emulate.h>
#include <arch/x86/processor.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/hvm/vcpu_lapic.h>
#include <arch/x86/hvm/vcpu_pv_eoi.h>

/* CPUID leaves of ours (docs/hypervisor.md): 0x40000000 returns the highest
 * hypervisor leaf in EAX and "XenolithHVMM" in EBX, ECX, EDX. */
#define VCPU_CPUID_BASE		0x40000000u
#define VCPU_CPUID_MAX		0x40000001u
#define VCPU_CPUID_SIGNATURE	"XenolithHVMM"
/* A second block at 0x40000100 in KVM's form, which Linux's KVM guest code
 * finds by scanning (docs/hypervisor.md): "KVMKVMKVM\0\0\0", and in
 * 0x40000101 EAX the one feature offered, PV EOI (KVM_FEATURE_PV_EOI). */
#define VCPU_CPUID_KVM_BASE	0x40000100u
#define VCPU_CPUID_KVM_FEATURES	0x40000101u
#define VCPU_CPUID_KVM_SIGNATURE "KVMKVMKVM\0\0"
#define VCPU_CPUID_KVM_PV_EOI	(1u << 6)
#define VCPU_CPUID1_X2APIC	(1u << 21)
#define VCPU_CPUID1_MONITOR	(1u << 3)	/* MONITOR/MWAIT */

static const struct vcpu_vendor_ops *vcpu_vendor;

static const struct vcpu_vendor_ops *const vcpu_candidates[] = {
	&svm_vendor_ops,
	&vmx_vendor_ops,
};

/* SYSENTER_CS/ESP/EIP, PAT (VMX only: its PAT fields; SVM keeps PAT
 * intercepted and emulates it on G_PAT, svm_msr), STAR, LSTAR, CSTAR,
 * SFMASK, FS_BASE, GS_BASE, KERNEL_GS_BASE (APM vol. 2 §15.5.1; SDM
 * vol. 3 §24.4, §27.3). */
const uint32_t vcpu_guest_msrs[] = {
	0x174, 0x175, 0x176, MSR_PAT,
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
	0xc0000100, 0xc0000101, 0xc0000102,
};
const unsigned int vcpu_nr_guest_msrs = LIB_ARRAY_SIZE(vcpu_guest_msrs);

const struct vcpu_vendor_ops *vcpu_select_ops(const struct cpu_features *f, char *facts,
					      size_t size, const char **why)
{
	char found[96];
	size_t len;
	unsigned int i;

	*why = "this CPU has no hardware virtualisation we support (AMD-V with nested paging, "
	       "Intel VT-x with EPT)";
	facts[0] = '\0';
	for (i = 0; i < LIB_ARRAY_SIZE(vcpu_candidates); i++) {
		bool usable = vcpu_candidates[i]->probe(f, found, sizeof(found), why);

		len = strlen(facts);
		snprintf(facts + len, size - len, "%s%s", len ? ", " : "", found);
		if (usable) {
			vcpu_vendor = vcpu_candidates[i];
			return vcpu_vendor;
		}
	}
	return NULL;
}

const struct vcpu_vendor_ops *vcpu_ops(void)
{
	return vcpu_vendor;
}

int vcpu_create(struct vcpu *v, struct domain *d, unsigned int id)
{
	int ret;

	memset(v, 0, sizeof(*v));
	v->domain = d;
	v->id = id;
	ret = fpu_state_init(&v->fpu);
	if (ret)
		return ret;
	ret = vcpu_vendor->vcpu_init(v);
	if (ret)
		fpu_state_free(&v->fpu);
	return ret;
}

void vcpu_destroy(struct vcpu *v)
{
	vcpu_vendor->vcpu_free(v);
	fpu_state_free(&v->fpu);
}

int vcpu_register_io(struct vcpu *v, uint16_t port, uint16_t count, vcpu_io_fn fn)
{
	if (v->nr_io >= VCPU_MAX_IO_HANDLERS)
		return -ENOSPC;
	v->io[v->nr_io].port = port;
	v->io[v->nr_io].count = count;
	v->io[v->nr_io].fn = fn;
	v->nr_io++;
	vcpu_vendor->intercept_io(v, port, count);
	return 0;
}

/* vcpu_dump_at: the register dump at printk level. */
static void vcpu_dump_at(struct vcpu *v, unsigned int level)
{
	printk(level, "%s vcpu%u: RIP %016llx RFLAGS %08llx (%llu exits)\n",
	       domain_label(v->domain), v->id, (unsigned long long)v->regs.rip,
	       (unsigned long long)v->regs.rflags, (unsigned long long)v->exits);
	regs_dump(level, "  ", &v->regs);
	vcpu_vendor->dump(v, level);
}

void vcpu_dump(struct vcpu *v)
{
	vcpu_dump_at(v, PRINTK_ERR);
}

void vcpu_crash(struct vcpu *v, const char *why)
{
	/* A guest's report goes to the log (xenoctl dmesg): dom0 owns the
	 * serial line. dom0's own goes to the consoles at once. */
	unsigned int level = PRINTK_ERR | (v->domain->is_dom0 ? 0 : PRINTK_LOG_ONLY);

	printk_set_sync(v->domain->is_dom0);
	printk(level, "*** %s crashed: %s\n", domain_label(v->domain), why);
	vcpu_dump_at(v, level);
	printk(level, "*** %s is stopped; the hypervisor keeps running "
	       "(Ctrl-A three times, then 'h' for debug keys)\n", domain_label(v->domain));
	printk_set_sync(false);
	v->crashed = true;
	domain_crash(v->domain);
}

/* The hypervisor range 0x40000000-0x4fffffff: a signature block of
 * 12 bytes in EBX, ECX, EDX and the block's highest leaf in EAX; zeros
 * elsewhere (the emulator's own leaves hidden). */
static void vcpu_hypervisor_leaf(uint32_t leaf, struct cpuid_regs *r)
{
	const char *sig = NULL;

	memset(r, 0, sizeof(*r));
	if (leaf == VCPU_CPUID_BASE) {
		r->eax = VCPU_CPUID_MAX;
		sig = VCPU_CPUID_SIGNATURE;
	} else if (leaf == VCPU_CPUID_KVM_BASE) {
		r->eax = VCPU_CPUID_KVM_FEATURES;
		sig = VCPU_CPUID_KVM_SIGNATURE;
	} else if (leaf == VCPU_CPUID_KVM_FEATURES) {
		r->eax = VCPU_CPUID_KVM_PV_EOI;
	}
	if (!sig)
		return;
	memcpy(&r->ebx, sig, 4);
	memcpy(&r->ecx, sig + 4, 4);
	memcpy(&r->edx, sig + 8, 4);
}

/* CPUID as dom0 sees it: native values, plus the hypervisor bit (leaf 1
 * ECX bit 31), our leaves at 0x40000000 and KVM's at 0x40000100
 * (vcpu_hypervisor_leaf), no MONITOR/MWAIT (neither backend intercepts
 * MWAIT: an idle guest would sleep the physical CPU in guest mode, and the
 * scheduler would never see it idle; HLT exits), and the vendor's
 * virtualisation hidden (ops->cpuid_hide): no nested guests. */
static void vcpu_handle_cpuid(struct vcpu *v)
{
	uint32_t leaf = v->regs.rax, sub = v->regs.rcx;
	struct cpuid_regs r;

	if (leaf >= VCPU_CPUID_BASE && leaf < 0x50000000u) {
		vcpu_hypervisor_leaf(leaf, &r);
	} else {
		cpuid_count(leaf, sub, &r);
		if (leaf == 1)
			r.ecx = (r.ecx | 1u << 31) & ~VCPU_CPUID1_MONITOR;
		if (leaf == 1 && v->lapic) {
			/* Its vLAPIC: x2APIC as the model offers it
			 * (vcpu_lapic_init, docs/interrupts.md), the CPU's
			 * TSC-deadline mode, and the initial APIC ID is the
			 * vCPU number. */
			r.ecx &= ~VCPU_CPUID1_X2APIC;
			if (v->lapic->cfg.x2apic)
				r.ecx |= VCPU_CPUID1_X2APIC;
			r.ebx = (r.ebx & 0x00ffffffu) | (v->id << 24);
		} else if (leaf == 0xb && v->lapic) {
			r.edx = v->id;
		}
		vcpu_vendor->cpuid_hide(leaf, &r);
	}
	if (v->domain->hvm.ops->cpuid)
		v->domain->hvm.ops->cpuid(v, leaf, sub, &r.eax);
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
}

/* vcpu_count_io: one more exit on the port of e in v's io_by_port. */
static void vcpu_count_io(struct vcpu *v, const struct vcpu_exit *e)
{
	unsigned int i;

	for (i = 0; i < VCPU_IO_STAT_PORTS; i++) {
		if (!v->io_by_port[i].ins && !v->io_by_port[i].outs)
			v->io_by_port[i].port = e->io.port;
		if (v->io_by_port[i].port == e->io.port) {
			if (e->io.in)
				v->io_by_port[i].ins++;
			else
				v->io_by_port[i].outs++;
			return;
		}
	}
	v->io_other_ports++;
}

static void vcpu_handle_io(struct vcpu *v, const struct vcpu_exit *e)
{
	uint32_t mask = e->io.size == 1 ? 0xff : e->io.size == 2 ? 0xffff : 0xffffffff;
	uint32_t val = v->regs.rax & mask;
	unsigned int i;

	vcpu_count_io(v, e);
	if (vcpu_ioreq_pio(v, e))
		return;
	if (e->io.string || e->io.rep) {
		vcpu_crash(v, "string port I/O to an intercepted port");
		return;
	}
	for (i = 0; i < v->nr_io; i++) {
		if (e->io.port >= v->io[i].port &&
		    e->io.port < v->io[i].port + v->io[i].count) {
			v->io[i].fn(v, e->io.port, e->io.size, e->io.in, &val);
			break;
		}
	}
	if (i == v->nr_io) {
		if (v->domain->hvm.ops->io)
			v->domain->hvm.ops->io(v, e->io.port, e->io.size, e->io.in, &val);
		else if (e->io.in)
			val = mask;	/* nothing there: the bus floats */
	}
	if (e->io.in)
		v->regs.rax = (v->regs.rax & ~(uint64_t)mask) | (val & mask);
	v->regs.rip = e->next_rip;
}

/* MSRs we trap: the vLAPIC's, KVM's PV EOI, the vendor's own (ops->msr),
 * then the domain's kind's. Others raise #GP. */
static void vcpu_handle_msr(struct vcpu *v, const struct vcpu_exit *e)
{
	uint32_t msr = v->regs.rcx;
	uint64_t val = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
	bool write = e->reason == VCPU_EXIT_MSR_WRITE;
	int ret = vcpu_lapic_msr(v, msr, write, &val);

	if (ret > 0)
		ret = vcpu_pv_eoi_msr(v, msr, write, &val);
	if (ret > 0)
		ret = vcpu_vendor->msr(v, msr, write, &val);
	if (ret > 0)
		ret = v->domain->hvm.ops->msr ? v->domain->hvm.ops->msr(v, msr, write, &val) : -1;
	if (ret) {
		vcpu_vendor->inject_exception(v, 13, true, 0);
		return;
	}
	if (!write) {
		v->regs.rax = (uint32_t)val;
		v->regs.rdx = val >> 32;
	}
	v->regs.rip = e->next_rip;
}

void vcpu_emulate_mmio(struct vcpu *v, uint64_t gpa, bool write, const struct mmio_ops *ops,
		       void *opaque, const char *device)
{
	struct mmio_access a = {
		.gpa = gpa, .write = write, .ops = ops, .opaque = opaque,
	};
	struct mmio_guest g;
	struct mmio_result res;
	char why[112];
	int ret;

	memset(&g, 0, sizeof(g));
	vcpu_vendor->get_guest(v, &g);
	g.read_ram = hvm_domain_read_ram;
	g.ram_opaque = v->domain;
	ret = mmio_emulate_at_rip_cached(&v->insn_cache, &g, &v->regs, &a, &res);
	if (ret) {
		snprintf(why, sizeof(why), "cannot emulate the %s access at %#llx (%s, %d)",
			 device, (unsigned long long)gpa, res.why ? res.why : "?", ret);
		vcpu_crash(v, why);
	}
}

static void vcpu_handle_npf(struct vcpu *v, const struct vcpu_exit *e)
{
	char why[96];

	if (vcpu_lapic_npf(v, e->gpa, e->write))
		return;
	if (v->domain->hvm.ops->npf(v, e->gpa, e->write))
		return;
	snprintf(why, sizeof(why), "nested page fault at guest-physical %#llx (%s)",
		 (unsigned long long)e->gpa, e->write ? "write" : "read");
	vcpu_crash(v, why);
}

/* vcpu_block: v, running here, has nothing to do until an interrupt: its
 * CPU puts it to sleep once done with it (vcpu_sched.c) and picks again. */
static void vcpu_block(struct vcpu *v)
{
	v->blocked = true;
	v->must_yield = true;
}

/* A guest's vCPU halted with interrupts off: once none of its vCPUs can
 * run again (all halted, or never started), the guest has halted: that
 * ends it as a poweroff (Linux's `halt`). */
static void vcpu_halted_for_good(struct vcpu *v)
{
	struct domain *d = v->domain;
	unsigned int i;

	for (i = 0; i < d->nr_vcpus; i++)
		if (!d->vcpu[i]->halted && !d->vcpu[i]->wait_sipi)
			return;
	domain_shutdown(d, XL_SHUTDOWN_POWEROFF, 0);
}

/*
 * HLT with interrupts off (Linux's halt, or a hung kernel) is reported and
 * the vCPU stopped. HLT with interrupts on is the idle loop: the vCPU
 * sleeps in the scheduler until its vLAPIC has something for it.
 */
static void vcpu_handle_hlt(struct vcpu *v, const struct vcpu_exit *e)
{
	v->regs.rip = e->next_rip;
	if (v->regs.rflags & X86_RFLAGS_IF) {
		v->halts++;
		if (!vcpu_lapic_pending(v))
			vcpu_block(v);
		return;
	}
	v->halted = true;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!v->domain->is_dom0) {
		/* In the log: a guest that ends here early shows where. */
		printk(PRINTK_INFO | PRINTK_LOG_ONLY, "%s vcpu%u halted with interrupts off "
		       "at RIP %016llx\n", domain_label(v->domain), v->id,
		       (unsigned long long)v->regs.rip);
		vcpu_halted_for_good(v);
		return;
	}
	printk(PRINTK_WARNING, "*** %s vcpu%u halted with interrupts off at RIP %016llx; "
	       "it is stopped, the hypervisor keeps running\n", domain_label(v->domain), v->id,
	       (unsigned long long)v->regs.rip);
}

static void vcpu_handle_exit(struct vcpu *v, const struct vcpu_exit *e)
{
	char why[96];

	switch (e->reason) {
	case VCPU_EXIT_NONE:
		break;
	case VCPU_EXIT_CPUID:
		vcpu_handle_cpuid(v);
		v->regs.rip = e->next_rip;
		break;
	case VCPU_EXIT_IO:
		vcpu_handle_io(v, e);
		break;
	case VCPU_EXIT_MSR_READ:
	case VCPU_EXIT_MSR_WRITE:
		vcpu_handle_msr(v, e);
		break;
	case VCPU_EXIT_HYPERCALL:
		v->regs.rip = e->next_rip;
		v->regs.rax = (uint64_t)hypercall(v->domain, v->regs.rax, v->regs.rdi,
						  v->regs.rsi, v->regs.rdx);
		break;
	case VCPU_EXIT_HLT:
		vcpu_handle_hlt(v, e);
		break;
	case VCPU_EXIT_INTR:
		vcpu_vendor->host_irqs(false);
		break;
	case VCPU_EXIT_IRQ_WINDOW:
		break;	/* vcpu_lapic_before_entry() injects */
	case VCPU_EXIT_INVD:
		__asm__ volatile("wbinvd" ::: "memory");
		v->regs.rip = e->next_rip;
		break;
	case VCPU_EXIT_NPF:
		vcpu_handle_npf(v, e);
		break;
	case VCPU_EXIT_VIRT_INSN:
		vcpu_vendor->inject_exception(v, 6, false, 0);
		break;
	case VCPU_EXIT_SHUTDOWN:
		vcpu_crash(v, "triple fault (shutdown)");
		break;
	case VCPU_EXIT_ENTRY_FAILED:
		vcpu_crash(v, "the CPU refused the guest state (VM entry failed)");
		break;
	default:
		snprintf(why, sizeof(why), "unhandled VM exit %#llx (info %#llx, %#llx)",
			 (unsigned long long)e->raw_code, (unsigned long long)e->raw_info1,
			 (unsigned long long)e->raw_info2);
		vcpu_crash(v, why);
		break;
	}
}

/* In guest mode from now on (hvm_domain_flush_all watches): with no
 * nested TLB entry older than the domain's last flush. */
static void vcpu_enter_flushed(struct vcpu *v)
{
	uint64_t gen;

	__atomic_store_n(&v->in_guest, true, __ATOMIC_SEQ_CST);
	gen = __atomic_load_n(&v->domain->hvm.p2m_gen, __ATOMIC_SEQ_CST);
	if (v->p2m_gen != gen) {
		vcpu_vendor->flush_p2m(v);
		__atomic_store_n(&v->p2m_gen, gen, __ATOMIC_SEQ_CST);
	}
}

void vcpu_enter(struct vcpu *v)
{
	struct vcpu_exit exit;
	uint64_t t = rdtsc();

	vcpu_lapic_before_entry(v);
	if (v->wait_sipi || !vcpu_ioreq_resume(v)) {
		vcpu_block(v);
		return;
	}
	vcpu_pv_eoi_before_entry(v);
	v->exit_cycles += rdtsc() - t;
	vcpu_enter_flushed(v);
	vcpu_vendor->run(v, &exit);
	__atomic_store_n(&v->in_guest, false, __ATOMIC_SEQ_CST);
	t = rdtsc();
	v->exits++;
	if (exit.reason < VCPU_EXIT_NR)
		v->exits_by_reason[exit.reason]++;
	vcpu_lapic_after_exit(v);
	vcpu_pv_eoi_after_exit(v);
	vcpu_handle_exit(v, &exit);
	t = rdtsc() - t;
	v->exit_cycles += t;
	if (exit.reason < VCPU_EXIT_NR)
		v->cycles_by_reason[exit.reason] += t;
}
