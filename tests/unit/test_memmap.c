/* test_memmap.c - unit tests of memory-map arithmetic and the dom0 size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "memmap.h"

#define KB(x) ((uint64_t)(x) << 10)
#define MB(x) ((uint64_t)(x) << 20)
#define GB(x) ((uint64_t)(x) << 30)

static struct memmap m;

/* expect: the map is exactly the n ranges given as {start, end, type}. */
static void expect(const struct memmap_range *want, unsigned int n)
{
	if (m.nr != n) {
		for (unsigned int i = 0; i < m.nr; i++)
			print_error("  [%u] %#llx-%#llx type %u\n", i,
				    (unsigned long long)m.range[i].start,
				    (unsigned long long)m.range[i].end,
				    m.range[i].type);
	}
	assert_int_equal(m.nr, n);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(m.range[i].start, want[i].start);
		assert_int_equal(m.range[i].end, want[i].end);
		assert_int_equal(m.range[i].type, want[i].type);
	}
}

/* A typical PC map, out of order, with an overlap. */
static void pc_map(void)
{
	memmap_init(&m);
	assert_int_equal(memmap_add(&m, MB(1), MB(511), MEMMAP_RAM), 0);
	assert_int_equal(memmap_add(&m, 0, KB(639), MEMMAP_RAM), 0);
	assert_int_equal(memmap_add(&m, KB(639), KB(1), MEMMAP_RESERVED), 0);
	assert_int_equal(memmap_add(&m, 0xf0000, 0x10000, MEMMAP_RESERVED), 0);
	assert_int_equal(memmap_add(&m, GB(4), GB(1), MEMMAP_RAM), 0);
	/* ACPI tables reported inside the RAM range: they win. */
	assert_int_equal(memmap_add(&m, MB(500), MB(1), MEMMAP_ACPI), 0);
	assert_int_equal(memmap_sanitize(&m), 0);
}

static void test_add_rejects(void **state)
{
	(void)state;
	memmap_init(&m);
	assert_int_equal(memmap_add(&m, 0, 0, MEMMAP_RAM), -EINVAL);
	assert_int_equal(memmap_add(&m, UINT64_MAX - 10, 20, MEMMAP_RAM), -EINVAL);
	for (int i = 0; i < MEMMAP_MAX_RANGES; i++)
		assert_int_equal(memmap_add(&m, MB(2 * i), MB(1), MEMMAP_RAM), 0);
	assert_int_equal(memmap_add(&m, GB(8), MB(1), MEMMAP_RAM), -ENOSPC);
}

static void test_sanitize_sorts_merges_overlaps(void **state)
{
	(void)state;
	pc_map();
	{
		const struct memmap_range w[] = {
			{ 0, KB(639), MEMMAP_RAM },
			{ KB(639), KB(640), MEMMAP_RESERVED },
			{ 0xf0000, 0x100000, MEMMAP_RESERVED },
			{ MB(1), MB(500), MEMMAP_RAM },
			{ MB(500), MB(501), MEMMAP_ACPI },
			{ MB(501), MB(512), MEMMAP_RAM },
			{ GB(4), GB(5), MEMMAP_RAM },
		};
		expect(w, 7);
	}
	assert_int_equal(memmap_total(&m, MEMMAP_RAM),
			 KB(639) + MB(499) + MB(11) + GB(1));
	assert_int_equal(memmap_total(&m, MEMMAP_ACPI), MB(1));
}

static void test_sanitize_merges_touching_and_duplicates(void **state)
{
	const struct memmap_range w[] = {
		{ 0, MB(3), MEMMAP_RAM },
		{ MB(3), MB(4), MEMMAP_NVS },
	};

	(void)state;
	memmap_init(&m);
	memmap_add(&m, MB(1), MB(1), MEMMAP_RAM);
	memmap_add(&m, 0, MB(1), MEMMAP_RAM);
	memmap_add(&m, MB(2), MB(1), MEMMAP_RAM);
	memmap_add(&m, 0, MB(2), MEMMAP_RAM);
	memmap_add(&m, MB(3), MB(1), MEMMAP_NVS);
	memmap_add(&m, MB(3), MB(1), MEMMAP_RAM);
	assert_int_equal(memmap_sanitize(&m), 0);
	expect(w, 2);
}

static void test_remove_punches_hole(void **state)
{
	const struct memmap_range w[] = {
		{ 0, MB(1), MEMMAP_RAM },
		{ MB(2), MB(3), MEMMAP_RAM },
		{ MB(3) + KB(4), MB(4), MEMMAP_RESERVED },
	};

	(void)state;
	memmap_init(&m);
	memmap_add(&m, 0, MB(3), MEMMAP_RAM);
	memmap_add(&m, MB(3), MB(1), MEMMAP_RESERVED);
	memmap_sanitize(&m);
	assert_int_equal(memmap_remove(&m, MB(1), MB(1)), 0);
	assert_int_equal(memmap_remove(&m, MB(3), KB(4)), 0);
	expect(w, 3);
	/* A hole over nothing changes nothing. */
	assert_int_equal(memmap_remove(&m, GB(1), MB(1)), 0);
	expect(w, 3);
	assert_int_equal(memmap_remove(&m, 0, 0), -EINVAL);
	assert_int_equal(memmap_total(&m, MEMMAP_RAM), MB(2));
}

static void test_reserve_only_ram(void **state)
{
	const struct memmap_range w[] = {
		{ 0, MB(1), MEMMAP_RAM },
		{ MB(1), MB(3), MEMMAP_RESERVED },
		{ MB(3), MB(4), MEMMAP_ACPI },
		{ MB(4), MB(5), MEMMAP_RESERVED },
		{ MB(5), MB(8), MEMMAP_RAM },
	};

	(void)state;
	memmap_init(&m);
	memmap_add(&m, 0, MB(3), MEMMAP_RAM);
	memmap_add(&m, MB(3), MB(1), MEMMAP_ACPI);
	memmap_add(&m, MB(4), MB(4), MEMMAP_RAM);
	memmap_sanitize(&m);
	/* The hypervisor image spans RAM, ACPI, RAM: ACPI stays ACPI. */
	assert_int_equal(memmap_reserve(&m, MB(1), MB(4), MEMMAP_RESERVED), 0);
	expect(w, 5);
	assert_int_equal(memmap_reserve(&m, 0, MB(1), MEMMAP_RAM), -EINVAL);
}

static void test_clip_mem_limit(void **state)
{
	(void)state;
	pc_map();
	assert_int_equal(memmap_clip(&m, MB(256)), 0);
	{
		const struct memmap_range w[] = {
			{ 0, KB(639), MEMMAP_RAM },
			{ KB(639), KB(640), MEMMAP_RESERVED },
			{ 0xf0000, 0x100000, MEMMAP_RESERVED },
			{ MB(1), MB(256), MEMMAP_RAM },
			{ MB(500), MB(501), MEMMAP_ACPI },
		};
		expect(w, 5);
	}
	pc_map();
	assert_int_equal(memmap_clip(&m, 0), 0);
	assert_int_equal(m.nr, 7);
	memmap_clip(&m, GB(4) + MB(1));
	assert_int_equal(memmap_total(&m, MEMMAP_RAM),
			 KB(639) + MB(510) + MB(1));
}

static void test_badpages(void **state)
{
	const uint64_t pfns[] = { 0x200, 0x201, 0x203, 0x9f, 0xfffff000000ull };
	const struct memmap_range w[] = {
		{ 0, KB(636), MEMMAP_RAM },
		{ KB(636), KB(640), MEMMAP_RESERVED },
		{ MB(1), MB(2), MEMMAP_RAM },
		{ MB(2), MB(2) + KB(8), MEMMAP_BAD },
		{ MB(2) + KB(8), MB(2) + KB(12), MEMMAP_RAM },
		{ MB(2) + KB(12), MB(2) + KB(16), MEMMAP_BAD },
		{ MB(2) + KB(16), MB(4), MEMMAP_RAM },
	};

	(void)state;
	memmap_init(&m);
	memmap_add(&m, 0, KB(636), MEMMAP_RAM);
	memmap_add(&m, KB(636), KB(4), MEMMAP_RESERVED);
	memmap_add(&m, MB(1), MB(3), MEMMAP_RAM);
	memmap_sanitize(&m);
	/* 0x9f is reserved already and the last is beyond RAM: not counted. */
	assert_int_equal(memmap_mark_badpages(&m, pfns, 5), 3);
	expect(w, 7);
	assert_int_equal(memmap_total(&m, MEMMAP_BAD), KB(12));
	assert_int_equal(memmap_total(&m, MEMMAP_RAM), KB(636) + MB(3) - KB(12));
}

static void test_page_align(void **state)
{
	const struct memmap_range w[] = {
		{ 0x1000, 0x3000, MEMMAP_RAM },
		{ 0x3000, 0x3800, MEMMAP_RESERVED },
	};

	(void)state;
	memmap_init(&m);
	memmap_add(&m, 0x800, 0x2900, MEMMAP_RAM);
	memmap_add(&m, 0x3800, 0x100, MEMMAP_RAM);
	memmap_sanitize(&m);
	memmap_remove(&m, 0x3100, 0x700);
	memmap_add(&m, 0x3000, 0x800, MEMMAP_RESERVED);
	memmap_sanitize(&m);
	memmap_page_align(&m);
	expect(w, 2);
	assert_string_equal(memmap_type_name(MEMMAP_RAM), "RAM");
	assert_string_equal(memmap_type_name(77), "unknown");
}

static void test_sanitize_full(void **state)
{
	(void)state;
	/* 64 RAM ranges, each split in three by a reserved page, need 192
	 * result ranges: too many, so the map is left as it was. */
	memmap_init(&m);
	for (int i = 0; i < 64; i++)
		memmap_add(&m, MB(4 * i), MB(3), MEMMAP_RAM);
	for (int i = 0; i < 64; i++)
		memmap_add(&m, MB(4 * i) + MB(1), KB(4), MEMMAP_RESERVED);
	assert_int_equal(memmap_sanitize(&m), -ENOSPC);
	assert_int_equal(m.nr, 128);
	assert_int_equal(m.range[0].start, 0);
}

/* dom0 sizes */

static uint64_t dom0(const char *spec_desc, struct cmdline_dom0_mem spec,
		     uint64_t avail, int want_rc)
{
	char err[160] = "";
	uint64_t size = 0xdead;
	int rc = memmap_dom0_size(&spec, avail, &size, err, sizeof(err));

	if (rc != want_rc)
		print_error("%s: rc %d, err '%s'\n", spec_desc, rc, err);
	assert_int_equal(rc, want_rc);
	if (rc) {
		assert_true(strlen(err) > 10);
		assert_int_equal(size, 0xdead);
	}
	return size;
}

#define AMT(b) { .set = true, .bytes = (b) }
#define NEG(b) { .set = true, .negative = true, .bytes = (b) }

static void test_dom0_default(void **state)
{
	struct cmdline_dom0_mem none = { 0 };

	(void)state;
	/* 1 GiB free: dom0 gets half (512 MiB), the guests the rest. */
	assert_int_equal(dom0("default 1G", none, GB(1), 0), MB(512));
	/* 8 GiB free: half. */
	assert_int_equal(dom0("default 8G", none, GB(8), 0), GB(4));
	/* 768 MiB free: half is below 512 MiB, dom0 gets 512 MiB. */
	assert_int_equal(dom0("default 768M", none, MB(768), 0), MB(512));
	/* 512 MiB free: dom0 leaves the hypervisor 1/16 = 32 MiB. */
	assert_int_equal(dom0("default 512M", none, MB(512), 0), MB(480));
	/* Unaligned avail is rounded down to pages first. */
	assert_int_equal(dom0("default odd", none, MB(16) + 123, 0), MB(15));
}

static void test_dom0_amount(void **state)
{
	struct cmdline_dom0_mem s = { .amount = AMT(MB(512)) };
	struct cmdline_dom0_mem neg = { .amount = NEG(MB(512)) };
	struct cmdline_dom0_mem odd = { .amount = AMT(MB(1) + 100) };

	(void)state;
	assert_int_equal(dom0("512M", s, GB(2), 0), MB(512));
	assert_int_equal(dom0("-512M", neg, GB(2), 0), GB(2) - MB(512));
	assert_int_equal(dom0("1M+100", odd, GB(2), 0), MB(1));
	/* Exactly all of it is fine; one page more is not. */
	s.amount.bytes = GB(2);
	assert_int_equal(dom0("all", s, GB(2), 0), GB(2));
	s.amount.bytes = GB(2) + KB(4);
	dom0("too large", s, GB(2), -ENOMEM);
	neg.amount.bytes = GB(2);
	dom0("-all", neg, GB(2), -ENOMEM);
	s.amount.bytes = 100;
	dom0("less than a page", s, GB(2), -ENOMEM);
}

static void test_dom0_min_max(void **state)
{
	struct cmdline_dom0_mem s = { .max = AMT(MB(256)) };
	char err[160];
	uint64_t size;

	(void)state;
	/* Default size capped by max:. */
	assert_int_equal(dom0("max:256M", s, GB(4), 0), MB(256));
	/* min: raises a small amount. */
	s = (struct cmdline_dom0_mem){ .amount = AMT(MB(64)), .min = AMT(MB(128)) };
	assert_int_equal(dom0("min:128M,64M", s, GB(4), 0), MB(128));
	/* max: lowers a big amount. */
	s = (struct cmdline_dom0_mem){ .amount = AMT(GB(2)), .max = AMT(GB(1)) };
	assert_int_equal(dom0("max:1G,2G", s, GB(4), 0), GB(1));
	/* Negative max: all but 3 GiB, below the default half. */
	s = (struct cmdline_dom0_mem){ .max = NEG(GB(3)) };
	assert_int_equal(dom0("max:-3G", s, GB(4), 0), GB(1));
	/* Negative min bigger than avail means no minimum. */
	s = (struct cmdline_dom0_mem){ .amount = AMT(MB(64)), .min = NEG(GB(8)) };
	assert_int_equal(dom0("min:-8G", s, GB(4), 0), MB(64));
	/* min: more than there is. */
	s = (struct cmdline_dom0_mem){ .min = AMT(GB(8)) };
	dom0("min:8G", s, GB(4), -ENOMEM);
	/* min: above max:. */
	s = (struct cmdline_dom0_mem){ .min = AMT(GB(2)), .max = AMT(GB(1)) };
	dom0("min>max", s, GB(4), -ENOMEM);
	/* The message names the sizes. */
	s = (struct cmdline_dom0_mem){ .amount = AMT(GB(8)) };
	assert_int_equal(memmap_dom0_size(&s, GB(4), &size, err, sizeof(err)),
			 -ENOMEM);
	assert_string_equal(err,
		"dom0_mem=8G is more than the 4G available");
	assert_int_equal(memmap_dom0_size(&s, MB(1000) + KB(4), &size, err,
					  sizeof(err)), -ENOMEM);
	assert_string_equal(err,
		"dom0_mem=8G is more than the 1024004K available");
	s = (struct cmdline_dom0_mem){ .min = AMT(MB(768)), .max = AMT(MB(512)) };
	assert_int_equal(memmap_dom0_size(&s, GB(4), &size, err, sizeof(err)),
			 -ENOMEM);
	assert_string_equal(err, "dom0_mem=min:768M is larger than max:512M");
	s = (struct cmdline_dom0_mem){ .amount = NEG(GB(4)) };
	assert_int_equal(memmap_dom0_size(&s, GB(4), &size, err, sizeof(err)),
			 -ENOMEM);
	assert_string_equal(err,
		"dom0_mem=-4G leaves nothing for dom0: only 4G are available");
	/* err may be NULL. */
	assert_int_equal(memmap_dom0_size(&s, GB(4), &size, NULL, 0), -ENOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_rejects),
		cmocka_unit_test(test_sanitize_sorts_merges_overlaps),
		cmocka_unit_test(test_sanitize_merges_touching_and_duplicates),
		cmocka_unit_test(test_remove_punches_hole),
		cmocka_unit_test(test_reserve_only_ram),
		cmocka_unit_test(test_clip_mem_limit),
		cmocka_unit_test(test_badpages),
		cmocka_unit_test(test_page_align),
		cmocka_unit_test(test_sanitize_full),
		cmocka_unit_test(test_dom0_default),
		cmocka_unit_test(test_dom0_amount),
		cmocka_unit_test(test_dom0_min_max),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
