/* sched_credit.c - the credit scheduler: weights, caps, UNDER/OVER/BOOST, 30 ms periods. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "sched.h"

/*
 * Credit is CPU time in nanoseconds. Every period each active domain is
 * granted its share of (online CPUs x period), in proportion to weight x
 * its active vCPUs and never more than its vCPUs can use or its cap
 * allows; what a capped or small domain cannot use goes to the others
 * ("water filling"). A running vCPU burns credit by the time it runs.
 * Ranks: BOOST (woken by an interrupt while UNDER) > UNDER (credit >= 0)
 * > OVER (credit < 0); a capped vCPU with no credit left is parked (may
 * not run) until a grant brings its credit above zero.
 */
#define CSCHED_TICK_NS		(10 * SCHED_NS_PER_MS)
#define CSCHED_TSLICE_NS	(30 * SCHED_NS_PER_MS)
#define CSCHED_PERIOD_NS	(30 * SCHED_NS_PER_MS)
#define CSCHED_MIN_SLICE_NS	(SCHED_NS_PER_MS / 10)
/* Credit is kept within [-CREDIT_MAX, +CREDIT_MAX]: a vCPU cannot save
 * more than one slice, nor (uncapped) owe more than one slice. A capped
 * vCPU's debt is not forgiven (its slice stops when its credit runs out,
 * so the debt stays small). */
#define CSCHED_CREDIT_MAX	((int64_t)CSCHED_TSLICE_NS)

#define CSCHED_WEIGHT_DEFAULT	256
#define CSCHED_WEIGHT_MAX	65535

enum csched_rank {
	CSCHED_PARKED = -1,
	CSCHED_OVER = 1,
	CSCHED_UNDER = 2,
	CSCHED_BOOST = 3,
};

/* Bits of csched_unit.flags, changed atomically. */
#define CSCHED_FLAG_PARKED	(1u << 0)	/* capped, credit used up */
#define CSCHED_FLAG_BURNED	(1u << 1)	/* ran since the last period */

struct csched_unit {
	int64_t credit;		/* atomic: burnt under the unit lock,
				 * granted under the global lock */
	uint64_t last_burn;	/* unit lock: burnt up to this time */
	/* Scratch of csched_account, global lock. */
	int64_t part;		/* this period's grant */
	uint32_t flags;		/* atomic: CSCHED_FLAG_* */
	bool boost;		/* unit lock */
	bool counted;		/* global lock: active in this accounting */
	bool grouped;		/* global lock: its pinned group is settled */
};

struct csched_dom {
	uint32_t weight;	/* global lock */
	uint32_t cap;		/* global lock; units read it atomically */
	/* Scratch of csched_account, global lock. */
	unsigned int active;
	bool settled;
	uint64_t peak, grant;
};

_Static_assert(sizeof(struct csched_unit) <= sizeof(((struct sched_unit *)0)->priv),
	       "csched_unit does not fit in sched_unit.priv");
_Static_assert(sizeof(struct csched_dom) <= sizeof(((struct sched_dom *)0)->priv),
	       "csched_dom does not fit in sched_dom.priv");

static struct csched_unit *csched_unit(const struct sched_unit *u)
{
	return (struct csched_unit *)(uintptr_t)u->priv;
}

static struct csched_dom *csched_dom(const struct sched_dom *d)
{
	return (struct csched_dom *)(uintptr_t)d->priv;
}

static int64_t csched_credit(const struct sched_unit *u)
{
	return __atomic_load_n(&csched_unit(u)->credit, __ATOMIC_RELAXED);
}

static uint32_t csched_cap(const struct sched_unit *u)
{
	return __atomic_load_n(&csched_dom(u->dom)->cap, __ATOMIC_RELAXED);
}

static void csched_init(void)
{
}

static void csched_dom_init(struct sched_dom *d)
{
	struct csched_dom *cd = csched_dom(d);

	memset(cd, 0, sizeof(*cd));
	cd->weight = CSCHED_WEIGHT_DEFAULT;
}

/* Weight 1..65535; cap 0 (none) or up to 100 per vCPU (at least 100). */
static int csched_set_params(struct sched_dom *d, const struct sched_params *p)
{
	struct csched_dom *cd = csched_dom(d);
	uint64_t cap_max = 100ull * LIB_MAX(d->nr_units, 1u);

	if (p->weight < 1 || p->weight > CSCHED_WEIGHT_MAX || p->cap > cap_max)
		return -EINVAL;
	cd->weight = p->weight;
	__atomic_store_n(&cd->cap, p->cap, __ATOMIC_RELAXED);
	return 0;
}

static void csched_get_params(const struct sched_dom *d, struct sched_params *p)
{
	p->weight = csched_dom(d)->weight;
	p->cap = csched_dom(d)->cap;
}

static void csched_unit_init(struct sched_unit *u)
{
	memset(csched_unit(u), 0, sizeof(struct csched_unit));
}

static int csched_rank(const struct sched_unit *u)
{
	const struct csched_unit *cu = csched_unit(u);

	if (__atomic_load_n(&cu->flags, __ATOMIC_RELAXED) & CSCHED_FLAG_PARKED)
		return CSCHED_PARKED;
	if (cu->boost)
		return CSCHED_BOOST;
	return csched_credit(u) >= 0 ? CSCHED_UNDER : CSCHED_OVER;
}

/* Xen's rule: only a vCPU that has not used up its share is boosted, so
 * interrupts cannot buy more than the weight gives. */
static void csched_wake(struct sched_unit *u, bool boost)
{
	if (boost && csched_rank(u) == CSCHED_UNDER)
		csched_unit(u)->boost = true;
}

static void csched_start(struct sched_unit *u, uint64_t now)
{
	csched_unit(u)->last_burn = now;
}

/* Charge the time run since the last burn; park a capped unit that has
 * no credit left. */
static void csched_burn(struct sched_unit *u, uint64_t now)
{
	struct csched_unit *cu = csched_unit(u);
	uint64_t ran = now > cu->last_burn ? now - cu->last_burn : 0;
	int64_t credit;

	cu->last_burn = now;
	credit = __atomic_sub_fetch(&cu->credit, (int64_t)ran, __ATOMIC_RELAXED);
	__atomic_fetch_or(&cu->flags, CSCHED_FLAG_BURNED, __ATOMIC_RELAXED);
	if (csched_cap(u)) {
		if (credit <= 0)
			__atomic_fetch_or(&cu->flags, CSCHED_FLAG_PARKED,
					  __ATOMIC_RELAXED);
	} else if (credit < -CSCHED_CREDIT_MAX) {
		__atomic_store_n(&cu->credit, -CSCHED_CREDIT_MAX, __ATOMIC_RELAXED);
	}
}

/* A boost lasts until the first tick (or the end of the run). */
static void csched_tick(struct sched_unit *u, uint64_t now)
{
	csched_burn(u, now);
	csched_unit(u)->boost = false;
}

/* Capped: stop when the credit runs out, so the cap is met closely. */
static uint64_t csched_slice(const struct sched_unit *u)
{
	int64_t credit = csched_credit(u);

	if (!csched_cap(u) || credit >= (int64_t)CSCHED_TSLICE_NS)
		return CSCHED_TSLICE_NS;
	return credit > (int64_t)CSCHED_MIN_SLICE_NS ? (uint64_t)credit :
						       CSCHED_MIN_SLICE_NS;
}

static bool csched_is_active(struct sched_unit *u)
{
	enum sched_state st = __atomic_load_n(&u->state, __ATOMIC_RELAXED);
	uint32_t old = __atomic_fetch_and(&csched_unit(u)->flags,
					  ~CSCHED_FLAG_BURNED, __ATOMIC_RELAXED);

	return st == SCHED_UNIT_QUEUED || st == SCHED_UNIT_RUNNING ||
	       st == SCHED_UNIT_MIGRATING || (old & CSCHED_FLAG_BURNED);
}

/* Count each domain's active units and the most it could use. */
static void csched_count(struct sched_dom *doms, uint64_t total)
{
	for (struct sched_dom *d = doms; d; d = d->next) {
		struct csched_dom *cd = csched_dom(d);
		uint64_t peak;

		cd->active = 0;
		for (struct sched_unit *u = d->units; u; u = u->dom_next) {
			csched_unit(u)->counted = csched_is_active(u);
			cd->active += csched_unit(u)->counted;
		}
		peak = (uint64_t)cd->active * CSCHED_PERIOD_NS;
		if (cd->cap)
			peak = LIB_MIN(peak, cd->cap * CSCHED_PERIOD_NS / 100);
		cd->peak = LIB_MIN(peak, total);
		cd->settled = cd->active == 0;
		cd->grant = 0;
	}
}

/*
 * Share `total` by weight x active units. A domain whose share exceeds
 * its peak gets the peak and leaves the sharing; the rest is shared again
 * among the others, until every share fits.
 */
static void csched_share(struct sched_dom *doms, uint64_t total)
{
	for (;;) {
		uint64_t wsum = 0;
		bool capped = false;
		struct sched_dom *d;

		for (d = doms; d; d = d->next)
			if (!csched_dom(d)->settled)
				wsum += (uint64_t)csched_dom(d)->weight *
					csched_dom(d)->active;
		if (!wsum)
			return;
		for (d = doms; d; d = d->next) {
			struct csched_dom *cd = csched_dom(d);
			uint64_t fair;

			if (cd->settled)
				continue;
			fair = (total * cd->weight * cd->active + wsum - 1) / wsum;
			if (fair >= cd->peak) {
				cd->grant = cd->peak;
				cd->settled = true;
				total -= LIB_MIN(total, cd->peak);
				capped = true;
			}
		}
		if (capped)
			continue;
		for (d = doms; d; d = d->next) {
			struct csched_dom *cd = csched_dom(d);

			if (!cd->settled)
				cd->grant = (total * cd->weight * cd->active +
					     wsum - 1) / wsum;
		}
		return;
	}
}

/* Split each domain's grant evenly among its active units. */
static void csched_split(struct sched_dom *doms)
{
	for (struct sched_dom *d = doms; d; d = d->next) {
		struct csched_dom *cd = csched_dom(d);
		int64_t part = cd->active ?
			(int64_t)((cd->grant + cd->active - 1) / cd->active) : 0;

		for (struct sched_unit *u = d->units; u; u = u->dom_next) {
			csched_unit(u)->part = csched_unit(u)->counted ? part : 0;
			csched_unit(u)->grouped = false;
		}
	}
}

/* u is active and pinned exactly as `first` (and not yet settled). */
static bool csched_in_group(const struct sched_unit *u,
			    const struct sched_unit *first, bool unsettled)
{
	const struct csched_unit *cu = csched_unit(u);

	return cu->counted && !(unsettled && cu->grouped) &&
	       sched_cpumask_equal(&u->affinity, &first->affinity);
}

/* Sum of the parts, or of the weights, of first's group. */
static uint64_t csched_group_sum(struct sched_dom *doms,
				 const struct sched_unit *first, bool unsettled,
				 bool weights)
{
	uint64_t sum = 0;

	for (struct sched_dom *d = doms; d; d = d->next)
		for (struct sched_unit *u = d->units; u; u = u->dom_next)
			if (csched_in_group(u, first, unsettled))
				sum += weights ? csched_dom(d)->weight :
						 (uint64_t)csched_unit(u)->part;
	return sum;
}

/*
 * Units pinned to the same CPUs can together use no more than those CPUs
 * (capacity ns). When their parts add up to more, share the capacity
 * among them by weight instead, as csched_share does, a unit never
 * getting more than its part. Marks the group settled. What is left over
 * is not granted; the work-conserving picker lends it out.
 */
static void csched_fit_group(struct sched_dom *doms,
			     const struct sched_unit *first, uint64_t capacity)
{
	bool whole = csched_group_sum(doms, first, false, false) > capacity;

	while (whole) {
		uint64_t wsum = csched_group_sum(doms, first, true, true);

		whole = false;
		for (struct sched_dom *d = doms; d && wsum; d = d->next)
			for (struct sched_unit *u = d->units; u; u = u->dom_next) {
				struct csched_unit *cu = csched_unit(u);

				if (!csched_in_group(u, first, true) ||
				    capacity * csched_dom(d)->weight / wsum <
				    (uint64_t)cu->part)
					continue;
				capacity -= LIB_MIN(capacity, (uint64_t)cu->part);
				cu->grouped = whole = true;
			}
		if (whole || !wsum)
			continue;
		for (struct sched_dom *d = doms; d; d = d->next)
			for (struct sched_unit *u = d->units; u; u = u->dom_next)
				if (csched_in_group(u, first, true))
					csched_unit(u)->part = (int64_t)(capacity *
						csched_dom(d)->weight / wsum);
	}
	/* Mark the whole group done for csched_fit_pinned. */
	for (struct sched_dom *d = doms; d; d = d->next)
		for (struct sched_unit *u = d->units; u; u = u->dom_next)
			if (csched_in_group(u, first, false))
				csched_unit(u)->grouped = true;
}

/* Fit every group of units pinned to fewer than all CPUs to its CPUs. */
static void csched_fit_pinned(struct sched_dom *doms, unsigned int nr_cpus,
			      uint64_t span)
{
	for (struct sched_dom *d = doms; d; d = d->next)
		for (struct sched_unit *u = d->units; u; u = u->dom_next) {
			unsigned int cpus;

			if (!csched_unit(u)->counted || csched_unit(u)->grouped)
				continue;
			cpus = sched_unit_nr_cpus(u);
			if (cpus < nr_cpus)
				csched_fit_group(doms, u, cpus * span);
		}
}

/* Add each active unit's part to its credit; (un)park. */
static void csched_grant(struct sched_dom *doms)
{
	for (struct sched_dom *d = doms; d; d = d->next) {
		struct csched_dom *cd = csched_dom(d);

		for (struct sched_unit *u = d->units; u; u = u->dom_next) {
			struct csched_unit *cu = csched_unit(u);
			int64_t credit;

			if (!cu->counted)
				continue;
			credit = __atomic_add_fetch(&cu->credit, cu->part, __ATOMIC_RELAXED);
			if (credit > CSCHED_CREDIT_MAX)
				__atomic_store_n(&cu->credit, CSCHED_CREDIT_MAX,
						 __ATOMIC_RELAXED);
			if (!cd->cap || credit > 0)
				__atomic_fetch_and(&cu->flags, ~CSCHED_FLAG_PARKED,
						   __ATOMIC_RELAXED);
		}
	}
}

/*
 * csched_account: one period's time (nr_cpus x 30 ms) goes to the domains
 * with active units: runnable now, or ran during the period. Blocked
 * units get nothing, so idle domains do not dilute the busy ones' shares.
 */
static void csched_account(struct sched_dom *doms, unsigned int nr_cpus)
{
	uint64_t total = (uint64_t)nr_cpus * CSCHED_PERIOD_NS;

	csched_count(doms, total);
	csched_share(doms, total);
	csched_split(doms);
	csched_fit_pinned(doms, nr_cpus, CSCHED_PERIOD_NS);
	csched_grant(doms);
}

static void csched_stop(struct sched_unit *u, uint64_t now)
{
	csched_tick(u, now);
}

static void csched_describe(const struct sched_unit *u, char *buf, size_t len)
{
	static const char *const names[] = { "parked", "?", "OVER", "UNDER", "BOOST" };
	int rank = csched_rank(u);

	snprintf(buf, len, "%s credit %lld us", names[rank + 1],
		 (long long)(csched_credit(u) / 1000));
}

static void csched_describe_dom(const struct sched_dom *d, char *buf, size_t len)
{
	snprintf(buf, len, "weight %u, cap %u", csched_dom(d)->weight,
		 csched_dom(d)->cap);
}

const struct sched_ops sched_credit_ops = {
	.name = "credit",
	.tick_ns = CSCHED_TICK_NS,
	.period_ns = CSCHED_PERIOD_NS,
	.steal_below = CSCHED_UNDER,
	.init = csched_init,
	.dom_init = csched_dom_init,
	.set_params = csched_set_params,
	.get_params = csched_get_params,
	.unit_init = csched_unit_init,
	.rank = csched_rank,
	.wake = csched_wake,
	.start = csched_start,
	.tick = csched_tick,
	.stop = csched_stop,
	.slice = csched_slice,
	.account = csched_account,
	.describe = csched_describe,
	.describe_dom = csched_describe_dom,
};
