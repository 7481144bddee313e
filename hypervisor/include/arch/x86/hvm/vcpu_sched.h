/* Each physical CPU's loop: run the vCPU the scheduler picks, sleep when none. */
#ifndef XENOLITH_ARCH_X86_VCPU_SCHED_H
#define XENOLITH_ARCH_X86_VCPU_SCHED_H

#include "cmdline.h"
#include "sched.h"
#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* vcpu_sched_init: the scheduler (sched=), every online CPU joined, the
 * timer's handler, debug key 'e'. Boot CPU, after smp_boot(). */
void vcpu_sched_init(const struct boot_options *opts);

/*
 * vcpu_sched_add: v joins domain d's scheduling, asleep (wake it with
 * sched_wake, or let an event do it); pinned to pin_cpu, or free (-1).
 * 0 or -errno. Boot CPU.
 */
int vcpu_sched_add(struct sched_dom *d, struct vcpu *v, int pin_cpu);

/* vcpu_sched_set_idle_hook: fn(cpu) runs each time a CPU is about to
 * idle (interrupts off). Boot CPU. */
void vcpu_sched_set_idle_hook(void (*fn)(unsigned int cpu));
/* vcpu_sched_set_poll_hook: fn() runs on CPU 0 every 10 ms, whether a
 * vCPU runs there or not, interrupts off. */
void vcpu_sched_set_poll_hook(void (*fn)(void));

/*
 * vcpu_sched_loop: this CPU's life from now on: pick a vCPU, run it until
 * it sleeps or its slice ends, idle (HLT) when there is none. Every CPU
 * (the boot CPU and each AP), never returns.
 */
void vcpu_sched_loop(unsigned int cpu) __attribute__((noreturn));

/*
 * vcpu_sched_notify: something was posted for v (vcpu_lapic_post): wake it
 * (boosted), and if it is in guest mode on another CPU make it exit so
 * that it takes the event. Any CPU, also in an interrupt handler.
 */
void vcpu_sched_notify(struct vcpu *v);

/* vcpu_sched_make_exit: if v is in guest mode on another CPU, make it
 * exit (a kick IPI). Any CPU. */
void vcpu_sched_make_exit(struct vcpu *v);

/* vcpu_sched_stop: mark v crashed; if it is in guest mode on another CPU,
 * make it exit, after which its CPU never runs it again. Any CPU. */
void vcpu_sched_stop(struct vcpu *v);


/*
 * vcpu_sched_remove: stop v and take it out of the scheduler once no CPU
 * runs it (kicking the one that does); afterwards nothing here refers to
 * v. 0, or -EBUSY if a CPU did not let go within 2 s. domctl lock.
 */
int vcpu_sched_remove(struct vcpu *v);

/* vcpu_sched_pause: hold v off every CPU (it leaves guest mode at once),
 * or let it run again. */
void vcpu_sched_pause(struct vcpu *v, bool pause);

/* vcpu_sched_running: v is in a CPU's hands now (not asleep). */
bool vcpu_sched_running(const struct vcpu *v);
/* vcpu_sched_runnable: v wants a CPU (running, queued or moving between CPUs). */
bool vcpu_sched_runnable(const struct vcpu *v);
/* vcpu_sched_xl_state: XL_STATE_RUNNING, RUNNABLE or BLOCKED, as xl shows a vCPU. */
uint32_t vcpu_sched_xl_state(const struct vcpu *v);

/* vcpu_sched_cpu_time: ns v has run (up to its last stop). */
uint64_t vcpu_sched_cpu_time(const struct vcpu *v);

#endif
