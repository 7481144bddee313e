/* Virtual local APIC: one per vCPU, xAPIC page and x2APIC MSRs, as plain logic. */
#ifndef XENOLITH_ARCH_X86_VLAPIC_H
#define XENOLITH_ARCH_X86_VLAPIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* xAPIC register offsets in the 4 KiB page (SDM vol. 3 §10.4.1, table 10-1);
 * the x2APIC MSR of a register is VLAPIC_MSR_BASE + (offset >> 4). */
#define VLAPIC_ID	0x020
#define VLAPIC_VER	0x030
#define VLAPIC_TPR	0x080
#define VLAPIC_APR	0x090
#define VLAPIC_PPR	0x0a0
#define VLAPIC_EOI	0x0b0
#define VLAPIC_RRD	0x0c0
#define VLAPIC_LDR	0x0d0
#define VLAPIC_DFR	0x0e0
#define VLAPIC_SVR	0x0f0
#define VLAPIC_ISR	0x100	/* 8 registers, 0x100-0x170 */
#define VLAPIC_TMR	0x180
#define VLAPIC_IRR	0x200
#define VLAPIC_ESR	0x280
#define VLAPIC_LVT_CMCI	0x2f0
#define VLAPIC_ICR_LO	0x300
#define VLAPIC_ICR_HI	0x310
#define VLAPIC_LVT_TIMER 0x320
#define VLAPIC_LVT_THERM 0x330
#define VLAPIC_LVT_PERF	0x340
#define VLAPIC_LVT_LINT0 0x350
#define VLAPIC_LVT_LINT1 0x360
#define VLAPIC_LVT_ERR	0x370
#define VLAPIC_TMICT	0x380	/* timer initial count */
#define VLAPIC_TMCCT	0x390	/* timer current count */
#define VLAPIC_TDCR	0x3e0	/* timer divide configuration */
#define VLAPIC_SELF_IPI	0x3f0	/* x2APIC only (MSR 0x83f) */

#define VLAPIC_MSR_BASE		0x800u
#define VLAPIC_MSR_LAST		0x8ffu
#define VLAPIC_MSR_APIC_BASE	0x1bu	/* IA32_APIC_BASE */
#define VLAPIC_MSR_TSC_DEADLINE	0x6e0u	/* IA32_TSC_DEADLINE */

/* IA32_APIC_BASE bits (SDM vol. 3 §10.4.4, §10.12.1). */
#define VLAPIC_BASE_BSP		(1ull << 8)
#define VLAPIC_BASE_EXTD	(1ull << 10)
#define VLAPIC_BASE_EN		(1ull << 11)
#define VLAPIC_DEFAULT_BASE	0xfee00000ull

/* ESR bits (SDM vol. 3 §10.5.3, figure 10-9). Bits 0-3 exist only on P6
 * and Pentium processors: a message nobody accepts sets nothing today. */
#define VLAPIC_ESR_REDIR_IPI	(1u << 4)
#define VLAPIC_ESR_SEND_ILLEGAL	(1u << 5)
#define VLAPIC_ESR_RECV_ILLEGAL	(1u << 6)
#define VLAPIC_ESR_ILLEGAL_REG	(1u << 7)

/* Delivery modes, ICR bits 10:8 and IOAPIC redirection entries. */
#define VLAPIC_DM_FIXED		0u
#define VLAPIC_DM_LOWEST	1u
#define VLAPIC_DM_SMI		2u
#define VLAPIC_DM_NMI		4u
#define VLAPIC_DM_INIT		5u
#define VLAPIC_DM_SIPI		6u
#define VLAPIC_DM_EXTINT	7u

/* ICR destination shorthands, bits 19:18. */
#define VLAPIC_SH_NONE		0u
#define VLAPIC_SH_SELF		1u
#define VLAPIC_SH_ALL		2u
#define VLAPIC_SH_OTHERS	3u

/* Most vCPUs in one group (domain). APIC ID = index in the group. */
#define VLAPIC_MAX_VCPUS	64u
/* "No deadline" from vlapic_next_deadline(). */
#define VLAPIC_NO_DEADLINE	UINT64_MAX
/* A periodic timer never fires more often than this (a guest asking for
 * a 1 ns period would otherwise keep a CPU in the timer interrupt). */
#define VLAPIC_MIN_PERIOD_NS	100000ull

/*
 * What the model calls; opaque is vlapic_group.opaque (the domain). All
 * may be called from any vLAPIC call below, so they must not call back
 * into the same vLAPIC except where said.
 */
struct vlapic_ops {
	/* now_ns: the hypervisor's monotonic clock (the scheduler's). */
	uint64_t (*now_ns)(void *opaque);
	/* guest_tsc: vCPU vcpu's TSC now. Needed only when TSC-deadline
	 * mode is offered; may be NULL otherwise. */
	uint64_t (*guest_tsc)(void *opaque, unsigned int vcpu);
	/*
	 * send_ipi: one message for vCPU target, from an ICR write or from
	 * vlapic_group_deliver(). mode is VLAPIC_DM_FIXED (lowest priority
	 * arrives as fixed), _NMI, _INIT or _SIPI; vector is legal (16-255)
	 * for FIXED, the start page for SIPI. level: level-triggered FIXED.
	 * For FIXED the callee calls vlapic_accept_irq(target's vLAPIC,
	 * vector, level) and kicks that vCPU; the others change vCPU state.
	 */
	void (*send_ipi)(void *opaque, unsigned int target, unsigned int mode,
			 uint8_t vector, bool level);
	/* eoi_level: vCPU vcpu wrote EOI for a level-triggered vector: the
	 * IOAPIC (virtual, then physical) may clear Remote IRR. */
	void (*eoi_level)(void *opaque, unsigned int vcpu, uint8_t vector);
	/* timer_changed: vCPU vcpu's vlapic_next_deadline() changed (armed,
	 * stopped, divide changed). May be NULL. */
	void (*timer_changed)(void *opaque, unsigned int vcpu);
};

/* Per-vCPU facts fixed at creation (from the vCPU's CPUID). */
struct vlapic_config {
	bool bsp;		/* IA32_APIC_BASE.BSP */
	bool x2apic;		/* CPUID.1:ECX.x2APIC offered */
	bool tsc_deadline;	/* CPUID.1:ECX.TSC_Deadline offered */
	unsigned int bus_ns;	/* ns per timer bus tick, 1..1000 */
	uint32_t tsc_khz;	/* guest TSC rate; needed with tsc_deadline */
	unsigned int phys_bits;	/* MAXPHYADDR, 32..52 */
};

struct vlapic;

/* The vLAPICs of one domain: destinations are looked up here. */
struct vlapic_group {
	const struct vlapic_ops *ops;
	void *opaque;
	unsigned int nr;			/* vlapic_init() */
	struct vlapic *lapic[VLAPIC_MAX_VCPUS];	/* index = vCPU = APIC ID */
};

/*
 * One vLAPIC. Fields are the model's: callers use the functions below.
 * Threads: vlapic_accept_irq() on any CPU (IRR/TMR/ESR-pending are
 * atomic); everything else on the owning vCPU's thread only (or with it
 * stopped). Other vLAPICs' destination fields are read for routing.
 */
struct vlapic {
	uint32_t reg[64];	/* the xAPIC page, by offset >> 4 */
	uint32_t esr_pending;	/* errors since the last ESR write (atomic) */
	uint64_t apic_base;	/* IA32_APIC_BASE */
	uint64_t tsc_deadline;	/* IA32_TSC_DEADLINE as written, 0 = disarmed */
	uint64_t expire_ns;	/* next timer expiry, VLAPIC_NO_DEADLINE if none */
	uint64_t period_ns;	/* periodic: one period; else 0 */
	uint64_t tick_ns;	/* ns per count: bus_ns * divide */
	unsigned int id;	/* vCPU index = APIC ID */
	struct vlapic_config cfg;
	struct vlapic_group *group;
};

/*
 * vlapic_init: set up v as vCPU id of group g (g->ops/opaque filled by the
 * caller; g->nr grows to cover id) in the power-up state: xAPIC mode at
 * 0xfee00000, registers as after RESET (SDM vol. 3 §10.4.7.1). Returns 0,
 * or -EINVAL (id >= VLAPIC_MAX_VCPUS, slot taken, bad config).
 */
int vlapic_init(struct vlapic *v, struct vlapic_group *g, unsigned int id,
		const struct vlapic_config *cfg);

/* vlapic_reset_init: the INIT signal: every register back to its power-up
 * value except the APIC ID and IA32_APIC_BASE (SDM vol. 3 §10.4.7.3). */
void vlapic_reset_init(struct vlapic *v);

/*
 * MMIO on the xAPIC page, in struct mmio_ops form (opaque = the vlapic).
 * gpa must lie in the page at vlapic_mmio_base(). Registers are 32 bits at
 * 16-byte strides (SDM vol. 3 §10.4.1): a read of 1, 2 or 4 bytes inside
 * bytes 0-3 of a register returns those bytes, an 8-byte read at the
 * register returns it zero-extended, anything else reads 0. Writes count
 * only as 4 or 8 bytes at offset 0 of a register (the low 32 bits); others
 * are dropped. Reserved offsets read 0, ignore writes and set ESR bit 7.
 * With the APIC disabled or in x2APIC mode the page reads 0 and ignores
 * writes. Returns 0, or -EINVAL for a gpa outside the page or a size not
 * 1/2/4/8 (the emulator never makes those): the caller crashes the guest.
 */
int vlapic_mmio_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val);
int vlapic_mmio_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val);

/* vlapic_mmio_base: the guest-physical page the xAPIC registers are at
 * now; vlapic_mmio_enabled: whether they are (xAPIC mode). */
uint64_t vlapic_mmio_base(const struct vlapic *v);
bool vlapic_mmio_enabled(const struct vlapic *v);

/* vlapic_msr_handled: whether RDMSR/WRMSR of msr belongs here
 * (IA32_APIC_BASE, 0x800-0x8ff, IA32_TSC_DEADLINE). */
bool vlapic_msr_handled(uint32_t msr);

/*
 * vlapic_msr_read/write: RDMSR/WRMSR of msr (vlapic_msr_handled) with x2APIC
 * rules (SDM vol. 3 §10.12.1): x2APIC MSRs only in x2APIC mode; ICR is one
 * 64-bit MSR; no DFR, APR, RRD or ICR high; read-only registers, write-only
 * registers (EOI, SELF IPI), reserved bits and non-zero EOI/ESR writes all
 * fault. Returns 0, or -EINVAL: the caller injects #GP(0) and does not
 * advance RIP.
 */
int vlapic_msr_read(struct vlapic *v, uint32_t msr, uint64_t *val);
int vlapic_msr_write(struct vlapic *v, uint32_t msr, uint64_t val);

/*
 * vlapic_accept_irq: a fixed interrupt for v (from send_ipi or an IOAPIC):
 * set IRR (and TMR if level, else clear it). Returns 0, -EINVAL for vector
 * 0-15 (ESR "received illegal vector" set, nothing pending) or -EAGAIN
 * when v is disabled (global or software): dropped. Any CPU; the caller
 * kicks v's vCPU when 0 is returned.
 */
int vlapic_accept_irq(struct vlapic *v, uint8_t vector, bool level);

/*
 * vlapic_pending_vector: the highest IRR vector whose priority class is
 * above PPR's (SDM vol. 3 §10.8.3.1), i.e. what the vCPU would take now if
 * its RFLAGS.IF allowed; -1 if none. Does not change state.
 */
int vlapic_pending_vector(const struct vlapic *v);

/*
 * vlapic_tpr_threshold: the priority class (0-15) below which the TPR must
 * drop before the highest IRR vector can be taken: that vector's class
 * when the TPR alone could hold it back (its class not above the TPR's),
 * else 0. Never above the TPR's class: VMX's TPR threshold (SDM vol. 3
 * §29.1.2), so that a guest lowering CR8 under a TPR shadow exits.
 */
unsigned int vlapic_tpr_threshold(const struct vlapic *v);

/*
 * vlapic_ack: the vCPU takes vector (from vlapic_pending_vector): IRR bit to
 * ISR (SDM vol. 3 §10.8.4). Returns 0, or -EINVAL if vector is not pending.
 * The caller injects the vector as an external interrupt.
 */
int vlapic_ack(struct vlapic *v, uint8_t vector);

/* vlapic_eoi: an EOI (§10.8.5): retire the highest in-service vector, if
 * any; a level-triggered one (TMR set) is broadcast to the IOAPICs through
 * eoi_level. The EOI register's write, or a paravirtual EOI
 * (vlapic_pv_eoi.h). The owning vCPU's thread. */
void vlapic_eoi(struct vlapic *v);

/* vlapic_ppr: the processor priority now (SDM vol. 3 §10.8.3.1). */
uint32_t vlapic_ppr(const struct vlapic *v);

/*
 * Timer (SDM vol. 3 §10.5.4). vlapic_next_deadline: when the vCPU's timer
 * next needs vlapic_timer_fire() (now_ns clock), VLAPIC_NO_DEADLINE if
 * stopped. vlapic_timer_fire: process an expiry at or before now: raise
 * the LVT timer vector unless masked, re-arm a periodic timer a whole
 * number of periods after its previous expiry (no drift; missed periods
 * are coalesced into one interrupt), disarm one-shot and TSC-deadline.
 * Returns true if an interrupt was made pending. Early calls do nothing.
 */
uint64_t vlapic_next_deadline(const struct vlapic *v);
bool vlapic_timer_fire(struct vlapic *v, uint64_t now);

/* vlapic_reg: a register's raw 32 bits by xAPIC offset (debug dumps and
 * tests); ISR/IRR/TMR are atomic snapshots. 0 for offsets past 0x3f0. */
uint32_t vlapic_reg(const struct vlapic *v, unsigned int offset);

/* vlapic_summary: one line for debug dumps into buf (size n): the highest
 * vector in service and waiting, TPR, the LVT timer and its next expiry
 * counted from now (ns, the now_ns clock). */
void vlapic_summary(const struct vlapic *v, uint64_t now, char *buf, size_t n);

/*
 * vlapic_group_deliver: route one interrupt message in g (from an ICR or an
 * IOAPIC): dest_mode false = physical (dest is an APIC ID, broadcast
 * 0xff, or 0xffffffff with x2apic_dest), true = logical (matched against
 * each target's LDR/DFR, or x2APIC cluster LDR). Calls g->ops->send_ipi
 * once per target, in APIC ID order; lowest priority goes to the first
 * target only, as FIXED. A destination nobody has drops the message (no
 * ESR bit: send/receive accept errors exist only on P6 and Pentium,
 * SDM vol. 3 §10.5.3). Returns the number of targets.
 */
unsigned int vlapic_group_deliver(struct vlapic_group *g, uint32_t dest,
				  bool dest_mode, bool x2apic_dest,
				  unsigned int mode, uint8_t vector, bool level);

#endif
