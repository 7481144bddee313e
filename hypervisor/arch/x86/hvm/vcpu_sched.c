/* Each physical CPU's loop: run the vCPU the scheduler picks, sleep when none. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "keyhandler.h"
#include "lib.h"
#include "panic.h"
#include "printk.h"
#include "sched.h"
#include <arch/x86/apic.h>
#include <arch/x86/fpu.h>
#include <arch/x86/irq.h>
#include <arch/x86/processor.h>
#include <arch/x86/smpboot.h>
#include <arch/x86/time.h>
#include "domain.h"
#include "ioreq.h"
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/hvm/vcpu_lapic.h>
#include <arch/x86/hvm/vcpu_sched.h>
#include <arch/x86/vdev/vlapic.h>

#define VCPU_SCHED_MAX		256
#define VCPU_SCHED_IDLE_MIN_NS	1000000ull	/* an idle CPU wakes at most every ms */
#define VCPU_SCHED_REMOVE_NS	2000000000ull	/* a CPU leaves a stopped vCPU by then */
#define VCPU_SCHED_POLL_NS	10000000ull	/* CPU 0's poll hook runs every 10 ms */
#define VCPU_SCHED_LOST_NS	200000000ull	/* a one-shot this overdue may be lost */

/* One per physical CPU; `current` and `resched` are read by other CPUs. */
struct vcpu_sched_cpu {
	struct vcpu *current;		/* the vCPU it runs, NULL when idle */
	struct vcpu *last;		/* the vCPU whose TLB entries and FPU
					 * registers it holds */
	bool resched;			/* the scheduler kicked it: pick again */
	bool timer_fired;		/* the one-shot fired: timer_armed is void */
	uint64_t timer_armed;		/* the one-shot's deadline (ns), 0 none */
	uint64_t timer_rescued;		/* the last overdue deadline kicked (ns) */
	uint64_t local_due;		/* earliest timer of vCPUs waiting here,
					 * or CPU 0's next poll */
};

static struct vcpu_sched_cpu vcpu_sched_cpus[SMP_MAX_CPUS];
static struct vcpu *vcpu_sched_all[VCPU_SCHED_MAX];	/* vcpu_sched_all_lock */
static unsigned int vcpu_sched_nr;
static int vcpu_sched_all_lock;
static void (*vcpu_sched_idle_hook)(unsigned int cpu);
static void (*vcpu_sched_poll_hook)(void);
static uint64_t vcpu_sched_poll_due;	/* CPU 0's */
static uint64_t vcpu_sched_rescues;	/* overdue one-shots kicked (atomic) */

static struct vcpu_sched_cpu *vcpu_sched_this(void)
{
	return &vcpu_sched_cpus[smp_this_cpu()];
}

/* The scheduler's kick: cpu must call sched_pick_next soon. */
static void vcpu_sched_kick(unsigned int cpu)
{
	struct smp_cpu *c = smp_cpu(cpu);

	__atomic_store_n(&vcpu_sched_cpus[cpu].resched, true, __ATOMIC_SEQ_CST);
	if (c && cpu != smp_this_cpu())
		apic_send_ipi(c->apic_id, APIC_VEC_KICK);
}

static void vcpu_sched_timer_irq(uint8_t vector)
{
	__atomic_store_n(&vcpu_sched_this()->timer_fired, true, __ATOMIC_SEQ_CST);
}

/* If v runs on another CPU now, make that CPU leave the guest (a kick
 * IPI), so that it sees what the caller just changed. */
static void vcpu_sched_kick_running(struct vcpu *v)
{
	unsigned int cpu = __atomic_load_n(&v->cpu, __ATOMIC_SEQ_CST);
	struct smp_cpu *c;

	if (cpu == smp_this_cpu() ||
	    __atomic_load_n(&vcpu_sched_cpus[cpu].current, __ATOMIC_SEQ_CST) != v)
		return;
	c = smp_cpu(cpu);
	if (c)
		apic_send_ipi(c->apic_id, APIC_VEC_KICK);
}

void vcpu_sched_make_exit(struct vcpu *v)
{
	vcpu_sched_kick_running(v);
}

void vcpu_sched_notify(struct vcpu *v)
{
	if (vcpu_stopped(v))
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sched_wake(&v->unit, true);
	vcpu_sched_kick_running(v);
}

void vcpu_sched_stop(struct vcpu *v)
{
	__atomic_store_n(&v->crashed, true, __ATOMIC_SEQ_CST);
	vcpu_sched_kick_running(v);
}

/*
 * vcpu_sched_put: this CPU is done with v (its registers saved): if v
 * sleeps, tell the scheduler now, not earlier: once asleep it may be
 * woken and run elsewhere at once, so nothing here may touch it after.
 * Something posted before the sleep was seen by nobody's wake-up: check.
 */
static void vcpu_sched_put(struct vcpu *v)
{
	if (vcpu_ops()->vcpu_put)
		vcpu_ops()->vcpu_put(v);
	fpu_save(&v->fpu);
	debug_addrs_save(&v->debug);
	__atomic_store_n(&v->running_on, -1, __ATOMIC_SEQ_CST);
	if (!v->blocked)
		return;
	sched_sleep(&v->unit);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* Waiting for its device model, only the answer wakes it. */
	if (!vcpu_stopped(v) && !vcpu_ioreq_waiting(v) &&
	    (vcpu_lapic_pending(v) || v->ioreq.state == IOREQ_ANSWERED))
		sched_wake(&v->unit, true);
}

/* vcpu_sched_poll: on CPU 0, run the poll hook if its time has come;
 * returns when it is due next (never, elsewhere or without a hook). */
static uint64_t vcpu_sched_poll(unsigned int cpu, uint64_t now)
{
	if (cpu || !vcpu_sched_poll_hook)
		return VLAPIC_NO_DEADLINE;
	if (now >= vcpu_sched_poll_due) {
		vcpu_sched_poll_hook();
		vcpu_sched_poll_due = now + VCPU_SCHED_POLL_NS;
	}
	return vcpu_sched_poll_due;
}

/*
 * vcpu_sched_rescue_timers: kick every other CPU whose one-shot is long
 * overdue and has not fired, once per deadline. Under QEMU's TCG the
 * interrupt of an emulated LAPIC timer can be lost: QEMU's timer thread
 * sets the CPU's interrupt request while the emulated VMRUN or #VMEXIT
 * rewrites that word without a lock, so the vector stays pending in the
 * LAPIC and the CPU runs its guest on without ever looking at it (seen:
 * dom0's boot CPU in guest mode for minutes, IRR holding APIC_VEC_TIMER).
 * An IPI from another CPU makes it look again. Real CPUs never need it.
 * Debug key 'e' counts the kicks; under TCG most are harmless, a CPU
 * whose one-shot is merely late because QEMU ran the other CPU longer.
 */
static void vcpu_sched_rescue_timers(unsigned int self, uint64_t now)
{
	unsigned int cpu;

	for (cpu = 0; cpu < SMP_MAX_CPUS; cpu++) {
		struct vcpu_sched_cpu *pc = &vcpu_sched_cpus[cpu];
		struct smp_cpu *c = smp_cpu(cpu);
		uint64_t armed, rescued;

		if (cpu == self || !c)
			continue;
		armed = __atomic_load_n(&pc->timer_armed, __ATOMIC_SEQ_CST);
		rescued = __atomic_load_n(&pc->timer_rescued, __ATOMIC_SEQ_CST);
		if (!armed || armed == VLAPIC_NO_DEADLINE || armed == rescued || now < armed ||
		    now - armed < VCPU_SCHED_LOST_NS ||
		    __atomic_load_n(&pc->timer_fired, __ATOMIC_SEQ_CST))
			continue;
		if (!__atomic_compare_exchange_n(&pc->timer_rescued, &rescued, armed, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			continue;	/* another CPU kicks it */
		__atomic_fetch_add(&vcpu_sched_rescues, 1, __ATOMIC_RELAXED);
		apic_send_ipi(c->apic_id, APIC_VEC_KICK);
	}
}

/* vcpu_sched_wake_due: wake (or boost, when queued) the vCPUs that last
 * ran on this CPU and are not running now whose virtual timer is due, so
 * that it fires on time; remember when the next one is (or CPU 0's poll). */
static void vcpu_sched_wake_due(struct vcpu_sched_cpu *pc, unsigned int cpu, uint64_t now)
{
	uint64_t next = VLAPIC_NO_DEADLINE, due;
	unsigned int i;

	lib_spin_lock(&vcpu_sched_all_lock);
	for (i = 0; i < vcpu_sched_nr; i++) {
		struct vcpu *v = vcpu_sched_all[i];

		if (v->cpu != cpu || v == pc->current || vcpu_stopped(v))
			continue;
		due = vcpu_lapic_deadline(v);
		if (due <= now)
			sched_wake(&v->unit, true);
		else if (due < next)
			next = due;
	}
	lib_spin_unlock(&vcpu_sched_all_lock);
	pc->local_due = LIB_MIN(next, vcpu_sched_poll(cpu, now));
	vcpu_sched_rescue_timers(cpu, now);
}

/* Arm this CPU's one-shot for deadline (ns), unless it already is. */
static void vcpu_sched_arm(struct vcpu_sched_cpu *pc, uint64_t deadline, uint64_t now)
{
	if (pc->timer_fired) {
		__atomic_store_n(&pc->timer_fired, false, __ATOMIC_SEQ_CST);
		__atomic_store_n(&pc->timer_armed, 0, __ATOMIC_SEQ_CST);
	}
	if (deadline == pc->timer_armed)
		return;
	if (deadline == VLAPIC_NO_DEADLINE)
		apic_timer_stop();
	else
		apic_timer_oneshot_ns(deadline > now ? deadline - now : 1);
	__atomic_store_n(&pc->timer_armed, deadline, __ATOMIC_SEQ_CST);
}

/* The CPU has nothing to run: sleep until an interrupt, a kick or the
 * next timer of a vCPU asleep here; at most VCPU_SCHED_LOST_NS, so that
 * an idle CPU still looks after the others' one-shots. */
static void vcpu_sched_idle(struct vcpu_sched_cpu *pc, unsigned int cpu, uint64_t now)
{
	uint64_t due = LIB_MAX(sched_next_event(cpu), now + VCPU_SCHED_IDLE_MIN_NS);

	due = LIB_MIN(due, now + VCPU_SCHED_LOST_NS);
	if (vcpu_sched_idle_hook)
		vcpu_sched_idle_hook(cpu);
	vcpu_sched_arm(pc, LIB_MIN(due, pc->local_due), now);
	if (!__atomic_load_n(&pc->resched, __ATOMIC_SEQ_CST))
		vcpu_ops()->host_irqs(true);
}

/* vcpu_sched_switch: v runs here next. The guest TLB entries, FPU and
 * debug address registers this CPU holds are another vCPU's, or v's from
 * before it ran elsewhere: flush the TLB, load v's registers (saved when
 * it left). */
static void vcpu_sched_switch(struct vcpu_sched_cpu *pc, struct vcpu *v, unsigned int cpu)
{
	int nobody = -1;

	/* The scheduler hands a vCPU to one CPU at a time: anything else
	 * would run one VMCB (or VMCS) on two CPUs. */
	if (!__atomic_compare_exchange_n(&v->running_on, &nobody, (int)cpu, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		panic("scheduler: %s vcpu%u given to cpu%u while cpu%d runs it",
		      domain_label(v->domain), v->id, cpu, nobody);
	if (v->cpu != cpu || pc->last != v) {
		vcpu_ops()->flush_p2m(v);
		fpu_restore(&v->fpu);
		debug_addrs_load(&v->debug);
	}
	pc->last = v;
	__atomic_store_n(&v->cpu, cpu, __ATOMIC_SEQ_CST);
	__atomic_store_n(&pc->current, v, __ATOMIC_SEQ_CST);
	v->blocked = false;
	v->must_yield = false;
}

/* vcpu_sched_run: enter v again and again until it sleeps, stops, or the
 * scheduler wants this CPU for another vCPU. The next scheduler event
 * only moves when this CPU ticks: it is read once per tick. */
static void vcpu_sched_run(struct vcpu_sched_cpu *pc, struct vcpu *v, unsigned int cpu)
{
	uint64_t now = time_now_ns();
	uint64_t next = LIB_MIN(sched_next_event(cpu), pc->local_due);

	for (;;) {
		/* Stopped, here or by a sibling's crash (vcpu_sched_stop). */
		if (vcpu_stopped(v)) {
			v->blocked = true;
			return;
		}
		vcpu_sched_arm(pc, LIB_MIN(next, vcpu_lapic_deadline(v)), now);
		vcpu_enter(v);
		irq_cpu_sync();
		if (v->must_yield || __atomic_load_n(&pc->resched, __ATOMIC_SEQ_CST))
			return;
		now = time_now_ns();
		if (now >= next) {
			vcpu_sched_wake_due(pc, cpu, now);
			if (sched_tick(cpu, now))
				return;
			next = LIB_MIN(sched_next_event(cpu), pc->local_due);
		}
	}
}

void vcpu_sched_loop(unsigned int cpu)
{
	struct vcpu_sched_cpu *pc = &vcpu_sched_cpus[cpu];
	struct sched_unit *u;
	uint64_t now, slice;

	irq_cpu_init();
	pc->local_due = VLAPIC_NO_DEADLINE;
	for (;;) {
		__atomic_store_n(&pc->current, NULL, __ATOMIC_SEQ_CST);
		irq_cpu_sync();
		now = time_now_ns();
		vcpu_sched_wake_due(pc, cpu, now);
		__atomic_store_n(&pc->resched, false, __ATOMIC_SEQ_CST);
		u = sched_pick_next(cpu, now, &slice);
		if (!u) {
			vcpu_sched_idle(pc, cpu, now);
			continue;
		}
		vcpu_sched_switch(pc, u->owner, cpu);
		vcpu_sched_run(pc, u->owner, cpu);
		vcpu_sched_put(u->owner);
	}
}

static const char *const vcpu_exit_names[VCPU_EXIT_NR] = {
	[VCPU_EXIT_NONE] = "none", [VCPU_EXIT_CPUID] = "cpuid", [VCPU_EXIT_IO] = "io",
	[VCPU_EXIT_MSR_READ] = "rdmsr", [VCPU_EXIT_MSR_WRITE] = "wrmsr",
	[VCPU_EXIT_HYPERCALL] = "hypercall", [VCPU_EXIT_HLT] = "hlt", [VCPU_EXIT_INVD] = "invd",
	[VCPU_EXIT_NPF] = "npf", [VCPU_EXIT_VIRT_INSN] = "svm/vmx insn",
	[VCPU_EXIT_SHUTDOWN] = "shutdown", [VCPU_EXIT_INTR] = "intr",
	[VCPU_EXIT_IRQ_WINDOW] = "irq window", [VCPU_EXIT_ENTRY_FAILED] = "entry failed",
	[VCPU_EXIT_UNKNOWN] = "unknown",
};

static const char *const vcpu_npf_names[VCPU_NPF_NR] = {
	[VCPU_NPF_LAPIC_EOI] = "lapic-eoi", [VCPU_NPF_LAPIC_ICR] = "lapic-icr",
	[VCPU_NPF_LAPIC_TIMER] = "lapic-timer", [VCPU_NPF_LAPIC_OTHER] = "lapic-other",
	[VCPU_NPF_IOAPIC] = "ioapic", [VCPU_NPF_IOREQ] = "ioreq", [VCPU_NPF_OTHER] = "other",
};

/* v's port I/O exits by port, eight ports a line, the last line with the
 * exits on ports that found no slot. */
static void vcpu_sched_print_ports(const struct vcpu *v)
{
	char line[256];
	size_t n = 0;
	unsigned int i, shown = 0;

	for (i = 0; i < VCPU_IO_STAT_PORTS; i++) {
		if (!v->io_by_port[i].ins && !v->io_by_port[i].outs)
			break;
		n += snprintf(line + n, sizeof(line) - n, " %#x %llu/%llu", v->io_by_port[i].port,
			      (unsigned long long)v->io_by_port[i].ins,
			      (unsigned long long)v->io_by_port[i].outs);
		if (++shown % 8 == 0 && i + 1 < VCPU_IO_STAT_PORTS &&
		    (v->io_by_port[i + 1].ins || v->io_by_port[i + 1].outs)) {
			printk(PRINTK_INFO, "   io by port (in/out):%s\n", line);
			n = 0;
		}
	}
	if (shown)
		printk(PRINTK_INFO, "   io by port (in/out):%s, others %llu\n", n ? line : "",
		       (unsigned long long)v->io_other_ports);
}

/* v's exits by reason (the reasons it never had left out; in brackets the
 * handler's cycles per exit of that reason, its share of the entry's work
 * not counted), its EOIs done through KVM's PV EOI flag if it enabled that,
 * and, if it had any, its nested page faults by what they hit. */
static void vcpu_sched_print_reasons(const struct vcpu *v)
{
	char line[384];
	size_t n = 0;
	unsigned int r;

	line[0] = 0;
	for (r = 0; r < VCPU_EXIT_NR && n < sizeof(line); r++) {
		uint64_t count = __atomic_load_n(&v->exits_by_reason[r], __ATOMIC_RELAXED);

		if (count)
			n += snprintf(line + n, sizeof(line) - n, " %s %llu (%llu)",
				      vcpu_exit_names[r], (unsigned long long)count,
				      (unsigned long long)(v->cycles_by_reason[r] / count));
	}
	printk(PRINTK_INFO, "   by reason:%s\n", line);
	if (v->pv_eoi_msr || v->pv_eois)
		printk(PRINTK_INFO, "   pv eoi: %s, %llu EOIs through the guest's flag\n",
		       v->pv_eoi_msr ? "on" : "off",
		       (unsigned long long)__atomic_load_n(&v->pv_eois, __ATOMIC_RELAXED));
	vcpu_sched_print_ports(v);
	if (!v->exits_by_reason[VCPU_EXIT_NPF])
		return;
	for (r = 0, n = 0; r < VCPU_NPF_NR && n < sizeof(line); r++)
		n += snprintf(line + n, sizeof(line) - n, " %s %llu", vcpu_npf_names[r],
			      (unsigned long long)__atomic_load_n(&v->npf_by_target[r],
								  __ATOMIC_RELAXED));
	printk(PRINTK_INFO, "   npf by target:%s; decoded instructions reused %llu of %llu\n",
	       line, (unsigned long long)v->insn_cache.hits,
	       (unsigned long long)(v->insn_cache.hits + v->insn_cache.misses));
}

/* Debug key 'e': VM exits and the hypervisor's cycles per exit, from
 * one snapshot (the vCPUs keep running meanwhile). */
static void vcpu_sched_key_exits(uint8_t key)
{
	static uint64_t exits[VCPU_SCHED_MAX], cycles[VCPU_SCHED_MAX];
	uint64_t all_exits = 0, all_cycles = 0;
	unsigned int i;

	lib_spin_lock(&vcpu_sched_all_lock);
	for (i = 0; i < vcpu_sched_nr; i++) {
		exits[i] = __atomic_load_n(&vcpu_sched_all[i]->exits, __ATOMIC_RELAXED);
		cycles[i] = __atomic_load_n(&vcpu_sched_all[i]->exit_cycles, __ATOMIC_RELAXED);
		all_exits += exits[i];
		all_cycles += cycles[i];
	}
	printk(PRINTK_INFO, "exits: %llu total, %llu cycles per exit; %llu overdue "
	       "one-shots kicked\n", (unsigned long long)all_exits,
	       (unsigned long long)(all_exits ? all_cycles / all_exits : 0),
	       (unsigned long long)__atomic_load_n(&vcpu_sched_rescues, __ATOMIC_RELAXED));
	for (i = 0; i < vcpu_sched_nr; i++) {
		printk(PRINTK_INFO, "  %s.v%u: %llu exits, %llu cycles per exit\n",
		       domain_label(vcpu_sched_all[i]->domain), vcpu_sched_all[i]->id,
		       (unsigned long long)exits[i],
		       (unsigned long long)(exits[i] ? cycles[i] / exits[i] : 0));
		vcpu_sched_print_reasons(vcpu_sched_all[i]);
	}
	lib_spin_unlock(&vcpu_sched_all_lock);
}

void vcpu_sched_init(const struct boot_options *opts)
{
	unsigned int n;

	sched_init(opts, time_now_ns());
	sched_set_kick_hook(vcpu_sched_kick);
	vcpu_lapic_set_notify(vcpu_sched_notify);
	for (n = 0; n < SMP_MAX_CPUS; n++)
		if (smp_cpu(n))
			sched_cpu_up(n);
	apic_set_handler(APIC_VEC_TIMER, vcpu_sched_timer_irq);
	keyhandler_register('e', "VM exit statistics", vcpu_sched_key_exits);
}

void vcpu_sched_set_idle_hook(void (*fn)(unsigned int cpu))
{
	vcpu_sched_idle_hook = fn;
}

void vcpu_sched_set_poll_hook(void (*fn)(void))
{
	vcpu_sched_poll_hook = fn;
}

int vcpu_sched_add(struct sched_dom *d, struct vcpu *v, int pin_cpu)
{
	struct sched_cpumask mask;
	int ret;

	ret = sched_unit_add(d, &v->unit, v->id, v);
	if (!ret && pin_cpu >= 0) {
		sched_cpumask_zero(&mask);
		sched_cpumask_set(&mask, (unsigned int)pin_cpu);
		ret = sched_unit_set_affinity(&v->unit, &mask);
	}
	v->cpu = v->unit.cpu;
	v->running_on = -1;
	v->blocked = true;
	lib_spin_lock(&vcpu_sched_all_lock);
	if (!ret && vcpu_sched_nr == VCPU_SCHED_MAX)
		ret = -ENOSPC;
	if (!ret)
		vcpu_sched_all[vcpu_sched_nr++] = v;
	lib_spin_unlock(&vcpu_sched_all_lock);
	if (ret && v->unit.dom)
		sched_unit_remove(&v->unit);
	return ret;
}

int vcpu_sched_remove(struct vcpu *v)
{
	uint64_t give_up = time_now_ns() + VCPU_SCHED_REMOVE_NS;
	unsigned int i;
	int ret;

	vcpu_sched_stop(v);
	lib_spin_lock(&vcpu_sched_all_lock);
	for (i = 0; i < vcpu_sched_nr && vcpu_sched_all[i] != v; i++)
		;
	if (i < vcpu_sched_nr)
		vcpu_sched_all[i] = vcpu_sched_all[--vcpu_sched_nr];
	lib_spin_unlock(&vcpu_sched_all_lock);
	while ((ret = sched_unit_remove(&v->unit)) == -EBUSY ||
	       __atomic_load_n(&v->running_on, __ATOMIC_SEQ_CST) >= 0) {
		if (time_now_ns() > give_up)
			return -EBUSY;
		vcpu_sched_kick_running(v);
		__asm__ volatile("pause");
	}
	for (i = 0; i < SMP_MAX_CPUS; i++)
		__atomic_compare_exchange_n(&vcpu_sched_cpus[i].last, &v, NULL, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return ret == -EINVAL ? 0 : ret;
}

void vcpu_sched_pause(struct vcpu *v, bool pause)
{
	__atomic_store_n(&v->paused, pause, __ATOMIC_SEQ_CST);
	if (pause) {
		vcpu_sched_kick_running(v);
	} else if (!vcpu_stopped(v)) {
		sched_wake(&v->unit, false);
	}
}

bool vcpu_sched_running(const struct vcpu *v)
{
	return __atomic_load_n(&v->running_on, __ATOMIC_SEQ_CST) >= 0 && !v->blocked;
}

bool vcpu_sched_runnable(const struct vcpu *v)
{
	enum sched_state st = sched_unit_state(&v->unit);

	return !vcpu_stopped(v) && st != SCHED_UNIT_BLOCKED && st != SCHED_UNIT_OFFLINE;
}

uint32_t vcpu_sched_xl_state(const struct vcpu *v)
{
	if (vcpu_sched_running(v))
		return XL_STATE_RUNNING;
	return vcpu_sched_runnable(v) ? XL_STATE_RUNNABLE : XL_STATE_BLOCKED;
}

uint64_t vcpu_sched_cpu_time(const struct vcpu *v)
{
	return __atomic_load_n(&v->unit.runtime, __ATOMIC_RELAXED);
}
