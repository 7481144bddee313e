/* Virtual CPUs: guest registers, normalised VM exits and the vendor ops seam. */
#ifndef XENOLITH_ARCH_X86_VCPU_H
#define XENOLITH_ARCH_X86_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched.h"
#include "arch/x86/debugreg.h"
#include "arch/x86/fpu.h"
#include "arch/x86/emul/mmio_insn_cache.h"
#include "arch/x86/regs.h"
#include "arch/x86/hvm/vcpu_ioreq.h"

enum vcpu_exit_reason {
	VCPU_EXIT_NONE,		/* the vendor code handled it (ops->run) */
	VCPU_EXIT_CPUID,
	VCPU_EXIT_IO,
	VCPU_EXIT_MSR_READ,
	VCPU_EXIT_MSR_WRITE,
	VCPU_EXIT_HYPERCALL,
	VCPU_EXIT_HLT,
	VCPU_EXIT_INVD,		/* would drop dirty cache lines: WBINVD instead */
	VCPU_EXIT_NPF,		/* nested page fault: gpa, write */
	VCPU_EXIT_VIRT_INSN,	/* guest used a virtualisation instruction */
	VCPU_EXIT_SHUTDOWN,	/* triple fault */
	VCPU_EXIT_INTR,		/* a physical interrupt is pending for the host */
	VCPU_EXIT_IRQ_WINDOW,	/* the guest can take an interrupt now */
	VCPU_EXIT_ENTRY_FAILED,	/* the CPU refused the guest state */
	VCPU_EXIT_UNKNOWN,
	VCPU_EXIT_NR,
};

#define VCPU_IO_STAT_PORTS	24

/* What a nested page fault hit (statistics: debug key 'e'). */
enum vcpu_npf_target {
	VCPU_NPF_LAPIC_EOI,	/* the vLAPIC page: EOI, ICR, timer, the rest */
	VCPU_NPF_LAPIC_ICR,
	VCPU_NPF_LAPIC_TIMER,
	VCPU_NPF_LAPIC_OTHER,
	VCPU_NPF_IOAPIC,
	VCPU_NPF_IOREQ,		/* a device model's MMIO range, posted writes included */
	VCPU_NPF_OTHER,		/* a revoked window, a 64-bit BAR's first touch, an empty board */
	VCPU_NPF_NR,
};

/* One VM exit, in vendor-neutral terms (filled by ops->run). */
struct vcpu_exit {
	enum vcpu_exit_reason reason;
	uint64_t raw_code;		/* vendor exit code, for reports */
	uint64_t raw_info1, raw_info2;
	uint64_t next_rip;		/* RIP after the instruction, 0 unknown */
	struct {
		uint16_t port;
		uint8_t size;		/* 1, 2 or 4 */
		bool in, string, rep;
	} io;
	uint64_t gpa;			/* NPF */
	bool write;			/* NPF */
};

struct vcpu;
struct vlapic;
struct mmio_guest;
struct domain;

struct cpu_features;
struct cpuid_regs;
struct p2m_format;

/*
 * The vendor seam (STYLE.md rule 4): one table per vendor, chosen once at
 * boot by vcpu_select_ops() from the vendors' probes. Common code calls
 * only these: for the physical CPUs, the vCPUs' control structures, the
 * nested tables' format and what guests see of the extension.
 */
struct vcpu_vendor_ops {
	const char *name;
	/* probe: usable on this CPU? Writes what it found of its features
	 * into facts (one phrase for the boot log); if not usable, *why names
	 * what is missing. Boot CPU. */
	bool (*probe)(const struct cpu_features *f, char *facts, size_t size, const char **why);
	/* cpu_init: allocate physical CPU cpu's vendor state. Boot CPU,
	 * before that CPU's cpu_enable. 0 or -errno. */
	int (*cpu_init)(unsigned int cpu);
	/* cpu_enable: turn virtualisation on for the calling CPU, number cpu,
	 * once its GDT, TSS and GS base are final. */
	void (*cpu_enable)(unsigned int cpu);
	/* vcpu_init: allocate and fill the control structures. 0 or -errno. */
	int (*vcpu_init)(struct vcpu *v);
	/* set_flat32: 32-bit flat protected mode, paging off (Linux boot protocol). */
	void (*set_flat32)(struct vcpu *v, uint32_t eip, uint32_t esi);
	/* p2m: the nested page tables' entry format (p2m.h). */
	const struct p2m_format *p2m;
	/* set_p2m_root: the nested page tables' root (physical). */
	void (*set_p2m_root)(struct vcpu *v, uint64_t root_pa);
	/* flush_p2m: the nested tables changed; flush before the next entry. */
	void (*flush_p2m)(struct vcpu *v);
	/* intercept_io: trap guest accesses to ports [port, port+count). */
	void (*intercept_io)(struct vcpu *v, uint16_t port, unsigned int count);
	/* intercept_msr: trap reads and/or writes of msr. */
	void (*intercept_msr)(struct vcpu *v, uint32_t msr, bool read, bool write);
	/* run: enter the guest, return on the next exit it does not absorb. */
	void (*run)(struct vcpu *v, struct vcpu_exit *exit);
	/* inject_exception: deliver vector at the next entry. */
	void (*inject_exception)(struct vcpu *v, uint8_t vector, bool has_error,
				 uint32_t error);
	/* cpuid_hide: take the vendor's virtualisation out of leaf as a
	 * guest sees it (r: the CPU's values); guests get no nested one. */
	void (*cpuid_hide)(uint32_t leaf, struct cpuid_regs *r);
	/* msr: RDMSR/WRMSR of an MSR the vendor keeps for itself (its
	 * virtualisation MSRs, and those it must hold fixed bits of), which
	 * vcpu_init traps: 0 done (*val read or written), -errno for #GP,
	 * 1 not the vendor's. */
	int (*msr)(struct vcpu *v, uint32_t msr, bool write, uint64_t *val);
	/* dump: print control registers, segments and vendor state at
	 * printk level. */
	void (*dump)(struct vcpu *v, unsigned int level);
	/* get_guest: the paging controls, CS and CPL an instruction fetch
	 * needs (g->read_ram is the caller's). */
	void (*get_guest)(struct vcpu *v, struct mmio_guest *g);
	/* irq_allowed: the guest would take an external interrupt now
	 * (RFLAGS.IF, no interrupt shadow, no event already queued). */
	bool (*irq_allowed)(struct vcpu *v);
	/* set_sipi: the state a STARTUP IPI gives (real mode, CS:IP =
	 * vector << 8 : 0; SDM vol. 3 §8.4.2), registers cleared. */
	void (*set_sipi)(struct vcpu *v, uint8_t vector);
	/* inject_nmi: deliver an NMI at the next entry. */
	void (*inject_nmi)(struct vcpu *v);
	/* offer_irq: from the next entry on, the guest takes vector as an
	 * external interrupt by itself as soon as it can (RFLAGS.IF, no
	 * shadow), with no exit; -1 withdraws the offer. */
	void (*offer_irq)(struct vcpu *v, int vector);
	/* irq_taken: after an exit: the offered vector if the guest took it
	 * meanwhile (the offer is then gone), else -1. */
	int (*irq_taken)(struct vcpu *v);
	/* irq_window: exit (VCPU_EXIT_IRQ_WINDOW) as soon as the guest can
	 * take an interrupt; replaces any offer. */
	void (*irq_window)(struct vcpu *v);
	/* host_irqs: on the host, after an exit: let pending physical
	 * interrupts run through the hypervisor's IDT; with halt, sleep until
	 * one arrives first. Interrupts are masked again on return. */
	void (*host_irqs)(bool halt);
	/* isolate: trap every port and every MSR except the guest-context
	 * ones the CPU switches itself (a guest that owns no hardware). */
	void (*isolate)(struct vcpu *v);
	/* vcpu_free: release what vcpu_init allocated (v stopped, off every
	 * CPU). */
	void (*vcpu_free)(struct vcpu *v);
	/* vcpu_put: optional: the calling CPU is done with v for now (it
	 * may run elsewhere next): write back what the CPU holds of it. */
	void (*vcpu_put)(struct vcpu *v);
};

/* Port I/O handler: *val is the value read (in) or written (out). */
typedef void (*vcpu_io_fn)(struct vcpu *v, uint16_t port, unsigned int size,
			   bool in, uint32_t *val);

#define VCPU_MAX_IO_HANDLERS 8

struct vcpu {
	struct cpu_regs regs;		/* this vCPU's thread only */
	unsigned int id;
	struct domain *domain;		/* constant: the domain it belongs to */
	void *vendor;			/* the vendor code's per-vCPU state */
	bool crashed;			/* stopped: its domain crashed or ended */
	bool halted;			/* stopped: HLT with interrupts off */
	bool paused;			/* stopped: its domain is paused */
	uint64_t exits;			/* statistics */
	uint64_t exits_by_reason[VCPU_EXIT_NR];
	uint64_t cycles_by_reason[VCPU_EXIT_NR];
	uint64_t npf_by_target[VCPU_NPF_NR];
	/* port I/O exits by port: the first VCPU_IO_STAT_PORTS ports seen,
	 * then the rest together (statistics: debug key 'e') */
	struct {
		uint16_t port;
		uint64_t ins, outs;
	} io_by_port[VCPU_IO_STAT_PORTS];
	uint64_t io_other_ports;
	struct mmio_insn_cache insn_cache; /* the hypervisor's own MMIO devices' instructions */
	unsigned int nr_io;
	struct {
		uint16_t port, count;
		vcpu_io_fn fn;
	} io[VCPU_MAX_IO_HANDLERS];
	/* virtual local APIC (vcpu_lapic.c) */
	struct vlapic *lapic;
	uint64_t lapic_page;		/* its xAPIC page, absent from the nested tables */
	bool lint0_extint;		/* physical LINT0 follows the vLAPIC's */
	uint64_t extint_pending[4];	/* the PIC's vectors to inject (bitmap) */
	uint64_t irqs_injected;		/* statistics */
	uint64_t halts;			/* HLTs slept in the hypervisor */
	uint64_t exit_cycles;		/* TSC cycles from exits to the next entries */
	struct vcpu_ioreq ioreq;	/* an access sent to the device model (vcpu_ioreq.c) */
	bool in_guest;			/* between the entry and the exit (atomics) */
	uint64_t p2m_gen;		/* the domain's p2m_gen its TLB holds */

	/* Scheduling (vcpu_sched.c). The fields below `cpu` are written by
	 * other CPUs with atomics and taken over by the vCPU's own CPU before
	 * each entry (vcpu_lapic_before_entry). */
	struct sched_unit unit;
	unsigned int cpu;		/* the CPU it runs on, or ran on last */
	int running_on;			/* the CPU between switch and put, or -1 */
	struct fpu_state fpu;		/* its x87/SSE/AVX registers while away */
	struct debug_addrs debug;	/* its DR0-DR3 while away (0 at the start) */
	bool blocked;			/* asleep in the scheduler (HLT) */
	bool wait_sipi;			/* INIT received: waits for a STARTUP */
	bool nmi_pending;		/* an NMI to inject */
	bool offered_extint;		/* the offered interrupt is the PIC's */
	int offered_vector;		/* the vLAPIC's vector offered, -1 none (or the PIC's) */
	/* KVM's PV EOI (vcpu_pv_eoi.c), this vCPU's thread */
	uint64_t pv_eoi_msr;		/* MSR_KVM_PV_EOI_EN as written, 0 off */
	bool pv_eoi_pending;		/* the guest's flag was set for this entry */
	uint64_t pv_eois;		/* statistics: EOIs the guest did through the flag */
	bool must_yield;		/* its CPU must pick again (it slept) */
	uint64_t posted[4];		/* vectors sent to its vLAPIC */
	uint64_t posted_level[4];	/* ... of which level-triggered */
	uint32_t events;		/* VCPU_EV_* */
	uint8_t sipi_vector;
};

/* Events for a vCPU from other CPUs (vcpu->events). */
#define VCPU_EV_INIT	(1u << 0)
#define VCPU_EV_SIPI	(1u << 1)
#define VCPU_EV_NMI	(1u << 2)

extern const struct vcpu_vendor_ops svm_vendor_ops;
extern const struct vcpu_vendor_ops vmx_vendor_ops;

/* The MSRs of guest context every vendor switches between guest and host
 * itself (SVM: VMRUN/VMLOAD; VMX: the VMCS and vmx.c's lazy switch), so
 * that even an isolated guest may own them (ops->isolate). */
extern const uint32_t vcpu_guest_msrs[];
extern const unsigned int vcpu_nr_guest_msrs;

/*
 * vcpu_select_ops: the vendor ops usable on this CPU, or NULL with *why
 * saying what is missing (one sentence). facts gets what each vendor probed
 * found, for the boot log. Boot CPU.
 */
const struct vcpu_vendor_ops *vcpu_select_ops(const struct cpu_features *f, char *facts,
					      size_t size, const char **why);

/* vcpu_create: init v as vCPU id of d for the selected vendor. 0 or -errno. */
int vcpu_create(struct vcpu *v, struct domain *d, unsigned int id);

/* vcpu_destroy: free what vcpu_create allocated (v off every CPU). */
void vcpu_destroy(struct vcpu *v);

/* vcpu_stopped: v must not run (crashed, halted for good, or paused). */
static inline bool vcpu_stopped(const struct vcpu *v)
{
	return __atomic_load_n(&v->crashed, __ATOMIC_SEQ_CST) || v->halted ||
	       __atomic_load_n(&v->paused, __ATOMIC_SEQ_CST);
}

/* vcpu_register_io: trap ports [port, port+count) to fn. 0 or -ENOSPC. */
int vcpu_register_io(struct vcpu *v, uint16_t port, uint16_t count, vcpu_io_fn fn);

/* vcpu_ops: the vendor ops in use (after vcpu_select_ops). */
const struct vcpu_vendor_ops *vcpu_ops(void);

/*
 * vcpu_enter: one trip into v and back: what is pending injected, the exit
 * handled (exits common to every vendor). v's CPU (vcpu_sched.c) decides
 * whether to enter again: not after a crash, a halt for good, or a sleep.
 */
void vcpu_enter(struct vcpu *v);

/*
 * vcpu_emulate_mmio: v's instruction at RIP touched device memory at gpa
 * (a nested page fault): decode and perform it on ops (mmio_emulate.h),
 * advancing RIP; an instruction the decoder refuses crashes v (one line
 * naming device, then the register dump), not the hypervisor.
 */
struct mmio_ops;
void vcpu_emulate_mmio(struct vcpu *v, uint64_t gpa, bool write, const struct mmio_ops *ops,
		       void *opaque, const char *device);

/* vcpu_crash: v's domain crashed: print why with v's register dump, then
 * the domain is crashed (domain_crash). v's thread. */
void vcpu_crash(struct vcpu *v, const char *why);

/* vcpu_dump: the register dump of v (debug key, crash report). */
void vcpu_dump(struct vcpu *v);

#endif
