/* CPU identification (vendor string, highest CPUID leaves, APIC id) and CR4's paging bits. */
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

#define CPU_CPUID1_EDX_PSE	(1u << 3)
#define CPU_CPUID1_EDX_PGE	(1u << 13)

/*
 * cpu_init_cr4_paging: this CPU's CR4.PSE and PGE set where it has them,
 * as every 64-bit Linux guest keeps them. Nothing changes for the
 * hypervisor (PSE means nothing in long mode, and none of its mappings
 * is global), but a world switch then leaves those bits as they were, and
 * QEMU's TCG empties its whole software TLB on every change of them, on
 * top of the flush for the CR3 load.
 */
void cpu_init_cr4_paging(void)
{
	struct cpuid_regs r;
	uint64_t cr4 = read_cr4();

	cpuid_count(1, 0, &r);
	if (r.edx & CPU_CPUID1_EDX_PSE)
		cr4 |= X86_CR4_PSE;
	if (r.edx & CPU_CPUID1_EDX_PGE)
		cr4 |= X86_CR4_PGE;
	write_cr4(cr4);
}
