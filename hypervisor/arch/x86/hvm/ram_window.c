/* A domU's RAM shown to dom0: windows above dom0's RAM and the pages at their own
 * machine addresses, mapped, revoked, given back. */
#include <stdbool.h>
#include <stdint.h>

#include "dom0.h"
#include "domain.h"
#include "errno.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/processor.h>
#include <arch/x86/hvm/domu.h>
#include <arch/x86/hvm/hvm_domain.h>
#include <arch/x86/hvm/p2m.h>
#include <arch/x86/hvm/ram_window.h>

/* One window: [base, base + len) of dom0's guest-physical space. */
struct ram_window {
	uint64_t base, len;	/* len 0: slot free */
	struct domain *d;	/* NULL once revoked */
	unsigned int users;
	struct p2m kept;	/* a revoked domain's tables and RAM, freed at the end */
};

static struct ram_window ram_windows[RAM_WINDOW_MAX];	/* ram_window_lock */
static int ram_window_lock;	/* the table, and the window area of dom0's tables */

/*
 * The window area: the third quarter of the CPU's physical address space
 * (MAXPHYADDR, CPUID 0x80000008), [2^(n-1), 2^(n-1) + 2^(n-2)): dom0's page
 * tables can reach it, firmware puts 64-bit BARs right above RAM or at the
 * very top, and RAM must end below it. 0 when there is no such room.
 */
static void ram_window_area(uint64_t *start, uint64_t *end)
{
	struct cpuid_regs r;
	unsigned int bits = 36;

	cpuid_count(0x80000000u, 0, &r);
	if (r.eax >= 0x80000008u) {
		cpuid_count(0x80000008u, 0, &r);
		bits = LIB_MIN(r.eax & 0xff, 48u);
	}
	*start = 1ull << (bits - 1);
	*end = *start + (1ull << (bits - 2));
	if (dom0_ram_top() > *start)
		*start = *end = 0;
}

/* The lowest free base for len bytes, or 0. */
static uint64_t ram_window_place(uint64_t len)
{
	uint64_t start, end, base;
	unsigned int i;
	bool moved = true;

	ram_window_area(&start, &end);
	for (base = start; moved && base && base + len <= end;) {
		moved = false;
		for (i = 0; i < RAM_WINDOW_MAX; i++) {
			const struct ram_window *w = &ram_windows[i];

			if (w->len && base < w->base + w->len && w->base < base + len) {
				base = w->base + w->len;
				moved = true;
			}
		}
		if (!moved)
			return base;
	}
	return 0;
}

/* Map d's RAM range [gpa, end) at base + gpa in dom0's tables, with
 * 2 MiB pages where d has them. */
static int ram_window_map_range(struct p2m *to, const struct p2m *from, uint64_t base,
				uint64_t gpa, uint64_t end)
{
	uint64_t hpa, span;
	int ret;

	while (gpa < end) {
		hpa = p2m_lookup_span(from, gpa, &span);
		if (hpa == (uint64_t)-1)
			return -EFAULT;
		if (span >= P2M_LARGE_SIZE && !(gpa & (P2M_LARGE_SIZE - 1)) &&
		    end - gpa >= P2M_LARGE_SIZE) {
			ret = p2m_map_large(to, base + gpa, hpa);
			gpa += P2M_LARGE_SIZE;
		} else {
			ret = p2m_map_page(to, base + gpa, hpa);
			gpa += P2M_PAGE_SIZE;
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* What ram_window_identity does with each page of a domain. */
enum ram_identity {
	RAM_IDENTITY_MAP,	/* at its own machine address, read/write */
	RAM_IDENTITY_ZERO,	/* revoked: the zero page, read-only */
	RAM_IDENTITY_HIDE,	/* the sink again, as hidden memory */
};

/* One page (4 KiB or 2 MiB at hpa) of a domain in dom0's tables. */
static int ram_window_identity_page(struct p2m *to, uint64_t hpa, uint64_t size,
				    enum ram_identity what)
{
	switch (what) {
	case RAM_IDENTITY_MAP:
		return size == P2M_LARGE_SIZE ? p2m_map_large(to, hpa, hpa) :
						p2m_map_page(to, hpa, hpa);
	case RAM_IDENTITY_ZERO:
		return size == P2M_LARGE_SIZE ? p2m_clear_large(to, hpa, hpa + size, true) :
						p2m_map_zero_page(to, hpa);
	default:
		return p2m_map_sink(to, hpa, hpa + size);
	}
}

/*
 * Show d's RAM (tables from, ranges ram) in dom0's tables at the pages' own
 * machine addresses, so that dom0's devices can DMA into them and dom0 can
 * give them struct pages; or zeros once revoked; or the sink again.
 */
static int ram_window_identity(struct p2m *to, const struct p2m *from, const struct memmap *ram,
			       enum ram_identity what)
{
	uint64_t gpa, end, hpa, span;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ram->nr && !ret; i++) {
		if (ram->range[i].type != MEMMAP_RAM)
			continue;
		end = ram->range[i].end;
		for (gpa = ram->range[i].start; gpa < end && !ret; gpa += span) {
			hpa = p2m_lookup_span(from, gpa, &span);
			if (hpa == (uint64_t)-1)
				return -EFAULT;
			span = span >= P2M_LARGE_SIZE && !(gpa & (P2M_LARGE_SIZE - 1)) &&
			       end - gpa >= P2M_LARGE_SIZE ? P2M_LARGE_SIZE : P2M_PAGE_SIZE;
			ret = ram_window_identity_page(to, hpa, span, what);
		}
	}
	return ret;
}

/* Fill out from window w of d's RAM map. */
static void ram_window_describe(const struct ram_window *w, const struct domain *d,
				struct xl_dc_ram_window *out)
{
	const struct memmap *ram = d->hvm.ram;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->base = w->base;
	out->len = w->len;
	for (i = 0; i < ram->nr && out->nr < XL_RAM_WINDOW_RANGES; i++) {
		if (ram->range[i].type != MEMMAP_RAM)
			continue;
		out->range[out->nr].gpa = ram->range[i].start;
		out->range[out->nr].len = ram->range[i].end - ram->range[i].start;
		out->nr++;
	}
}

/* ram_window_map with the lock held. */
static int ram_window_map_locked(struct domain *dom0, struct domain *d,
				 struct xl_dc_ram_window *out)
{
	const struct memmap *ram = d->hvm.ram;
	struct ram_window *w = NULL;
	uint64_t len = 0;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < RAM_WINDOW_MAX; i++)
		if (ram_windows[i].len && ram_windows[i].d == d)
			w = &ram_windows[i];
	if (w) {
		w->users++;
		ram_window_describe(w, d, out);
		return 0;
	}
	for (i = 0; i < RAM_WINDOW_MAX && ram_windows[i].len; i++)
		;
	if (i == RAM_WINDOW_MAX)
		return -ENOSPC;
	w = &ram_windows[i];
	for (i = 0; i < ram->nr; i++)
		len = LIB_MAX(len, ram->range[i].end);
	len = (len + RAM_WINDOW_ALIGN - 1) & ~(RAM_WINDOW_ALIGN - 1);
	w->base = ram_window_place(len);
	if (!w->base)
		return -ENOSPC;
	for (i = 0; i < ram->nr && !ret; i++)
		if (ram->range[i].type == MEMMAP_RAM)
			ret = ram_window_map_range(&dom0->hvm.p2m, &d->hvm.p2m, w->base,
						   ram->range[i].start, ram->range[i].end);
	if (!ret)
		ret = ram_window_identity(&dom0->hvm.p2m, &d->hvm.p2m, ram, RAM_IDENTITY_MAP);
	if (ret) {
		p2m_clear_large(&dom0->hvm.p2m, w->base, w->base + len, false);
		ram_window_identity(&dom0->hvm.p2m, &d->hvm.p2m, ram, RAM_IDENTITY_HIDE);
		hvm_domain_flush_all(dom0);
		return ret;
	}
	w->len = len;
	w->d = d;
	w->users = 1;
	ram_window_describe(w, d, out);
	printk(PRINTK_INFO | PRINTK_LOG_ONLY, "%s (domain %u): RAM window for dom0 at %#llx, "
	       "%llu MiB\n", d->name, d->id, (unsigned long long)w->base,
	       (unsigned long long)(len >> 20));
	return 0;
}

/* ram_window_end with the lock held. */
static int ram_window_end_locked(struct domain *dom0, uint64_t base)
{
	struct ram_window *w = NULL;
	unsigned int i;
	int ret;

	for (i = 0; i < RAM_WINDOW_MAX; i++)
		if (ram_windows[i].len && ram_windows[i].base == base)
			w = &ram_windows[i];
	if (!w)
		return -ENOENT;
	if (--w->users)
		return 0;
	ret = p2m_clear_large(&dom0->hvm.p2m, w->base, w->base + w->len, false);
	if (!ret && w->d)
		ret = ram_window_identity(&dom0->hvm.p2m, &w->d->hvm.p2m, w->d->hvm.ram,
					  RAM_IDENTITY_HIDE);
	if (!ret)
		ret = hvm_domain_flush_all(dom0);
	if (ret) {
		w->users = 1;	/* keep its addresses: something may still map them */
		return ret;
	}
	domu_free_p2m(&w->kept);
	printk(PRINTK_INFO | PRINTK_LOG_ONLY, "RAM window at %#llx given back\n",
	       (unsigned long long)w->base);
	memset(w, 0, sizeof(*w));
	return 0;
}

/* ram_window_revoke with the lock held. */
static int ram_window_revoke_locked(struct domain *d)
{
	struct domain *dom0 = domain_by_id(0);
	unsigned int i;
	int ret;

	for (i = 0; i < RAM_WINDOW_MAX; i++) {
		struct ram_window *w = &ram_windows[i];

		if (!w->len || w->d != d)
			continue;
		ret = p2m_clear_large(&dom0->hvm.p2m, w->base, w->base + w->len, true);
		if (!ret)
			ret = ram_window_identity(&dom0->hvm.p2m, &d->hvm.p2m, d->hvm.ram,
						  RAM_IDENTITY_ZERO);
		if (!ret)
			ret = hvm_domain_flush_all(dom0);
		if (ret)
			return ret;
		/* dom0's devices may still DMA into the pages (I/O in flight
		 * when the domain went): the window keeps them until its end. */
		w->kept = d->hvm.p2m;
		memset(&d->hvm.p2m, 0, sizeof(d->hvm.p2m));
		w->d = NULL;
	}
	return 0;
}

int ram_window_map(struct domain *dom0, struct domain *d, struct xl_dc_ram_window *out)
{
	int ret;

	lib_spin_lock(&ram_window_lock);
	ret = ram_window_map_locked(dom0, d, out);
	lib_spin_unlock(&ram_window_lock);
	return ret;
}

int ram_window_end(struct domain *dom0, uint64_t base)
{
	int ret;

	lib_spin_lock(&ram_window_lock);
	ret = ram_window_end_locked(dom0, base);
	lib_spin_unlock(&ram_window_lock);
	return ret;
}

int ram_window_revoke(struct domain *d)
{
	int ret;

	lib_spin_lock(&ram_window_lock);
	ret = ram_window_revoke_locked(d);
	lib_spin_unlock(&ram_window_lock);
	return ret;
}

/* ram_window_p2m with the lock held. */
static int ram_window_p2m_locked(const struct domain *d, struct xl_dc_ram_p2m *out)
{
	const struct memmap *ram = d->hvm.ram;
	uint64_t gpa = out->gpa, hpa, span;
	unsigned int i;
	bool held = false;

	for (i = 0; i < RAM_WINDOW_MAX; i++)
		held |= ram_windows[i].len && ram_windows[i].d == d;
	memset(out->run, 0, sizeof(out->run));
	out->nr = 0;
	out->pad = 0;
	if (!held)
		return -ENOENT;
	for (i = 0; i < ram->nr; i++) {
		if (ram->range[i].type != MEMMAP_RAM || ram->range[i].end <= gpa)
			continue;
		for (gpa = LIB_MAX(gpa, ram->range[i].start); gpa < ram->range[i].end; gpa += span) {
			struct xl_ram_run *run = &out->run[out->nr ? out->nr - 1 : 0];

			hpa = p2m_lookup_span(&d->hvm.p2m, gpa, &span);
			if (hpa == (uint64_t)-1)
				return -EFAULT;
			span = LIB_MIN(span - (gpa & (span - 1)), ram->range[i].end - gpa);
			if (out->nr && run->gpa + run->len == gpa && run->hpa + run->len == hpa) {
				run->len += span;
				continue;
			}
			if (out->nr == XL_RAM_P2M_RUNS)
				return 0;
			run = &out->run[out->nr++];
			run->gpa = gpa;
			run->hpa = hpa;
			run->len = span;
		}
	}
	return 0;
}

int ram_window_p2m(const struct domain *d, struct xl_dc_ram_p2m *out)
{
	int ret;

	lib_spin_lock(&ram_window_lock);
	ret = ram_window_p2m_locked(d, out);
	lib_spin_unlock(&ram_window_lock);
	return ret;
}

bool ram_window_fault(struct domain *dom0, uint64_t gpa, bool write)
{
	uint64_t chunk = gpa & ~(P2M_LARGE_SIZE - 1);
	bool taken = false;
	unsigned int i;

	if (!write)
		return false;
	lib_spin_lock(&ram_window_lock);
	for (i = 0; i < RAM_WINDOW_MAX && !taken; i++) {
		const struct ram_window *w = &ram_windows[i];

		if (w->len && !w->d && gpa >= w->base && gpa - w->base < w->len)
			taken = !p2m_map_sink(&dom0->hvm.p2m, chunk, chunk + P2M_LARGE_SIZE);
	}
	/* A revoked page at its own machine address: that 4 KiB alone (the
	 * 2 MiB around it may hold other domains' pages); one that shows the
	 * sink already faulted through another vCPU's stale entry. */
	if (!taken && dom0->hvm.p2m.zero_pa) {
		uint64_t page = gpa & ~(P2M_PAGE_SIZE - 1), hpa = p2m_lookup(&dom0->hvm.p2m, page);

		if (hpa == dom0->hvm.p2m.zero_pa)
			taken = !p2m_map_sink(&dom0->hvm.p2m, page, page + P2M_PAGE_SIZE);
		else
			taken = hpa == dom0->hvm.p2m.sink_pa;
	}
	lib_spin_unlock(&ram_window_lock);
	return taken;
}
