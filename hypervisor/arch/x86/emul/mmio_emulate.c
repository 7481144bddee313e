/* MMIO emulation: loads, stores, ALU read-modify-writes, XCHG, STOS/MOVS. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "arch/x86/emul/guest_walk.h"
#include "arch/x86/emul/insn_decode.h"
#include "arch/x86/emul/mmio_emulate.h"

#define MMIO_PAGE_SIZE	4096u

static uint64_t mmio_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t mmio_sext(uint64_t v, unsigned int size)
{
	unsigned int shift = 64 - 8 * size;

	return (uint64_t)((int64_t)(v << shift) >> shift);
}

/* mmio_reg_get: the low size bytes of register reg (or AH..BH). */
static uint64_t mmio_reg_get(struct cpu_regs *r, int reg, bool high8,
			     unsigned int size)
{
	uint64_t v = *insn_decode_gpr(r, (unsigned int)reg);

	if (high8)
		v >>= 8;
	return v & mmio_mask(size);
}

/*
 * mmio_reg_set: write size bytes to register reg. A 32-bit write clears
 * bits 63:32; 8- and 16-bit writes leave the rest (SDM vol. 1 §3.4.1.1).
 */
static void mmio_reg_set(struct cpu_regs *r, int reg, bool high8,
			 unsigned int size, uint64_t val)
{
	uint64_t *p = insn_decode_gpr(r, (unsigned int)reg);

	if (high8)
		*p = (*p & ~0xff00ull) | ((val & 0xff) << 8);
	else if (size == 4)
		*p = (uint32_t)val;
	else if (size == 8)
		*p = val;
	else
		*p = (*p & ~mmio_mask(size)) | (val & mmio_mask(size));
}

/* mmio_parity: PF is set when the low byte has an even number of ones. */
static bool mmio_parity(uint64_t v)
{
	v &= 0xff;
	v ^= v >> 4;
	v ^= v >> 2;
	v ^= v >> 1;
	return !(v & 1);
}

/*
 * mmio_alu: a op b at size bytes; the status flags into *rflags as the SDM's
 * per-instruction "Flags Affected" give them (vol. 2: ADD, SUB, CMP, AND,
 * OR, XOR, TEST). Returns the result (size bytes).
 */
static uint64_t mmio_alu(enum insn_op op, unsigned int size, uint64_t a,
			 uint64_t b, uint64_t *rflags)
{
	uint64_t mask = mmio_mask(size), sign = 1ull << (8 * size - 1);
	uint64_t res, f = 0;

	a &= mask;
	b &= mask;
	switch (op) {
	case INSN_OP_ADD:
		res = (a + b) & mask;
		if (res < a)
			f |= MMIO_RFLAGS_CF;
		if ((a ^ res) & (b ^ res) & sign)
			f |= MMIO_RFLAGS_OF;
		break;
	case INSN_OP_SUB:
	case INSN_OP_CMP:
		res = (a - b) & mask;
		if (a < b)
			f |= MMIO_RFLAGS_CF;
		if ((a ^ b) & (a ^ res) & sign)
			f |= MMIO_RFLAGS_OF;
		break;
	case INSN_OP_OR:
		res = a | b;
		break;
	case INSN_OP_XOR:
		res = a ^ b;
		break;
	default:			/* AND, TEST */
		res = a & b;
		break;
	}
	if (op == INSN_OP_ADD || op == INSN_OP_SUB || op == INSN_OP_CMP) {
		if ((a ^ b ^ res) & 0x10)
			f |= MMIO_RFLAGS_AF;
	}
	if (res & sign)
		f |= MMIO_RFLAGS_SF;
	if (!res)
		f |= MMIO_RFLAGS_ZF;
	if (mmio_parity(res))
		f |= MMIO_RFLAGS_PF;
	*rflags = (*rflags & ~MMIO_RFLAGS_ARITH) | f;
	return res;
}

/* mmio_alu_insn: ALU forms; memory is the left operand when mem_is_dst. */
static int mmio_alu_insn(const struct insn *in, struct cpu_regs *r,
			 const struct mmio_access *a)
{
	unsigned int size = in->op_size;
	uint64_t mem, other, res;
	int ret;

	ret = a->ops->read(a->opaque, a->gpa, size, &mem);
	if (ret)
		return ret;
	other = in->has_imm ? in->imm : mmio_reg_get(r, in->reg, in->reg_high8, size);
	if (!in->mem_is_dst) {
		res = mmio_alu(in->op, size, other, mem, &r->rflags);
		if (in->op != INSN_OP_CMP)
			mmio_reg_set(r, in->reg, in->reg_high8, size, res);
		return 0;
	}
	res = mmio_alu(in->op, size, mem, other, &r->rflags);
	if (in->op == INSN_OP_CMP || in->op == INSN_OP_TEST)
		return 0;
	return a->ops->write(a->opaque, a->gpa, size, res);
}

/* mmio_simple: every form with one memory operand at a->gpa. */
static int mmio_simple(const struct insn *in, struct cpu_regs *r,
		       const struct mmio_access *a)
{
	unsigned int size = in->op_size;
	uint64_t val;
	int ret;

	switch (in->op) {
	case INSN_OP_MOV:
		if (in->mem_is_dst) {
			val = in->has_imm ? in->imm
					  : mmio_reg_get(r, in->reg, in->reg_high8, size);
			return a->ops->write(a->opaque, a->gpa, size, val & mmio_mask(size));
		}
		ret = a->ops->read(a->opaque, a->gpa, size, &val);
		if (!ret)
			mmio_reg_set(r, in->reg, in->reg_high8, size, val);
		return ret;
	case INSN_OP_MOVZX:
	case INSN_OP_MOVSX:
		ret = a->ops->read(a->opaque, a->gpa, in->mem_size, &val);
		if (ret)
			return ret;
		val &= mmio_mask(in->mem_size);
		if (in->op == INSN_OP_MOVSX)
			val = mmio_sext(val, in->mem_size);
		mmio_reg_set(r, in->reg, in->reg_high8, size, val);
		return 0;
	case INSN_OP_XCHG:
		ret = a->ops->read(a->opaque, a->gpa, size, &val);
		if (ret)
			return ret;
		ret = a->ops->write(a->opaque, a->gpa, size,
				    mmio_reg_get(r, in->reg, in->reg_high8, size));
		if (!ret)
			mmio_reg_set(r, in->reg, in->reg_high8, size, val);
		return ret;
	default:
		return mmio_alu_insn(in, r, a);
	}
}

/* mmio_step_reg: reg += delta at the address size (16-bit merges, 32-bit
 * zero-extends, as the string instructions update rSI/rDI/rCX). */
static void mmio_step_reg(struct cpu_regs *r, int reg, unsigned int addr_size,
			  uint64_t delta)
{
	uint64_t v = *insn_decode_gpr(r, (unsigned int)reg) + delta;

	mmio_reg_set(r, reg, false, addr_size, v);
}

/* mmio_string_one: one STOS/MOVS element with the device side at gpa. */
static int mmio_string_one(const struct insn *in, struct cpu_regs *r,
			   const struct mmio_access *a, uint64_t gpa)
{
	const struct mmio_ops *ops = a->ops;
	unsigned int size = in->op_size;
	uint64_t mask = mmio_mask(in->addr_size), val;
	int ret;

	if (in->op == INSN_OP_STOS)
		return ops->write(a->opaque, gpa, size, r->rax & mmio_mask(size));
	if (a->write) {
		ret = ops->guest_read(a->opaque, in->mem.seg, r->rsi & mask, size, &val);
		return ret ? ret : ops->write(a->opaque, gpa, size, val & mmio_mask(size));
	}
	ret = ops->read(a->opaque, gpa, size, &val);
	if (ret)
		return ret;
	return ops->guest_write(a->opaque, INSN_SEG_ES, r->rdi & mask, size,
				val & mmio_mask(size));
}

/*
 * mmio_string: STOS/MOVS, with REP (F3, or F2, which both vendors repeat
 * the same way for these). The count is rCX at the address size; the
 * device side moves through a->gpa's page in DF's direction, and the loop
 * stops at that page's edge or after max_reps (SDM vol. 2 REP: the
 * instruction may be interrupted between iterations and resumed).
 */
static int mmio_string(const struct insn *in, struct cpu_regs *r,
		       const struct mmio_access *a)
{
	bool rep = in->prefixes & (INSN_PFX_REP | INSN_PFX_REPNE);
	bool down = r->rflags & MMIO_RFLAGS_DF;
	unsigned int size = in->op_size, off = a->gpa & (MMIO_PAGE_SIZE - 1);
	uint64_t count = 1, n, i, step = down ? -(uint64_t)size : size;
	uint64_t max = a->max_reps ? a->max_reps : MMIO_DEFAULT_MAX_REPS;
	int ret;

	if (in->op == INSN_OP_MOVS && (!a->ops->guest_read || !a->ops->guest_write))
		return -EOPNOTSUPP;
	if (rep)
		count = r->rcx & mmio_mask(in->addr_size);
	if (!count) {
		r->rip += in->len;
		return 0;
	}
	n = down ? off / size + 1 : (MMIO_PAGE_SIZE - off) / size;
	n = LIB_MIN(n, LIB_MIN(count, max));
	for (i = 0; i < n; i++) {
		ret = mmio_string_one(in, r, a, a->gpa + i * step);
		if (ret)
			return ret;
		if (in->op == INSN_OP_MOVS)
			mmio_step_reg(r, INSN_RSI, in->addr_size, step);
		mmio_step_reg(r, INSN_RDI, in->addr_size, step);
		if (rep)
			mmio_step_reg(r, INSN_RCX, in->addr_size, -1ull);
	}
	if (n == count)
		r->rip += in->len;
	return 0;
}

int mmio_emulate(const struct insn *in, struct cpu_regs *r,
		 const struct mmio_access *a)
{
	unsigned int off = a->gpa & (MMIO_PAGE_SIZE - 1);
	int ret;

	if (!in->has_mem)
		return -EINVAL;
	if (off + in->mem_size > MMIO_PAGE_SIZE)
		return -EOPNOTSUPP;
	if (in->op == INSN_OP_STOS || in->op == INSN_OP_MOVS)
		return mmio_string(in, r, a);
	ret = mmio_simple(in, r, a);
	if (ret)
		return ret;
	r->rip += in->len;
	return 0;
}

int mmio_emulate_at_rip(const struct mmio_guest *g, struct cpu_regs *r,
			const struct mmio_access *a, struct mmio_result *res)
{
	unsigned int access = GUEST_WALK_FETCH | (g->cpl == 3 ? GUEST_WALK_USER : 0);
	enum insn_mode mode = insn_decode_mode(g->paging.cr0, g->paging.efer,
					       r->rflags, g->cs_l, g->cs_d);
	uint64_t linear = r->rip, gpa;
	int ret;

	memset(res, 0, sizeof(*res));
	if (mode != INSN_MODE_64)	/* 64-bit mode ignores the CS base */
		linear = (g->cs_base + r->rip) & 0xffffffffull;
	res->fault_addr = linear;
	res->why = "instruction fetch";
	ret = guest_walk_copy(&g->paging, linear, res->bytes, INSN_MAX_LEN, access,
			      g->read_ram, g->ram_opaque, &res->pfec);
	if (ret < 0)
		return ret;
	res->nbytes = (unsigned int)ret;
	res->why = "instruction decode";
	ret = insn_decode(&res->insn, res->bytes, res->nbytes, mode);
	if (ret == -EAGAIN && res->nbytes < INSN_MAX_LEN) {
		/* The instruction runs into a page the guest cannot fetch
		 * from: that page's fault is the guest's (SDM vol. 3 §6.15). */
		res->fault_addr = linear + res->nbytes;
		if (mode != INSN_MODE_64)
			res->fault_addr &= 0xffffffffull;
		res->why = "instruction fetch";
		ret = guest_walk(&g->paging, res->fault_addr, access, g->read_ram,
				 g->ram_opaque, &gpa, &res->pfec);
		return ret ? ret : -EIO;
	}
	if (ret)
		return ret;
	res->why = "emulation";
	ret = mmio_emulate(&res->insn, r, a);
	if (!ret)
		res->why = NULL;
	return ret;
}
