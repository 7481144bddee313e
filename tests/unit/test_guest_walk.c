/* test_guest_walk.c - unit tests of the guest page-table walk over a fake guest memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/emul/guest_walk.h"

#define PAGES 64
static uint8_t mem[PAGES * 4096];
static unsigned int reads;

#define P	0x1ull
#define RW	0x2ull
#define US	0x4ull
#define PS	0x80ull
#define NX	(1ull << 63)

#define CR0_PG	GUEST_WALK_CR0_PG
#define CR0_WP	GUEST_WALK_CR0_WP
#define LMA	GUEST_WALK_EFER_LMA
#define NXE	GUEST_WALK_EFER_NXE

/* The fake guest-physical memory: reads outside it fail. */
static int fake_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	(void)opaque;
	reads++;
	if (gpa >= sizeof(mem) || size > sizeof(mem) - gpa)
		return -EIO;
	*val = 0;
	memcpy(val, mem + gpa, size);
	return 0;
}

static void wr64(uint64_t gpa, uint64_t v) { memcpy(mem + gpa, &v, 8); }
static void wr32(uint64_t gpa, uint32_t v) { memcpy(mem + gpa, &v, 4); }

static int walk(const struct guest_walk_cpu *c, uint64_t gva, unsigned int access,
		uint64_t *gpa, uint32_t *pfec)
{
	*gpa = 0xdead;
	return guest_walk(c, gva, access, fake_read, NULL, gpa, pfec);
}

static int reset(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	reads = 0;
	return 0;
}

/* Long mode: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000 for gva. */
static const uint64_t KVA = 0xffffffff81234567ull;
static struct guest_walk_cpu long_cpu = { CR0_PG | CR0_WP, 0x1000, 0x20, LMA | NXE };

static void map_long(uint64_t gva, uint64_t pte_flags, uint64_t upper_flags)
{
	wr64(0x1000 + ((gva >> 39) & 511) * 8, 0x2000 | upper_flags);
	wr64(0x2000 + ((gva >> 30) & 511) * 8, 0x3000 | upper_flags);
	wr64(0x3000 + ((gva >> 21) & 511) * 8, 0x4000 | upper_flags);
	wr64(0x4000 + ((gva >> 12) & 511) * 8, 0x10000 | pte_flags);
}

static void test_no_paging(void **state)
{
	struct guest_walk_cpu c = { 0x11, 0, 0, 0 };
	uint64_t gpa;
	uint32_t pfec;

	(void)state;
	assert_int_equal(walk(&c, 0x1234fee00020ull, GUEST_WALK_WRITE, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0xfee00020);
	assert_int_equal(reads, 0);
}

static void test_long_4k(void **state)
{
	uint64_t gpa;
	uint32_t pfec;

	(void)state;
	map_long(KVA, P | RW, P | RW);
	assert_int_equal(walk(&long_cpu, KVA, GUEST_WALK_WRITE, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0x10567);
	assert_int_equal(reads, 4);
	/* CR3's low bits (PCD/PWT, PCID) are not part of the address */
	struct guest_walk_cpu c = long_cpu;
	c.cr3 |= 0x18;
	assert_int_equal(walk(&c, KVA, 0, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0x10567);
}

static void test_long_large(void **state)
{
	uint64_t gpa;
	uint32_t pfec;

	(void)state;
	map_long(KVA, P | RW, P | RW);
	/* 2 MiB: PDE with PS; bit 12 (PAT) is not an address bit */
	wr64(0x3000 + ((KVA >> 21) & 511) * 8, 0x40000000ull | 0x1000 | PS | P | RW);
	assert_int_equal(walk(&long_cpu, KVA, 0, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0x40000000ull | (KVA & 0x1fffff));
	/* 1 GiB: PDPTE with PS */
	wr64(0x2000 + ((KVA >> 30) & 511) * 8, 0x80000000ull | PS | P | RW);
	assert_int_equal(walk(&long_cpu, KVA, 0, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0x80000000ull | (KVA & 0x3fffffff));
	/* PS in a PML4E is reserved */
	wr64(0x1000 + ((KVA >> 39) & 511) * 8, 0x2000 | PS | P | RW);
	assert_int_equal(walk(&long_cpu, KVA, GUEST_WALK_WRITE, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_P | GUEST_PFEC_RSVD | GUEST_PFEC_W);
}

static void test_long_not_present(void **state)
{
	uint64_t gpa;
	uint32_t pfec;

	(void)state;
	map_long(KVA, 0, P | RW);
	assert_int_equal(walk(&long_cpu, KVA, GUEST_WALK_WRITE, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_W);
	assert_int_equal(gpa, 0xdead);
	/* not present higher up, user read */
	memset(mem, 0, sizeof(mem));
	reads = 0;
	assert_int_equal(walk(&long_cpu, 0x400000, GUEST_WALK_USER, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_U);
	assert_int_equal(reads, 1);
}

static void test_permissions(void **state)
{
	struct guest_walk_cpu c = long_cpu;
	uint64_t gpa;
	uint32_t pfec;

	(void)state;
	/* supervisor page: user read faults with P|U */
	map_long(KVA, P | RW, P | RW);
	assert_int_equal(walk(&c, KVA, GUEST_WALK_USER, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_P | GUEST_PFEC_U);
	/* U/S must be set at every level */
	map_long(KVA, P | RW | US, P | RW);
	assert_int_equal(walk(&c, KVA, GUEST_WALK_USER, &gpa, &pfec), -EFAULT);
	map_long(KVA, P | RW | US, P | RW | US);
	assert_int_equal(walk(&c, KVA, GUEST_WALK_USER | GUEST_WALK_WRITE, &gpa, &pfec), 0);
	/* read-only at one level: supervisor write faults only with CR0.WP */
	map_long(KVA, P | US, P | RW | US);
	assert_int_equal(walk(&c, KVA, GUEST_WALK_WRITE, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_P | GUEST_PFEC_W);
	c.cr0 &= ~CR0_WP;
	assert_int_equal(walk(&c, KVA, GUEST_WALK_WRITE, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0x10567);
	/* ... but a user write always faults */
	assert_int_equal(walk(&c, KVA, GUEST_WALK_WRITE | GUEST_WALK_USER, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_P | GUEST_PFEC_W | GUEST_PFEC_U);
}

static void test_nx(void **state)
{
	struct guest_walk_cpu c = long_cpu;
	uint64_t gpa;
	uint32_t pfec;

	(void)state;
	map_long(KVA, P | RW | NX, P | RW);
	assert_int_equal(walk(&c, KVA, 0, &gpa, &pfec), 0);	/* data read is fine */
	assert_int_equal(walk(&c, KVA, GUEST_WALK_FETCH, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_P | GUEST_PFEC_I);
	/* NX at an upper level counts too */
	map_long(KVA, P | RW, P | RW | NX);
	assert_int_equal(walk(&c, KVA, GUEST_WALK_FETCH, &gpa, &pfec), -EFAULT);
	/* without EFER.NXE bit 63 is reserved */
	c.efer &= ~NXE;
	assert_int_equal(walk(&c, KVA, 0, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_P | GUEST_PFEC_RSVD);
	/* and a fetch fault then carries no I/D bit (no SMEP, no NXE) */
	map_long(KVA, 0, P | RW);
	assert_int_equal(walk(&c, KVA, GUEST_WALK_FETCH, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, 0);
}

static void test_long_address_checks(void **state)
{
	struct guest_walk_cpu c = long_cpu;
	uint64_t gpa;
	uint32_t pfec;

	(void)state;
	assert_int_equal(walk(&c, 0x0000800000000000ull, 0, &gpa, &pfec), -EINVAL);
	assert_int_equal(walk(&c, 0xffff7fffffffffffull, 0, &gpa, &pfec), -EINVAL);
	assert_int_equal(reads, 0);
	c.cr4 |= GUEST_WALK_CR4_LA57;
	assert_int_equal(walk(&c, KVA, 0, &gpa, &pfec), -EOPNOTSUPP);
	/* a table outside guest memory */
	wr64(0x1000 + ((KVA >> 39) & 511) * 8, 0x7000000000ull | P | RW);
	assert_int_equal(walk(&long_cpu, KVA, 0, &gpa, &pfec), -EIO);
}

/* 32-bit paging: PD 0x1000, PT 0x2000. */
static void test_legacy32(void **state)
{
	struct guest_walk_cpu c = { CR0_PG, 0x1000, 0, 0 };
	uint64_t gpa, gva = 0xc0123456;
	uint32_t pfec;

	(void)state;
	wr32(0x1000 + (gva >> 22) * 4, 0x2000 | P | RW);
	wr32(0x2000 + ((gva >> 12) & 1023) * 4, 0x15000 | P | RW);
	assert_int_equal(walk(&c, gva, GUEST_WALK_WRITE, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0x15456);
	/* the upper half of a 64-bit gva is ignored outside long mode */
	assert_int_equal(walk(&c, 0xabcd00000000ull | gva, 0, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0x15456);
	/* PS without CR4.PSE: still a page table */
	wr32(0x1000 + (gva >> 22) * 4, 0x2000 | PS | P | RW);
	assert_int_equal(walk(&c, gva, 0, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0x15456);
	/* with PSE: a 4 MiB page, PSE-36 bits 20:13 give address bits 39:32 */
	c.cr4 = GUEST_WALK_CR4_PSE;
	wr32(0x1000 + (gva >> 22) * 4, 0x40000000u | (0x3u << 13) | PS | P | RW);
	assert_int_equal(walk(&c, gva, 0, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0x340000000ull | (gva & 0x3fffff));
	/* not present PTE, supervisor write: error code W only, no I/D */
	wr32(0x1000 + (gva >> 22) * 4, 0x2000 | P | RW);
	wr32(0x2000 + ((gva >> 12) & 1023) * 4, 0);
	assert_int_equal(walk(&c, gva, GUEST_WALK_WRITE | GUEST_WALK_FETCH, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_W);
}

/* PAE: PDPT at 0x1020 (32-byte aligned), PD 0x2000, PT 0x3000. */
static void test_pae(void **state)
{
	struct guest_walk_cpu c = { CR0_PG | CR0_WP, 0x1020, GUEST_WALK_CR4_PAE, NXE };
	uint64_t gpa, gva = 0xc0123456;
	uint32_t pfec;

	(void)state;
	wr64(0x1020 + 3 * 8, 0x2000 | P);
	wr64(0x2000 + ((gva >> 21) & 511) * 8, 0x3000 | P | RW);
	wr64(0x3000 + ((gva >> 12) & 511) * 8, 0x123456000ull | P | RW | NX);
	assert_int_equal(walk(&c, gva, GUEST_WALK_WRITE, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0x123456456ull);
	assert_int_equal(walk(&c, gva, GUEST_WALK_FETCH, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_P | GUEST_PFEC_I);
	/* 2 MiB page */
	wr64(0x2000 + ((gva >> 21) & 511) * 8, 0x7fe00000ull | PS | P | RW);
	assert_int_equal(walk(&c, gva, 0, &gpa, &pfec), 0);
	assert_int_equal(gpa, 0x7fe00000ull | (gva & 0x1fffff));
	/* PDPTE not present */
	wr64(0x1020 + 3 * 8, 0);
	assert_int_equal(walk(&c, gva, GUEST_WALK_USER, &gpa, &pfec), -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_U);
}

/* Instruction bytes across a page boundary onto a page elsewhere. */
static void test_copy(void **state)
{
	uint64_t gva = 0x7ffff000ull - 5;	/* 5 bytes on one page */
	uint8_t buf[15];
	uint32_t pfec;
	int ret;

	(void)state;
	map_long(gva, P | RW, P | RW);			/* -> 0x10000 */
	wr64(0x4000 + (((gva + 5) >> 12) & 511) * 8, 0x20000 | P | RW);
	for (int i = 0; i < 5; i++)
		mem[0x10ffb + i] = (uint8_t)(0xa0 + i);
	for (int i = 0; i < 10; i++)
		mem[0x20000 + i] = (uint8_t)(0xb0 + i);
	ret = guest_walk_copy(&long_cpu, gva, buf, sizeof(buf), GUEST_WALK_FETCH,
			      fake_read, NULL, &pfec);
	assert_int_equal(ret, 15);
	assert_int_equal(buf[0], 0xa0);
	assert_int_equal(buf[4], 0xa4);
	assert_int_equal(buf[5], 0xb0);
	assert_int_equal(buf[14], 0xb9);
	/* the second page absent: only the first part */
	wr64(0x4000 + (((gva + 5) >> 12) & 511) * 8, 0);
	ret = guest_walk_copy(&long_cpu, gva, buf, sizeof(buf), GUEST_WALK_FETCH,
			      fake_read, NULL, &pfec);
	assert_int_equal(ret, 5);
	/* the first page absent: the fault */
	ret = guest_walk_copy(&long_cpu, gva + 5, buf, sizeof(buf), GUEST_WALK_FETCH,
			      fake_read, NULL, &pfec);
	assert_int_equal(ret, -EFAULT);
	assert_int_equal(pfec, GUEST_PFEC_I);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_no_paging, reset),
		cmocka_unit_test_setup(test_long_4k, reset),
		cmocka_unit_test_setup(test_long_large, reset),
		cmocka_unit_test_setup(test_long_not_present, reset),
		cmocka_unit_test_setup(test_permissions, reset),
		cmocka_unit_test_setup(test_nx, reset),
		cmocka_unit_test_setup(test_long_address_checks, reset),
		cmocka_unit_test_setup(test_legacy32, reset),
		cmocka_unit_test_setup(test_pae, reset),
		cmocka_unit_test_setup(test_copy, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
