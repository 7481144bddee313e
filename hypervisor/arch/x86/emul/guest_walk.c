/* Guest page-table walk: non-paged, 32-bit, PAE and 4-level long-mode paging. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "arch/x86/emul/guest_walk.h"

/* Page-table entry bits common to every format (SDM vol. 3 §4.3-4.5). */
#define GW_P		(1ull << 0)
#define GW_RW		(1ull << 1)
#define GW_US		(1ull << 2)
#define GW_PS		(1ull << 7)
#define GW_NX		(1ull << 63)
#define GW_ADDR64	0x000ffffffffff000ull	/* bits 51:12 */
#define GW_ADDR32	0xfffff000ull

/* One paging format: entry size, top level's shift, bits per level. */
struct gw_format {
	unsigned int entry_size;	/* 4 or 8 */
	unsigned int levels;
	unsigned int top_shift;
	unsigned int bits;		/* index bits per level */
};

/* What the walk has gathered so far (SDM vol. 3 §4.6: rights combine
 * over all levels). */
struct gw_state {
	bool writable, user, nx;
	uint64_t page_base, page_size;
};

/* gw_large_ok: may an entry with PS=1 at this shift map a page? */
static bool gw_large_ok(const struct guest_walk_cpu *cpu,
			const struct gw_format *f, unsigned int shift)
{
	if (f->entry_size == 4)		/* 32-bit: PDE, 4 MiB with CR4.PSE */
		return shift == 22;
	if (shift == 21)		/* PAE or long-mode PDE: 2 MiB */
		return true;
	return shift == 30 && (cpu->efer & GUEST_WALK_EFER_LMA);	/* 1 GiB */
}

/* gw_large_base: the physical base of a large page (32-bit 4 MiB pages
 * carry address bits 39:32 in entry bits 20:13, PSE-36: §4.3). */
static uint64_t gw_large_base(const struct gw_format *f, uint64_t e,
			      uint64_t size)
{
	if (f->entry_size == 4)
		return (e & 0xffc00000ull) | (((e >> 13) & 0xff) << 32);
	return e & GW_ADDR64 & ~(size - 1);
}

/*
 * gw_tables: walk from table (physical) through f's levels for gva.
 * Returns 0 with st->page_base/page_size, -EFAULT with *pfec bits P/RSVD
 * (the access bits are added by the caller), or -EIO.
 */
static int gw_tables(const struct guest_walk_cpu *cpu, const struct gw_format *f,
		     uint64_t table, uint64_t gva, guest_walk_read_fn read,
		     void *opaque, struct gw_state *st, uint32_t *pfec)
{
	bool nxe = cpu->efer & GUEST_WALK_EFER_NXE;
	uint64_t addr_mask = f->entry_size == 8 ? GW_ADDR64 : GW_ADDR32;
	unsigned int level, shift = f->top_shift;
	uint64_t e, idx;

	for (level = 0; level < f->levels; level++, shift -= f->bits) {
		idx = (gva >> shift) & ((1ull << f->bits) - 1);
		if (read(opaque, table + idx * f->entry_size, f->entry_size, &e))
			return -EIO;
		if (f->entry_size == 4)
			e &= 0xffffffffull;
		if (!(e & GW_P)) {
			*pfec = 0;
			return -EFAULT;
		}
		if ((e & GW_NX) && !nxe) {	/* reserved without EFER.NXE */
			*pfec = GUEST_PFEC_P | GUEST_PFEC_RSVD;
			return -EFAULT;
		}
		st->writable &= !!(e & GW_RW);
		st->user &= !!(e & GW_US);
		st->nx |= nxe && (e & GW_NX);
		if (level + 1 < f->levels && (e & GW_PS)) {
			/* 32-bit paging ignores PS without CR4.PSE (§4.3). */
			if (f->entry_size == 4 && !(cpu->cr4 & GUEST_WALK_CR4_PSE))
				goto table;
			if (!gw_large_ok(cpu, f, shift)) {
				*pfec = GUEST_PFEC_P | GUEST_PFEC_RSVD;
				return -EFAULT;
			}
			st->page_size = 1ull << shift;
			st->page_base = gw_large_base(f, e, st->page_size);
			return 0;
		}
table:
		table = e & addr_mask;
	}
	st->page_size = 1ull << 12;
	st->page_base = table;
	return 0;
}

/* gw_paged: pick the format from CR4.PAE/EFER.LMA and walk from CR3. */
static int gw_paged(const struct guest_walk_cpu *cpu, uint64_t gva,
		    guest_walk_read_fn read, void *opaque, struct gw_state *st,
		    uint32_t *pfec)
{
	static const struct gw_format long4 = { 8, 4, 39, 9 };
	static const struct gw_format pae = { 8, 2, 21, 9 };
	static const struct gw_format legacy = { 4, 2, 22, 10 };
	uint64_t pdpte;

	if (cpu->efer & GUEST_WALK_EFER_LMA)
		return gw_tables(cpu, &long4, cpu->cr3 & GW_ADDR64, gva, read,
				 opaque, st, pfec);
	if (!(cpu->cr4 & GUEST_WALK_CR4_PAE))
		return gw_tables(cpu, &legacy, cpu->cr3 & GW_ADDR32, gva, read,
				 opaque, st, pfec);
	/* PAE: CR3 bits 31:5 point at four PDPTEs that carry only P and
	 * the address (§4.4.1). */
	if (read(opaque, (cpu->cr3 & 0xffffffe0ull) + ((gva >> 30) & 3) * 8, 8, &pdpte))
		return -EIO;
	if (!(pdpte & GW_P)) {
		*pfec = 0;
		return -EFAULT;
	}
	return gw_tables(cpu, &pae, pdpte & GW_ADDR64, gva, read, opaque, st, pfec);
}

int guest_walk(const struct guest_walk_cpu *cpu, uint64_t gva,
	       unsigned int access, guest_walk_read_fn read, void *opaque,
	       uint64_t *gpa, uint32_t *pfec)
{
	struct gw_state st = { true, true, false, 0, 0 };
	bool lma = cpu->efer & GUEST_WALK_EFER_LMA;
	bool user = access & GUEST_WALK_USER, write = access & GUEST_WALK_WRITE;
	bool fetch = access & GUEST_WALK_FETCH;
	uint32_t code = 0;
	int ret;

	*pfec = 0;
	if (!(cpu->cr0 & GUEST_WALK_CR0_PG)) {
		*gpa = gva & 0xffffffffull;
		return 0;
	}
	if (lma) {
		if (cpu->cr4 & GUEST_WALK_CR4_LA57)
			return -EOPNOTSUPP;
		if ((uint64_t)(((int64_t)(gva << 16) >> 16)) != gva)
			return -EINVAL;
	} else {
		gva &= 0xffffffffull;
	}

	ret = gw_paged(cpu, gva, read, opaque, &st, &code);
	if (ret == 0) {
		/* §4.6: user accesses need U/S and (for writes) R/W at every
		 * level; supervisor writes need R/W only with CR0.WP. */
		if ((user && !st.user) || (fetch && st.nx) ||
		    (write && !st.writable &&
		     (user || (cpu->cr0 & GUEST_WALK_CR0_WP))))
			code = GUEST_PFEC_P;
		else
			*gpa = st.page_base | (gva & (st.page_size - 1));
	}
	if (ret == -EIO || (ret == 0 && !code))
		return ret;
	/* §4.7: I/D is reported only with SMEP or with PAE/long mode + NXE. */
	code |= access & (GUEST_WALK_WRITE | GUEST_WALK_USER);
	if (fetch && ((cpu->cr4 & GUEST_WALK_CR4_SMEP) ||
		      ((cpu->cr4 & GUEST_WALK_CR4_PAE) &&
		       (cpu->efer & GUEST_WALK_EFER_NXE))))
		code |= GUEST_PFEC_I;
	*pfec = code;
	return -EFAULT;
}

int guest_walk_copy(const struct guest_walk_cpu *cpu, uint64_t gva, void *buf,
		    size_t len, unsigned int access, guest_walk_read_fn read,
		    void *opaque, uint32_t *pfec)
{
	uint8_t *out = buf;
	size_t done = 0, chunk, i;
	unsigned int size;
	uint64_t gpa, val;
	int ret;

	while (done < len) {
		ret = guest_walk(cpu, gva + done, access, read, opaque, &gpa, pfec);
		if (ret)
			return done ? (int)done : ret;
		chunk = LIB_MIN(len - done, 4096 - (size_t)(gpa & 4095));
		while (chunk) {
			size = chunk >= 8 ? 8 : chunk >= 4 ? 4 : chunk >= 2 ? 2 : 1;
			if (read(opaque, gpa, size, &val))
				return done ? (int)done : -EIO;
			for (i = 0; i < size; i++)
				out[done + i] = (uint8_t)(val >> (8 * i));
			done += size;
			gpa += size;
			chunk -= size;
		}
	}
	return (int)done;
}
