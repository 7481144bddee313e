/* KVM's paravirtual EOI for a vLAPIC: when an EOI may be left to a flag in guest memory. */
#ifndef XENOLITH_ARCH_X86_VLAPIC_PV_EOI_H
#define XENOLITH_ARCH_X86_VLAPIC_PV_EOI_H

#include <stdbool.h>
#include <stdint.h>

struct vlapic;

/*
 * KVM's guest ABI (Linux: arch/x86/include/uapi/asm/kvm_para.h), offered
 * with CPUID leaf 0x40000101 EAX bit 6 (docs/hypervisor.md): the guest
 * writes MSR_KVM_PV_EOI_EN on each vCPU with bit 0 = enable and the
 * guest-physical address of a 4-byte-aligned u32 of its own; bit 0 of that
 * u32 set by the hypervisor says "your next EOI may be this bit cleared
 * instead of a write to the EOI register" (docs/interrupts.md).
 */
#define VLAPIC_PV_EOI_MSR	0x4b564d04u	/* MSR_KVM_PV_EOI_EN */
#define VLAPIC_PV_EOI_ENABLED	(1ull << 0)	/* in the MSR */
#define VLAPIC_PV_EOI_PENDING	(1u << 0)	/* in the guest's u32 */

/*
 * vlapic_pv_eoi_msr_parse: a value written to VLAPIC_PV_EOI_MSR (from the
 * guest, unchecked): -EINVAL if the address is not 4-byte aligned (the
 * caller raises #GP), else 0 with *gpa the flag's address and *enabled
 * bit 0. Whether *gpa is the guest's RAM is the caller's to check.
 */
int vlapic_pv_eoi_msr_parse(uint64_t val, uint64_t *gpa, bool *enabled);

/*
 * vlapic_pv_eoi_vector: whether the guest's next EOI, if it comes before
 * the next exit, may be left to the PV EOI flag. offered is the vector
 * offered to the guest at this entry (from IRR), or -1 (none, or not the
 * vLAPIC's). Yes when exactly one vector will be in service by then and
 * nothing else waits in IRR (so the EOI unblocks nobody the hypervisor
 * would have to deliver at once): either ISR holds one vector, IRR none
 * and nothing is offered, or ISR is empty and IRR holds only the offered
 * vector; and that vector is edge-triggered (TMR clear: a level one's EOI
 * must reach the IOAPIC at once). Returns that vector, or -1. Reads the
 * vLAPIC only; the owning vCPU's thread, before an entry.
 */
int vlapic_pv_eoi_vector(const struct vlapic *v, int offered);

#endif
