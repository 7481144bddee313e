/* test_sched_credit.c - the credit scheduler under simulated time: shares, caps, pinning, boost. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "keyhandler.h"
#include "lib.h"
#include "printk.h"
#include "sched.h"

#define MS 1000000ull
#define SEC (1000 * MS)
#define NCPU_MAX 8
#define NDOM_MAX 8
#define NUNIT_MAX 64

/* A test vCPU: the scheduler's unit plus what the simulation measured. */
struct tunit {
	struct sched_unit su;
	uint64_t ran;			/* ns it was the current unit of a CPU */
	uint64_t ran_on[NCPU_MAX];
	struct sched_cpumask pins;	/* what the test pinned it to */
	/* An I/O-bound vCPU (burst != 0): runs `burst` ns, then blocks
	 * (HLT) for `pause` ns and is woken by an "interrupt". */
	uint64_t burst, pause, left, wake_at, woke_at;
	bool boost_on_wake, waiting;
	uint64_t max_latency;		/* worst wake-up to running, ns */
};

static struct sched_dom doms[NDOM_MAX];
static struct tunit units[NDOM_MAX][NUNIT_MAX];
static struct sched_unit *cur[NCPU_MAX];
static bool kicked[NCPU_MAX];
static uint64_t idle_ns[NCPU_MAX];
static unsigned int ncpus;
static uint64_t now;
static unsigned int pin_violations, double_runs;

static void kick(unsigned int cpu)
{
	assert_true(cpu < ncpus);
	kicked[cpu] = true;
}

static struct tunit *tu(struct sched_unit *u)
{
	return u->owner;
}

static void start(unsigned int cpus)
{
	memset(doms, 0, sizeof(doms));
	memset(units, 0, sizeof(units));
	memset(cur, 0, sizeof(cur));
	memset(kicked, 0, sizeof(kicked));
	memset(idle_ns, 0, sizeof(idle_ns));
	pin_violations = double_runs = 0;
	now = 1000 * SEC;	/* the clock does not start at zero */
	ncpus = cpus;
	keyhandler_init();
	assert_int_equal(sched_init(NULL, now), 0);
	sched_set_kick_hook(kick);
	for (unsigned int c = 0; c < cpus; c++)
		assert_int_equal(sched_cpu_up(c), 0);
}

/* Domain d with n vCPUs, all woken; weight/cap set when non-zero. */
static void domain(unsigned int d, unsigned int n, uint32_t weight, uint32_t cap)
{
	static char names[NDOM_MAX][16];
	struct sched_params p;

	snprintf(names[d], sizeof(names[d]), "dom%u", d);
	assert_int_equal(sched_dom_add(&doms[d], d, names[d]), 0);
	for (unsigned int i = 0; i < n; i++) {
		sched_cpumask_fill(&units[d][i].pins);
		assert_int_equal(sched_unit_add(&doms[d], &units[d][i].su, i,
						&units[d][i]), 0);
	}
	assert_int_equal(sched_dom_get_params(&doms[d], &p), 0);
	assert_int_equal(p.weight, 256);
	assert_int_equal(p.cap, 0);
	if (weight)
		p.weight = weight;
	if (cap)
		p.cap = cap;
	assert_int_equal(sched_dom_set_params(&doms[d], &p), 0);
	for (unsigned int i = 0; i < n; i++)
		sched_wake(&units[d][i].su, false);
}

static void pin(unsigned int d, unsigned int i, const unsigned int *cpus,
		unsigned int n)
{
	struct sched_cpumask m;

	sched_cpumask_zero(&m);
	for (unsigned int k = 0; k < n; k++)
		sched_cpumask_set(&m, cpus[k]);
	assert_int_equal(sched_unit_set_affinity(&units[d][i].su, &m), 0);
	units[d][i].pins = m;
}

static void pick(unsigned int c)
{
	uint64_t slice = 0;
	struct sched_unit *u = sched_pick_next(c, now, &slice);

	assert_true(slice > 0);
	assert_true(slice <= 30 * MS);
	assert_ptr_equal(sched_current(c), u);
	cur[c] = u;
	if (u && !sched_cpumask_test(&tu(u)->pins, c))
		pin_violations++;
	if (u && tu(u)->waiting) {
		tu(u)->waiting = false;
		tu(u)->max_latency = LIB_MAX(tu(u)->max_latency, now - tu(u)->woke_at);
	}
	for (unsigned int o = 0; u && o < ncpus; o++)
		if (o != c && cur[o] == u)
			double_runs++;
}

static void handle_kicks(void)
{
	for (unsigned int round = 0; round < 8; round++) {
		bool any = false;

		for (unsigned int c = 0; c < ncpus; c++) {
			if (kicked[c]) {
				kicked[c] = false;
				any = true;
				pick(c);
			}
		}
		if (!any)
			return;
	}
	fail_msg("kicks keep coming at t=%llu", (unsigned long long)now);
}

/* The earliest wake-up of a sleeping I/O-bound vCPU, or ~0. */
static uint64_t io_next_wake(void)
{
	uint64_t t = ~0ull;

	for (unsigned int d = 0; d < NDOM_MAX; d++)
		for (unsigned int i = 0; i < NUNIT_MAX; i++)
			if (units[d][i].wake_at)
				t = LIB_MIN(t, units[d][i].wake_at);
	return t;
}

/* I/O-bound vCPUs whose burst ended halt; those whose pause ended are
 * woken as by an interrupt. */
static void io_events(void)
{
	for (unsigned int c = 0; c < ncpus; c++) {
		struct tunit *t = cur[c] ? tu(cur[c]) : NULL;

		if (t && t->burst && !t->left && !t->wake_at) {
			sched_sleep(&t->su);
			t->wake_at = now + t->pause;
		}
	}
	for (unsigned int d = 0; d < NDOM_MAX; d++)
		for (unsigned int i = 0; i < NUNIT_MAX; i++) {
			struct tunit *t = &units[d][i];

			if (!t->wake_at || t->wake_at > now)
				continue;
			t->wake_at = 0;
			t->left = t->burst;
			t->woke_at = now;
			t->waiting = true;
			sched_wake(&t->su, t->boost_on_wake);
		}
}

static void io_bound(unsigned int d, unsigned int i, uint64_t burst,
		     uint64_t pause, bool boost)
{
	units[d][i].burst = units[d][i].left = burst;
	units[d][i].pause = pause;
	units[d][i].boost_on_wake = boost;
}

/* What each CPU runs is what the scheduler last told it, and running. */
static void check_cpus(void)
{
	for (unsigned int c = 0; c < ncpus; c++) {
		assert_ptr_equal(sched_current(c), cur[c]);
		if (cur[c])
			assert_int_equal(sched_unit_state(cur[c]), SCHED_UNIT_RUNNING);
	}
}

/*
 * Run the machine for `duration` ns: each CPU's timer fires at
 * sched_next_event(); the current unit of each CPU is charged (by the
 * test's own count) for the time until the next event.
 */
static void run(uint64_t duration)
{
	uint64_t end = now + duration;
	unsigned long steps = 0;

	handle_kicks();
	while (now < end) {
		uint64_t t = end;

		assert_true(++steps < 10000000);
		for (unsigned int c = 0; c < ncpus; c++) {
			t = LIB_MIN(t, LIB_MAX(sched_next_event(c), now));
			if (cur[c] && tu(cur[c])->burst)
				t = LIB_MIN(t, now + tu(cur[c])->left);
		}
		t = LIB_MIN(t, io_next_wake());
		for (unsigned int c = 0; c < ncpus; c++) {
			if (cur[c]) {
				tu(cur[c])->ran += t - now;
				tu(cur[c])->ran_on[c] += t - now;
				if (tu(cur[c])->burst)
					tu(cur[c])->left -= t - now;
			} else {
				idle_ns[c] += t - now;
			}
		}
		now = t;
		io_events();
		/* As vcpu_sched.c does: a running CPU ticks, an idle one
		 * picks again when its timer fires. */
		for (unsigned int c = 0; c < ncpus; c++)
			if (sched_next_event(c) <= now &&
			    (!cur[c] || sched_tick(c, now)))
				kicked[c] = true;
		handle_kicks();
		check_cpus();
	}
}

static void reset_counts(void)
{
	for (unsigned int d = 0; d < NDOM_MAX; d++)
		for (unsigned int i = 0; i < NUNIT_MAX; i++) {
			units[d][i].ran = 0;
			memset(units[d][i].ran_on, 0, sizeof(units[d][i].ran_on));
		}
	memset(idle_ns, 0, sizeof(idle_ns));
}

static uint64_t dom_ran(unsigned int d)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < NUNIT_MAX; i++)
		sum += units[d][i].ran;
	return sum;
}

/* Share of `part` in `whole`, in hundredths of a percent. */
static long share(uint64_t part, uint64_t whole)
{
	return (long)(part * 10000 / whole);
}

#define assert_share(what, got, want, tol)				\
	do {								\
		long g_ = (got), w_ = (want), t_ = (tol);		\
		if (g_ < w_ - t_ || g_ > w_ + t_)			\
			fail_msg("%s: expected %ld.%02ld%% +- %ld.%02ld, measured %ld.%02ld%%", \
				 what, w_ / 100, w_ % 100, t_ / 100, t_ % 100, \
				 g_ / 100, g_ % 100);			\
		print_message("  %s: %ld.%02ld%% (expected %ld.%02ld%%)\n", \
			      what, g_ / 100, g_ % 100, w_ / 100, w_ % 100); \
	} while (0)

static void test_weights_two_to_one(void **state)
{
	(void)state;
	start(1);
	domain(0, 1, 512, 0);
	domain(1, 1, 256, 0);
	run(1 * SEC);
	reset_counts();
	run(10 * SEC);
	assert_share("weight 512 vs 256, the 512 one", share(dom_ran(0), 10 * SEC), 6667, 200);
	assert_share("weight 512 vs 256, the 256 one", share(dom_ran(1), 10 * SEC), 3333, 200);
	assert_int_equal(idle_ns[0], 0);
	assert_int_equal(pin_violations + double_runs, 0);
}

static void test_weights_three_domains(void **state)
{
	(void)state;
	start(1);
	domain(0, 1, 100, 0);
	domain(1, 1, 200, 0);
	domain(2, 1, 700, 0);
	run(10 * SEC);
	assert_share("weight 100 of 1000", share(dom_ran(0), 10 * SEC), 1000, 200);
	assert_share("weight 200 of 1000", share(dom_ran(1), 10 * SEC), 2000, 200);
	assert_share("weight 700 of 1000", share(dom_ran(2), 10 * SEC), 7000, 200);
}

/* A domain that does not run takes no share from those that do. */
static void test_idle_domain_does_not_dilute(void **state)
{
	(void)state;
	start(1);
	domain(0, 1, 512, 0);
	domain(1, 1, 256, 0);
	domain(2, 2, 65535, 0);
	sched_sleep(&units[2][0].su);
	sched_sleep(&units[2][1].su);
	run(10 * SEC);
	assert_int_equal(dom_ran(2), 0);
	assert_share("weight 512 beside a blocked weight-65535 domain",
		     share(dom_ran(0), 10 * SEC), 6667, 200);
	assert_share("weight 256 beside a blocked weight-65535 domain",
		     share(dom_ran(1), 10 * SEC), 3333, 200);
}

/* What a capped domain cannot use goes to the others by their weights. */
static void test_cap_leftover_by_weight(void **state)
{
	(void)state;
	start(1);
	domain(0, 1, 512, 0);
	domain(1, 1, 256, 0);
	domain(2, 1, 65535, 25);
	run(10 * SEC);
	assert_share("capped at 25 with the top weight", share(dom_ran(2), 10 * SEC), 2500, 200);
	assert_share("weight 512 gets 2/3 of the rest", share(dom_ran(0), 10 * SEC), 5000, 200);
	assert_share("weight 256 gets 1/3 of the rest", share(dom_ran(1), 10 * SEC), 2500, 200);
}

/* One vCPU can use at most one CPU, whatever its weight. */
static void test_single_vcpu_peak(void **state)
{
	(void)state;
	start(2);
	domain(0, 1, 1024, 0);
	domain(1, 1, 512, 0);
	domain(2, 1, 256, 0);
	run(1 * SEC);
	reset_counts();
	run(10 * SEC);
	assert_int_equal(pin_violations + double_runs, 0);
	assert_int_equal(idle_ns[0] + idle_ns[1], 0);
	assert_share("weight 1024, one vCPU, of 2 CPUs", share(dom_ran(0), 20 * SEC), 5000, 200);
	assert_share("weight 512, of 2 CPUs", share(dom_ran(1), 20 * SEC), 3333, 200);
	assert_share("weight 256, of 2 CPUs", share(dom_ran(2), 20 * SEC), 1667, 200);
}

/* An I/O-bound vCPU woken by interrupts, beside two CPU hogs: with boost
 * it runs at once on each wake-up and gets all the time it asks for. */
static void test_io_bound_boost(void **state)
{
	(void)state;
	start(1);
	domain(0, 1, 0, 0);
	domain(1, 1, 0, 0);
	domain(2, 1, 0, 0);
	io_bound(2, 0, 1 * MS, 9 * MS, true);
	run(1 * SEC);		/* the first period: everyone starts at 0 */
	reset_counts();
	units[2][0].max_latency = 0;
	run(10 * SEC);
	print_message("  with boost: worst wake-up latency %llu us\n",
		      (unsigned long long)units[2][0].max_latency / 1000);
	assert_share("I/O-bound vCPU (1 ms per 10 ms)", share(dom_ran(2), 10 * SEC), 1000, 50);
	assert_int_equal(units[2][0].max_latency, 0);
	assert_share("hog 1", share(dom_ran(0), 10 * SEC), 4500, 200);
	assert_share("hog 2", share(dom_ran(1), 10 * SEC), 4500, 200);
	/* Without boost it waits behind the hogs' slices. */
	start(1);
	domain(0, 1, 0, 0);
	domain(1, 1, 0, 0);
	domain(2, 1, 0, 0);
	io_bound(2, 0, 1 * MS, 9 * MS, false);
	run(10 * SEC);
	print_message("  without boost: worst wake-up latency %llu us\n",
		      (unsigned long long)units[2][0].max_latency / 1000);
	assert_true(units[2][0].max_latency >= 5 * MS);
}

static void test_cap_alone(void **state)
{
	(void)state;
	start(1);
	domain(0, 1, 0, 25);
	run(10 * SEC);
	assert_share("cap 25 on an otherwise idle CPU", share(dom_ran(0), 10 * SEC), 2500, 200);
	assert_share("idle time beside it", share(idle_ns[0], 10 * SEC), 7500, 200);
}

static void test_cap_against_busy_domain(void **state)
{
	(void)state;
	start(1);
	domain(0, 1, 0, 25);
	domain(1, 1, 0, 0);
	run(10 * SEC);
	assert_share("cap 25 beside a busy domain", share(dom_ran(0), 10 * SEC), 2500, 200);
	assert_share("the busy uncapped domain", share(dom_ran(1), 10 * SEC), 7500, 200);
	/* A high weight does not lift a cap. */
	start(1);
	domain(0, 1, 65535, 25);
	domain(1, 1, 1, 0);
	run(10 * SEC);
	assert_share("cap 25 with weight 65535", share(dom_ran(0), 10 * SEC), 2500, 200);
}

static void test_cap_two_vcpus(void **state)
{
	(void)state;
	start(2);
	domain(0, 2, 0, 50);
	run(10 * SEC);
	assert_share("cap 50 over 2 vCPUs, % of one CPU", share(dom_ran(0), 10 * SEC), 5000, 200);
	/* Cap removed: both vCPUs get a whole CPU each. */
	struct sched_params p = { .weight = 256, .cap = 0 };
	assert_int_equal(sched_dom_set_params(&doms[0], &p), 0);
	run(1 * SEC);
	reset_counts();
	run(1 * SEC);
	assert_share("uncapped 2 vCPUs, % of two CPUs", share(dom_ran(0), 2 * SEC), 10000, 200);
}

static void test_pinning_two_cpus(void **state)
{
	static const unsigned int c0[] = { 0 }, c1[] = { 1 };

	(void)state;
	start(2);
	domain(0, 2, 0, 0);
	domain(1, 3, 0, 0);
	pin(0, 0, c0, 1);		/* dom0_vcpus_pin */
	pin(0, 1, c1, 1);
	pin(1, 2, c1, 1);
	run(10 * SEC);
	assert_int_equal(pin_violations, 0);
	assert_int_equal(double_runs, 0);
	assert_int_equal(units[0][0].ran_on[1], 0);
	assert_int_equal(units[0][1].ran_on[0], 0);
	assert_int_equal(units[1][2].ran_on[0], 0);
	assert_true(units[0][0].ran > 1 * SEC);
	assert_true(units[0][1].ran > 1 * SEC);
	assert_true(units[1][2].ran > 1 * SEC);
	assert_int_equal(idle_ns[0] + idle_ns[1], 0);
	/* Re-pin a running pinned vCPU to the other CPU. */
	pin(0, 0, c1, 1);
	reset_counts();
	run(5 * SEC);
	assert_int_equal(pin_violations, 0);
	assert_int_equal(units[0][0].ran_on[0], 0);
	assert_true(units[0][0].ran_on[1] > SEC / 2);
}

static void test_pinning_four_cpus(void **state)
{
	static const unsigned int c0[] = { 0 }, c12[] = { 1, 2 }, c3[] = { 3 };

	(void)state;
	start(4);
	domain(0, 4, 0, 0);
	domain(1, 6, 512, 0);
	for (unsigned int i = 0; i < 4; i++)
		pin(0, i, c0, 1);
	pin(1, 0, c12, 2);
	pin(1, 1, c12, 2);
	pin(1, 2, c3, 1);
	run(10 * SEC);
	assert_int_equal(pin_violations, 0);
	assert_int_equal(double_runs, 0);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(units[0][i].ran_on[1] + units[0][i].ran_on[2] +
				 units[0][i].ran_on[3], 0);
		assert_true(units[0][i].ran > SEC / 2);
	}
	for (unsigned int i = 0; i < 2; i++)
		assert_int_equal(units[1][i].ran_on[0] + units[1][i].ran_on[3], 0);
	assert_int_equal(units[1][2].ran_on[0] + units[1][2].ran_on[1] +
			 units[1][2].ran_on[2], 0);
	/* Unpinned units fill what is left: no CPU idles. */
	for (unsigned int c = 0; c < 4; c++)
		assert_int_equal(idle_ns[c], 0);
}

/* dom0's two vCPUs, busy a little (1 ms in 20) on both CPUs. */
static void light_dom0(void)
{
	domain(0, 2, 0, 0);
	io_bound(0, 0, 1 * MS, 19 * MS, true);
	io_bound(0, 1, 1 * MS, 19 * MS, true);
}

/* Weights hold between vCPUs pinned to one CPU while another CPU is
 * free: the pinned ones share their CPU, not the machine. */
static void test_weights_on_a_pinned_cpu(void **state)
{
	static const unsigned int c1[] = { 1 };

	(void)state;
	start(2);
	light_dom0();
	domain(1, 1, 512, 0);
	domain(2, 1, 256, 0);
	pin(1, 0, c1, 1);
	pin(2, 0, c1, 1);
	run(1 * SEC);
	reset_counts();
	run(10 * SEC);
	assert_int_equal(pin_violations + double_runs, 0);
	/* dom0 takes a little of CPU 1 too: compare the two with each other. */
	assert_share("weight 512 of what the pinned pair ran",
		     share(dom_ran(1), dom_ran(1) + dom_ran(2)), 6667, 300);
	assert_true(dom_ran(1) + dom_ran(2) > 9 * SEC);
}

/* A cap holds on a two-CPU machine beside a lightly busy dom0. */
static void test_cap_beside_dom0(void **state)
{
	(void)state;
	start(2);
	light_dom0();
	domain(1, 1, 0, 25);
	run(1 * SEC);
	reset_counts();
	run(10 * SEC);
	assert_share("cap 25 beside dom0, % of one CPU", share(dom_ran(1), 10 * SEC), 2500, 200);
}

static void test_boost_runs_first(void **state)
{
	(void)state;
	start(1);
	domain(0, 1, 0, 0);
	domain(1, 1, 0, 0);
	domain(2, 1, 0, 0);
	sched_sleep(&units[2][0].su);
	run(1 * SEC);
	assert_int_equal(units[2][0].ran, 0);
	/* Two busy domains share the CPU; an interrupt for the halted one
	 * (which has not used its share) puts it on the CPU at once, ahead
	 * of the busy one waiting in the queue. */
	now += 5 * MS;
	kicked[0] = false;
	sched_wake(&units[2][0].su, true);
	assert_true(kicked[0]);
	kicked[0] = false;
	pick(0);
	assert_ptr_equal(cur[0], &units[2][0].su);
	/* Against a running unit that still has credit (UNDER): a plain
	 * wake-up waits its turn, an interrupt wake-up preempts it. */
	start(1);
	domain(0, 1, 0, 0);
	domain(1, 1, 0, 0);
	domain(2, 1, 0, 0);
	sched_sleep(&units[1][0].su);
	sched_sleep(&units[2][0].su);
	pick(0);
	assert_ptr_equal(cur[0], &units[0][0].su);
	now += 1 * MS;
	kicked[0] = false;
	sched_wake(&units[1][0].su, false);
	assert_false(kicked[0]);
	sched_wake(&units[2][0].su, true);
	assert_true(kicked[0]);
	kicked[0] = false;
	pick(0);
	assert_ptr_equal(cur[0], &units[2][0].su);
	/* It halts; woken without an interrupt it does not preempt the
	 * unit (UNDER, like itself) that took over. */
	sched_sleep(&units[2][0].su);
	pick(0);
	assert_ptr_equal(cur[0], &units[1][0].su);	/* first in the queue */
	kicked[0] = false;
	sched_wake(&units[2][0].su, false);
	assert_false(kicked[0]);
	assert_false(sched_tick(0, now));
	assert_ptr_equal(sched_current(0), &units[1][0].su);
}

static void test_boost_ahead_of_queue(void **state)
{
	(void)state;
	start(1);
	domain(0, 4, 0, 0);
	for (unsigned int i = 0; i < 4; i++)
		sched_sleep(&units[0][i].su);
	pick(0);
	assert_null(cur[0]);
	sched_wake(&units[0][0].su, false);
	pick(0);
	assert_ptr_equal(cur[0], &units[0][0].su);
	sched_wake(&units[0][1].su, false);
	sched_wake(&units[0][2].su, false);
	sched_wake(&units[0][3].su, true);	/* interrupt for vCPU 3 */
	now += 1 * MS;
	pick(0);
	assert_ptr_equal(cur[0], &units[0][3].su);
	now += 1 * MS;
	pick(0);
	assert_ptr_equal(cur[0], &units[0][1].su);
	now += 1 * MS;
	pick(0);
	assert_ptr_equal(cur[0], &units[0][2].su);
}

static void test_blocked_gets_nothing(void **state)
{
	(void)state;
	start(2);
	domain(0, 2, 0, 0);
	domain(1, 1, 0, 0);
	sched_sleep(&units[0][1].su);
	sched_sleep(&units[1][0].su);
	run(5 * SEC);
	assert_int_equal(units[0][1].ran, 0);
	assert_int_equal(units[1][0].ran, 0);
	assert_share("the only runnable vCPU, of 2 CPUs", share(units[0][0].ran, 10 * SEC), 5000, 10);
	/* Now block it while it runs: both CPUs go idle. */
	for (unsigned int c = 0; c < 2; c++)
		if (cur[c] == &units[0][0].su)
			sched_sleep(cur[c]);
	reset_counts();
	run(5 * SEC);
	assert_int_equal(dom_ran(0) + dom_ran(1), 0);
	assert_int_equal(idle_ns[0], 5 * SEC);
	assert_int_equal(idle_ns[1], 5 * SEC);
	pick(0);
	assert_null(cur[0]);
	assert_int_equal(sched_unit_state(&units[0][0].su), SCHED_UNIT_BLOCKED);
	/* Waking makes an idle CPU run it. */
	sched_wake(&units[1][0].su, false);
	run(10 * MS);
	assert_true(cur[0] == &units[1][0].su || cur[1] == &units[1][0].su);
}

static void test_yield(void **state)
{
	(void)state;
	start(1);
	domain(0, 2, 0, 0);
	pick(0);
	struct sched_unit *first = cur[0];
	assert_non_null(first);
	sched_unit_yield(first);
	now += 1 * MS;
	pick(0);
	assert_non_null(cur[0]);
	assert_ptr_not_equal(cur[0], first);
	/* Alone, a yielding unit keeps the CPU. */
	sched_sleep(first);
	sched_unit_yield(cur[0]);
	first = cur[0];
	pick(0);
	assert_ptr_equal(cur[0], first);
}

static void test_bad_parameters(void **state)
{
	struct sched_params p;
	struct sched_cpumask m;
	struct sched_dom stray;

	(void)state;
	start(2);
	domain(0, 1, 0, 0);
	domain(1, 2, 0, 0);
	p = (struct sched_params){ .weight = 0, .cap = 0 };
	assert_int_equal(sched_dom_set_params(&doms[0], &p), -EINVAL);
	p.weight = 65536;
	assert_int_equal(sched_dom_set_params(&doms[0], &p), -EINVAL);
	p.weight = 65535;
	assert_int_equal(sched_dom_set_params(&doms[0], &p), 0);
	p.weight = 1;
	assert_int_equal(sched_dom_set_params(&doms[0], &p), 0);
	p.cap = 101;			/* one vCPU: at most 100 */
	assert_int_equal(sched_dom_set_params(&doms[0], &p), -EINVAL);
	p.cap = 200;
	assert_int_equal(sched_dom_set_params(&doms[1], &p), 0);
	p.cap = 201;
	assert_int_equal(sched_dom_set_params(&doms[1], &p), -EINVAL);
	p = (struct sched_params){ .weight = 0, .cap = 50 };
	assert_int_equal(sched_dom_set_params(&doms[1], &p), -EINVAL);
	assert_int_equal(sched_dom_get_params(&doms[0], &p), 0);
	assert_int_equal(p.weight, 1);
	assert_int_equal(p.cap, 0);
	assert_int_equal(sched_dom_get_params(&doms[1], &p), 0);
	assert_int_equal(p.weight, 1);
	assert_int_equal(p.cap, 200);
	assert_int_equal(sched_dom_set_params(NULL, &p), -EINVAL);
	assert_int_equal(sched_dom_set_params(&doms[0], NULL), -EINVAL);
	memset(&stray, 0, sizeof(stray));
	assert_int_equal(sched_dom_set_params(&stray, &p), -EINVAL);
	assert_int_equal(sched_dom_get_params(&stray, &p), -EINVAL);

	sched_cpumask_zero(&m);
	assert_int_equal(sched_unit_set_affinity(&units[0][0].su, &m), -EINVAL);
	sched_cpumask_set(&m, 2);	/* offline */
	sched_cpumask_set(&m, 255);
	assert_int_equal(sched_unit_set_affinity(&units[0][0].su, &m), -EINVAL);
	sched_cpumask_set(&m, 300);	/* beyond the mask: ignored */
	assert_int_equal(sched_unit_set_affinity(&units[0][0].su, &m), -EINVAL);
	assert_int_equal(sched_unit_set_affinity(NULL, &m), -EINVAL);
	assert_int_equal(sched_unit_set_affinity(&units[0][0].su, NULL), -EINVAL);
	sched_unit_get_affinity(&units[0][0].su, &m);
	assert_true(sched_cpumask_test(&m, 0) && sched_cpumask_test(&m, 1));
	sched_cpumask_zero(&m);
	sched_cpumask_set(&m, 1);
	sched_cpumask_set(&m, 5);	/* offline, kept for later */
	assert_int_equal(sched_unit_set_affinity(&units[0][0].su, &m), 0);
	units[0][0].pins = m;

	uint64_t slice = 0;
	assert_null(sched_pick_next(3, now, &slice));	/* not up */
	assert_true(slice > 0);
	assert_null(sched_pick_next(1000, now, &slice));
	assert_false(sched_tick(3, now));
	assert_false(sched_tick(1000, now));
	assert_null(sched_current(1000));
	assert_int_equal(sched_cpu_up(1), -EEXIST);
	assert_int_equal(sched_cpu_up(SCHED_MAX_CPUS), -EINVAL);
	assert_int_equal(sched_dom_add(&doms[0], 9, "again"), -EEXIST);
	assert_int_equal(sched_unit_add(&doms[0], &units[0][0].su, 0, NULL), -EEXIST);
	assert_int_equal(sched_unit_add(&stray, &units[5][0].su, 0, NULL), -EINVAL);
	assert_int_equal(sched_dom_remove(&doms[0]), -EBUSY);
	assert_int_equal(sched_dom_remove(&stray), -EINVAL);

	/* A running unit cannot be removed; a blocked one can. */
	run(100 * MS);
	assert_int_equal(pin_violations, 0);
	struct sched_unit *u = cur[1];
	assert_non_null(u);
	assert_int_equal(sched_unit_remove(u), -EBUSY);
	sched_sleep(u);
	handle_kicks();
	assert_ptr_not_equal(cur[1], u);
	assert_int_equal(sched_unit_remove(u), 0);
	assert_int_equal(sched_unit_remove(u), -EINVAL);
	run(100 * MS);
	assert_int_equal(sched_unit_remove(&units[0][0].su) == 0 ||
			 sched_unit_remove(&units[0][0].su) == -EINVAL, 1);
}

static void test_many_vcpus_two_cpus(void **state)
{
	(void)state;
	start(2);
	for (unsigned int d = 0; d < 4; d++)
		domain(d, 16, 0, 0);
	run(1 * SEC);
	reset_counts();
	run(10 * SEC);
	assert_int_equal(pin_violations + double_runs, 0);
	assert_int_equal(idle_ns[0] + idle_ns[1], 0);
	uint64_t lo = ~0ull, hi = 0;

	for (unsigned int d = 0; d < 4; d++) {
		assert_share("16 of 64 vCPUs, of 2 CPUs", share(dom_ran(d), 20 * SEC), 2500, 100);
		for (unsigned int i = 0; i < 16; i++) {
			long s = share(units[d][i].ran, 20 * SEC);

			if (s < 156 - 30 || s > 156 + 30)
				fail_msg("vCPU %u of dom%u: expected 1.56%% +- 0.30, measured %ld.%02ld%%",
					 i, d, s / 100, s % 100);
			lo = LIB_MIN(lo, units[d][i].ran);
			hi = LIB_MAX(hi, units[d][i].ran);
		}
	}
	print_message("  one vCPU of 64: %llu to %llu ms in 10 s (expected 312.5)\n",
		      (unsigned long long)(lo / MS), (unsigned long long)(hi / MS));
}

static void test_many_vcpus_weighted(void **state)
{
	(void)state;
	start(2);
	domain(0, 32, 512, 0);
	domain(1, 32, 256, 0);
	run(1 * SEC);
	reset_counts();
	run(10 * SEC);
	assert_int_equal(idle_ns[0] + idle_ns[1], 0);
	assert_share("32 vCPUs at weight 512 vs 32 at 256", share(dom_ran(0), 20 * SEC), 6667, 300);
}

static void test_load_balance(void **state)
{
	static const unsigned int c0[] = { 0 };
	struct sched_cpumask all;

	(void)state;
	start(2);
	domain(0, 2, 0, 0);
	pin(0, 0, c0, 1);
	pin(0, 1, c0, 1);
	run(1 * SEC);
	assert_int_equal(idle_ns[1], 1 * SEC);
	sched_cpumask_fill(&all);
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(sched_unit_set_affinity(&units[0][i].su, &all), 0);
		units[0][i].pins = all;
	}
	reset_counts();
	run(1 * SEC);
	assert_share("CPU 1 idle after unpinning", share(idle_ns[1], 1 * SEC), 0, 100);
	assert_share("vCPU 0 of 2 on 2 CPUs", share(units[0][0].ran, 1 * SEC), 10000, 100);
	assert_share("vCPU 1 of 2 on 2 CPUs", share(units[0][1].ran, 1 * SEC), 10000, 100);
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/*
 * Thousands of random wake-ups, sleeps, yields, re-pins and parameter
 * changes on 4 CPUs (valid and invalid): no crash, no vCPU on two CPUs,
 * pins held, and afterwards every vCPU still runs and no CPU idles.
 */
static void test_random_operations(void **state)
{
	static const unsigned int sizes[3] = { 4, 8, 3 };

	(void)state;
	start(4);
	for (unsigned int d = 0; d < 3; d++)
		domain(d, sizes[d], 0, 0);
	for (unsigned int step = 0; step < 20000; step++) {
		unsigned int d = rnd() % 3, i = rnd() % sizes[d];
		struct sched_unit *u = &units[d][i].su;
		struct sched_params p;
		struct sched_cpumask m;
		bool any = false;
		int want;

		run(rnd() % (3 * MS));
		switch (rnd() % 7) {
		case 0:
			sched_sleep(u);
			break;
		case 1:
		case 2:
			sched_wake(u, rnd() % 2);
			break;
		case 3:
			sched_cpumask_zero(&m);
			for (unsigned int c = 0; c < 6; c++)
				if (rnd() % 3 == 0) {
					sched_cpumask_set(&m, c);
					any |= c < ncpus;
				}
			want = any ? 0 : -EINVAL;
			assert_int_equal(sched_unit_set_affinity(u, &m), want);
			if (!want)
				units[d][i].pins = m;
			break;
		case 4:
			sched_unit_yield(u);
			break;
		case 5:
			p.weight = rnd() % 70000;
			p.cap = rnd() % 3 ? 0 : rnd() % (100 * sizes[d] + 50);
			want = p.weight >= 1 && p.weight <= 65535 &&
			       p.cap <= 100 * sizes[d] ? 0 : -EINVAL;
			assert_int_equal(sched_dom_set_params(&doms[d], &p), want);
			break;
		default:
			for (unsigned int c = 0; c < ncpus; c++)
				if (rnd() % 2)
					kicked[c] = true;	/* spurious */
			break;
		}
	}
	assert_int_equal(pin_violations, 0);
	assert_int_equal(double_runs, 0);

	for (unsigned int d = 0; d < 3; d++) {
		struct sched_params p = { .weight = 256, .cap = 0 };

		assert_int_equal(sched_dom_set_params(&doms[d], &p), 0);
		for (unsigned int i = 0; i < sizes[d]; i++) {
			sched_cpumask_fill(&units[d][i].pins);
			assert_int_equal(sched_unit_set_affinity(&units[d][i].su,
								 &units[d][i].pins), 0);
			sched_wake(&units[d][i].su, false);
		}
	}
	run(1 * SEC);
	reset_counts();
	run(5 * SEC);
	for (unsigned int c = 0; c < ncpus; c++)
		assert_int_equal(idle_ns[c], 0);
	for (unsigned int d = 0; d < 3; d++)
		for (unsigned int i = 0; i < sizes[d]; i++) {
			long s = share(units[d][i].ran, 20 * SEC);

			if (s < 10000 / 15 - 50 || s > 10000 / 15 + 50)
				fail_msg("vCPU %u of dom%u after the storm: expected 1/15 of 4 CPUs (6.67%% +- 0.50), measured %ld.%02ld%%",
					 i, d, s / 100, s % 100);
		}
	assert_int_equal(pin_violations + double_runs, 0);
}

static uint64_t ring_pos;

static const char *ring_new(void)
{
	static char out[16384];
	size_t n = 0, got;

	while ((got = printk_ring_read(&ring_pos, out + n, sizeof(out) - 1 - n)) > 0)
		n += got;
	out[n] = '\0';
	return out;
}

static void test_select_and_dump(void **state)
{
	static struct boot_options opts;
	const char *out;

	(void)state;
	start(2);
	domain(0, 1, 300, 50);
	run(100 * MS);
	ring_new();
	assert_int_equal(keyhandler_handle('r'), 0);
	out = ring_new();
	assert_non_null(strstr(out, "Scheduler: credit, 2 CPUs"));
	assert_non_null(strstr(out, "cpu1:"));
	assert_non_null(strstr(out, "dom0 (id 0): 1 vCPUs, weight 300, cap 50"));
	assert_non_null(strstr(out, "may run on 0,1"));

	cmdline_defaults(&opts);
	assert_int_equal(sched_init(&opts, now), 0);
	assert_string_equal(sched_name(), "credit");
	assert_null(strstr(ring_new(), "unknown"));
	lib_strlcpy(opts.sched, "sedf", sizeof(opts.sched));
	assert_int_equal(sched_init(&opts, now), 0);
	assert_string_equal(sched_name(), "credit");
	assert_non_null(strstr(ring_new(), "unknown scheduler 'sedf'; using credit"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weights_two_to_one),
		cmocka_unit_test(test_weights_three_domains),
		cmocka_unit_test(test_idle_domain_does_not_dilute),
		cmocka_unit_test(test_cap_leftover_by_weight),
		cmocka_unit_test(test_single_vcpu_peak),
		cmocka_unit_test(test_io_bound_boost),
		cmocka_unit_test(test_cap_alone),
		cmocka_unit_test(test_cap_against_busy_domain),
		cmocka_unit_test(test_cap_two_vcpus),
		cmocka_unit_test(test_pinning_two_cpus),
		cmocka_unit_test(test_pinning_four_cpus),
		cmocka_unit_test(test_weights_on_a_pinned_cpu),
		cmocka_unit_test(test_cap_beside_dom0),
		cmocka_unit_test(test_boost_runs_first),
		cmocka_unit_test(test_boost_ahead_of_queue),
		cmocka_unit_test(test_blocked_gets_nothing),
		cmocka_unit_test(test_yield),
		cmocka_unit_test(test_bad_parameters),
		cmocka_unit_test(test_many_vcpus_two_cpus),
		cmocka_unit_test(test_many_vcpus_weighted),
		cmocka_unit_test(test_load_balance),
		cmocka_unit_test(test_random_operations),
		cmocka_unit_test(test_select_and_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
