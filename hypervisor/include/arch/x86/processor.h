/* Single x86 instructions as static inline wrappers, and MSR/CR bit names. */
#ifndef XENOLITH_ARCH_X86_PROCESSOR_H
#define XENOLITH_ARCH_X86_PROCESSOR_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_EFER		0xC0000080
#define EFER_SCE		(1u << 0)
#define EFER_LME		(1u << 8)
#define EFER_LMA		(1u << 10)
#define EFER_NXE		(1u << 11)
#define MSR_PAT			0x277
#define X86_PAT_POWER_ON	0x0007040600070406ull	/* SDM vol. 3 §11.12.4 */

#define X86_CR0_PE		(1u << 0)
#define X86_CR0_ET		(1u << 4)
#define X86_CR0_NE		(1u << 5)
#define X86_CR0_PG		(1u << 31)
#define X86_CR4_PSE		(1u << 4)
#define X86_CR4_PGE		(1u << 7)
#define X86_RFLAGS_FIXED	(1u << 1)
#define X86_RFLAGS_IF		(1u << 9)

/* x86_pat_valid: each of the eight PAT entries is a memory type the MSR
 * takes: 0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC-; a write of any other value
 * raises #GP (Intel SDM vol. 3 §11.12.2, AMD APM vol. 2 §7.8.1). */
static inline bool x86_pat_valid(uint64_t pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		uint8_t type = (uint8_t)(pat >> (8 * i));

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline void cpuid_count(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	__asm__ volatile("cpuid"
			 : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val),
			 "d"((uint32_t)(val >> 32)));
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline void write_cr2(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr2" : : "r"(v) : "memory");
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif
