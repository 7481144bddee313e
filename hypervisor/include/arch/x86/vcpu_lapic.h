/* A vCPU's virtual LAPIC wired in: xAPIC page and MSRs, injection, timer, HLT. */
#ifndef XENOLITH_ARCH_X86_VCPU_LAPIC_H
#define XENOLITH_ARCH_X86_VCPU_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct vlapic;
struct vlapic_group;

/*
 * vcpu_lapic_init: give v the virtual LAPIC l (member of g, power-up
 * state) whose xAPIC page is the guest-physical page, left out of the
 * nested tables by the caller; device vectors and the physical LAPIC
 * timer of this CPU go to it from now on. 0 or -EINVAL. Boot CPU, once
 * (one vCPU: dom0's).
 */
int vcpu_lapic_init(struct vcpu *v, struct vlapic *l, struct vlapic_group *g,
		    uint64_t page);

/* vcpu_lapic_npf: a nested page fault at gpa: if it is the xAPIC page,
 * emulate the access (or crash v) and return true. */
bool vcpu_lapic_npf(struct vcpu *v, uint64_t gpa, bool write);

/* vcpu_lapic_msr: RDMSR/WRMSR of an APIC MSR: 0 done (*val read or
 * written), -EINVAL (#GP for the guest), 1 not an APIC MSR. */
int vcpu_lapic_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val);

/* vcpu_lapic_before_entry: fire a due virtual timer, re-arm the physical
 * one, inject the highest deliverable vector or ask for an interrupt
 * window. Before every VM entry. */
void vcpu_lapic_before_entry(struct vcpu *v);

/* vcpu_lapic_hlt: the guest executed HLT with interrupts on (RIP already
 * past it): sleep on the host until it has an interrupt to take. */
void vcpu_lapic_hlt(struct vcpu *v);

#endif
