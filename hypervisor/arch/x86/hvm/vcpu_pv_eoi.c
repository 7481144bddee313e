/* KVM's paravirtual EOI for a vCPU: its MSR, the guest's flag around each entry. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "errno.h"
#include <arch/x86/hvm/hvm_domain.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/hvm/vcpu_pv_eoi.h>
#include <arch/x86/vdev/vlapic.h>
#include <arch/x86/vdev/vlapic_pv_eoi.h>

#define VCPU_PV_EOI_FLAG_SIZE	4u

/*
 * The MSR lies outside both vendors' MSR bitmaps (0-0x1fff and the
 * 0xc000xxxx ranges), so every access exits without an intercept being
 * set (AMD APM vol. 2 §15.11; Intel SDM vol. 3 §24.6.9).
 */
int vcpu_pv_eoi_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
	uint64_t gpa;
	bool enabled;

	if (msr != VLAPIC_PV_EOI_MSR || !v->lapic)
		return 1;
	if (!write) {
		*val = v->pv_eoi_msr;
		return 0;
	}
	if (vlapic_pv_eoi_msr_parse(*val, &gpa, &enabled) ||
	    (enabled && !hvm_domain_map(v->domain, gpa, VCPU_PV_EOI_FLAG_SIZE)))
		return -EINVAL;
	v->pv_eoi_msr = *val;
	return 0;
}

/* The guest's flag word, NULL if PV EOI is off or its page is no longer
 * the guest's RAM (mapped again each time: the guest may move it). */
static uint32_t *vcpu_pv_eoi_flag(struct vcpu *v)
{
	uint64_t gpa;
	bool enabled;

	if (vlapic_pv_eoi_msr_parse(v->pv_eoi_msr, &gpa, &enabled) || !enabled)
		return NULL;
	return hvm_domain_map(v->domain, gpa, VCPU_PV_EOI_FLAG_SIZE);
}

void vcpu_pv_eoi_before_entry(struct vcpu *v)
{
	uint32_t *flag;

	if (!v->pv_eoi_msr || vlapic_pv_eoi_vector(v->lapic, v->offered_vector) < 0 ||
	    !(flag = vcpu_pv_eoi_flag(v)))
		return;
	__atomic_fetch_or(flag, VLAPIC_PV_EOI_PENDING, __ATOMIC_SEQ_CST);
	v->pv_eoi_pending = true;
}

void vcpu_pv_eoi_after_exit(struct vcpu *v)
{
	uint32_t *flag;

	if (!v->pv_eoi_pending)
		return;
	v->pv_eoi_pending = false;
	flag = vcpu_pv_eoi_flag(v);
	if (!flag || (__atomic_fetch_and(flag, ~VLAPIC_PV_EOI_PENDING, __ATOMIC_SEQ_CST) &
		      VLAPIC_PV_EOI_PENDING))
		return;
	vlapic_eoi(v->lapic);
	v->pv_eois++;
}
