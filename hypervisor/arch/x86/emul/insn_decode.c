/* x86 instruction decoder: prefixes, REX, ModRM/SIB, the MMIO-relevant opcodes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "arch/x86/emul/insn_decode.h"

/* A read cursor that refuses to pass the buffer or the 15-byte limit. */
struct insn_cursor {
	const uint8_t *buf;
	size_t size;
	size_t pos;
};

/* insn_fetch: the next n (1, 2, 4 or 8) bytes, little-endian, into *val. */
static int insn_fetch(struct insn_cursor *c, unsigned int n, uint64_t *val)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (c->pos >= INSN_MAX_LEN)
			return -E2BIG;
		if (c->pos >= c->size)
			return -EAGAIN;
		v |= (uint64_t)c->buf[c->pos++] << (8 * i);
	}
	*val = v;
	return 0;
}

static int insn_fetch8(struct insn_cursor *c, uint8_t *b)
{
	uint64_t v = 0;
	int ret = insn_fetch(c, 1, &v);

	*b = (uint8_t)v;
	return ret;
}

/* insn_sext: sign-extend the low n bytes of v to 64 bits. */
static uint64_t insn_sext(uint64_t v, unsigned int n)
{
	unsigned int shift = 64 - 8 * n;

	return (uint64_t)((int64_t)(v << shift) >> shift);
}

/*
 * insn_prefixes: consume legacy prefixes and REX. A REX byte counts only
 * when the opcode follows it directly (SDM vol. 2 §2.2.1): a legacy prefix
 * after it cancels it. Returns 0 with the first opcode byte in *op.
 */
static int insn_prefixes(struct insn *in, struct insn_cursor *c, uint8_t *op)
{
	uint8_t b;
	int ret;

	for (;;) {
		ret = insn_fetch8(c, &b);
		if (ret)
			return ret;
		switch (b) {
		case 0x66: in->prefixes |= INSN_PFX_OPSIZE; break;
		case 0x67: in->prefixes |= INSN_PFX_ADSIZE; break;
		case 0xf0: in->prefixes |= INSN_PFX_LOCK; break;
		case 0xf2:
			in->prefixes = (in->prefixes & ~INSN_PFX_REP) | INSN_PFX_REPNE;
			break;
		case 0xf3:
			in->prefixes = (in->prefixes & ~INSN_PFX_REPNE) | INSN_PFX_REP;
			break;
		case 0x26: in->seg_override = INSN_SEG_ES; break;
		case 0x2e: in->seg_override = INSN_SEG_CS; break;
		case 0x36: in->seg_override = INSN_SEG_SS; break;
		case 0x3e: in->seg_override = INSN_SEG_DS; break;
		case 0x64: in->seg_override = INSN_SEG_FS; break;
		case 0x65: in->seg_override = INSN_SEG_GS; break;
		default:
			if (in->mode == INSN_MODE_64 && (b & 0xf0) == 0x40) {
				in->rex = b;
				continue;
			}
			*op = b;
			return 0;
		}
		in->rex = 0;
	}
}

/* Operand and address sizes from the mode, 66/67 and REX.W (SDM vol. 1
 * §3.6.1, Table 3-4; AMD APM vol. 3 §1.2.3). */
static void insn_sizes(struct insn *in)
{
	bool o16 = in->prefixes & INSN_PFX_OPSIZE;
	bool a16 = in->prefixes & INSN_PFX_ADSIZE;

	switch (in->mode) {
	case INSN_MODE_16:
		in->op_size = o16 ? 4 : 2;
		in->addr_size = a16 ? 4 : 2;
		break;
	case INSN_MODE_32:
		in->op_size = o16 ? 2 : 4;
		in->addr_size = a16 ? 2 : 4;
		break;
	case INSN_MODE_64:
		in->op_size = (in->rex & INSN_REX_W) ? 8 : o16 ? 2 : 4;
		in->addr_size = a16 ? 4 : 8;
		break;
	}
}

/* 16-bit ModRM addressing (SDM vol. 2 Table 2-1): r/m -> base, index. */
static const int8_t insn_rm16_base[8] = {
	INSN_RBX, INSN_RBX, INSN_RBP, INSN_RBP,
	INSN_RSI, INSN_RDI, INSN_RBP, INSN_RBX,
};
static const int8_t insn_rm16_index[8] = {
	INSN_RSI, INSN_RDI, INSN_RSI, INSN_RDI,
	INSN_REG_NONE, INSN_REG_NONE, INSN_REG_NONE, INSN_REG_NONE,
};

static void insn_modrm16(struct insn *in, unsigned int mod, unsigned int rm)
{
	struct insn_mem *m = &in->mem;

	m->base = insn_rm16_base[rm];
	m->index = insn_rm16_index[rm];
	if (mod == 0 && rm == 6) {
		m->base = INSN_REG_NONE;
		in->disp_len = 2;
	} else if (mod == 1) {
		in->disp_len = 1;
	} else if (mod == 2) {
		in->disp_len = 2;
	}
}

/* 32/64-bit ModRM and SIB addressing (SDM vol. 2 Tables 2-2, 2-3; §2.2.1.6
 * for RIP-relative in 64-bit mode). */
static int insn_modrm32(struct insn *in, struct insn_cursor *c,
			unsigned int mod, unsigned int rm)
{
	struct insn_mem *m = &in->mem;
	unsigned int rex_b = (in->rex & INSN_REX_B) ? 8 : 0;
	unsigned int idx;
	int ret;

	if (rm == 4) {
		ret = insn_fetch8(c, &in->sib);
		if (ret)
			return ret;
		in->has_sib = true;
		m->scale = 1u << (in->sib >> 6);
		idx = ((in->sib >> 3) & 7) | ((in->rex & INSN_REX_X) ? 8 : 0);
		m->index = idx == INSN_RSP ? INSN_REG_NONE : (int8_t)idx;
		if ((in->sib & 7) == 5 && mod == 0) {
			m->base = INSN_REG_NONE;
			in->disp_len = 4;
		} else {
			m->base = (int8_t)((in->sib & 7) | rex_b);
		}
	} else if (rm == 5 && mod == 0) {
		m->base = INSN_REG_NONE;
		m->rip_relative = in->mode == INSN_MODE_64;
		in->disp_len = 4;
	} else {
		m->base = (int8_t)(rm | rex_b);
	}
	if (mod == 1)
		in->disp_len = 1;
	else if (mod == 2)
		in->disp_len = 4;
	return 0;
}

/*
 * insn_modrm: read ModRM (and SIB, displacement) and fill in->mem. The reg
 * field goes to *reg_field (with REX.R). The default segment is SS for
 * rSP/rBP-based addresses, else DS (SDM vol. 1 §3.7.4).
 */
static int insn_modrm(struct insn *in, struct insn_cursor *c,
		      unsigned int *reg_field)
{
	struct insn_mem *m = &in->mem;
	unsigned int mod, rm;
	uint64_t disp = 0;
	int ret;

	ret = insn_fetch8(c, &in->modrm);
	if (ret)
		return ret;
	in->has_modrm = true;
	mod = in->modrm >> 6;
	rm = in->modrm & 7;
	*reg_field = ((in->modrm >> 3) & 7) | ((in->rex & INSN_REX_R) ? 8 : 0);
	if (mod == 3)
		return 0;

	in->has_mem = true;
	m->scale = 1;
	if (in->addr_size == 2)
		insn_modrm16(in, mod, rm);
	else if ((ret = insn_modrm32(in, c, mod, rm)))
		return ret;
	if (in->disp_len) {
		ret = insn_fetch(c, in->disp_len, &disp);
		if (ret)
			return ret;
		m->disp = insn_sext(disp, in->disp_len);
	}
	m->seg = (m->base == INSN_RSP || m->base == INSN_RBP) ? INSN_SEG_SS
							       : INSN_SEG_DS;
	if (in->seg_override != INSN_SEG_NONE)
		m->seg = in->seg_override;
	return 0;
}

/* insn_set_reg: the register operand; without REX, byte registers 4..7
 * are AH, CH, DH, BH (SDM vol. 2 §2.1.5, Table 2-2 note). */
static void insn_set_reg(struct insn *in, unsigned int reg)
{
	if (in->op_size == 1 && !in->rex && reg >= 4 && reg < 8) {
		in->reg = (int8_t)(reg - 4);
		in->reg_high8 = true;
	} else {
		in->reg = (int8_t)reg;
	}
}

/* insn_imm: an immediate of n bytes, sign-extended. */
static int insn_imm(struct insn *in, struct insn_cursor *c, unsigned int n)
{
	uint64_t v = 0;
	int ret = insn_fetch(c, n, &v);

	if (ret)
		return ret;
	in->has_imm = true;
	in->imm_len = (uint8_t)n;
	in->imm = insn_sext(v, n);
	return 0;
}

/* The ALU operation of opcodes 00-3F (bits 5:3) and of group 1's reg
 * field (SDM vol. 2 Table A-6); ADC and SBB are not supported. */
static const int8_t insn_alu_ops[8] = {
	INSN_OP_ADD, INSN_OP_OR, -1, -1,
	INSN_OP_AND, INSN_OP_SUB, INSN_OP_XOR, INSN_OP_CMP,
};

/* insn_string: MOVS/STOS operands: source seg:rSI (MOVS) or ES:rDI. */
static void insn_string(struct insn *in, enum insn_op op)
{
	in->op = op;
	in->has_mem = true;
	in->mem.scale = 1;
	if (op == INSN_OP_MOVS) {
		in->mem.base = INSN_RSI;
		in->mem.seg = in->seg_override != INSN_SEG_NONE ? in->seg_override
								 : INSN_SEG_DS;
	} else {
		in->mem.base = INSN_RDI;
		in->mem.seg = INSN_SEG_ES;	/* no override (SDM STOS) */
		in->mem_is_dst = true;
		in->reg = INSN_RAX;
	}
}

/* insn_moffs: A0-A3, MOV between rAX and an absolute offset of the
 * address size (SDM vol. 2 MOV, "moffs"). */
static int insn_moffs(struct insn *in, struct insn_cursor *c, uint8_t op)
{
	uint64_t off = 0;
	int ret = insn_fetch(c, in->addr_size, &off);

	if (ret)
		return ret;
	in->disp_len = in->addr_size;
	in->op = INSN_OP_MOV;
	in->has_mem = true;
	in->mem.scale = 1;
	in->mem.disp = off;
	in->mem.seg = in->seg_override != INSN_SEG_NONE ? in->seg_override
							 : INSN_SEG_DS;
	in->mem_is_dst = op >= 0xa2;
	in->reg = INSN_RAX;
	return 0;
}

/* insn_two_byte: the 0F map: MOVZX/MOVSX only. */
static int insn_two_byte(struct insn *in, struct insn_cursor *c)
{
	unsigned int reg;
	uint8_t op;
	int ret;

	ret = insn_fetch8(c, &op);
	if (ret)
		return ret;
	in->two_byte = true;
	in->opcode = op;
	if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
		return -EOPNOTSUPP;
	in->op = (op & 8) ? INSN_OP_MOVSX : INSN_OP_MOVZX;
	in->mem_size = (op & 1) ? 2 : 1;
	ret = insn_modrm(in, c, &reg);
	if (ret)
		return ret;
	insn_set_reg(in, reg);
	return 0;
}

/* insn_one_byte: the one-byte map after prefixes; op is the opcode. */
static int insn_one_byte(struct insn *in, struct insn_cursor *c, uint8_t op)
{
	bool byte = !(op & 1);
	unsigned int reg;
	int ret;

	in->opcode = op;
	if (op == 0x0f)
		return insn_two_byte(in, c);
	if (op == 0xa4 || op == 0xa5 || op == 0xaa || op == 0xab) {
		if (byte)
			in->op_size = 1;
		insn_string(in, op >= 0xaa ? INSN_OP_STOS : INSN_OP_MOVS);
		return 0;
	}
	if (op >= 0xa0 && op <= 0xa3) {
		if (byte)
			in->op_size = 1;
		return insn_moffs(in, c, op);
	}

	if (op < 0x40 && (op & 7) < 4) {
		if (insn_alu_ops[op >> 3] < 0)
			return -EOPNOTSUPP;
		in->op = (enum insn_op)insn_alu_ops[op >> 3];
		in->mem_is_dst = !(op & 2);
	} else if (op >= 0x84 && op <= 0x8b) {
		in->op = op < 0x86 ? INSN_OP_TEST : op < 0x88 ? INSN_OP_XCHG
							      : INSN_OP_MOV;
		in->mem_is_dst = !(op & 2) || op < 0x88;
	} else if (op == 0x80 || op == 0x81 || op == 0x83 ||
		   op == 0xc6 || op == 0xc7 || op == 0xf6 || op == 0xf7) {
		byte = op == 0x80 || op == 0xc6 || op == 0xf6;
		in->mem_is_dst = true;
	} else {
		return -EOPNOTSUPP;
	}
	if (byte)
		in->op_size = 1;
	ret = insn_modrm(in, c, &reg);
	if (ret)
		return ret;

	switch (op) {
	case 0x80: case 0x81: case 0x83:
		if (insn_alu_ops[reg & 7] < 0)
			return -EOPNOTSUPP;
		in->op = (enum insn_op)insn_alu_ops[reg & 7];
		break;
	case 0xc6: case 0xc7:		/* /0 MOV; C6 F8, C7 F8 are XABORT/XBEGIN */
		if ((reg & 7) != 0)
			return -EOPNOTSUPP;
		in->op = INSN_OP_MOV;
		break;
	case 0xf6: case 0xf7:		/* /0 TEST; NOT, NEG, MUL, DIV, ... */
		if ((reg & 7) != 0)
			return -EOPNOTSUPP;
		in->op = INSN_OP_TEST;
		break;
	default:
		insn_set_reg(in, reg);
		return 0;
	}
	if (op == 0x80 || op == 0x83 || op == 0xc6 || op == 0xf6)
		return insn_imm(in, c, 1);
	return insn_imm(in, c, in->op_size == 2 ? 2 : 4);
}

/*
 * insn_check: what the CPU would refuse (#UD) or what we do not emulate.
 * LOCK is legal only on read-modify-write forms with a memory destination
 * (SDM vol. 2 LOCK); REP/REPNE only on string instructions here (with
 * other opcodes they are ignored hints or select another instruction).
 */
static int insn_check(const struct insn *in)
{
	bool string = in->op == INSN_OP_MOVS || in->op == INSN_OP_STOS;

	if (in->prefixes & INSN_PFX_LOCK) {
		if (!in->has_mem || !in->mem_is_dst || string)
			return -EINVAL;
		switch (in->op) {
		case INSN_OP_ADD: case INSN_OP_OR: case INSN_OP_AND:
		case INSN_OP_SUB: case INSN_OP_XOR: case INSN_OP_XCHG:
			break;
		default:
			return -EINVAL;
		}
	}
	if ((in->prefixes & (INSN_PFX_REP | INSN_PFX_REPNE)) && !string)
		return -EOPNOTSUPP;
	return 0;
}

int insn_decode(struct insn *in, const uint8_t *buf, size_t size,
		enum insn_mode mode)
{
	struct insn_cursor c = { buf, LIB_MIN(size, (size_t)INSN_MAX_LEN), 0 };
	uint8_t op;
	int ret;

	memset(in, 0, sizeof(*in));
	in->mode = mode;
	in->seg_override = INSN_SEG_NONE;
	in->reg = INSN_REG_NONE;
	in->mem.base = INSN_REG_NONE;
	in->mem.index = INSN_REG_NONE;
	in->mem.seg = INSN_SEG_DS;
	if (mode != INSN_MODE_16 && mode != INSN_MODE_32 && mode != INSN_MODE_64)
		return -EINVAL;

	ret = insn_prefixes(in, &c, &op);
	if (ret)
		return ret;
	insn_sizes(in);
	ret = insn_one_byte(in, &c, op);
	if (ret)
		return ret;
	if (!in->mem_size)
		in->mem_size = in->op_size;
	ret = insn_check(in);
	if (ret)
		return ret;
	in->len = (uint8_t)c.pos;
	return 0;
}

/* Offsets of the GPRs in struct cpu_regs, in encoding order. */
static const uint8_t insn_gpr_offset[16] = {
	offsetof(struct cpu_regs, rax), offsetof(struct cpu_regs, rcx),
	offsetof(struct cpu_regs, rdx), offsetof(struct cpu_regs, rbx),
	offsetof(struct cpu_regs, rsp), offsetof(struct cpu_regs, rbp),
	offsetof(struct cpu_regs, rsi), offsetof(struct cpu_regs, rdi),
	offsetof(struct cpu_regs, r8), offsetof(struct cpu_regs, r9),
	offsetof(struct cpu_regs, r10), offsetof(struct cpu_regs, r11),
	offsetof(struct cpu_regs, r12), offsetof(struct cpu_regs, r13),
	offsetof(struct cpu_regs, r14), offsetof(struct cpu_regs, r15),
};

uint64_t *insn_decode_gpr(struct cpu_regs *r, unsigned int n)
{
	return (uint64_t *)((char *)r + insn_gpr_offset[n & 15]);
}

static uint64_t insn_gpr_value(const struct cpu_regs *r, int n)
{
	return *(const uint64_t *)((const char *)r + insn_gpr_offset[n & 15]);
}

uint64_t insn_decode_ea(const struct insn *in, const struct cpu_regs *r)
{
	const struct insn_mem *m = &in->mem;
	uint64_t ea = m->disp;

	if (m->base != INSN_REG_NONE)
		ea += insn_gpr_value(r, m->base);
	if (m->index != INSN_REG_NONE)
		ea += insn_gpr_value(r, m->index) * m->scale;
	if (m->rip_relative)
		ea += r->rip + in->len;
	if (in->addr_size == 2)
		return ea & 0xffff;
	if (in->addr_size == 4)
		return ea & 0xffffffff;
	return ea;
}

enum insn_mode insn_decode_mode(uint64_t cr0, uint64_t efer, uint64_t rflags,
				bool cs_l, bool cs_d)
{
	if (!(cr0 & 1) || (rflags & (1ull << 17)))	/* CR0.PE, RFLAGS.VM */
		return INSN_MODE_16;
	if ((efer & (1ull << 10)) && cs_l)		/* EFER.LMA */
		return INSN_MODE_64;
	return cs_d ? INSN_MODE_32 : INSN_MODE_16;
}

const char *insn_decode_op_name(enum insn_op op)
{
	static const char *const names[] = {
		[INSN_OP_MOV] = "mov", [INSN_OP_MOVZX] = "movzx",
		[INSN_OP_MOVSX] = "movsx", [INSN_OP_ADD] = "add",
		[INSN_OP_OR] = "or", [INSN_OP_AND] = "and",
		[INSN_OP_SUB] = "sub", [INSN_OP_XOR] = "xor",
		[INSN_OP_CMP] = "cmp", [INSN_OP_TEST] = "test",
		[INSN_OP_XCHG] = "xchg", [INSN_OP_STOS] = "stos",
		[INSN_OP_MOVS] = "movs",
	};

	if ((unsigned int)op >= LIB_ARRAY_SIZE(names) || !names[op])
		return "?";
	return names[op];
}
