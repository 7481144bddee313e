/* A vCPU's virtual LAPIC wired in: xAPIC page and MSRs, posted interrupts, IPIs, timer. */
#ifndef XENOLITH_ARCH_X86_VCPU_LAPIC_H
#define XENOLITH_ARCH_X86_VCPU_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct vlapic;

/*
 * vcpu_lapic_init: give v the virtual LAPIC l (APIC ID = v->id) in its
 * domain's group, whose IPIs go to the domain's vCPU of that APIC ID; its
 * xAPIC page is at page (absent from the nested tables). 0 or -errno
 * (vlapic_init).
 */
int vcpu_lapic_init(struct vcpu *v, struct vlapic *l, uint64_t page);

/* vcpu_lapic_route_irqs: physical device vectors taken by CPU n go to
 * vcpus[n] (n < nr), the domain that owns the devices (dom0). Boot CPU. */
void vcpu_lapic_route_irqs(struct vcpu *const *vcpus, unsigned int nr);

/*
 * vcpu_lapic_post: vector for v's vLAPIC, from any CPU (an IPI, a device
 * interrupt): recorded atomically, taken into the vLAPIC by v's own CPU
 * before its next entry; v is woken or made to exit (vcpu_sched_notify).
 * vcpu_lapic_post_event: the same for VCPU_EV_INIT, _SIPI (with its
 * vector) and _NMI.
 */
void vcpu_lapic_post(struct vcpu *v, uint8_t vector, bool level);
void vcpu_lapic_post_event(struct vcpu *v, uint32_t event, uint8_t sipi_vector);

/* vcpu_lapic_npf: a nested page fault at gpa: if it is the xAPIC page,
 * emulate the access (or crash the vCPU) and return true. */
bool vcpu_lapic_npf(struct vcpu *v, uint64_t gpa, bool write);

/* vcpu_lapic_msr: RDMSR/WRMSR of an APIC MSR: 0 done (*val read or
 * written), -errno for #GP, 1 not an APIC MSR. */
int vcpu_lapic_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val);

/* vcpu_lapic_before_entry: take over what was posted, fire a due virtual
 * timer, inject a pending NMI (or ask for a window) and offer the most
 * urgent interrupt. v's own CPU, before each entry. */
void vcpu_lapic_before_entry(struct vcpu *v);

/* vcpu_lapic_after_exit: the interrupt offered before the entry, if the
 * guest took it: now in service (or taken from the PIC). v's own CPU,
 * after each exit, before the exit is handled. */
void vcpu_lapic_after_exit(struct vcpu *v);

/* vcpu_lapic_pending: v would have something to do if it ran now (a
 * posted or pending interrupt, an event, a timer due; only a STARTUP
 * while it waits for one). The CPU that runs v, or the one that just
 * put it to sleep: asleep, v's vLAPIC changes only through the posted
 * bits; woken and run elsewhere meanwhile, the answer does not matter. */
bool vcpu_lapic_pending(struct vcpu *v);

/* vcpu_lapic_deadline: when v's virtual timer fires next (ns of
 * time_now_ns), VLAPIC_NO_DEADLINE if never. */
uint64_t vcpu_lapic_deadline(const struct vcpu *v);

/* vcpu_lapic_set_notify: how a vCPU something was posted to is woken
 * (the scheduler's vcpu_sched_notify). Boot CPU, before any post. */
void vcpu_lapic_set_notify(void (*notify)(struct vcpu *v));

#endif
