/* KVM's paravirtual EOI for a vCPU: its MSR, the guest's flag around each entry. */
#ifndef XENOLITH_ARCH_X86_VCPU_PV_EOI_H
#define XENOLITH_ARCH_X86_VCPU_PV_EOI_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/*
 * vcpu_pv_eoi_msr: RDMSR/WRMSR of MSR_KVM_PV_EOI_EN: a read returns what
 * was written; a write is refused unless its address is 4-byte aligned
 * and, when enabled, the guest's RAM. 0 done, -EINVAL for #GP, 1 not this
 * MSR (or v has no vLAPIC). v's thread, handling an exit.
 */
int vcpu_pv_eoi_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val);

/*
 * vcpu_pv_eoi_before_entry: set the guest's flag if its next EOI may skip
 * the EOI register this time (vlapic_pv_eoi_vector, given the offer
 * vcpu_lapic_before_entry made). v's thread, last thing before the entry.
 */
void vcpu_pv_eoi_before_entry(struct vcpu *v);

/*
 * vcpu_pv_eoi_after_exit: if the flag was set for the entry, settle it:
 * cleared by the guest, it EOId, and the vLAPIC does that EOI now; still
 * set, it is cleared (the guest's next EOI goes to the register). v's
 * thread, after vcpu_lapic_after_exit (the vector taken meanwhile is in
 * service first), before the exit is handled.
 */
void vcpu_pv_eoi_after_exit(struct vcpu *v);

#endif
