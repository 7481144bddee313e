/* sched.h - vCPU scheduler interface: units, per-pCPU run queues, weight, cap, pinning. */
#ifndef XENOLITH_SCHED_H
#define XENOLITH_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"

/*
 * Plain logic, no hardware access: the caller passes the time (`now`, in
 * nanoseconds of one clock shared by every CPU) and the CPU number. Every
 * entry point may be called on any CPU with interrupts off on that CPU;
 * none sleeps. docs/scheduler.md describes the policy for users.
 *
 * Locks (sched.c): one global scheduler lock (domain list, weights, caps,
 * accounting), then one lock per pCPU run queue. A unit is owned by the
 * run-queue lock of the CPU named in its `cpu` field. Order: global lock
 * before run-queue locks; two run-queue locks only by trylock.
 */

#define SCHED_MAX_CPUS 256	/* CPUs numbered 0..255 can be scheduled */
#define SCHED_NS_PER_MS 1000000ull

/* A set of physical CPUs, bit n = CPU n (vcpu-pin). */
struct sched_cpumask {
	uint64_t bits[SCHED_MAX_CPUS / 64];
};

static inline void sched_cpumask_zero(struct sched_cpumask *m)
{
	for (unsigned int i = 0; i < SCHED_MAX_CPUS / 64; i++)
		m->bits[i] = 0;
}

static inline void sched_cpumask_fill(struct sched_cpumask *m)
{
	for (unsigned int i = 0; i < SCHED_MAX_CPUS / 64; i++)
		m->bits[i] = ~0ull;
}

static inline void sched_cpumask_set(struct sched_cpumask *m, unsigned int cpu)
{
	if (cpu < SCHED_MAX_CPUS)
		m->bits[cpu / 64] |= 1ull << (cpu % 64);
}

static inline bool sched_cpumask_test(const struct sched_cpumask *m,
				      unsigned int cpu)
{
	return cpu < SCHED_MAX_CPUS && (m->bits[cpu / 64] >> (cpu % 64)) & 1;
}

static inline bool sched_cpumask_equal(const struct sched_cpumask *a,
				       const struct sched_cpumask *b)
{
	for (unsigned int i = 0; i < SCHED_MAX_CPUS / 64; i++)
		if (a->bits[i] != b->bits[i])
			return false;
	return true;
}

/* Where a unit is in its life (sched.c moves it; see each entry point). */
enum sched_state {
	SCHED_UNIT_OFFLINE = 0,	/* not added, or removed */
	SCHED_UNIT_BLOCKED,	/* waits for sched_wake (new, HLT, paused) */
	SCHED_UNIT_QUEUED,	/* runnable, in the run queue of `cpu` */
	SCHED_UNIT_RUNNING,	/* the current unit of `cpu` */
	SCHED_UNIT_MIGRATING,	/* runnable, on its way to the queue of `cpu` */
};

#define SCHED_UNIT_PRIV_WORDS 6
#define SCHED_DOM_PRIV_WORDS 6

struct sched_dom;

/*
 * What the scheduler keeps per vCPU. The arch vCPU embeds one (storage is
 * the caller's; nothing is allocated). Fields are the scheduler's: read
 * them only through the functions below.
 */
struct sched_unit {
	/* Set by sched_unit_add, constant until sched_unit_remove. */
	struct sched_dom *dom;
	void *owner;			/* the arch vCPU, for the caller */
	unsigned int id;		/* vCPU number within the domain */
	/* Run-queue lock of CPU `cpu`; `cpu` itself is stored with that
	 * lock held and read by sched_unit_lock(). */
	unsigned int cpu;
	enum sched_state state;
	bool yield;			/* give way once at the next pick */
	/* As set by vcpu-pin; written under the global and the unit lock. */
	struct sched_cpumask affinity;
	struct sched_unit *rq_prev, *rq_next;
	uint64_t run_start;		/* when it last started running (ns) */
	uint64_t runtime;		/* ns run since added (statistics) */
	/* Global scheduler lock. */
	struct sched_unit *dom_next;
	/* The policy's own state (struct csched_unit for credit). */
	uint64_t priv[SCHED_UNIT_PRIV_WORDS];
};

/* What the scheduler keeps per domain; storage is the caller's. */
struct sched_dom {
	unsigned int domid;		/* constant once added */
	const char *name;		/* constant, lives as long as the domain */
	/* Global scheduler lock. */
	bool added;
	unsigned int nr_units;
	struct sched_unit *units;
	struct sched_dom *next;
	/* The policy's own state (struct csched_dom for credit). */
	uint64_t priv[SCHED_DOM_PRIV_WORDS];
};

/* Per-domain parameters (xenoctl sched-credit -w / -c). */
struct sched_params {
	uint32_t weight;		/* 1..65535, default 256 */
	uint32_t cap;			/* % of one CPU, 0 = no cap */
};

/*
 * A scheduling policy. Generic code (sched.c) keeps the queues, states
 * and locks; the policy ranks units and accounts their time. Hooks named
 * "unit lock" run with the run-queue lock that owns the unit held; those
 * named "global lock" with the global scheduler lock held.
 */
struct sched_ops {
	const char *name;		/* as in sched=<name> */
	uint64_t tick_ns;		/* accounting tick while a unit runs */
	uint64_t period_ns;		/* interval between account() calls */
	int steal_below;		/* an idle-ish CPU whose best local unit
					 * ranks below this steals from peers */
	void (*init)(void);
	void (*dom_init)(struct sched_dom *d);			/* global lock */
	int (*set_params)(struct sched_dom *d, const struct sched_params *p);
	void (*get_params)(const struct sched_dom *d, struct sched_params *p);
	void (*unit_init)(struct sched_unit *u);		/* global lock */
	/* rank: higher runs first; negative = may not run now. Unit lock. */
	int (*rank)(const struct sched_unit *u);
	void (*wake)(struct sched_unit *u, bool boost);		/* unit lock */
	void (*start)(struct sched_unit *u, uint64_t now);	/* unit lock */
	void (*tick)(struct sched_unit *u, uint64_t now);	/* unit lock */
	void (*stop)(struct sched_unit *u, uint64_t now);	/* unit lock */
	uint64_t (*slice)(const struct sched_unit *u);		/* unit lock */
	/* account: hand out one period's time among the domains on the
	 * list (linked by `next`) using nr_cpus CPUs. Global lock. */
	void (*account)(struct sched_dom *doms, unsigned int nr_cpus);
	/* dump: append a few words about the unit (rank, credit) to buf. */
	void (*describe)(const struct sched_unit *u, char *buf, size_t len);
	void (*describe_dom)(const struct sched_dom *d, char *buf, size_t len);
};

extern const struct sched_ops sched_credit_ops;

/*
 * sched_init: forget every domain, unit and CPU; choose the policy named
 * by opts->sched (NULL opts or an unknown name: credit, with a warning);
 * register the 'r' debug key (once keyhandler_init ran). The first
 * accounting period starts at now. Boot CPU, before any other call.
 * Returns 0.
 */
int sched_init(const struct boot_options *opts, uint64_t now);

/* sched_name: the policy in use ("credit"). */
const char *sched_name(void);

/*
 * sched_set_kick_hook: kick(cpu) asks that CPU to call sched_pick_next
 * soon (an IPI, or a flag when it is the calling CPU). It is called with
 * scheduler locks held: it must not call back into the scheduler.
 */
void sched_set_kick_hook(void (*kick)(unsigned int cpu));

/*
 * sched_cpu_up: CPU `cpu` joins scheduling (boot CPU and each AP, on that
 * CPU, before its first sched_pick_next). Returns 0, or -EINVAL (cpu >=
 * SCHED_MAX_CPUS), -EEXIST (already up).
 */
int sched_cpu_up(unsigned int cpu);
bool sched_cpu_online(unsigned int cpu);
unsigned int sched_nr_cpus(void);

/*
 * sched_dom_add: register domain storage d with weight 256 and no cap.
 * Returns 0, -EINVAL (NULL) or -EEXIST (d already added). Any CPU.
 */
int sched_dom_add(struct sched_dom *d, unsigned int domid, const char *name);
/* sched_dom_remove: unregister d. 0, -EINVAL (not added), -EBUSY (units). */
int sched_dom_remove(struct sched_dom *d);

/*
 * sched_dom_set_params: set weight (1..65535) and cap (0 = none, else
 * 1..100 x max(1, vCPUs of d)). Both are checked before either is set.
 * Returns 0 or -EINVAL. sched_dom_get_params: the current values, 0 or
 * -EINVAL (d not added). Any CPU.
 */
int sched_dom_set_params(struct sched_dom *d, const struct sched_params *p);
int sched_dom_get_params(const struct sched_dom *d, struct sched_params *p);

/*
 * sched_unit_add: register vCPU storage u (zeroed, or removed before) as
 * vCPU `id` of d: blocked, allowed on every CPU, placed on the online CPUs
 * in turn. owner is returned untouched in u->owner (the arch vCPU).
 * Returns 0, -EINVAL (NULL, d not added, no CPU online) or -EEXIST. Any CPU.
 */
int sched_unit_add(struct sched_dom *d, struct sched_unit *u, unsigned int id,
		   void *owner);

/*
 * sched_unit_remove: unregister u (a paused vCPU). Returns 0, -EINVAL
 * (not added) or -EBUSY: u is the current unit of a CPU (sched_sleep it
 * and let that CPU call sched_pick_next first).
 */
int sched_unit_remove(struct sched_unit *u);

/*
 * sched_unit_set_affinity: pin u to the CPUs in *mask (vcpu-pin). CPUs
 * not online yet are kept for later. Returns 0, or -EINVAL when the mask
 * names no online CPU (or u is not added). A queued unit moves at once; a
 * running one at its CPU's next sched_pick_next (that CPU is kicked); a
 * blocked one when it is woken. Any CPU.
 */
int sched_unit_set_affinity(struct sched_unit *u, const struct sched_cpumask *mask);
void sched_unit_get_affinity(struct sched_unit *u, struct sched_cpumask *mask);
/* sched_unit_nr_cpus: online CPUs u may run on (for policies; global lock). */
unsigned int sched_unit_nr_cpus(const struct sched_unit *u);

/*
 * sched_wake: u becomes runnable (its vCPU left HLT, was unpaused, or was
 * just created). boost = the wake-up (or, for a runnable unit, the event)
 * is an interrupt for it: a unit that has not used up its share then runs
 * before every other unit of its priority. Kicks a CPU when u should run
 * there before that CPU's current unit, or an idle CPU that may take it.
 * Harmless on a running unit. Any CPU, also from an interrupt handler that
 * did not interrupt the scheduler (interrupts are off inside it).
 */
void sched_wake(struct sched_unit *u, bool boost);

/*
 * sched_sleep: u is blocked (HLT with nothing pending, paused). If it is
 * running, its CPU must call sched_pick_next next (the caller when that is
 * its own vCPU; otherwise that CPU is kicked).
 */
void sched_sleep(struct sched_unit *u);

/* sched_unit_yield: u (running) gives way to any other runnable unit of its
 * CPU at that CPU's next sched_pick_next, once. */
void sched_unit_yield(struct sched_unit *u);

/*
 * sched_pick_next: on CPU cpu at time now, run the periodic accounting
 * when it is due (an idle CPU calls only this when its timer fires), put
 * the current unit back (if still runnable) and choose the next one, stealing from other CPUs'
 * queues when this CPU has nothing good to run. Returns the unit to run,
 * its slice being *slice_ns, or NULL: the CPU idles (halts) until an
 * interrupt or a kick. Either way, arm the timer for sched_next_event(cpu)
 * (ticks come inside the slice). The calling CPU must be `cpu`. A CPU that
 * is not up gets NULL (sched_tick false, sched_current NULL).
 */
struct sched_unit *sched_pick_next(unsigned int cpu, uint64_t now,
				   uint64_t *slice_ns);

/*
 * sched_tick: account the time of cpu's current unit up to now and run the
 * periodic accounting when it is due. Returns true when cpu must call
 * sched_pick_next now (slice over, a better unit waits, its cap is used).
 * Call it at sched_next_event(cpu) or later; more often is harmless.
 */
bool sched_tick(unsigned int cpu, uint64_t now);

/* sched_next_event: the time (ns) at which sched_tick(cpu) is next due;
 * arm the CPU's one-shot timer for it (or earlier). */
uint64_t sched_next_event(unsigned int cpu);

/* sched_current: cpu's current unit, NULL when idle (a snapshot). */
struct sched_unit *sched_current(unsigned int cpu);

/* sched_unit_state: u's state (a snapshot). */
enum sched_state sched_unit_state(const struct sched_unit *u);

/* sched_dump: printk the run queues, domains and units (debug key 'r'). */
void sched_dump(void);

#endif
