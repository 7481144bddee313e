/* What a domU's vCPUs see of the CPU: features it cannot own hidden, its few MSRs. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/processor.h>
#include <arch/x86/hvm/domu.h>
#include <arch/x86/hvm/vcpu.h>

/* Leaf 1 EDX: MCE (7), MTRR (12), MCA (14), ACPI thermal MSRs (22); the
 * guest would reach machine-wide MSRs through them. */
#define DOMU_CPUID1_EDX_HIDE	((1u << 7) | (1u << 12) | (1u << 14) | (1u << 22))
/* Leaf 1 ECX: VMX (5), SMX (6), EST (7), TM2 (8), PDCM (15) (MONITOR goes
 * for every guest: vcpu.c). */
#define DOMU_CPUID1_ECX_HIDE	((1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 15))
/* Leaf 7 ECX: WAITPKG (5), RDPID (22: reads the host's TSC_AUX). */
#define DOMU_CPUID7_ECX_HIDE	((1u << 5) | (1u << 22))
/* 0x80000001 EDX: RDTSCP (27); ECX: IBS (10), SKINIT (12), WDT (13),
 * the core/NB/L2 performance counters (23, 24, 28), MWAITX (29). */
#define DOMU_CPUID81_EDX_HIDE	(1u << 27)
#define DOMU_CPUID81_ECX_HIDE	((1u << 10) | (1u << 12) | (1u << 13) | (1u << 23) | \
				 (1u << 24) | (1u << 28) | (1u << 29))
#define DOMU_CPUID87_EDX_KEEP	(1u << 8)	/* invariant TSC */
#define DOMU_MSR_REPORTS	16		/* refused MSRs logged per domain */
/* IA32_MISC_ENABLE as a domU reads it: fast strings (bit 0), BTS (11) and PEBS (12) unavailable. */
#define DOMU_MISC_ENABLE	((1ull << 0) | (1ull << 11) | (1ull << 12))

void domu_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	switch (leaf) {
	case 1:
		r[2] &= ~DOMU_CPUID1_ECX_HIDE;
		r[3] &= ~DOMU_CPUID1_EDX_HIDE;
		/* One logical processor per package as far as leaf 1 goes:
		 * the MADT lists the vCPUs. */
		r[1] &= ~0x00ff0000u;
		r[3] &= ~(1u << 28);
		break;
	case 6:		/* thermal and power management */
	case 0xa:	/* architectural performance counters */
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	case 7:
		if (sub == 0) {
			r[2] &= ~DOMU_CPUID7_ECX_HIDE;
			r[3] = 0;	/* speculation controls, ARCH_CAPABILITIES */
		}
		break;
	case 0x80000001:
		r[2] &= ~DOMU_CPUID81_ECX_HIDE;
		r[3] &= ~DOMU_CPUID81_EDX_HIDE;
		break;
	case 0x80000007:
		r[0] = r[1] = r[2] = 0;
		r[3] &= DOMU_CPUID87_EDX_KEEP;
		break;
	case 0x80000008:
		r[1] = 0;	/* IBPB, IBRS, STIBP, SSBD... */
		r[2] &= ~0xffu;	/* one core per package */
		break;
	default:
		break;
	}
}

/*
 * The MSRs a domU may use besides EFER and the APIC's: the TSC reads as
 * the CPU's (writes ignored), the microcode level and the K8 hardware
 * configuration read as 0, Intel's MISC_ENABLE as fast strings on and no
 * BTS or PEBS (writes ignored: Linux's verify_cpu reads it on an Intel CPU
 * before it has an IDT, where a #GP is a triple fault). Everything else
 * raises #GP; the first few are logged so that a guest kernel that needs
 * more can be diagnosed.
 */
int domu_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
	struct domu_platform *p = v->domain->hvm.platform;

	switch (msr) {
	case 0x10:		/* IA32_TSC */
		if (!write)
			*val = rdtsc();
		return 0;
	case 0x1a0:		/* IA32_MISC_ENABLE */
		if (!write)
			*val = DOMU_MISC_ENABLE;
		return 0;
	case 0x8b:		/* PATCH_LEVEL */
	case 0xc0010015:	/* HWCR */
		if (!write)
			*val = 0;
		return 0;
	default:
		break;
	}
	if (__atomic_fetch_add(&p->msr_reports, 1, __ATOMIC_RELAXED) < DOMU_MSR_REPORTS)
		printk(PRINTK_INFO | PRINTK_LOG_ONLY, "%s vcpu%u: %s of MSR %#x refused (#GP)\n",
		       domain_label(v->domain), v->id, write ? "write" : "read", msr);
	return -1;
}
