/* x86 instruction decoder for the memory-access instructions MMIO emulation needs. */
#ifndef XENOLITH_ARCH_X86_INSN_DECODE_H
#define XENOLITH_ARCH_X86_INSN_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86/regs.h"

/* errno.h has no EOPNOTSUPP yet; Linux's value, so an identical later
 * definition in errno.h is harmless. */
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 95
#endif

/* Architectural limit (Intel SDM vol. 2 §2.3.11, AMD APM vol. 3 §1.1). */
#define INSN_MAX_LEN	15

/* The code segment's default sizes: CS.D / CS.L (SDM vol. 1 §3.6). */
enum insn_mode {
	INSN_MODE_16,		/* real mode, vm86, or a 16-bit code segment */
	INSN_MODE_32,		/* 32-bit protected mode / compatibility mode */
	INSN_MODE_64,		/* 64-bit mode (EFER.LMA and CS.L) */
};

/* General registers in encoding order (SDM vol. 2 §2.1.5, Table 2-2). */
enum insn_gpr {
	INSN_RAX, INSN_RCX, INSN_RDX, INSN_RBX,
	INSN_RSP, INSN_RBP, INSN_RSI, INSN_RDI,
	INSN_R8, INSN_R9, INSN_R10, INSN_R11,
	INSN_R12, INSN_R13, INSN_R14, INSN_R15,
};
#define INSN_REG_NONE	(-1)

/* Segment registers in encoding order (the sreg field of MOV Sreg). */
enum insn_seg {
	INSN_SEG_ES, INSN_SEG_CS, INSN_SEG_SS, INSN_SEG_DS,
	INSN_SEG_FS, INSN_SEG_GS,
	INSN_SEG_NONE = 7,	/* no override prefix */
};

enum insn_op {
	INSN_OP_MOV,		/* 88-8B, C6/C7 /0, A0-A3 */
	INSN_OP_MOVZX,		/* 0F B6, 0F B7 */
	INSN_OP_MOVSX,		/* 0F BE, 0F BF */
	INSN_OP_ADD,		/* 00-03, 80/81/83 /0 */
	INSN_OP_OR,		/* 08-0B, 80/81/83 /1 */
	INSN_OP_AND,		/* 20-23, 80/81/83 /4 */
	INSN_OP_SUB,		/* 28-2B, 80/81/83 /5 */
	INSN_OP_XOR,		/* 30-33, 80/81/83 /6 */
	INSN_OP_CMP,		/* 38-3B, 80/81/83 /7 */
	INSN_OP_TEST,		/* 84, 85, F6/F7 /0 */
	INSN_OP_XCHG,		/* 86, 87 */
	INSN_OP_STOS,		/* AA, AB: ES:[rDI] <- rAX */
	INSN_OP_MOVS,		/* A4, A5: ES:[rDI] <- seg:[rSI] */
};

/* Legacy prefixes seen (SDM vol. 2 §2.1.1). */
#define INSN_PFX_OPSIZE	(1u << 0)	/* 66 */
#define INSN_PFX_ADSIZE	(1u << 1)	/* 67 */
#define INSN_PFX_LOCK	(1u << 2)	/* F0 */
#define INSN_PFX_REP	(1u << 3)	/* F3 (REP/REPE) */
#define INSN_PFX_REPNE	(1u << 4)	/* F2 */

/* REX bits (SDM vol. 2 §2.2.1). */
#define INSN_REX_B	(1u << 0)
#define INSN_REX_X	(1u << 1)
#define INSN_REX_R	(1u << 2)
#define INSN_REX_W	(1u << 3)

/*
 * The memory operand: ea = base + index * scale + disp (+ the next RIP when
 * rip_relative), truncated to addr_size bytes, in segment seg. For MOVS this
 * is the source (seg:rSI) and the destination is ES:rDI; for STOS it is
 * ES:rDI. insn_decode_ea() computes it.
 */
struct insn_mem {
	int8_t base;		/* enum insn_gpr, or INSN_REG_NONE */
	int8_t index;		/* enum insn_gpr, or INSN_REG_NONE */
	uint8_t scale;		/* 1, 2, 4 or 8 */
	uint8_t seg;		/* enum insn_seg: the one the access uses */
	bool rip_relative;	/* 64-bit mode, ModRM mod=00 r/m=101 */
	uint64_t disp;		/* sign-extended (moffs: zero-extended) */
};

/* One decoded instruction; filled by insn_decode(), read-only after. */
struct insn {
	uint8_t len;		/* bytes, 1..15 */
	enum insn_mode mode;
	unsigned int prefixes;	/* INSN_PFX_* */
	uint8_t seg_override;	/* enum insn_seg, INSN_SEG_NONE if none */
	uint8_t rex;		/* the REX byte in effect, 0 if none */
	uint8_t opcode;		/* the last opcode byte */
	bool two_byte;		/* opcode is preceded by 0F */
	bool has_modrm, has_sib;
	uint8_t modrm, sib;
	uint8_t disp_len, imm_len;	/* bytes in the encoding */

	enum insn_op op;
	uint8_t op_size;	/* register/result size: 1, 2, 4 or 8 */
	uint8_t mem_size;	/* bytes of the memory access (MOVZX: 1/2) */
	uint8_t addr_size;	/* 2, 4 or 8 */
	bool has_mem;		/* false: ModRM mod=11, no memory operand */
	bool mem_is_dst;	/* memory is written (or, for CMP/TEST, left) */
	bool has_imm;
	int8_t reg;		/* the register operand, INSN_REG_NONE if none */
	bool reg_high8;		/* reg 0..3 means AH, CH, DH, BH */
	int8_t rm_reg;		/* mod=11: the r/m register, else NONE */
	uint64_t imm;		/* sign-extended to 64 bits */
	struct insn_mem mem;
};

/*
 * insn_decode: decode the instruction at buf[0..size) (size is clamped to
 * 15) for a code segment of the given mode into *in. Every byte may be
 * hostile: nothing is read past buf[size - 1] or past 15 bytes.
 * Returns 0, or
 *   -EAGAIN      the buffer ended inside the instruction (fetch more),
 *   -E2BIG       the instruction would be longer than 15 bytes (#GP),
 *   -EINVAL      an invalid encoding (#UD: LOCK where not allowed, ...),
 *   -EOPNOTSUPP  a valid instruction outside the supported set.
 * Any CPU; no side effects besides *in.
 */
int insn_decode(struct insn *in, const uint8_t *buf, size_t size,
		enum insn_mode mode);

/*
 * insn_decode_ea: the memory operand's effective address (the offset within
 * its segment, before the segment base is added) for the registers in r.
 * RIP-relative operands use r->rip + in->len. Call only when in->has_mem.
 */
uint64_t insn_decode_ea(const struct insn *in, const struct cpu_regs *r);

/*
 * insn_decode_mode: the decoding mode of the guest's code segment. Real
 * mode (CR0.PE clear) and virtual-8086 mode (RFLAGS.VM) are 16-bit; with
 * EFER.LMA, CS.L selects 64-bit; otherwise CS.D selects 32- or 16-bit
 * (SDM vol. 3 §3.4.5; AMD APM vol. 2 §4.8.1). cs_l and cs_d are the
 * descriptor bits (VMCB CS attrib bits 9 and 10; VMCS access rights 13, 14).
 */
enum insn_mode insn_decode_mode(uint64_t cr0, uint64_t efer, uint64_t rflags,
				bool cs_l, bool cs_d);

/* insn_decode_gpr: pointer to GPR n (enum insn_gpr) of r; n is 0..15. */
uint64_t *insn_decode_gpr(struct cpu_regs *r, unsigned int n);

/* insn_decode_op_name: "mov", "add", ... for reports. */
const char *insn_decode_op_name(enum insn_op op);

#endif
