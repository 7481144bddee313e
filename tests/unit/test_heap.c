/* test_heap.c - unit tests of the small-object heap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "lib.h"
#include "heap.h"
#include "page_alloc.h"

#define PAGE 4096ull
#define PHYS_BASE 0x200000ull
#define RAM_SIZE (1ull << 20)		/* 256 pages, one for the bitmap */

static void *ram;

static int setup(void **state)
{
	struct memmap map;

	(void)state;
	ram = aligned_alloc(PAGE, RAM_SIZE);
	assert_non_null(ram);
	memset(ram, 0xcc, RAM_SIZE);
	memmap_init(&map);
	memmap_add(&map, PHYS_BASE, RAM_SIZE, MEMMAP_RAM);
	assert_int_equal(page_alloc_init(&map, (uintptr_t)ram - PHYS_BASE), 0);
	heap_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

static bool in_ram(const void *p, size_t n)
{
	return (const char *)p >= (const char *)ram &&
	       (const char *)p + n <= (const char *)ram + RAM_SIZE;
}

static void test_zero_and_null(void **state)
{
	(void)state;
	assert_null(heap_alloc(0));
	assert_int_equal(heap_free(NULL), 0);
	assert_null(heap_alloc(SIZE_MAX));
}

static void test_small_distinct_aligned(void **state)
{
	static const size_t sizes[] = { 1, 8, 15, 16, 17, 100, 500, 1000, 2032 };
	void *p[LIB_ARRAY_SIZE(sizes)][20];
	struct heap_stats before, after;

	(void)state;
	heap_get_stats(&before);
	for (size_t s = 0; s < LIB_ARRAY_SIZE(sizes); s++) {
		for (size_t i = 0; i < 20; i++) {
			p[s][i] = heap_alloc(sizes[s]);
			assert_non_null(p[s][i]);
			assert_int_equal((uintptr_t)p[s][i] % HEAP_ALIGN, 0);
			assert_true(in_ram(p[s][i], sizes[s]));
			memset(p[s][i], (int)(s * 20 + i), sizes[s]);
		}
	}
	/* No block was overwritten by another. */
	for (size_t s = 0; s < LIB_ARRAY_SIZE(sizes); s++)
		for (size_t i = 0; i < 20; i++)
			for (size_t k = 0; k < sizes[s]; k++)
				assert_int_equal(((unsigned char *)p[s][i])[k],
						 (unsigned char)(s * 20 + i));
	heap_get_stats(&after);
	assert_int_equal(after.allocs - before.allocs, 20 * LIB_ARRAY_SIZE(sizes));
	for (size_t s = 0; s < LIB_ARRAY_SIZE(sizes); s++)
		for (size_t i = 0; i < 20; i++)
			assert_int_equal(heap_free(p[s][i]), 0);
	heap_get_stats(&after);
	assert_int_equal(after.bytes_in_use, before.bytes_in_use);
	assert_int_equal(after.frees - before.frees, 20 * LIB_ARRAY_SIZE(sizes));
}

static void test_reuse_after_free(void **state)
{
	void *a, *b;
	uint64_t free_pages;

	(void)state;
	a = heap_alloc(40);
	assert_non_null(a);
	free_pages = page_alloc_free_count();
	assert_int_equal(heap_free(a), 0);
	b = heap_alloc(40);
	assert_ptr_equal(a, b);
	assert_int_equal(page_alloc_free_count(), free_pages);
	assert_int_equal(heap_free(b), 0);
}

static void test_zalloc_clears(void **state)
{
	unsigned char *p;

	(void)state;
	p = heap_alloc(300);
	memset(p, 0xab, 300);
	assert_int_equal(heap_free(p), 0);
	p = heap_zalloc(300);
	assert_non_null(p);
	for (int i = 0; i < 300; i++)
		assert_int_equal(p[i], 0);
	assert_int_equal(heap_free(p), 0);
	p = heap_zalloc(10000);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(p[i], 0);
	assert_int_equal(heap_free(p), 0);
}

static void test_large_returns_pages(void **state)
{
	uint64_t before = page_alloc_free_count();
	void *p;

	(void)state;
	p = heap_alloc(3 * PAGE);	/* + header: 4 pages, order 2 */
	assert_non_null(p);
	assert_int_equal(before - page_alloc_free_count(), 4);
	assert_int_equal(heap_free(p), 0);
	assert_int_equal(page_alloc_free_count(), before);
	p = heap_alloc(4 * PAGE);	/* + header: 8 pages */
	assert_int_equal(before - page_alloc_free_count(), 8);
	assert_int_equal(heap_free(p), 0);
}

static void test_bad_free(void **state)
{
	char *p = heap_alloc(64);

	(void)state;
	assert_int_equal(heap_free(p + 16), -EINVAL);
	assert_int_equal(heap_free(p + 1), -EINVAL);
	assert_int_equal(heap_free(p), 0);
	assert_int_equal(heap_free(p), -EINVAL);	/* double free */
	p = heap_alloc(20000);
	assert_int_equal(heap_free(p), 0);
	assert_int_equal(heap_free(p), -EINVAL);
}

static void test_exhaustion(void **state)
{
	void *p[600];
	int n = 0;
	struct heap_stats s;

	(void)state;
	/* 255 free pages; 2000-byte blocks take a 2 KiB slot, two a page. */
	while (n < 600 && (p[n] = heap_alloc(2000)) != NULL)
		n++;
	assert_int_equal(n, 2 * 255);
	assert_int_equal(page_alloc_free_count(), 0);
	heap_get_stats(&s);
	assert_int_equal(s.pages, 255);
	assert_null(heap_alloc(200 * PAGE));
	while (n--)
		assert_int_equal(heap_free(p[n]), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_zero_and_null, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_distinct_aligned, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reuse_after_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zalloc_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_returns_pages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
	};

	return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
