/* Guest x87/SSE/AVX state: saved and restored when a CPU switches vCPUs. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "page_alloc.h"
#include <arch/x86/fpu.h>
#include <arch/x86/processor.h>

#define FPU_CR4_OSFXSR		(1ull << 9)
#define FPU_CR4_OSXSAVE		(1ull << 18)
#define FPU_CPUID1_XSAVE	(1u << 26)
#define FPU_FXSAVE_SIZE		512
#define FPU_FCW_OFFSET		0	/* legacy region (SDM vol. 1 §10.5.1) */
#define FPU_MXCSR_OFFSET	24
#define FPU_FCW_INIT		0x37f
#define FPU_MXCSR_INIT		0x1f80

static bool fpu_xsave;			/* set on the boot CPU, then read-only */
static unsigned int fpu_area_order;

static void fpu_write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static uint64_t fpu_xgetbv(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static void fpu_xsetbv(uint64_t v)
{
	__asm__ volatile("xsetbv" : : "a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "c"(0));
}

void fpu_cpu_init(void)
{
	struct cpuid_regs r;
	uint64_t cr4 = read_cr4() | FPU_CR4_OSFXSR;
	unsigned int size = FPU_FXSAVE_SIZE;

	cpuid_count(1, 0, &r);
	fpu_xsave = r.ecx & FPU_CPUID1_XSAVE;
	if (fpu_xsave) {
		cr4 |= FPU_CR4_OSXSAVE;
		cpuid_count(0xd, 0, &r);
		size = LIB_MAX(r.ecx, (uint32_t)FPU_FXSAVE_SIZE);	/* every component */
	}
	fpu_write_cr4(cr4);
	while ((PAGE_ALLOC_PAGE_SIZE << fpu_area_order) < size)
		fpu_area_order++;
}

int fpu_state_init(struct fpu_state *s)
{
	uint64_t pa;
	uint8_t *a;
	int ret = page_alloc_pages(fpu_area_order, &pa);

	if (ret)
		return ret;
	a = page_alloc_virt(pa);
	memset(a, 0, PAGE_ALLOC_PAGE_SIZE << fpu_area_order);
	*(uint16_t *)(a + FPU_FCW_OFFSET) = FPU_FCW_INIT;
	*(uint32_t *)(a + FPU_MXCSR_OFFSET) = FPU_MXCSR_INIT;
	s->area = a;
	s->xcr0 = 1;	/* x87 only, XCR0's value at reset */
	return 0;
}

void fpu_state_free(struct fpu_state *s)
{
	if (s->area)
		page_alloc_free_pages(page_alloc_phys(s->area), fpu_area_order);
	s->area = NULL;
}

void fpu_save(struct fpu_state *s)
{
	if (fpu_xsave) {
		s->xcr0 = fpu_xgetbv();
		__asm__ volatile("xsave64 (%0)" : : "r"(s->area), "a"(~0u), "d"(~0u) : "memory");
	} else {
		__asm__ volatile("fxsave64 (%0)" : : "r"(s->area) : "memory");
	}
}

void fpu_restore(const struct fpu_state *s)
{
	if (fpu_xsave) {
		fpu_xsetbv(s->xcr0);
		__asm__ volatile("xrstor64 (%0)" : : "r"(s->area), "a"(~0u), "d"(~0u) : "memory");
	} else {
		__asm__ volatile("fxrstor64 (%0)" : : "r"(s->area) : "memory");
	}
}
