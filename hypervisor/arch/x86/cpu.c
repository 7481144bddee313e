/* CPU identification: vendor string, highest CPUID leaves, APIC id. */
#include "lib.h"
#include <arch/x86/cpu.h>
#include <arch/x86/processor.h>

/* cpu_detect: CPUID leaves 0, 1 and 0x80000000 (SDM vol. 2A, CPUID). */
void cpu_detect(struct cpu_features *f)
{
	struct cpuid_regs r;

	memset(f, 0, sizeof(*f));
	cpuid_count(0, 0, &r);
	f->max_leaf = r.eax;
	memcpy(f->vendor, &r.ebx, 4);
	memcpy(f->vendor + 4, &r.edx, 4);
	memcpy(f->vendor + 8, &r.ecx, 4);
	cpuid_count(1, 0, &r);
	f->apic_id = r.ebx >> 24;
	cpuid_count(0x80000000, 0, &r);
	f->max_ext_leaf = r.eax;
}
