/* test_mmio_insn_cache.c - unit tests of the decoded-instruction cache of MMIO emulation: hits, code patched in place, what is never kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/emul/mmio_insn_cache.h"

#define DEV	0xfee00000ull	/* the fake device's page */
#define CODE	0x400000ull	/* linear address of the code page */
#define CODE_GPA 0x5000ull

static uint8_t gram[0x8000];	/* guest RAM: page tables and code */
static uint32_t dev_reg;	/* the device's one register, at DEV + 0xb0 */
static unsigned int ram_reads;
static struct mmio_insn_cache cache;
static struct cpu_regs r;
static struct mmio_result res;

static int gram_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	(void)opaque;
	ram_reads++;
	if (gpa >= sizeof(gram) || size > sizeof(gram) - gpa)
		return -EIO;
	*val = 0;
	memcpy(val, gram + gpa, size);
	return 0;
}

static int dev_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	(void)opaque;
	assert_int_equal(gpa, DEV + 0xb0);
	assert_int_equal(size, 4);
	*val = dev_reg;
	return 0;
}

static int dev_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val)
{
	(void)opaque;
	assert_int_equal(gpa, DEV + 0xb0);
	assert_int_equal(size, 4);
	dev_reg = (uint32_t)val;
	return 0;
}

static const struct mmio_ops ops = { dev_read, dev_write, NULL, NULL };

/* Long mode, CPL 0: the guest's paging state. */
static struct mmio_guest g = { { 0x80000011, 0x1000, 0x20, 0xd00 }, 0, true, false, 0,
			       gram_read, NULL };

static void gram64(uint64_t gpa, uint64_t v) { memcpy(gram + gpa, &v, 8); }

/* Tables mapping CODE to CODE_GPA and CODE + 0x1000 to 0x6000. */
static void map_code(void)
{
	gram64(0x1000, 0x2000 | 3);
	gram64(0x2000, 0x3000 | 3);
	gram64(0x3000 + 2 * 8, 0x4000 | 3);
	gram64(0x4000, CODE_GPA | 3);
	gram64(0x4008, 0x6000 | 3);
}

static int setup(void **state)
{
	(void)state;
	memset(gram, 0, sizeof(gram));
	memset(&cache, 0, sizeof(cache));
	memset(&r, 0, sizeof(r));
	g.cpl = 0;
	g.cs_l = true;
	dev_reg = 0;
	map_code();
	r.rflags = 0x2;
	return 0;
}

/* Emulate the access at DEV + 0xb0 (a write when write) with RIP at rip. */
static int emulate(uint64_t rip, bool write)
{
	struct mmio_access a = { DEV + 0xb0, write, 0, &ops, NULL };

	r.rip = rip;
	ram_reads = 0;
	return mmio_emulate_at_rip_cached(&cache, &g, &r, &a, &res);
}

/* mov %eax,0xb0(%rdi) at off in the code page (6 bytes: 89 87 b0 00 00 00). */
static void put_store(uint64_t off)
{
	memcpy(gram + CODE_GPA + off, (const uint8_t[]){ 0x89, 0x87, 0xb0, 0x00, 0x00, 0x00 }, 6);
}

/* The second access skips the walk (the tables may even be gone) and the
 * decoder, and does what the first did. */
static void test_hit(void **state)
{
	(void)state;
	put_store(0x10);
	r.rax = 0x11;
	assert_int_equal(emulate(CODE + 0x10, true), 0);
	assert_int_equal(dev_reg, 0x11);
	assert_int_equal(r.rip, CODE + 0x16);
	assert_int_equal(cache.misses, 1);
	assert_int_equal(cache.hits, 0);

	memset(gram + 0x1000, 0, 0x4000);	/* no page tables any more */
	r.rax = 0x22;
	assert_int_equal(emulate(CODE + 0x10, true), 0);
	assert_int_equal(dev_reg, 0x22);
	assert_int_equal(r.rip, CODE + 0x16);
	assert_int_equal(cache.hits, 1);
	assert_int_equal(ram_reads, 2);		/* the 6 bytes compared: 4 + 2 */
	assert_int_equal(res.insn.len, 6);
	assert_null(res.why);

	/* a read from the same RIP is the same instruction: a store */
	assert_int_equal(emulate(CODE + 0x10, false), 0);
	assert_int_equal(cache.hits, 2);
}

/* Code patched in place is fetched and decoded anew. */
static void test_patched(void **state)
{
	(void)state;
	put_store(0x20);
	r.rax = 5;
	assert_int_equal(emulate(CODE + 0x20, true), 0);
	/* mov 0xb0(%rdi),%eax now (8b instead of 89) */
	gram[CODE_GPA + 0x20] = 0x8b;
	dev_reg = 0x77;
	assert_int_equal(emulate(CODE + 0x20, false), 0);
	assert_int_equal(r.rax, 0x77);
	assert_int_equal(cache.hits, 0);
	assert_int_equal(cache.misses, 2);
	assert_int_equal(emulate(CODE + 0x20, false), 0);
	assert_int_equal(cache.hits, 1);
}

/* User mode, another code mode at the same address, an instruction across
 * two pages and one that failed are never reused. */
static void test_not_kept(void **state)
{
	(void)state;
	put_store(0x30);
	g.cpl = 3;
	gram64(0x1000, 0x2000 | 7);
	gram64(0x2000, 0x3000 | 7);
	gram64(0x3000 + 2 * 8, 0x4000 | 7);
	gram64(0x4000, CODE_GPA | 7);
	assert_int_equal(emulate(CODE + 0x30, true), 0);
	assert_int_equal(emulate(CODE + 0x30, true), 0);
	assert_int_equal(cache.hits, 0);

	g.cpl = 0;
	assert_int_equal(emulate(CODE + 0x30, true), 0);
	g.cs_l = false;		/* compatibility mode: 32-bit code */
	g.cs_d = true;
	assert_int_equal(emulate(CODE + 0x30, true), 0);
	assert_int_equal(cache.hits, 0);
	g.cs_l = true;
	g.cs_d = false;

	/* the last 3 bytes in the first page, the rest in the next */
	memcpy(gram + CODE_GPA + 0xffd, (const uint8_t[]){ 0x89, 0x87, 0xb0 }, 3);
	memcpy(gram + 0x6000, (const uint8_t[]){ 0x00, 0x00, 0x00 }, 3);
	assert_int_equal(emulate(CODE + 0xffd, true), 0);
	assert_int_equal(emulate(CODE + 0xffd, true), 0);
	assert_int_equal(cache.hits, 0);

	/* ud2: refused, and not remembered */
	memcpy(gram + CODE_GPA + 0x40, (const uint8_t[]){ 0x0f, 0x0b }, 2);
	assert_int_equal(emulate(CODE + 0x40, true), -EOPNOTSUPP);
	assert_int_equal(emulate(CODE + 0x40, true), -EOPNOTSUPP);
	assert_int_equal(cache.hits, 0);
}

/* A slot taken by another address, and code that left RAM, are misses. */
static void test_replaced(void **state)
{
	unsigned int i, valid = 0;

	(void)state;
	for (i = 0; i < 64; i++) {
		put_store(0x100 + 8 * i);
		assert_int_equal(emulate(CODE + 0x100 + 8 * i, true), 0);
	}
	assert_int_equal(cache.hits, 0);
	for (i = 0; i < MMIO_INSN_CACHE_SLOTS; i++)
		valid += cache.slot[i].valid;
	assert_true(valid > 1 && valid <= MMIO_INSN_CACHE_SLOTS);
	assert_int_equal(emulate(CODE + 0x100 + 8 * 63, true), 0);	/* the last one kept */
	assert_int_equal(cache.hits, 1);
	assert_int_equal(emulate(CODE + 0x100, true), 0);	/* replaced meanwhile */
	assert_int_equal(cache.hits, 1);

	/* the slot's gpa no longer readable: the full path answers */
	put_store(0x10);
	assert_int_equal(emulate(CODE + 0x10, true), 0);
	gram64(0x4000, 0x9000 | 3);		/* outside the fake RAM */
	for (i = 0; i < MMIO_INSN_CACHE_SLOTS; i++)
		if (cache.slot[i].valid && cache.slot[i].linear == CODE + 0x10)
			cache.slot[i].gpa = sizeof(gram);
	assert_int_equal(emulate(CODE + 0x10, true), -EIO);
	assert_int_equal(cache.hits, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_hit, setup),
		cmocka_unit_test_setup(test_patched, setup),
		cmocka_unit_test_setup(test_not_kept, setup),
		cmocka_unit_test_setup(test_replaced, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
