/* sched.c - generic vCPU scheduling: per-pCPU run queues, unit states, pinning, stealing. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "keyhandler.h"
#include "lib.h"
#include "printk.h"
#include "sched.h"

/* One per physical CPU. Fields under `lock` unless noted. */
struct sched_rq {
	volatile int lock;
	bool online;			/* set once by sched_cpu_up */
	struct sched_unit *curr;	/* NULL = idle */
	struct sched_unit *head, *tail;	/* runnable units, FIFO */
	unsigned int nr_queued;
	uint64_t slice_end;		/* curr (or idling) until then */
	uint64_t last_tick;		/* last sched_tick or pick */
};

static struct sched_rq sched_rqs[SCHED_MAX_CPUS];
static const struct sched_ops *sched_ops = &sched_credit_ops;
static void (*sched_kick_hook)(unsigned int cpu);

/* Global scheduler lock and what it owns. */
static volatile int sched_lock;
static struct sched_dom *sched_doms;
static unsigned int sched_online;	/* also read without the lock */
static uint64_t sched_next_acct;	/* written under the lock; atomic */
static unsigned int sched_nr_idle;	/* online CPUs without a unit; atomic */
static unsigned int sched_place_next;	/* where the next new unit goes */

static const struct sched_ops *const sched_policies[] = {
	&sched_credit_ops,
};

static void sched_kick(unsigned int cpu)
{
	if (sched_kick_hook)
		sched_kick_hook(cpu);
}

/* sched_unit_lock: take the run-queue lock that owns u; returns its CPU.
 * u->cpu may change until we hold the lock of the CPU it names. */
static unsigned int sched_unit_lock(struct sched_unit *u)
{
	for (;;) {
		unsigned int cpu = __atomic_load_n(&u->cpu, __ATOMIC_ACQUIRE);

		lib_spin_lock(&sched_rqs[cpu].lock);
		if (__atomic_load_n(&u->cpu, __ATOMIC_ACQUIRE) == cpu)
			return cpu;
		lib_spin_unlock(&sched_rqs[cpu].lock);
	}
}

static void sched_rq_unlock(unsigned int cpu)
{
	lib_spin_unlock(&sched_rqs[cpu].lock);
}

/* Store a unit's state (its lock held); others may read it locklessly. */
static void sched_set_state(struct sched_unit *u, enum sched_state st)
{
	__atomic_store_n(&u->state, st, __ATOMIC_RELEASE);
}

static void sched_rq_append(struct sched_rq *rq, struct sched_unit *u)
{
	u->rq_next = NULL;
	u->rq_prev = rq->tail;
	if (rq->tail)
		rq->tail->rq_next = u;
	else
		rq->head = u;
	rq->tail = u;
	__atomic_store_n(&rq->nr_queued, rq->nr_queued + 1, __ATOMIC_RELAXED);
}

static void sched_rq_remove(struct sched_rq *rq, struct sched_unit *u)
{
	if (u->rq_prev)
		u->rq_prev->rq_next = u->rq_next;
	else
		rq->head = u->rq_next;
	if (u->rq_next)
		u->rq_next->rq_prev = u->rq_prev;
	else
		rq->tail = u->rq_prev;
	u->rq_prev = u->rq_next = NULL;
	__atomic_store_n(&rq->nr_queued, rq->nr_queued - 1, __ATOMIC_RELAXED);
}

/* The first queued unit of the highest non-negative rank that may run on
 * cpu, skipping `skip`; NULL if none. Caller holds rq's lock. */
static struct sched_unit *sched_rq_best(struct sched_rq *rq, unsigned int cpu,
					const struct sched_unit *skip, int *rank)
{
	struct sched_unit *best = NULL, *u;
	int best_rank = -1;

	for (u = rq->head; u; u = u->rq_next) {
		int r = sched_ops->rank(u);

		if (u == skip || r <= best_rank ||
		    !sched_cpumask_test(&u->affinity, cpu))
			continue;
		best = u;
		best_rank = r;
	}
	*rank = best_rank;
	return best;
}

static bool sched_allowed(const struct sched_unit *u, unsigned int cpu)
{
	return sched_cpumask_test(&u->affinity, cpu) &&
	       __atomic_load_n(&sched_rqs[cpu].online, __ATOMIC_ACQUIRE);
}

/* The allowed online CPU with the fewest units (ties: lowest number),
 * or SCHED_MAX_CPUS if none. Reads other queues without their locks. */
static unsigned int sched_least_loaded(const struct sched_cpumask *mask)
{
	unsigned int best = SCHED_MAX_CPUS, best_load = ~0u;

	for (unsigned int c = 0; c < SCHED_MAX_CPUS; c++) {
		const struct sched_rq *rq = &sched_rqs[c];
		unsigned int load;

		if (!sched_cpumask_test(mask, c) ||
		    !__atomic_load_n(&rq->online, __ATOMIC_ACQUIRE))
			continue;
		load = __atomic_load_n(&rq->nr_queued, __ATOMIC_RELAXED) +
		       (__atomic_load_n(&rq->curr, __ATOMIC_RELAXED) ? 1 : 0);
		if (load < best_load) {
			best = c;
			best_load = load;
		}
	}
	return best;
}

/* sched_place: a CPU for a new unit: the online CPUs in turn, so that a
 * domain's vCPUs start spread out. Global lock held. */
static unsigned int sched_place(void)
{
	for (unsigned int i = 0; i < SCHED_MAX_CPUS; i++) {
		unsigned int c = (sched_place_next + i) % SCHED_MAX_CPUS;

		if (sched_rqs[c].online) {
			sched_place_next = c + 1;
			return c;
		}
	}
	return SCHED_MAX_CPUS;
}

/* An idle online CPU other than `not` that u may run on, or
 * SCHED_MAX_CPUS. Reads other queues without their locks. */
static unsigned int sched_find_idle(const struct sched_unit *u, unsigned int not)
{
	if (!__atomic_load_n(&sched_nr_idle, __ATOMIC_RELAXED))
		return SCHED_MAX_CPUS;
	for (unsigned int c = 0; c < SCHED_MAX_CPUS; c++)
		if (c != not && sched_allowed(u, c) &&
		    !__atomic_load_n(&sched_rqs[c].curr, __ATOMIC_RELAXED))
			return c;
	return SCHED_MAX_CPUS;
}

/*
 * After u was queued on cpu (its lock held): kick cpu when u outranks its
 * current unit, else an idle CPU that may steal u.
 */
static void sched_kick_for(struct sched_unit *u, unsigned int cpu)
{
	struct sched_rq *rq = &sched_rqs[cpu];
	unsigned int idle;
	int r = sched_ops->rank(u);

	if (r < 0)
		return;
	if (!rq->curr || sched_ops->rank(rq->curr) < r) {
		sched_kick(cpu);
		return;
	}
	idle = sched_find_idle(u, cpu);
	if (idle < SCHED_MAX_CPUS)
		sched_kick(idle);
}

/*
 * Detach u (its lock held, not queued) towards another allowed CPU: it is
 * MIGRATING and owned by the target once u->cpu is stored. The caller
 * drops the old lock, then calls sched_migrate_finish(). Returns false
 * (u untouched) if no allowed CPU is online.
 */
static bool sched_migrate_start(struct sched_unit *u)
{
	unsigned int target = sched_least_loaded(&u->affinity);

	if (target >= SCHED_MAX_CPUS)
		return false;
	sched_set_state(u, SCHED_UNIT_MIGRATING);
	__atomic_store_n(&u->cpu, target, __ATOMIC_RELEASE);
	return true;
}

static void sched_migrate_finish(struct sched_unit *u)
{
	unsigned int cpu = sched_unit_lock(u);

	if (u->state == SCHED_UNIT_MIGRATING) {
		sched_set_state(u, SCHED_UNIT_QUEUED);
		sched_rq_append(&sched_rqs[cpu], u);
		sched_kick_for(u, cpu);
	}
	sched_rq_unlock(cpu);
}

static void sched_key_dump(uint8_t key)
{
	(void)key;
	sched_dump();
}

int sched_init(const struct boot_options *opts, uint64_t now)
{
	const char *want = opts ? opts->sched : "credit";
	unsigned int i;

	memset(sched_rqs, 0, sizeof(sched_rqs));
	sched_doms = NULL;
	sched_online = 0;
	sched_nr_idle = 0;
	sched_place_next = 0;
	sched_lock = 0;
	sched_ops = sched_policies[0];
	for (i = 0; i < LIB_ARRAY_SIZE(sched_policies); i++)
		if (!strcmp(want, sched_policies[i]->name))
			break;
	if (i < LIB_ARRAY_SIZE(sched_policies))
		sched_ops = sched_policies[i];
	else
		printk(PRINTK_WARNING, "sched: unknown scheduler '%s'; using %s\n",
		       want, sched_ops->name);
	sched_ops->init();
	__atomic_store_n(&sched_next_acct, now + sched_ops->period_ns,
			 __ATOMIC_RELEASE);
	keyhandler_register('r', "dump the scheduler's run queues and vCPUs",
			    sched_key_dump);
	printk(PRINTK_INFO, "sched: %s scheduler\n", sched_ops->name);
	return 0;
}

const char *sched_name(void)
{
	return sched_ops->name;
}

void sched_set_kick_hook(void (*kick)(unsigned int cpu))
{
	sched_kick_hook = kick;
}

int sched_cpu_up(unsigned int cpu)
{
	struct sched_rq *rq;

	if (cpu >= SCHED_MAX_CPUS)
		return -EINVAL;
	rq = &sched_rqs[cpu];
	lib_spin_lock(&sched_lock);
	if (rq->online) {
		lib_spin_unlock(&sched_lock);
		return -EEXIST;
	}
	rq->slice_end = __atomic_load_n(&sched_next_acct, __ATOMIC_ACQUIRE);
	__atomic_store_n(&rq->online, true, __ATOMIC_RELEASE);
	__atomic_add_fetch(&sched_nr_idle, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&sched_online, sched_online + 1, __ATOMIC_RELEASE);
	lib_spin_unlock(&sched_lock);
	return 0;
}

bool sched_cpu_online(unsigned int cpu)
{
	return cpu < SCHED_MAX_CPUS &&
	       __atomic_load_n(&sched_rqs[cpu].online, __ATOMIC_ACQUIRE);
}

unsigned int sched_nr_cpus(void)
{
	return __atomic_load_n(&sched_online, __ATOMIC_ACQUIRE);
}

int sched_dom_add(struct sched_dom *d, unsigned int domid, const char *name)
{
	struct sched_dom **pp;

	if (!d)
		return -EINVAL;
	lib_spin_lock(&sched_lock);
	if (d->added) {
		lib_spin_unlock(&sched_lock);
		return -EEXIST;
	}
	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->name = name ? name : "?";
	d->added = true;
	sched_ops->dom_init(d);
	for (pp = &sched_doms; *pp; pp = &(*pp)->next)
		;
	*pp = d;			/* in order of creation, for the dump */
	lib_spin_unlock(&sched_lock);
	return 0;
}

int sched_dom_remove(struct sched_dom *d)
{
	struct sched_dom **pp;
	int ret = -EINVAL;

	if (!d)
		return -EINVAL;
	lib_spin_lock(&sched_lock);
	if (d->added && d->nr_units) {
		ret = -EBUSY;
	} else if (d->added) {
		for (pp = &sched_doms; *pp && *pp != d; pp = &(*pp)->next)
			;
		if (*pp)
			*pp = d->next;
		d->added = false;
		ret = 0;
	}
	lib_spin_unlock(&sched_lock);
	return ret;
}

int sched_dom_set_params(struct sched_dom *d, const struct sched_params *p)
{
	int ret = -EINVAL;

	if (!d || !p)
		return -EINVAL;
	lib_spin_lock(&sched_lock);
	if (d->added)
		ret = sched_ops->set_params(d, p);
	lib_spin_unlock(&sched_lock);
	return ret;
}

int sched_dom_get_params(const struct sched_dom *d, struct sched_params *p)
{
	int ret = -EINVAL;

	if (!d || !p)
		return -EINVAL;
	lib_spin_lock(&sched_lock);
	if (d->added) {
		sched_ops->get_params(d, p);
		ret = 0;
	}
	lib_spin_unlock(&sched_lock);
	return ret;
}

int sched_unit_add(struct sched_dom *d, struct sched_unit *u, unsigned int id,
		   void *owner)
{
	struct sched_unit **pp;
	struct sched_cpumask all;
	unsigned int cpu;

	if (!d || !u)
		return -EINVAL;
	sched_cpumask_fill(&all);
	lib_spin_lock(&sched_lock);
	if (!d->added || u->state != SCHED_UNIT_OFFLINE || u->dom) {
		lib_spin_unlock(&sched_lock);
		return d->added ? -EEXIST : -EINVAL;
	}
	cpu = sched_place();
	if (cpu >= SCHED_MAX_CPUS) {
		lib_spin_unlock(&sched_lock);
		return -EINVAL;
	}
	memset(u, 0, sizeof(*u));
	u->dom = d;
	u->owner = owner;
	u->id = id;
	u->affinity = all;
	sched_set_state(u, SCHED_UNIT_BLOCKED);
	sched_ops->unit_init(u);
	__atomic_store_n(&u->cpu, cpu, __ATOMIC_RELEASE);
	for (pp = &d->units; *pp; pp = &(*pp)->dom_next)
		;
	*pp = u;

	d->nr_units++;
	lib_spin_unlock(&sched_lock);
	return 0;
}

int sched_unit_remove(struct sched_unit *u)
{
	struct sched_unit **pp;
	unsigned int cpu;

	if (!u || !u->dom)
		return -EINVAL;
	lib_spin_lock(&sched_lock);
	cpu = sched_unit_lock(u);
	if (sched_rqs[cpu].curr == u || u->state == SCHED_UNIT_MIGRATING) {
		sched_rq_unlock(cpu);
		lib_spin_unlock(&sched_lock);
		return -EBUSY;
	}
	if (u->state == SCHED_UNIT_QUEUED)
		sched_rq_remove(&sched_rqs[cpu], u);
	sched_set_state(u, SCHED_UNIT_OFFLINE);
	sched_rq_unlock(cpu);
	for (pp = &u->dom->units; *pp && *pp != u; pp = &(*pp)->dom_next)
		;
	if (*pp)
		*pp = u->dom_next;
	u->dom->nr_units--;
	u->dom = NULL;
	lib_spin_unlock(&sched_lock);
	return 0;
}

int sched_unit_set_affinity(struct sched_unit *u, const struct sched_cpumask *mask)
{
	bool any = false, moving = false;
	unsigned int cpu;

	if (!u || !mask || !u->dom)
		return -EINVAL;
	for (unsigned int c = 0; c < SCHED_MAX_CPUS && !any; c++)
		any = sched_cpumask_test(mask, c) && sched_cpu_online(c);
	if (!any)
		return -EINVAL;
	lib_spin_lock(&sched_lock);	/* accounting reads affinity under it */
	cpu = sched_unit_lock(u);
	u->affinity = *mask;
	if (!sched_allowed(u, cpu)) {
		if (u->state == SCHED_UNIT_QUEUED) {
			sched_rq_remove(&sched_rqs[cpu], u);
			moving = sched_migrate_start(u);
			if (!moving)	/* no allowed CPU online: cannot happen */
				sched_rq_append(&sched_rqs[cpu], u);
		} else if (sched_rqs[cpu].curr == u) {
			sched_kick(cpu);	/* moves at its CPU's next pick */
		}			/* blocked: moves when woken */
	} else if (u->state == SCHED_UNIT_QUEUED) {
		sched_kick_for(u, cpu);		/* an idle CPU may take it now */
	}
	sched_rq_unlock(cpu);
	lib_spin_unlock(&sched_lock);
	if (moving)
		sched_migrate_finish(u);
	return 0;
}

unsigned int sched_unit_nr_cpus(const struct sched_unit *u)
{
	unsigned int n = 0;

	for (unsigned int c = 0; c < SCHED_MAX_CPUS; c++)
		n += sched_cpumask_test(&u->affinity, c) && sched_cpu_online(c);
	return n;
}

void sched_unit_get_affinity(struct sched_unit *u, struct sched_cpumask *mask)
{
	unsigned int cpu = sched_unit_lock(u);

	*mask = u->affinity;
	sched_rq_unlock(cpu);
}

/*
 * A blocked unit may still be its CPU's current one (the CPU has not
 * called sched_pick_next since): it then simply runs on. Otherwise it
 * joins its CPU's queue, or moves first if it was re-pinned meanwhile.
 */
void sched_wake(struct sched_unit *u, bool boost)
{
	unsigned int cpu = sched_unit_lock(u);
	struct sched_rq *rq = &sched_rqs[cpu];
	bool moving = false;

	if (u->state == SCHED_UNIT_BLOCKED) {
		sched_ops->wake(u, boost);
		if (rq->curr == u) {
			sched_set_state(u, SCHED_UNIT_RUNNING);
			if (!sched_allowed(u, cpu))
				sched_kick(cpu);
		} else if (!sched_allowed(u, cpu) && sched_migrate_start(u)) {
			moving = true;
		} else {
			sched_set_state(u, SCHED_UNIT_QUEUED);
			sched_rq_append(rq, u);
			sched_kick_for(u, cpu);
		}
	} else if (u->state == SCHED_UNIT_QUEUED && boost) {
		sched_ops->wake(u, boost);
		sched_kick_for(u, cpu);
	}
	sched_rq_unlock(cpu);
	if (moving)
		sched_migrate_finish(u);
}

void sched_sleep(struct sched_unit *u)
{
	unsigned int cpu = sched_unit_lock(u);
	struct sched_rq *rq = &sched_rqs[cpu];

	if (u->state == SCHED_UNIT_QUEUED) {
		sched_rq_remove(rq, u);
		sched_set_state(u, SCHED_UNIT_BLOCKED);
	} else if (u->state == SCHED_UNIT_RUNNING ||
		   u->state == SCHED_UNIT_MIGRATING) {
		sched_set_state(u, SCHED_UNIT_BLOCKED);
		if (rq->curr == u)
			sched_kick(cpu);
	}
	sched_rq_unlock(cpu);
}

void sched_unit_yield(struct sched_unit *u)
{
	unsigned int cpu = sched_unit_lock(u);

	if (u->state == SCHED_UNIT_RUNNING)
		u->yield = true;
	sched_rq_unlock(cpu);
}

/*
 * Take a unit from another CPU's queue that outranks `rank` and may run
 * on cpu (whose lock the caller holds). Peers are only trylocked, so two
 * CPUs stealing from each other cannot deadlock. Returns it dequeued and
 * owned by cpu, or NULL.
 */
static struct sched_unit *sched_steal(unsigned int cpu, int rank)
{
	for (unsigned int i = 1; i < SCHED_MAX_CPUS; i++) {
		unsigned int peer = (cpu + i) % SCHED_MAX_CPUS;
		struct sched_rq *prq = &sched_rqs[peer];
		struct sched_unit *u;
		int r;

		if (!__atomic_load_n(&prq->online, __ATOMIC_ACQUIRE) ||
		    !__atomic_load_n(&prq->nr_queued, __ATOMIC_RELAXED) ||
		    !lib_spin_trylock(&prq->lock))
			continue;
		u = sched_rq_best(prq, cpu, NULL, &r);
		if (u && r > rank) {
			sched_rq_remove(prq, u);
			__atomic_store_n(&u->cpu, cpu, __ATOMIC_RELEASE);
			lib_spin_unlock(&prq->lock);
			return u;
		}
		lib_spin_unlock(&prq->lock);
	}
	return NULL;
}

/* After accounting unparked units: idle CPUs with queued work look again. */
static void sched_kick_idle_with_work(void)
{
	for (unsigned int c = 0; c < SCHED_MAX_CPUS; c++) {
		struct sched_rq *rq = &sched_rqs[c];

		if (__atomic_load_n(&rq->online, __ATOMIC_ACQUIRE) &&
		    !__atomic_load_n(&rq->curr, __ATOMIC_RELAXED) &&
		    __atomic_load_n(&rq->nr_queued, __ATOMIC_RELAXED))
			sched_kick(c);
	}
}

/* Run the periodic accounting if due; one CPU does it, others skip. */
static void sched_account(uint64_t now)
{
	uint64_t due = __atomic_load_n(&sched_next_acct, __ATOMIC_ACQUIRE);

	if (now < due || !lib_spin_trylock(&sched_lock))
		return;
	due = sched_next_acct;
	if (now >= due) {
		sched_ops->account(sched_doms, sched_online);
		due += sched_ops->period_ns;
		if (due <= now)
			due = now + sched_ops->period_ns;
		__atomic_store_n(&sched_next_acct, due, __ATOMIC_RELEASE);
		sched_kick_idle_with_work();
	}
	lib_spin_unlock(&sched_lock);
}

/* Put the CPU's outgoing unit back; returns true if it must migrate. */
static bool sched_put_prev(struct sched_rq *rq, unsigned int cpu,
			   struct sched_unit *prev, uint64_t now)
{
	sched_ops->stop(prev, now);
	if (now > prev->run_start)
		prev->runtime += now - prev->run_start;
	if (prev->state != SCHED_UNIT_RUNNING)
		return false;
	if (sched_allowed(prev, cpu)) {
		sched_set_state(prev, SCHED_UNIT_QUEUED);
		sched_rq_append(rq, prev);
		return false;
	}
	if (sched_migrate_start(prev))
		return true;
	sched_set_state(prev, SCHED_UNIT_QUEUED);	/* no allowed CPU online */
	sched_rq_append(rq, prev);
	return false;
}

struct sched_unit *sched_pick_next(unsigned int cpu, uint64_t now,
				   uint64_t *slice_ns)
{
	struct sched_rq *rq = &sched_rqs[cpu];
	struct sched_unit *prev, *next, *stolen;
	uint64_t next_acct, slice;
	unsigned int idle;
	bool migrate = false;
	int rank;

	if (!sched_cpu_online(cpu)) {
		*slice_ns = sched_ops->tick_ns;
		return NULL;
	}
	sched_account(now);	/* an idle CPU's timer may be the only one */
	lib_spin_lock(&rq->lock);
	prev = rq->curr;
	if (prev)
		migrate = sched_put_prev(rq, cpu, prev, now);
	next = sched_rq_best(rq, cpu, prev && prev->yield ? prev : NULL, &rank);
	if (!next && prev && prev->yield && prev->state == SCHED_UNIT_QUEUED)
		next = sched_rq_best(rq, cpu, NULL, &rank);
	if (prev)
		prev->yield = false;
	stolen = rank < sched_ops->steal_below ? sched_steal(cpu, rank) : NULL;
	if (stolen)
		next = stolen;
	else if (next)
		sched_rq_remove(rq, next);
	if (next) {
		sched_set_state(next, SCHED_UNIT_RUNNING);
		next->run_start = now;
		sched_ops->start(next, now);
		slice = sched_ops->slice(next);
	} else {
		next_acct = __atomic_load_n(&sched_next_acct, __ATOMIC_ACQUIRE);
		slice = next_acct > now ? next_acct - now : sched_ops->tick_ns;
	}
	if (!prev != !next)
		__atomic_add_fetch(&sched_nr_idle, next ? -1 : 1, __ATOMIC_RELAXED);
	__atomic_store_n(&rq->curr, next, __ATOMIC_RELEASE);
	rq->slice_end = now + slice;
	rq->last_tick = now;
	/* More work queued here than this CPU runs: offer it to an idler. */
	idle = next && rq->head ? sched_find_idle(rq->head, cpu) : SCHED_MAX_CPUS;
	if (idle < SCHED_MAX_CPUS)
		sched_kick(idle);
	lib_spin_unlock(&rq->lock);
	if (migrate)
		sched_migrate_finish(prev);
	*slice_ns = slice;
	return next;
}

bool sched_tick(unsigned int cpu, uint64_t now)
{
	struct sched_rq *rq = &sched_rqs[cpu];
	struct sched_unit *curr, *best;
	bool resched;
	int rank, r;

	if (!sched_cpu_online(cpu))
		return false;
	sched_account(now);
	lib_spin_lock(&rq->lock);
	rq->last_tick = now;
	curr = rq->curr;
	best = sched_rq_best(rq, cpu, NULL, &rank);
	if (!curr) {
		resched = best || now >= rq->slice_end;
	} else {
		sched_ops->tick(curr, now);
		r = sched_ops->rank(curr);
		resched = now >= rq->slice_end || r < 0 ||
			  curr->state != SCHED_UNIT_RUNNING ||
			  (best && rank > r);
	}
	lib_spin_unlock(&rq->lock);
	return resched;
}

uint64_t sched_next_event(unsigned int cpu)
{
	struct sched_rq *rq = &sched_rqs[cpu];
	uint64_t t, acct = __atomic_load_n(&sched_next_acct, __ATOMIC_ACQUIRE);

	if (!sched_cpu_online(cpu))
		return acct;
	lib_spin_lock(&rq->lock);
	t = rq->slice_end;
	if (rq->curr && rq->last_tick + sched_ops->tick_ns < t)
		t = rq->last_tick + sched_ops->tick_ns;
	lib_spin_unlock(&rq->lock);
	return LIB_MIN(t, acct);
}

struct sched_unit *sched_current(unsigned int cpu)
{
	if (cpu >= SCHED_MAX_CPUS)
		return NULL;
	return __atomic_load_n(&sched_rqs[cpu].curr, __ATOMIC_ACQUIRE);
}

enum sched_state sched_unit_state(const struct sched_unit *u)
{
	return __atomic_load_n(&u->state, __ATOMIC_ACQUIRE);
}

static const char *const sched_state_names[] = {
	[SCHED_UNIT_OFFLINE] = "offline",
	[SCHED_UNIT_BLOCKED] = "blocked",
	[SCHED_UNIT_QUEUED] = "runnable",
	[SCHED_UNIT_RUNNING] = "running",
	[SCHED_UNIT_MIGRATING] = "migrating",
};

static void sched_dump_unit(const char *indent, const struct sched_unit *u)
{
	char pol[64];

	sched_ops->describe(u, pol, sizeof(pol));
	printk(PRINTK_INFO, "%s%s.v%u %s cpu%u %s run %llu ms\n", indent,
	       u->dom->name, u->id, sched_state_names[u->state], u->cpu, pol,
	       (unsigned long long)(u->runtime / SCHED_NS_PER_MS));
}

/*
 * sched_dump: per CPU its current unit (*) and queue, then per domain its
 * parameters and every unit with its pinning. Holds the global lock and
 * one run-queue lock at a time: units listed under their domain are read
 * without their run-queue lock (a snapshot that may be slightly stale).
 */
void sched_dump(void)
{
	struct sched_dom *d;
	struct sched_unit *u;
	char pol[64];

	printk(PRINTK_INFO, "Scheduler: %s, %u CPUs\n", sched_ops->name,
	       sched_nr_cpus());
	lib_spin_lock(&sched_lock);
	for (unsigned int c = 0; c < SCHED_MAX_CPUS; c++) {
		struct sched_rq *rq = &sched_rqs[c];

		if (!rq->online)
			continue;
		lib_spin_lock(&rq->lock);
		printk(PRINTK_INFO, " cpu%u: %s, %u queued\n", c,
		       rq->curr ? "busy" : "idle", rq->nr_queued);
		if (rq->curr)
			sched_dump_unit("   * ", rq->curr);
		for (u = rq->head; u; u = u->rq_next)
			sched_dump_unit("     ", u);
		lib_spin_unlock(&rq->lock);
	}
	for (d = sched_doms; d; d = d->next) {
		sched_ops->describe_dom(d, pol, sizeof(pol));
		printk(PRINTK_INFO, " %s (id %u): %u vCPUs, %s\n", d->name,
		       d->domid, d->nr_units, pol);
		for (u = d->units; u; u = u->dom_next) {
			char pins[80];
			size_t n = 0;

			for (unsigned int c = 0; c < SCHED_MAX_CPUS && n < sizeof(pins) - 8; c++)
				if (sched_cpumask_test(&u->affinity, c) && sched_cpu_online(c))
					n += snprintf(pins + n, sizeof(pins) - n, "%s%u",
						      n ? "," : "", c);
			pins[n] = '\0';
			printk(PRINTK_INFO, "   v%u: %s, cpu%u, may run on %s\n", u->id,
			       sched_state_names[u->state], u->cpu, pins);
		}
	}
	lib_spin_unlock(&sched_lock);
}
