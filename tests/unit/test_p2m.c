/* test_p2m.c - unit tests of the nested page tables, in the NPT and the EPT format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "memmap.h"
#include "page_alloc.h"
#include "arch/x86/hvm/p2m.h"
#include "arch/x86/hvm/svm/npt.h"
#include "arch/x86/hvm/vmx/ept.h"

/* Fake RAM for the allocator (the tables' pages), as in test_page_alloc.c. */
#define PAGE 4096ull
#define PHYS_BASE 0x100000ull
#define RAM_SIZE (4ull << 20)
#define MIB (1ull << 20)

static void *ram;
static struct p2m p2m;

static int setup(void **state)
{
	struct memmap map;

	ram = aligned_alloc(PAGE, RAM_SIZE);
	assert_non_null(ram);
	memmap_init(&map);
	memmap_add(&map, PHYS_BASE, RAM_SIZE, MEMMAP_RAM);
	assert_int_equal(page_alloc_init(&map, (uintptr_t)ram - PHYS_BASE), 0);
	assert_int_equal(p2m_init(&p2m, *state), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

/* The entry for gpa at level (4 = PML4 ... 1 = PTE), walking the tables. */
static uint64_t entry_at(uint64_t gpa, int level)
{
	uint64_t pa = p2m.root_pa, e = 0;
	int l;

	for (l = 4; l >= level; l--) {
		e = ((uint64_t *)page_alloc_virt(pa))[(gpa >> (12 + 9 * (l - 1))) & 511];
		pa = e & P2M_ADDR_MASK;
	}
	return e;
}

/* Identity: 2 MiB pages where aligned, 4 KiB ones at the ragged end, each
 * entry carrying the format's bits. */
static void test_identity(void **state)
{
	const struct p2m_format *f = *state;

	assert_int_equal(p2m_map_identity(&p2m, 0, 4 * MIB + 2 * PAGE), 0);
	assert_int_equal(p2m_lookup(&p2m, 0x1234), 0x1234);
	assert_int_equal(p2m_lookup(&p2m, 3 * MIB + 5), 3 * MIB + 5);
	assert_int_equal(p2m_lookup(&p2m, 4 * MIB + PAGE + 8), 4 * MIB + PAGE + 8);
	assert_int_equal(p2m_lookup(&p2m, 4 * MIB + 2 * PAGE), (uint64_t)-1);
	assert_int_equal(entry_at(0, 4) & ~P2M_ADDR_MASK, f->table);
	assert_int_equal(entry_at(2 * MIB, 2), 2 * MIB | f->leaf | f->large);
	assert_int_equal(entry_at(4 * MIB + PAGE, 1), (4 * MIB + PAGE) | f->leaf);
}

/* A 4 KiB remap or hole inside a 2 MiB page splits it; its neighbours
 * keep their mapping. */
static void test_split(void **state)
{
	(void)state;
	assert_int_equal(p2m_map_identity(&p2m, 0, 4 * MIB), 0);
	assert_int_equal(p2m_map_page(&p2m, 2 * MIB + PAGE, 0x77000), 0);
	assert_int_equal(p2m_unmap_page(&p2m, 2 * MIB + 2 * PAGE), 0);
	assert_int_equal(p2m_lookup(&p2m, 2 * MIB + PAGE + 1), 0x77001);
	assert_int_equal(p2m_lookup(&p2m, 2 * MIB + 2 * PAGE), (uint64_t)-1);
	assert_int_equal(p2m_lookup(&p2m, 2 * MIB + 3 * PAGE), 2 * MIB + 3 * PAGE);
	assert_int_equal(p2m_lookup(&p2m, 2 * MIB), 2 * MIB);
	assert_int_equal(p2m_map_large(&p2m, 2 * MIB + PAGE, 0), -EINVAL);
}

/* Hidden memory shows the sink (all ones), in whole 2 MiB tables and in
 * single pages; a page remapped inside a shared sink table gets its own. */
static void test_sink(void **state)
{
	(void)state;
	assert_int_equal(p2m_map_sink(&p2m, 0, 2 * MIB + PAGE), 0);
	assert_int_equal(p2m_lookup(&p2m, 0x5000), p2m.sink_pa);
	assert_int_equal(p2m_lookup(&p2m, 2 * MIB), p2m.sink_pa);
	assert_int_equal(*(uint8_t *)page_alloc_virt(p2m.sink_pa), 0xff);
	assert_int_equal(p2m_map_page(&p2m, 0x5000, 0x5000), 0);
	assert_int_equal(p2m_lookup(&p2m, 0x5000), 0x5000);
	assert_int_equal(p2m_lookup(&p2m, 0x6000), p2m.sink_pa);
	assert_int_equal(p2m_lookup(&p2m, 0x405000), (uint64_t)-1);
}

static uint64_t leaves_bytes;

static void count_leaf(uint64_t hpa, unsigned int order, void *ctx)
{
	(void)hpa;
	assert_ptr_equal(ctx, &leaves_bytes);
	leaves_bytes += PAGE << order;
}

/* Destroy hands every mapped page but the sink to the callback and gives
 * every table page back. */
static void test_destroy(void **state)
{
	uint64_t free_before;

	(void)state;
	assert_int_equal(p2m_map_identity(&p2m, 0, 2 * MIB + 3 * PAGE), 0);
	assert_int_equal(p2m_map_sink(&p2m, 8 * MIB, 10 * MIB), 0);
	free_before = page_alloc_free_count() + p2m.pages + 1;
	leaves_bytes = 0;
	p2m_destroy(&p2m, count_leaf, &leaves_bytes);
	assert_int_equal(leaves_bytes, 2 * MIB + 3 * PAGE);
	assert_int_equal(page_alloc_free_count(), free_before);
	assert_int_equal(p2m.root_pa, 0);
}

/* A window's life: 2 MiB ranges shown as zeros (revoked), then unmapped;
 * the tables under them freed, the zero page never handed to leaf. */
static void test_clear_large(void **state)
{
	uint64_t span, pages;

	(void)state;
	assert_int_equal(p2m_map_identity(&p2m, 0, 4 * MIB), 0);
	assert_int_equal(p2m_lookup_span(&p2m, 2 * MIB + 0x10, &span), 2 * MIB + 0x10);
	assert_int_equal(span, 2 * MIB);
	assert_int_equal(p2m_map_page(&p2m, 0x3000, 0x9000), 0);	/* a private table */
	assert_int_equal(p2m_lookup_span(&p2m, 0x3000, &span), 0x9000);
	assert_int_equal(span, PAGE);
	pages = p2m.pages;
	assert_int_equal(p2m_clear_large(&p2m, 0, 2 * MIB, true), 0);
	assert_int_equal(p2m.pages, pages);	/* one table freed, the zero table made */
	assert_int_equal(p2m_lookup(&p2m, 0x3000), p2m.zero_pa);
	assert_int_equal(*(uint8_t *)page_alloc_virt(p2m.zero_pa), 0);
	assert_int_equal(p2m_lookup(&p2m, 2 * MIB), 2 * MIB);
	assert_int_equal(p2m_clear_large(&p2m, 0, 4 * MIB, false), 0);
	assert_int_equal(p2m_lookup(&p2m, 0x3000), (uint64_t)-1);
	assert_int_equal(p2m_lookup(&p2m, 2 * MIB), (uint64_t)-1);
	assert_int_equal(p2m_clear_large(&p2m, 0, 2 * MIB, true), 0);
	leaves_bytes = 0;
	p2m_destroy(&p2m, count_leaf, &leaves_bytes);
	assert_int_equal(leaves_bytes, 0);
}

/* Device memory carries the format's device bits, in 2 MiB and 4 KiB
 * entries, and keeps them when a 4 KiB remap splits its 2 MiB page. */
static void test_device(void **state)
{
	const struct p2m_format *f = *state;

	assert_int_equal(p2m_map_device(&p2m, 0, 2 * MIB + PAGE), 0);
	assert_int_equal(p2m_map_identity(&p2m, 4 * MIB, 6 * MIB), 0);
	assert_int_equal(entry_at(0, 2), f->device | f->large);
	assert_int_equal(entry_at(2 * MIB, 1), 2 * MIB | f->device);
	assert_int_equal(entry_at(4 * MIB, 2), 4 * MIB | f->leaf | f->large);
	assert_int_equal(p2m_map_page(&p2m, 0x5000, 0x9000), 0);
	assert_int_equal(entry_at(0x5000, 1), 0x9000 | f->leaf);
	assert_int_equal(entry_at(0x6000, 1), 0x6000 | f->device);
	assert_int_equal(entry_at(0x1ff000, 1), 0x1ff000 | f->device);
	assert_int_equal(p2m_map_page(&p2m, 4 * MIB + PAGE, 0x9000), 0);
	assert_int_equal(entry_at(4 * MIB + 2 * PAGE, 1), (4 * MIB + 2 * PAGE) | f->leaf);
}

/* EPT's memory types: RAM write-back, device memory uncached, both
 * readable, writable and executable, the guest's PAT not ignored (SDM
 * vol. 3 §28.2.2, §28.2.6); the EPT pointer asks for 4-level write-back
 * walks (§24.6.11). */
static void test_ept_memory_types(void **state)
{
	(void)state;
	assert_int_equal(ept_format.leaf, 0x7 | (6 << 3));
	assert_int_equal(ept_format.device, 0x7);
	assert_int_equal(ept_format.leaf & EPT_IGNORE_PAT, 0);
	assert_int_equal((ept_format.leaf >> EPT_MEMTYPE_SHIFT) & 7, EPT_MT_WB);
	assert_int_equal((ept_format.device >> EPT_MEMTYPE_SHIFT) & 7, EPT_MT_UC);
	assert_int_equal(ept_format.large, 0x80);
	assert_int_equal(ept_format.write, 0x2);
	assert_int_equal(EPT_LEAF(EPT_MT_WC), 0x7 | (1 << 3));
	assert_int_equal(ept_pointer(0x12345000), 0x12345000 | 0x1e);
	assert_int_equal(ept_pointer(0x12345fff), 0x12345000 | 0x1e);
	/* NPT has no memory type of its own: the MTRRs keep MMIO uncached. */
	assert_int_equal(npt_format.device, npt_format.leaf);
}

#define BOTH(test) \
	cmocka_unit_test_prestate_setup_teardown(test, setup, teardown, (void *)&npt_format), \
	cmocka_unit_test_prestate_setup_teardown(test, setup, teardown, (void *)&ept_format)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_identity),
		BOTH(test_split),
		BOTH(test_sink),
		BOTH(test_destroy),
		BOTH(test_clear_large),
		BOTH(test_device),
		cmocka_unit_test(test_ept_memory_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
