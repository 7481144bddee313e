/* test_page_alloc.c - unit tests of the physical page allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "page_alloc.h"

/*
 * Fake RAM: host memory standing in for physical [PHYS_BASE, PHYS_BASE +
 * RAM_SIZE), with a reserved hole in the middle.
 */
#define PAGE 4096ull
#define PHYS_BASE 0x100000ull		/* 1 MiB */
#define RAM_SIZE (8ull << 20)		/* 8 MiB */
#define HOLE_START (PHYS_BASE + (4ull << 20))
#define HOLE_SIZE (1ull << 20)

static void *ram;
static struct memmap map;

static int setup(void **state)
{
	(void)state;
	ram = aligned_alloc(PAGE, RAM_SIZE);
	assert_non_null(ram);
	memset(ram, 0xcc, RAM_SIZE);
	memmap_init(&map);
	memmap_add(&map, PHYS_BASE, RAM_SIZE, MEMMAP_RAM);
	memmap_add(&map, HOLE_START, HOLE_SIZE, MEMMAP_RESERVED);
	assert_int_equal(memmap_sanitize(&map), 0);
	assert_int_equal(page_alloc_init(&map, (uintptr_t)ram - PHYS_BASE), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

static uint64_t ram_pages(void)
{
	return (RAM_SIZE - HOLE_SIZE) / PAGE;
}

static void test_init_counts(void **state)
{
	(void)state;
	/* One bitmap page (2048 pages span) is taken from the RAM. */
	assert_int_equal(page_alloc_total_count(), ram_pages() - 1);
	assert_int_equal(page_alloc_free_count(), ram_pages() - 1);
	assert_ptr_equal(page_alloc_virt(PHYS_BASE), ram);
	assert_int_equal(page_alloc_phys((char *)ram + 5 * PAGE), PHYS_BASE + 5 * PAGE);
}

static void test_alloc_free_single(void **state)
{
	uint64_t pa, pb;

	(void)state;
	assert_int_equal(page_alloc_pages(0, &pa), 0);
	assert_int_equal(pa % PAGE, 0);
	assert_true(pa >= PHYS_BASE && pa < PHYS_BASE + RAM_SIZE);
	assert_false(pa >= HOLE_START && pa < HOLE_START + HOLE_SIZE);
	assert_int_equal(page_alloc_free_count(), ram_pages() - 2);
	assert_int_equal(page_alloc_pages(0, &pb), 0);
	assert_int_not_equal(pa, pb);
	assert_int_equal(page_alloc_free_pages(pa, 0), 0);
	assert_int_equal(page_alloc_free_pages(pb, 0), 0);
	assert_int_equal(page_alloc_free_count(), ram_pages() - 1);
}

/* page_alloc_zeroed clears the whole block (the RAM starts as 0xcc) and
 * returns its mapping; a request that cannot be met gives NULL. */
static void test_zeroed(void **state)
{
	const uint8_t *p;
	uint64_t pa, i;

	(void)state;
	p = page_alloc_zeroed(2, &pa);
	assert_non_null(p);
	assert_ptr_equal(p, page_alloc_virt(pa));
	for (i = 0; i < 4 * PAGE; i++)
		assert_int_equal(p[i], 0);
	assert_null(page_alloc_zeroed(40, &pa));
}

static void test_alignment_of_orders(void **state)
{
	uint64_t pa[PAGE_ALLOC_MAX_ORDER];

	(void)state;
	for (unsigned int k = 0; k <= 9; k++) {
		assert_int_equal(page_alloc_pages(k, &pa[k]), 0);
		assert_int_equal(pa[k] % (PAGE << k), 0);
	}
	for (unsigned int k = 0; k <= 9; k++)
		assert_int_equal(page_alloc_free_pages(pa[k], k), 0);
	assert_int_equal(page_alloc_free_count(), ram_pages() - 1);
	assert_int_equal(page_alloc_pages(PAGE_ALLOC_MAX_ORDER, &pa[0]), -EINVAL);
}

/* Take every page one by one: all distinct, never in the hole, and the
 * count matches; then all come back and merge again. */
static void test_exhaustion_no_overlap_coalescing(void **state)
{
	uint64_t n = page_alloc_free_count(), got = 0, pa;
	uint64_t *list = calloc(n, sizeof(*list));
	uint64_t big;

	(void)state;
	assert_non_null(list);
	while (page_alloc_pages(0, &pa) == 0) {
		uint64_t *word = page_alloc_virt(pa);

		assert_false(pa >= HOLE_START && pa < HOLE_START + HOLE_SIZE);
		assert_true(got < n);
		/* Stamp the page; a page handed out twice would be seen. */
		assert_int_not_equal(*word, pa);
		*word = pa;
		list[got++] = pa;
	}
	assert_int_equal(got, n);
	assert_int_equal(page_alloc_free_count(), 0);
	assert_int_equal(page_alloc_pages(0, &pa), -ENOMEM);
	for (uint64_t i = 0; i < got; i++)
		assert_int_equal(*(uint64_t *)page_alloc_virt(list[i]), list[i]);

	/* Free in an interleaved order so merging has to happen late. */
	for (uint64_t i = 0; i < got; i += 2)
		assert_int_equal(page_alloc_free_pages(list[i], 0), 0);
	for (uint64_t i = 1; i < got; i += 2)
		assert_int_equal(page_alloc_free_pages(list[i], 0), 0);
	assert_int_equal(page_alloc_free_count(), n);
	/* Coalesced: a 2 MiB block exists again (RAM 1..5 MiB minus the
	 * bitmap page still holds the aligned 2..4 MiB block). */
	assert_int_equal(page_alloc_pages(9, &big), 0);
	assert_int_equal(big % (2ull << 20), 0);
	assert_int_equal(page_alloc_free_pages(big, 9), 0);
	free(list);
}

static void test_large_exhaustion(void **state)
{
	uint64_t pa[8];
	int n = 0;

	(void)state;
	/* 2 MiB-aligned 2 MiB blocks inside 1..5 MiB and 6..9 MiB: two at
	 * most (2-4 MiB, 6-8 MiB). */
	while (n < 8 && page_alloc_pages(9, &pa[n]) == 0)
		n++;
	assert_int_equal(n, 2);
	assert_int_equal(page_alloc_pages(10, &pa[7]), -ENOMEM);
	while (n--)
		assert_int_equal(page_alloc_free_pages(pa[n], 9), 0);
	assert_int_equal(page_alloc_free_count(), ram_pages() - 1);
}

static void test_bad_frees(void **state)
{
	uint64_t pa, pb;

	(void)state;
	assert_int_equal(page_alloc_pages(1, &pa), 0);
	/* Misaligned for the order, not page aligned, outside RAM, hole. */
	assert_int_equal(page_alloc_free_pages(pa + PAGE, 1), -EINVAL);
	assert_int_equal(page_alloc_free_pages(pa + 8, 0), -EINVAL);
	assert_int_equal(page_alloc_free_pages(0x10000000, 0), -EINVAL);
	assert_int_equal(page_alloc_free_pages(HOLE_START, 0), -EINVAL);
	assert_int_equal(page_alloc_free_pages(pa, PAGE_ALLOC_MAX_ORDER), -EINVAL);
	/* Partly free: the 2nd page of the block freed, then the block. */
	assert_int_equal(page_alloc_free_pages(pa + PAGE, 0), 0);
	assert_int_equal(page_alloc_free_pages(pa, 1), -EINVAL);
	assert_int_equal(page_alloc_free_pages(pa, 0), 0);
	/* Double free, also once merged into a bigger free block. */
	assert_int_equal(page_alloc_free_pages(pa, 0), -EINVAL);
	assert_int_equal(page_alloc_free_pages(pa + PAGE, 0), -EINVAL);
	assert_int_equal(page_alloc_free_count(), ram_pages() - 1);
	/* A free inside a free 2 MiB block is refused. */
	assert_int_equal(page_alloc_pages(0, &pb), 0);
	assert_int_equal(page_alloc_free_pages(pb, 0), 0);
	assert_int_equal(page_alloc_free_pages(PHYS_BASE + (6ull << 20), 0),
			 -EINVAL);
	assert_int_equal(page_alloc_free_count(), ram_pages() - 1);
}

static void test_no_ram(void **state)
{
	struct memmap empty;

	(void)state;
	memmap_init(&empty);
	memmap_add(&empty, 0, 0x800, MEMMAP_RAM);	/* less than a page */
	assert_int_equal(page_alloc_init(&empty, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_free_single, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zeroed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alignment_of_orders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion_no_overlap_coalescing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_frees, setup, teardown),
		cmocka_unit_test(test_no_ram),
	};

	return cmocka_run_group_tests_name("page_alloc", tests, NULL, NULL);
}
