/* memmap.c - e820-style physical memory maps and the dom0 memory size. */
#include "errno.h"
#include "lib.h"
#include "memmap.h"

/*
 * Scratch space for rebuilding a map (boot CPU only, not reentrant): up to
 * twice a full map of input ranges, their boundaries, and the result.
 */
static struct memmap_range memmap_in[2 * MEMMAP_MAX_RANGES];
static uint64_t memmap_bounds[4 * MEMMAP_MAX_RANGES];
static struct memmap memmap_out;

void memmap_init(struct memmap *map)
{
	map->nr = 0;
}

int memmap_add(struct memmap *map, uint64_t start, uint64_t len,
	       uint32_t type)
{
	if (len == 0 || start + len < start)
		return -EINVAL;
	if (map->nr >= MEMMAP_MAX_RANGES)
		return -ENOSPC;
	map->range[map->nr].start = start;
	map->range[map->nr].end = start + len;
	map->range[map->nr].type = type;
	map->nr++;
	return 0;
}

static void memmap_sort_u64(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * memmap_sweep: rebuild in[0..nr) as a sanitized map in memmap_out: split
 * at every boundary, give each piece the highest type covering it, merge
 * neighbours of one type. Returns 0 or -ENOSPC.
 */
static int memmap_sweep(const struct memmap_range *in, unsigned int nr)
{
	unsigned int nb = 0, i, k;

	for (i = 0; i < nr; i++) {
		memmap_bounds[nb++] = in[i].start;
		memmap_bounds[nb++] = in[i].end;
	}
	memmap_sort_u64(memmap_bounds, nb);
	memmap_out.nr = 0;
	for (i = 0; i + 1 < nb; i++) {
		uint64_t s = memmap_bounds[i], e = memmap_bounds[i + 1];
		uint32_t type = 0;
		struct memmap_range *last;

		if (s == e)
			continue;
		for (k = 0; k < nr; k++)
			if (in[k].start <= s && in[k].end >= e && in[k].type > type)
				type = in[k].type;
		if (!type)
			continue;
		last = memmap_out.nr ? &memmap_out.range[memmap_out.nr - 1] : NULL;
		if (last && last->end == s && last->type == type) {
			last->end = e;
			continue;
		}
		if (memmap_out.nr == MEMMAP_MAX_RANGES)
			return -ENOSPC;
		memmap_out.range[memmap_out.nr].start = s;
		memmap_out.range[memmap_out.nr].end = e;
		memmap_out.range[memmap_out.nr].type = type;
		memmap_out.nr++;
	}
	return 0;
}

/* memmap_commit: copy memmap_out into map. */
static void memmap_commit(struct memmap *map)
{
	map->nr = memmap_out.nr;
	memcpy(map->range, memmap_out.range, map->nr * sizeof(map->range[0]));
}

int memmap_sanitize(struct memmap *map)
{
	int rc = memmap_sweep(map->range, map->nr);

	if (rc)
		return rc;
	memmap_commit(map);
	return 0;
}

int memmap_remove(struct memmap *map, uint64_t start, uint64_t len)
{
	uint64_t end = start + len;

	if (len == 0 || end < start)
		return -EINVAL;
	memmap_out.nr = 0;
	for (unsigned int i = 0; i < map->nr; i++) {
		const struct memmap_range *r = &map->range[i];
		struct memmap_range piece[2];
		unsigned int np = 0;

		if (r->end <= start || r->start >= end) {
			piece[np++] = *r;
		} else {
			if (r->start < start)
				piece[np++] = (struct memmap_range){
					r->start, start, r->type };
			if (r->end > end)
				piece[np++] = (struct memmap_range){
					end, r->end, r->type };
		}
		for (unsigned int p = 0; p < np; p++) {
			if (memmap_out.nr == MEMMAP_MAX_RANGES)
				return -ENOSPC;
			memmap_out.range[memmap_out.nr++] = piece[p];
		}
	}
	memmap_commit(map);
	return 0;
}

int memmap_reserve(struct memmap *map, uint64_t start, uint64_t len,
		   uint32_t type)
{
	uint64_t end = start + len;
	unsigned int n = map->nr, i;
	int rc;

	if (len == 0 || end < start || type == MEMMAP_RAM || type == 0)
		return -EINVAL;
	memcpy(memmap_in, map->range, n * sizeof(map->range[0]));
	for (i = 0; i < map->nr; i++) {
		const struct memmap_range *r = &map->range[i];

		if (r->type != MEMMAP_RAM || r->end <= start || r->start >= end)
			continue;
		if (n == LIB_ARRAY_SIZE(memmap_in))
			return -ENOSPC;
		memmap_in[n].start = LIB_MAX(r->start, start);
		memmap_in[n].end = LIB_MIN(r->end, end);
		memmap_in[n].type = type;
		n++;
	}
	if (n == map->nr)
		return 0;
	rc = memmap_sweep(memmap_in, n);
	if (rc)
		return rc;
	memmap_commit(map);
	return 0;
}

int memmap_clip(struct memmap *map, uint64_t limit)
{
	unsigned int i, j = 0;

	if (limit == 0)
		return 0;
	for (i = 0; i < map->nr; i++) {
		struct memmap_range r = map->range[i];

		if (r.type == MEMMAP_RAM) {
			if (r.start >= limit)
				continue;
			if (r.end > limit)
				r.end = limit;
		}
		map->range[j++] = r;
	}
	map->nr = j;
	return 0;
}

/* memmap_overlaps_ram: whether any RAM lies in [start, end). */
static bool memmap_overlaps_ram(const struct memmap *map, uint64_t start,
				uint64_t end)
{
	for (unsigned int i = 0; i < map->nr; i++)
		if (map->range[i].type == MEMMAP_RAM &&
		    map->range[i].start < end && map->range[i].end > start)
			return true;
	return false;
}

int memmap_mark_badpages(struct memmap *map, const uint64_t *pfns,
			 unsigned int nr)
{
	int marked = 0;

	for (unsigned int i = 0; i < nr; i++) {
		uint64_t start = pfns[i] << MEMMAP_PAGE_SHIFT;
		int rc;

		if (pfns[i] > (UINT64_MAX >> MEMMAP_PAGE_SHIFT) - 1 ||
		    !memmap_overlaps_ram(map, start, start + MEMMAP_PAGE_SIZE))
			continue;
		rc = memmap_reserve(map, start, MEMMAP_PAGE_SIZE, MEMMAP_BAD);
		if (rc)
			return rc;
		marked++;
	}
	return marked;
}

uint64_t memmap_total(const struct memmap *map, uint32_t type)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < map->nr; i++)
		if (map->range[i].type == type)
			total += map->range[i].end - map->range[i].start;
	return total;
}

void memmap_page_align(struct memmap *map)
{
	unsigned int i, j = 0;

	for (i = 0; i < map->nr; i++) {
		struct memmap_range r = map->range[i];

		if (r.type == MEMMAP_RAM) {
			uint64_t s = (r.start + MEMMAP_PAGE_SIZE - 1) &
				     ~(MEMMAP_PAGE_SIZE - 1);
			uint64_t e = r.end & ~(MEMMAP_PAGE_SIZE - 1);

			if (r.start > UINT64_MAX - MEMMAP_PAGE_SIZE || s >= e)
				continue;
			r.start = s;
			r.end = e;
		}
		map->range[j++] = r;
	}
	map->nr = j;
}

const char *memmap_type_name(uint32_t type)
{
	static const char *const names[] = {
		[MEMMAP_RAM] = "RAM", [MEMMAP_RESERVED] = "reserved",
		[MEMMAP_ACPI] = "ACPI data", [MEMMAP_NVS] = "ACPI NVS",
		[MEMMAP_UNUSABLE] = "unusable", [MEMMAP_BAD] = "bad (badpage=)",
	};

	if (type < LIB_ARRAY_SIZE(names) && names[type])
		return names[type];
	return "unknown";
}

/* Without an amount, dom0 gets half of what is available, so that guests
 * have the other half (docs/boot-options.md), but at least DOM0_MEM_FLOOR
 * where the machine has it; it always leaves the hypervisor avail/16, at
 * most DOM0_MEM_RESERVE_MAX. */
#define DOM0_MEM_RESERVE_MAX (128ull << 20)
#define DOM0_MEM_FLOOR (512ull << 20)

/* dom0_mem_resolve: a dom0_mem= size against avail (negative: avail minus
 * it, 0 if that is nothing). */
static uint64_t dom0_mem_resolve(const struct cmdline_size *s, uint64_t avail)
{
	if (!s->negative)
		return s->bytes;
	return s->bytes >= avail ? 0 : avail - s->bytes;
}

__attribute__((format(printf, 3, 4)))
static int dom0_mem_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -ENOMEM;
}

/* dom0_mem_fmt: bytes in the largest of G, M, K that divides them
 * exactly (so the numbers read like the option), "<n>B" otherwise. */
struct dom0_mem_str {
	char s[24];
};

static struct dom0_mem_str dom0_mem_fmt(uint64_t bytes)
{
	static const char units[] = { 'G', 'M', 'K' };
	struct dom0_mem_str out;

	for (unsigned int i = 0; i < sizeof(units); i++) {
		unsigned int shift = 30 - 10 * i;

		if (bytes && !(bytes & ((1ull << shift) - 1))) {
			snprintf(out.s, sizeof(out.s), "%llu%c",
				 (unsigned long long)(bytes >> shift), units[i]);
			return out;
		}
	}
	snprintf(out.s, sizeof(out.s), "%lluB", (unsigned long long)bytes);
	return out;
}

#define SZ(x) (dom0_mem_fmt(x).s)

int memmap_dom0_size(const struct cmdline_dom0_mem *spec, uint64_t avail,
		     uint64_t *size, char *err, size_t errlen)
{
	uint64_t nr, min = 0, max = UINT64_MAX;

	avail &= ~(MEMMAP_PAGE_SIZE - 1);
	if (spec->amount.set && spec->amount.negative) {
		if (spec->amount.bytes >= avail)
			return dom0_mem_fail(err, errlen,
				"dom0_mem=-%s leaves nothing for dom0: only %s are available",
				SZ(spec->amount.bytes), SZ(avail));
		nr = avail - spec->amount.bytes;
	} else if (spec->amount.set) {
		if (spec->amount.bytes > avail)
			return dom0_mem_fail(err, errlen,
				"dom0_mem=%s is more than the %s available",
				SZ(spec->amount.bytes), SZ(avail));
		nr = spec->amount.bytes;
	} else {
		nr = avail / 2;
		if (nr < DOM0_MEM_FLOOR)
			nr = LIB_MIN(DOM0_MEM_FLOOR,
				     avail - LIB_MIN(avail / 16, DOM0_MEM_RESERVE_MAX));
	}
	if (spec->min.set) {
		min = dom0_mem_resolve(&spec->min, avail);
		if (min > avail)
			return dom0_mem_fail(err, errlen,
				"dom0_mem=min:%s is more than the %s available",
				SZ(min), SZ(avail));
	}
	if (spec->max.set)
		max = dom0_mem_resolve(&spec->max, avail);
	if (min > max)
		return dom0_mem_fail(err, errlen,
			"dom0_mem=min:%s is larger than max:%s",
			SZ(min), SZ(max));
	nr = LIB_MAX(LIB_MIN(nr, max), min);
	nr &= ~(MEMMAP_PAGE_SIZE - 1);
	if (nr == 0)
		return dom0_mem_fail(err, errlen,
			"dom0_mem= leaves dom0 no memory (%s available)",
			SZ(avail));
	*size = nr;
	return 0;
}
