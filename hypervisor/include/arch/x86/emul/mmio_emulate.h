/* MMIO emulation: carry out one decoded instruction against a device model. */
#ifndef XENOLITH_ARCH_X86_MMIO_EMULATE_H
#define XENOLITH_ARCH_X86_MMIO_EMULATE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/emul/guest_walk.h"
#include "arch/x86/emul/insn_decode.h"
#include "arch/x86/regs.h"

/* REP iterations done per call when the caller sets none: enough for a
 * page of bytes, short enough to keep an exit's latency bounded. */
#define MMIO_DEFAULT_MAX_REPS	4096u

/* RFLAGS bits the emulator reads or writes (SDM vol. 1 §3.4.3). */
#define MMIO_RFLAGS_CF	(1ull << 0)
#define MMIO_RFLAGS_PF	(1ull << 2)
#define MMIO_RFLAGS_AF	(1ull << 4)
#define MMIO_RFLAGS_ZF	(1ull << 6)
#define MMIO_RFLAGS_SF	(1ull << 7)
#define MMIO_RFLAGS_DF	(1ull << 10)
#define MMIO_RFLAGS_OF	(1ull << 11)
#define MMIO_RFLAGS_ARITH (MMIO_RFLAGS_CF | MMIO_RFLAGS_PF | MMIO_RFLAGS_AF | \
			   MMIO_RFLAGS_ZF | MMIO_RFLAGS_SF | MMIO_RFLAGS_OF)

/*
 * What the emulator calls. All return 0 or -errno; an error stops the
 * instruction (registers and RIP as far as they got: the caller then
 * crashes the guest). opaque is mmio_access.opaque.
 */
struct mmio_ops {
	/* The device: an access of size 1, 2, 4 or 8 bytes at gpa, never
	 * crossing the 4 KiB page of mmio_access.gpa. */
	int (*read)(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val);
	int (*write)(void *opaque, uint64_t gpa, unsigned int size, uint64_t val);
	/*
	 * MOVS only: the operand that is not the device, in ordinary guest
	 * memory, named as the guest names it: segment seg (enum insn_seg),
	 * offset ea. The caller adds the segment base, walks the guest's
	 * page tables (guest_walk.h) and copies. May be NULL: MOVS then
	 * fails with -EOPNOTSUPP.
	 */
	int (*guest_read)(void *opaque, unsigned int seg, uint64_t ea,
			  unsigned int size, uint64_t *val);
	int (*guest_write)(void *opaque, unsigned int seg, uint64_t ea,
			   unsigned int size, uint64_t val);
};

/* One faulting access, as the nested-page-fault exit reported it. */
struct mmio_access {
	uint64_t gpa;		/* the faulting guest-physical address */
	bool write;		/* the fault was a write: for MOVS, the
				 * destination is the device, else the source */
	unsigned int max_reps;	/* REP iterations per call, 0: the default */
	const struct mmio_ops *ops;
	void *opaque;
};

/*
 * mmio_emulate: perform the decoded instruction in on the vCPU registers r
 * (16 GPRs, RIP, RFLAGS current), whose memory operand is the device
 * location a->gpa. Loads write the register (8/16-bit results merge, 32-bit
 * results zero-extend to 64); stores, XCHG and ALU read-modify-writes go
 * through a->ops; ADD/OR/AND/SUB/XOR/CMP/TEST set CF PF AF ZF SF OF as the
 * CPU does (AF cleared by the logical ones, where the SDM leaves it
 * undefined). STOS/MOVS (with REP) step rSI/rDI by DF and count rCX down;
 * a REP stops early at a->max_reps or where the device side leaves a->gpa's
 * page, leaving RIP on the instruction so the guest executes it again.
 * Returns 0 (RIP advanced by in->len once the instruction is complete), or
 *   -EINVAL      in has no memory operand (it cannot have faulted),
 *   -EOPNOTSUPP  an access crossing a page, MOVS without guest_read/write,
 *   any error a callback returned.
 * Not atomic against other vCPUs: the device model serialises (LOCK is
 * honoured only in that sense). The calling vCPU's thread only.
 */
int mmio_emulate(const struct insn *in, struct cpu_regs *r,
		 const struct mmio_access *a);

/* The guest state fetching an instruction needs, read by the vendor code
 * at the exit (VMCB save area / VMCS guest fields). */
struct mmio_guest {
	struct guest_walk_cpu paging;	/* CR0, CR3, CR4, EFER */
	uint64_t cs_base;		/* CS base (0 in 64-bit mode) */
	bool cs_l, cs_d;		/* CS descriptor bits L and D/B */
	unsigned int cpl;		/* 0..3 (SS.DPL) */
	guest_walk_read_fn read_ram;	/* reads the domain's RAM by GPA */
	void *ram_opaque;
};

/* What mmio_emulate_at_rip() saw, for the caller's report or #PF. */
struct mmio_result {
	struct insn insn;		/* valid once decoding succeeded */
	uint8_t bytes[INSN_MAX_LEN];	/* the bytes fetched at RIP */
	unsigned int nbytes;
	uint64_t fault_addr;		/* -EFAULT: the linear address (CR2) */
	uint32_t pfec;			/* -EFAULT: the page-fault error code */
	const char *why;		/* on error: what failed, one phrase */
};

/*
 * mmio_emulate_at_rip: fetch the instruction at CS:RIP through the guest's
 * page tables, decode it for the CS mode and emulate it (mmio_emulate).
 * Returns 0 (r->rip, r->rflags and the GPRs updated: write RIP and RFLAGS
 * back), -EFAULT when the guest must take a page fault on the fetch
 * (res->fault_addr, res->pfec; RIP unchanged), or another -errno (decode
 * or emulation failed, res->why says which): the caller crashes the guest.
 * No segment-limit checks. The calling vCPU's thread only.
 */
int mmio_emulate_at_rip(const struct mmio_guest *g, struct cpu_regs *r,
			const struct mmio_access *a, struct mmio_result *res);

#endif
