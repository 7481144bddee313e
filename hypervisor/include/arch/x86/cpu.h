/* What CPUID says about the boot CPU, before any vendor code looks further. */
#ifndef XENOLITH_ARCH_X86_CPU_H
#define XENOLITH_ARCH_X86_CPU_H

#include <stdint.h>

/* Generic CPUID facts; the vendor probes (vcpu_vendor_ops.probe) read
 * their own features from here on. */
struct cpu_features {
	char vendor[13];		/* leaf 0: "AuthenticAMD", "GenuineIntel" */
	uint32_t max_leaf, max_ext_leaf;
	uint8_t apic_id;		/* leaf 1: initial APIC id */
};

/* cpu_detect: fill *f from this CPU's CPUID. */
void cpu_detect(struct cpu_features *f);
/* cpu_init_cr4_paging: CR4.PSE and PGE on, where this CPU has them. */
void cpu_init_cr4_paging(void);

#endif
