/* test_sched_smp.c - the scheduler's locking under real concurrency: host threads act as CPUs. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "errno.h"
#include "keyhandler.h"
#include "sched.h"

#define NCPU 4
#define NDOM 3
#define NUNIT 6			/* per domain */
#define ITERATIONS 200000
#define PINNED_CPU 2		/* vCPU 0 of every domain lives here */

struct tunit {
	struct sched_unit su;
	int running_on;		/* atomic: CPU that runs it, or -1 */
};

static struct sched_dom doms[NDOM];
static struct tunit units[NDOM][NUNIT];
static uint64_t clock_ns;		/* atomic, shared by all "CPUs" */
static bool kicked[NCPU];		/* atomic */
static unsigned int double_runs, pin_violations, bad_returns; /* atomic */

static void kick(unsigned int cpu)
{
	__atomic_store_n(&kicked[cpu], true, __ATOMIC_RELEASE);
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void count(unsigned int *what)
{
	__atomic_add_fetch(what, 1, __ATOMIC_RELAXED);
}

/* The CPU stops running `cur` (a VM exit), asks for the next unit and
 * starts it; a unit that another CPU already runs is a double run. */
static struct tunit *switch_to_next(unsigned int cpu, struct tunit *cur, uint64_t now)
{
	struct sched_unit *u;
	struct tunit *next;
	uint64_t slice;
	int idle = -1;

	if (cur)
		__atomic_store_n(&cur->running_on, -1, __ATOMIC_RELEASE);
	u = sched_pick_next(cpu, now, &slice);
	if (!u)
		return NULL;
	next = u->owner;
	if (!__atomic_compare_exchange_n(&next->running_on, &idle, (int)cpu, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		count(&double_runs);
	if (next->su.id == 0 && cpu != PINNED_CPU)
		count(&pin_violations);
	return next;
}

static void *cpu_thread(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;
	uint32_t seed = 7 + cpu * 7919;
	struct tunit *cur = NULL;

	for (unsigned int i = 0; i < ITERATIONS; i++) {
		uint64_t now = __atomic_add_fetch(&clock_ns, rnd(&seed) % 200000,
						  __ATOMIC_ACQ_REL);
		struct tunit *other = &units[rnd(&seed) % NDOM][rnd(&seed) % NUNIT];
		struct sched_cpumask m;
		struct sched_params p;
		unsigned int op = rnd(&seed) % 100;

		if (op < 10 && cur) {
			sched_sleep(&cur->su);		/* HLT */
			cur = switch_to_next(cpu, cur, now);
		} else if (op < 30) {
			sched_wake(&other->su, op & 1);	/* an interrupt */
		} else if (op < 33) {
			sched_sleep(&other->su);	/* paused from elsewhere */
		} else if (op < 36 && other->su.id != 0) {
			sched_cpumask_zero(&m);
			sched_cpumask_set(&m, rnd(&seed) % NCPU);
			if (rnd(&seed) % 2)
				sched_cpumask_set(&m, rnd(&seed) % NCPU);
			if (sched_unit_set_affinity(&other->su, &m))
				count(&bad_returns);
		} else if (op < 37) {
			p.weight = 1 + rnd(&seed) % 1000;
			p.cap = rnd(&seed) % 4 ? 0 : 1 + rnd(&seed) % 100;
			if (sched_dom_set_params(other->su.dom, &p))
				count(&bad_returns);
		} else if (op < 39 && cur) {
			sched_unit_yield(&cur->su);
			cur = switch_to_next(cpu, cur, now);
		} else if (op == 39 && cpu == 0 && i % 1000 == 0) {
			sched_dump();
		} else if (__atomic_exchange_n(&kicked[cpu], false, __ATOMIC_ACQ_REL) ||
			   sched_tick(cpu, now)) {
			cur = switch_to_next(cpu, cur, now);
		}
	}
	if (cur)
		__atomic_store_n(&cur->running_on, -1, __ATOMIC_RELEASE);
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_sched_smp: no progress in 60 s: deadlock?\n";
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static void test_cpus_in_parallel(void **state)
{
	pthread_t threads[NCPU];
	struct sched_cpumask one;
	bool seen[NDOM][NUNIT];
	uint64_t slice;

	(void)state;
	keyhandler_init();
	assert_int_equal(sched_init(NULL, 0), 0);
	sched_set_kick_hook(kick);
	for (unsigned int c = 0; c < NCPU; c++)
		assert_int_equal(sched_cpu_up(c), 0);
	sched_cpumask_zero(&one);
	sched_cpumask_set(&one, PINNED_CPU);
	for (unsigned int d = 0; d < NDOM; d++) {
		assert_int_equal(sched_dom_add(&doms[d], d, "dom"), 0);
		for (unsigned int i = 0; i < NUNIT; i++) {
			units[d][i].running_on = -1;
			assert_int_equal(sched_unit_add(&doms[d], &units[d][i].su, i,
							&units[d][i]), 0);
			sched_wake(&units[d][i].su, false);
		}
		assert_int_equal(sched_unit_set_affinity(&units[d][0].su, &one), 0);
	}

	signal(SIGALRM, on_alarm);
	alarm(60);
	for (unsigned int c = 0; c < NCPU; c++)
		assert_int_equal(pthread_create(&threads[c], NULL, cpu_thread,
						(void *)(uintptr_t)c), 0);
	for (unsigned int c = 0; c < NCPU; c++)
		pthread_join(threads[c], NULL);
	alarm(0);
	assert_int_equal(double_runs, 0);
	assert_int_equal(pin_violations, 0);
	assert_int_equal(bad_returns, 0);

	/* No unit was lost on the way: woken again, each one runs. */
	memset(seen, 0, sizeof(seen));
	for (unsigned int d = 0; d < NDOM; d++) {
		struct sched_params p = { .weight = 256, .cap = 0 };

		assert_int_equal(sched_dom_set_params(&doms[d], &p), 0);
	}
	for (unsigned int d = 0; d < NDOM; d++)
		for (unsigned int i = 0; i < NUNIT; i++) {
			struct sched_cpumask all;

			sched_cpumask_fill(&all);
			if (i)
				assert_int_equal(sched_unit_set_affinity(&units[d][i].su, &all), 0);
			sched_wake(&units[d][i].su, false);
		}
	for (unsigned int round = 0; round < 400; round++) {
		clock_ns += 10 * SCHED_NS_PER_MS;
		for (unsigned int c = 0; c < NCPU; c++) {
			struct sched_unit *u;

			sched_tick(c, clock_ns);
			u = sched_pick_next(c, clock_ns, &slice);
			if (u)
				seen[((struct tunit *)u->owner)->su.dom - doms]
				    [((struct tunit *)u->owner)->su.id] = true;
		}
	}
	for (unsigned int d = 0; d < NDOM; d++)
		for (unsigned int i = 0; i < NUNIT; i++)
			if (!seen[d][i])
				fail_msg("dom%u vCPU %u never ran after the parallel phase "
					 "(state %d)", d, i, sched_unit_state(&units[d][i].su));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpus_in_parallel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
