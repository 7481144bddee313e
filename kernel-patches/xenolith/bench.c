// SPDX-License-Identifier: GPL-2.0
/* XL_IOCTL_BENCH: the cost of a round trip to the hypervisor, in TSC cycles. */
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "hypercall.h"
#include "xenolith.h"

#define XL_BENCH_MAX	1000000u
#define XL_BENCH_BATCH	1000u	/* calls per stretch with preemption off */

/* xl_bench_batch: N calls of kind WHAT on this CPU; the cycles they took. */
static u64 xl_bench_batch(u32 what, u32 n)
{
	u64 t0, t1;
	u32 i;

	preempt_disable();
	t0 = rdtsc_ordered();
	if (what == XL_BENCH_NULL_HYPERCALL)
		for (i = 0; i < n; i++)
			xl_hypercall(XL_HC_NULL, 0, 0, 0);
	else
		for (i = 0; i < n; i++)
			native_cpuid_eax(0);
	t1 = rdtsc_ordered();
	preempt_enable();
	return t1 - t0;
}

/*
 * xl_bench: run bench->count (1..XL_BENCH_MAX) calls in batches, each
 * with preemption off and on one CPU (a fatal signal stops it between
 * batches), and report the total cycles. Returns 0, -EINVAL, -EFAULT or
 * -EINTR.
 */
long xl_bench(struct xl_bench __user *arg)
{
	struct xl_bench b;
	u64 cycles = 0;
	u32 done, n;

	if (copy_from_user(&b, arg, sizeof(b)))
		return -EFAULT;
	if (!b.count || b.count > XL_BENCH_MAX)
		return -EINVAL;
	if (b.what != XL_BENCH_NULL_HYPERCALL && b.what != XL_BENCH_CPUID)
		return -EINVAL;
	for (done = 0; done < b.count; done += n) {
		n = min(XL_BENCH_BATCH, b.count - done);
		cycles += xl_bench_batch(b.what, n);
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	b.cycles = cycles;
	return copy_to_user(arg, &b, sizeof(b)) ? -EFAULT : 0;
}
