/* Intel VT-x instructions as inline wrappers (SDM vol. 3 chapter 30). */
#ifndef XENOLITH_ARCH_X86_VMX_INSN_H
#define XENOLITH_ARCH_X86_VMX_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* Each returns true on success: VMfailInvalid sets CF, VMfailValid ZF (§30.2). */
static inline bool vmx_vmxon(uint64_t pa)
{
	bool fail;

	__asm__ volatile("vmxon %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

static inline bool vmx_vmclear(uint64_t pa)
{
	bool fail;

	__asm__ volatile("vmclear %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

static inline bool vmx_vmptrld(uint64_t pa)
{
	bool fail;

	__asm__ volatile("vmptrld %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

static inline uint64_t vmx_vmread(uint32_t field)
{
	uint64_t v;

	__asm__ volatile("vmread %1, %0" : "=r"(v) : "r"((uint64_t)field) : "cc");
	return v;
}

static inline void vmx_vmwrite(uint32_t field, uint64_t value)
{
	__asm__ volatile("vmwrite %1, %0" : : "r"((uint64_t)field), "r"(value) : "cc");
}

/* INVEPT / INVVPID types (§30.3): one context or all. */
#define VMX_INV_SINGLE	1ull
#define VMX_INV_ALL	2ull

static inline void vmx_invept(uint64_t type, uint64_t eptp)
{
	struct { uint64_t eptp, reserved; } desc = { eptp, 0 };

	__asm__ volatile("invept %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
}

static inline void vmx_invvpid(uint64_t type, uint16_t vpid)
{
	struct { uint64_t vpid, linear; } desc = { vpid, 0 };

	__asm__ volatile("invvpid %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
}

#endif
