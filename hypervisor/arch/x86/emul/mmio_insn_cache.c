/* A vCPU's recently emulated MMIO instructions, kept decoded (mmio_insn_cache.h). */
#include <stdbool.h>
#include <stdint.h>

#include "lib.h"
#include "arch/x86/emul/mmio_insn_cache.h"

#define MMIO_INSN_PAGE	4096u

static struct mmio_insn_cache_slot *slot_of(struct mmio_insn_cache *c, uint64_t linear)
{
	return &c->slot[(linear ^ (linear >> 5) ^ (linear >> 12)) % MMIO_INSN_CACHE_SLOTS];
}

/* The instruction's bytes are still at s->gpa. */
static bool slot_current(const struct mmio_guest *g, const struct mmio_insn_cache_slot *s)
{
	unsigned int off, size, i;
	uint64_t val;

	for (off = 0; off < s->insn.len; off += size) {
		size = s->insn.len - off >= 8 ? 8 : s->insn.len - off >= 4 ? 4 :
		       s->insn.len - off >= 2 ? 2 : 1;
		if (g->read_ram(g->ram_opaque, s->gpa + off, size, &val))
			return false;
		for (i = 0; i < size; i++)
			if ((uint8_t)(val >> (8 * i)) != s->bytes[off + i])
				return false;
	}
	return true;
}

/* Remember the instruction res holds, fetched at linear, if it lies in one page. */
static void slot_fill(struct mmio_insn_cache_slot *s, const struct mmio_guest *g,
		      uint64_t linear, enum insn_mode mode, const struct mmio_result *res)
{
	uint32_t pfec;
	uint64_t gpa;

	s->valid = false;
	if (res->insn.len == 0 || res->insn.len > res->nbytes ||
	    guest_walk(&g->paging, linear, GUEST_WALK_FETCH, g->read_ram, g->ram_opaque,
		       &gpa, &pfec) ||
	    (gpa & (MMIO_INSN_PAGE - 1)) + res->insn.len > MMIO_INSN_PAGE)
		return;
	s->mode = mode;
	s->linear = linear;
	s->gpa = gpa;
	memcpy(s->bytes, res->bytes, res->insn.len);
	s->insn = res->insn;
	s->valid = true;
}

int mmio_emulate_at_rip_cached(struct mmio_insn_cache *c, const struct mmio_guest *g,
			       struct cpu_regs *r, const struct mmio_access *a,
			       struct mmio_result *res)
{
	enum insn_mode mode = insn_decode_mode(g->paging.cr0, g->paging.efer, r->rflags,
					       g->cs_l, g->cs_d);
	uint64_t linear = mode == INSN_MODE_64 ? r->rip : (g->cs_base + r->rip) & 0xffffffffull;
	struct mmio_insn_cache_slot *s = slot_of(c, linear);
	int ret;

	if (g->cpl == 0 && s->valid && s->linear == linear && s->mode == mode &&
	    slot_current(g, s)) {
		c->hits++;
		memset(res, 0, sizeof(*res));
		res->insn = s->insn;
		memcpy(res->bytes, s->bytes, s->insn.len);
		res->nbytes = s->insn.len;
		res->fault_addr = linear;
		res->why = "emulation";
		ret = mmio_emulate(&s->insn, r, a);
		if (!ret)
			res->why = NULL;
		return ret;
	}
	c->misses++;
	ret = mmio_emulate_at_rip(g, r, a, res);
	if (!ret && g->cpl == 0)
		slot_fill(s, g, linear, mode, res);
	return ret;
}
