/* test_mmio_emulate.c - unit tests of MMIO emulation against a fake device that records accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/emul/insn_decode.h"
#include "arch/x86/emul/mmio_emulate.h"

#define BASE	0xfee00000ull	/* the fake device's page */
#define RIP0	0xffffffff81000000ull

/* One device or guest-memory access as the emulator made it. */
struct access {
	char kind;		/* 'r'/'w' device, 'R'/'W' guest memory */
	uint64_t addr;
	unsigned int size;
	uint64_t val;
	unsigned int seg;
};

static struct access log_[64];
static unsigned int nlog;
static uint8_t dev[4096];	/* device registers, little-endian */
static uint8_t ram[4096];	/* guest memory for MOVS, indexed by ea */
static int fail_read;		/* error the device's read returns */

static void record(char kind, uint64_t addr, unsigned int size, uint64_t val,
		   unsigned int seg)
{
	if (nlog < 64)
		log_[nlog] = (struct access){ kind, addr, size, val, seg };
	nlog++;
}

static int dev_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	assert_ptr_equal(opaque, dev);
	assert_true(gpa >= BASE && gpa + size <= BASE + 4096);
	if (fail_read)
		return fail_read;
	*val = 0;
	memcpy(val, dev + (gpa - BASE), size);
	record('r', gpa, size, *val, 0);
	return 0;
}

static int dev_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val)
{
	assert_ptr_equal(opaque, dev);
	assert_true(gpa >= BASE && gpa + size <= BASE + 4096);
	memcpy(dev + (gpa - BASE), &val, size);
	record('w', gpa, size, val, 0);
	return 0;
}

static int ram_read(void *opaque, unsigned int seg, uint64_t ea, unsigned int size,
		    uint64_t *val)
{
	(void)opaque;
	if (ea + size > sizeof(ram))
		return -EFAULT;
	*val = 0;
	memcpy(val, ram + ea, size);
	record('R', ea, size, *val, seg);
	return 0;
}

static int ram_write(void *opaque, unsigned int seg, uint64_t ea, unsigned int size,
		     uint64_t val)
{
	(void)opaque;
	if (ea + size > sizeof(ram))
		return -EFAULT;
	memcpy(ram + ea, &val, size);
	record('W', ea, size, val, seg);
	return 0;
}

static const struct mmio_ops ops = { dev_read, dev_write, ram_read, ram_write };
static const struct mmio_ops ops_no_ram = { dev_read, dev_write, NULL, NULL };

static struct cpu_regs r;
static struct insn in;

static int setup(void **state)
{
	(void)state;
	nlog = 0;
	fail_read = 0;
	memset(dev, 0, sizeof(dev));
	memset(ram, 0, sizeof(ram));
	memset(&r, 0, sizeof(r));
	r.rip = RIP0;
	r.rflags = 0x202;
	return 0;
}

static void dev_set(uint64_t gpa, uint64_t val, unsigned int size)
{
	memcpy(dev + (gpa - BASE), &val, size);
}

/* emulate: decode bytes (64-bit mode unless mode given) and run them
 * with the device side at gpa. */
static int emulate_mode(const uint8_t *b, size_t n, enum insn_mode mode,
			uint64_t gpa, bool write, const struct mmio_ops *o)
{
	struct mmio_access a = { gpa, write, 0, o, dev };

	assert_int_equal(insn_decode(&in, b, n, mode), 0);
	return mmio_emulate(&in, &r, &a);
}

#define EMU(gpa, ...) emulate_mode((const uint8_t[]){ __VA_ARGS__ }, \
	sizeof((const uint8_t[]){ __VA_ARGS__ }), INSN_MODE_64, gpa, false, &ops)

static void test_loads(void **state)
{
	(void)state;
	dev_set(BASE + 0x300, 0x8877665544332211ull, 8);

	/* mov 0x300(%rdi),%edx: a 32-bit load clears bits 63:32 */
	r.rdx = ~0ull;
	assert_int_equal(EMU(BASE + 0x300, 0x8b, 0x97, 0x00, 0x03, 0x00, 0x00), 0);
	assert_int_equal(r.rdx, 0x44332211);
	assert_int_equal(r.rip, RIP0 + 6);
	assert_int_equal(nlog, 1);
	assert_int_equal(log_[0].kind, 'r');
	assert_int_equal(log_[0].addr, BASE + 0x300);
	assert_int_equal(log_[0].size, 4);

	/* 66 8b 07: mov (%rdi),%ax keeps bits 63:16 */
	r.rax = 0xaaaaaaaaaaaaaaaaull;
	assert_int_equal(EMU(BASE + 0x300, 0x66, 0x8b, 0x07), 0);
	assert_int_equal(r.rax, 0xaaaaaaaaaaaa2211ull);

	/* 8a 27: mov (%rdi),%ah */
	r.rax = 0xaaaaaaaaaaaaaaaaull;
	assert_int_equal(EMU(BASE + 0x301, 0x8a, 0x27), 0);
	assert_int_equal(r.rax, 0xaaaaaaaaaaaa22aaull);

	/* 40 8a 37: mov (%rdi),%sil (REX: SIL, not DH) */
	r.rsi = 0xaaaaaaaaaaaaaaaaull;
	r.rdx = 0;
	assert_int_equal(EMU(BASE + 0x302, 0x40, 0x8a, 0x37), 0);
	assert_int_equal(r.rsi, 0xaaaaaaaaaaaaaa33ull);
	assert_int_equal(r.rdx, 0);

	/* 4c 8b 3f: mov (%rdi),%r15 */
	assert_int_equal(EMU(BASE + 0x300, 0x4c, 0x8b, 0x3f), 0);
	assert_int_equal(r.r15, 0x8877665544332211ull);

	/* a1 moffs64: movabs 0xfee00300,%eax */
	r.rax = ~0ull;
	assert_int_equal(EMU(BASE + 0x300, 0xa1, 0x00, 0x03, 0xe0, 0xfe, 0, 0, 0, 0), 0);
	assert_int_equal(r.rax, 0x44332211);
	assert_int_equal(r.rip, RIP0 + 6 + 3 + 2 + 3 + 3 + 9);
}

static void test_extending_loads(void **state)
{
	(void)state;
	dev_set(BASE + 0x10, 0x8180, 2);

	/* movzbl (%rax),%ecx */
	r.rcx = ~0ull;
	assert_int_equal(EMU(BASE + 0x10, 0x0f, 0xb6, 0x08), 0);
	assert_int_equal(r.rcx, 0x80);
	assert_int_equal(log_[0].size, 1);
	/* movsbq (%rdi),%rax */
	assert_int_equal(EMU(BASE + 0x10, 0x48, 0x0f, 0xbe, 0x07), 0);
	assert_int_equal(r.rax, 0xffffffffffffff80ull);
	/* movswl (%rsi),%edx: sign-extends to 32, then zero-extends */
	r.rdx = ~0ull;
	assert_int_equal(EMU(BASE + 0x10, 0x0f, 0xbf, 0x16), 0);
	assert_int_equal(r.rdx, 0xffff8180ull);
	assert_int_equal(log_[2].size, 2);
	/* movzbw (%rdx),%ax: 16-bit destination keeps bits 63:16 */
	r.rax = 0x1111111111111111ull;
	assert_int_equal(EMU(BASE + 0x11, 0x66, 0x0f, 0xb6, 0x02), 0);
	assert_int_equal(r.rax, 0x1111111111110081ull);
	/* movzwl into r8d */
	r.r8 = ~0ull;
	assert_int_equal(EMU(BASE + 0x10, 0x44, 0x0f, 0xb7, 0x00), 0);
	assert_int_equal(r.r8, 0x8180);
}

static void test_stores(void **state)
{
	(void)state;
	r.rax = 0x1122334455667788ull;
	r.r9 = 0x0102030405060708ull;

	/* mov %eax,0x300(%rdi) */
	assert_int_equal(EMU(BASE + 0x300, 0x89, 0x87, 0x00, 0x03, 0x00, 0x00), 0);
	assert_int_equal(log_[0].kind, 'w');
	assert_int_equal(log_[0].size, 4);
	assert_int_equal(log_[0].val, 0x55667788);
	/* mov %ah,(%rbx) */
	assert_int_equal(EMU(BASE + 0x8, 0x88, 0x23), 0);
	assert_int_equal(log_[1].size, 1);
	assert_int_equal(log_[1].val, 0x77);
	/* mov %r9,0x10(%r12) */
	assert_int_equal(EMU(BASE + 0x10, 0x4d, 0x89, 0x4c, 0x24, 0x10), 0);
	assert_int_equal(log_[2].size, 8);
	assert_int_equal(log_[2].val, 0x0102030405060708ull);
	/* movq $-1,0x8(%rbx) */
	assert_int_equal(EMU(BASE + 0x20, 0x48, 0xc7, 0x43, 0x08, 0xff, 0xff, 0xff, 0xff), 0);
	assert_int_equal(log_[3].size, 8);
	assert_int_equal(log_[3].val, ~0ull);
	/* movb $0x5a,(%rsi) */
	assert_int_equal(EMU(BASE + 0x30, 0xc6, 0x06, 0x5a), 0);
	assert_int_equal(log_[4].size, 1);
	assert_int_equal(log_[4].val, 0x5a);
	/* movw $0x1234,2(%rdx) */
	assert_int_equal(EMU(BASE + 0x32, 0x66, 0xc7, 0x42, 0x02, 0x34, 0x12), 0);
	assert_int_equal(log_[5].size, 2);
	assert_int_equal(log_[5].val, 0x1234);
	/* movl $0xfffffffe,(%rax): an imm32 store is 4 bytes, not sign-extended */
	assert_int_equal(EMU(BASE + 0x40, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff), 0);
	assert_int_equal(log_[6].size, 4);
	assert_int_equal(log_[6].val, 0xfffffffe);
	/* movabs %rax,0xfee000b0 */
	assert_int_equal(EMU(BASE + 0xb0, 0x48, 0xa3, 0xb0, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), 0);
	assert_int_equal(log_[7].size, 8);
	assert_int_equal(log_[7].val, 0x1122334455667788ull);
	assert_int_equal(nlog, 8);
	assert_int_equal(r.rax, 0x1122334455667788ull);	/* untouched */
	assert_int_equal(r.rflags, 0x202);
}

#define CF MMIO_RFLAGS_CF
#define PF MMIO_RFLAGS_PF
#define AF MMIO_RFLAGS_AF
#define ZF MMIO_RFLAGS_ZF
#define SF MMIO_RFLAGS_SF
#define OF MMIO_RFLAGS_OF

static void test_alu_rmw(void **state)
{
	(void)state;
	/* orl $0x100,0xf0(%rax): read, or, write */
	dev_set(BASE + 0xf0, 0x1ff, 4);
	assert_int_equal(EMU(BASE + 0xf0, 0x81, 0x88, 0xf0, 0, 0, 0, 0x00, 0x01, 0, 0), 0);
	assert_int_equal(nlog, 2);
	assert_int_equal(log_[0].kind, 'r');
	assert_int_equal(log_[1].kind, 'w');
	assert_int_equal(log_[1].val, 0x1ff);
	assert_int_equal(r.rflags, 0x202 | PF);	/* 0xff: eight ones */

	/* andl $-2,0x20(%rax) */
	r.rflags = 0x202 | CF | OF | AF;
	dev_set(BASE + 0x20, 0x80000001, 4);
	assert_int_equal(EMU(BASE + 0x20, 0x83, 0x60, 0x20, 0xfe), 0);
	assert_int_equal(log_[3].val, 0x80000000);
	assert_int_equal(r.rflags, 0x202 | SF | PF);

	/* lock orl $1,(%rdx) */
	dev_set(BASE, 0, 4);
	assert_int_equal(EMU(BASE, 0xf0, 0x83, 0x0a, 0x01), 0);
	assert_int_equal(log_[5].val, 1);
	assert_int_equal(r.rflags, 0x202);

	/* xor %eax,0x10(%rdi) with equal values: ZF */
	r.rax = 0xdeadbeef;
	dev_set(BASE + 0x10, 0xdeadbeef, 4);
	assert_int_equal(EMU(BASE + 0x10, 0x31, 0x47, 0x10), 0);
	assert_int_equal(log_[7].val, 0);
	assert_int_equal(r.rflags, 0x202 | ZF | PF);

	/* sub %cl,(%rdi): 0 - 1 borrows */
	r.rcx = 1;
	dev_set(BASE + 0x18, 0, 1);
	assert_int_equal(EMU(BASE + 0x18, 0x28, 0x0f), 0);
	assert_int_equal(log_[9].size, 1);
	assert_int_equal(log_[9].val, 0xff);
	assert_int_equal(r.rflags, 0x202 | CF | PF | AF | SF);
	assert_int_equal(nlog, 10);
}

static void test_alu_reg_dst(void **state)
{
	(void)state;
	/* add 0x10(%rdi),%edx: 0x7fffffff + 1 overflows; no device write */
	r.rdx = 0xffffffff7fffffffull;
	dev_set(BASE + 0x10, 1, 4);
	assert_int_equal(EMU(BASE + 0x10, 0x03, 0x57, 0x10), 0);
	assert_int_equal(r.rdx, 0x80000000);
	assert_int_equal(r.rflags, 0x202 | OF | SF | AF | PF);
	assert_int_equal(nlog, 1);

	/* cmp 0x4(%rbx),%eax: eax - mem, registers untouched */
	r.rax = 5;
	dev_set(BASE + 4, 7, 4);
	assert_int_equal(EMU(BASE + 4, 0x3b, 0x43, 0x04), 0);
	assert_int_equal(r.rax, 5);
	assert_int_equal(r.rflags, 0x202 | CF | SF | AF);	/* 0xfffffffe */
	assert_int_equal(nlog, 2);

	/* cmpl $5,(%rbx): mem - imm */
	dev_set(BASE, 5, 4);
	assert_int_equal(EMU(BASE, 0x83, 0x3b, 0x05), 0);
	assert_int_equal(r.rflags, 0x202 | ZF | PF);
	assert_int_equal(nlog, 3);

	/* testl $0x1000,0x300(%rax) and testb $0x80,4(%rax): no writes */
	dev_set(BASE + 0x300, 0x1000, 4);
	assert_int_equal(EMU(BASE + 0x300, 0xf7, 0x80, 0x00, 0x03, 0, 0, 0x00, 0x10, 0, 0), 0);
	assert_int_equal(r.rflags, 0x202 | PF);
	dev_set(BASE + 4, 0x7f, 1);
	assert_int_equal(EMU(BASE + 4, 0xf6, 0x40, 0x04, 0x80), 0);
	assert_int_equal(r.rflags, 0x202 | ZF | PF);
	/* test %eax,(%rdi) */
	r.rax = 0x80000000;
	dev_set(BASE + 8, 0xffffffff, 4);
	assert_int_equal(EMU(BASE + 8, 0x85, 0x07), 0);
	assert_int_equal(r.rflags, 0x202 | SF | PF);
	assert_int_equal(nlog, 6);
	for (unsigned int i = 0; i < nlog; i++)
		assert_int_equal(log_[i].kind, 'r');
	/* or (%rdi),%bh: a byte result into BH */
	r.rbx = 0x0000000000000100ull;
	dev_set(BASE, 0x0e, 1);
	assert_int_equal(EMU(BASE, 0x0a, 0x3f), 0);
	assert_int_equal(r.rbx, 0x0f00);
}

/*
 * The flags against the host CPU's own: the same operation on the same
 * operands run natively (this test runs on x86-64), for every size and
 * op, over a spread of interesting values. AF is compared only where the
 * SDM defines it (ADD, SUB, CMP).
 */
/* (the red zone is stepped over before pushf; the result flags do not
 * depend on the flags before, so none are loaded) */
#define HOST_FLAGS(insn, sfx, type, a, b, res, fl) \
	__asm__("lea -128(%%rsp), %%rsp; " insn sfx " %[b], %[r]; pushfq; " \
		"popq %[f]; lea 128(%%rsp), %%rsp" \
		: [r] "+r"(res), [f] "=r"(fl) : [b] "r"((type)(b)) : "cc", "memory")

static uint64_t host_op(enum insn_op op, unsigned int size, uint64_t a, uint64_t b,
			uint64_t *flags)
{
	uint64_t fl;

#define HOST_CASE(name, insn)                                                   \
	case name:                                                              \
		switch (size) {                                                 \
		case 1: { uint8_t res = a; HOST_FLAGS(insn, "b", uint8_t, a, b, res, fl); *flags = fl; return res; } \
		case 2: { uint16_t res = a; HOST_FLAGS(insn, "w", uint16_t, a, b, res, fl); *flags = fl; return res; } \
		case 4: { uint32_t res = a; HOST_FLAGS(insn, "l", uint32_t, a, b, res, fl); *flags = fl; return res; } \
		default: { uint64_t res = a; HOST_FLAGS(insn, "q", uint64_t, a, b, res, fl); *flags = fl; return res; } \
		}
	switch (op) {
	HOST_CASE(INSN_OP_ADD, "add")
	HOST_CASE(INSN_OP_SUB, "sub")
	HOST_CASE(INSN_OP_AND, "and")
	HOST_CASE(INSN_OP_OR, "or")
	HOST_CASE(INSN_OP_XOR, "xor")
	default:
		return 0;
	}
#undef HOST_CASE
}

static void test_flags_against_host(void **state)
{
	static const uint64_t vals[] = {
		0, 1, 2, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x123456789abcdef0ull,
		0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, 0x0f0f0f0f0f0f0f0full,
	};
	/* ModRM 0x07 = (%rdi) with reg %eax; opcodes: memory-destination forms */
	static const struct { enum insn_op op; uint8_t opc; } ops_[] = {
		{ INSN_OP_ADD, 0x01 }, { INSN_OP_OR, 0x09 }, { INSN_OP_AND, 0x21 },
		{ INSN_OP_SUB, 0x29 }, { INSN_OP_XOR, 0x31 }, { INSN_OP_CMP, 0x39 },
		{ INSN_OP_TEST, 0x85 },
	};
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int checked = 0;

	(void)state;
	for (unsigned int o = 0; o < sizeof(ops_) / sizeof(ops_[0]); o++)
	for (unsigned int s = 0; s < 4; s++)
	for (unsigned int i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
	for (unsigned int j = 0; j < sizeof(vals) / sizeof(vals[0]); j++) {
		unsigned int size = sizes[s];
		enum insn_op op = ops_[o].op;
		enum insn_op host = op == INSN_OP_CMP ? INSN_OP_SUB :
				    op == INSN_OP_TEST ? INSN_OP_AND : op;
		uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
		uint64_t want_flags = 0, want, cmpmask = MMIO_RFLAGS_ARITH;
		uint8_t b[3] = { 0, 0, 0x07 };
		size_t n = 0;

		if (size == 2)
			b[n++] = 0x66;
		if (size == 8)
			b[n++] = 0x48;
		b[n++] = size == 1 ? ops_[o].opc - 1 : ops_[o].opc;
		b[n++] = 0x07;
		want = host_op(host, size, vals[i], vals[j], &want_flags);
		if (host != INSN_OP_ADD && host != INSN_OP_SUB)
			cmpmask &= ~MMIO_RFLAGS_AF;

		setup(NULL);
		dev_set(BASE, vals[i], size);
		r.rax = vals[j];
		assert_int_equal(emulate_mode(b, n, INSN_MODE_64, BASE, false, &ops), 0);
		if ((r.rflags & cmpmask) != (want_flags & cmpmask))
			print_error("%s size %u: %#llx, %#llx: flags %#llx, host %#llx\n",
				    insn_decode_op_name(op), size,
				    (unsigned long long)vals[i], (unsigned long long)vals[j],
				    (unsigned long long)r.rflags, (unsigned long long)want_flags);
		assert_int_equal(r.rflags & cmpmask, want_flags & cmpmask);
		if (op == INSN_OP_CMP || op == INSN_OP_TEST) {
			assert_int_equal(nlog, 1);
		} else {
			assert_int_equal(nlog, 2);
			assert_int_equal(log_[1].val, want & mask);
		}
		checked++;
	}
	assert_int_equal(checked, 7 * 4 * 20 * 20);
}

static void test_xchg(void **state)
{
	(void)state;
	/* xchg %eax,0x10(%rdi) */
	r.rax = 0xffffffff11111111ull;
	dev_set(BASE + 0x10, 0x22222222, 4);
	assert_int_equal(EMU(BASE + 0x10, 0x87, 0x47, 0x10), 0);
	assert_int_equal(r.rax, 0x22222222);
	assert_int_equal(nlog, 2);
	assert_int_equal(log_[0].kind, 'r');
	assert_int_equal(log_[1].kind, 'w');
	assert_int_equal(log_[1].val, 0x11111111);
	/* xchg %r11,(%rdi) */
	r.r11 = 0x3333333333333333ull;
	dev_set(BASE, 0x4444444444444444ull, 8);
	assert_int_equal(EMU(BASE, 0x4c, 0x87, 0x1f), 0);
	assert_int_equal(r.r11, 0x4444444444444444ull);
	assert_int_equal(log_[3].val, 0x3333333333333333ull);
	assert_int_equal(r.rip, RIP0 + 3 + 3);
}

static void test_stos(void **state)
{
	(void)state;
	/* rep stosl, rcx = 3, DF = 0 */
	r.rax = 0xabcdef0123456789ull;
	r.rcx = 3;
	r.rdi = 0x1000;
	assert_int_equal(EMU(BASE + 0x100, 0xf3, 0xab), 0);
	assert_int_equal(nlog, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(log_[i].kind, 'w');
		assert_int_equal(log_[i].addr, BASE + 0x100 + 4 * i);
		assert_int_equal(log_[i].size, 4);
		assert_int_equal(log_[i].val, 0x23456789);
	}
	assert_int_equal(r.rcx, 0);
	assert_int_equal(r.rdi, 0x100c);
	assert_int_equal(r.rip, RIP0 + 2);

	/* DF = 1: downwards */
	setup(NULL);
	r.rflags |= MMIO_RFLAGS_DF;
	r.rcx = 2;
	r.rdi = 0x1000;
	assert_int_equal(EMU(BASE + 0x100, 0xf3, 0xaa), 0);
	assert_int_equal(log_[0].addr, BASE + 0x100);
	assert_int_equal(log_[1].addr, BASE + 0xff);
	assert_int_equal(r.rdi, 0xffe);
	assert_int_equal(r.rcx, 0);

	/* rcx = 0: nothing, the instruction completes */
	setup(NULL);
	assert_int_equal(EMU(BASE + 0x100, 0xf3, 0xab), 0);
	assert_int_equal(nlog, 0);
	assert_int_equal(r.rip, RIP0 + 2);

	/* no REP: one element, rcx ignored */
	setup(NULL);
	r.rcx = 5;
	r.rax = 0x1122334455667788ull;
	assert_int_equal(EMU(BASE + 0x100, 0x48, 0xab), 0);
	assert_int_equal(nlog, 1);
	assert_int_equal(log_[0].size, 8);
	assert_int_equal(log_[0].val, 0x1122334455667788ull);
	assert_int_equal(r.rcx, 5);
	assert_int_equal(r.rdi, 8);
}

/* A REP stops at the device page's edge and at max_reps, RIP unchanged. */
static void test_rep_bounded(void **state)
{
	struct mmio_access a = { BASE + 0xff8, false, 0, &ops, dev };

	(void)state;
	r.rcx = 10;
	assert_int_equal(insn_decode(&in, (const uint8_t[]){ 0xf3, 0xab }, 2, INSN_MODE_64), 0);
	assert_int_equal(mmio_emulate(&in, &r, &a), 0);
	assert_int_equal(nlog, 2);
	assert_int_equal(r.rcx, 8);
	assert_int_equal(r.rdi, 8);
	assert_int_equal(r.rip, RIP0);

	setup(NULL);
	r.rcx = 10;
	a.gpa = BASE;
	a.max_reps = 3;
	assert_int_equal(mmio_emulate(&in, &r, &a), 0);
	assert_int_equal(r.rcx, 7);
	assert_int_equal(r.rip, RIP0);
	a.gpa = BASE + 12;
	a.max_reps = 7;
	assert_int_equal(mmio_emulate(&in, &r, &a), 0);
	assert_int_equal(r.rcx, 0);
	assert_int_equal(r.rdi, 40);
	assert_int_equal(r.rip, RIP0 + 2);
	assert_int_equal(nlog, 10);
	assert_int_equal(log_[9].addr, BASE + 36);

	/* downwards from the start of the page: one element, then stop */
	setup(NULL);
	r.rflags |= MMIO_RFLAGS_DF;
	r.rcx = 4;
	a.gpa = BASE;
	a.max_reps = 0;
	assert_int_equal(mmio_emulate(&in, &r, &a), 0);
	assert_int_equal(nlog, 1);
	assert_int_equal(r.rcx, 3);
	assert_int_equal(r.rip, RIP0);
}

/* rCX/rDI follow the address size: 32-bit zero-extends, 16-bit merges. */
static void test_string_address_size(void **state)
{
	(void)state;
	/* 67 f3 ab in 64-bit mode: ECX/EDI */
	r.rcx = 0xffffffff00000002ull;
	r.rdi = 0x00000001fffffffcull;
	assert_int_equal(EMU(BASE, 0x67, 0xf3, 0xab), 0);
	assert_int_equal(nlog, 2);
	assert_int_equal(r.rcx, 0);
	assert_int_equal(r.rdi, 4);
	assert_int_equal(r.rip, RIP0 + 3);

	/* f3 ab in 16-bit code: CX/DI, AX */
	setup(NULL);
	r.rcx = 0xabcd0002;
	r.rdi = 0x1234fffe;
	r.rax = 0x55aa;
	assert_int_equal(emulate_mode((const uint8_t[]){ 0xf3, 0xab }, 2, INSN_MODE_16,
				      BASE, false, &ops), 0);
	assert_int_equal(nlog, 2);
	assert_int_equal(log_[0].size, 2);
	assert_int_equal(log_[0].val, 0x55aa);
	assert_int_equal(r.rcx, 0xabcd0000);
	assert_int_equal(r.rdi, 0x12340002);
}

static void test_movs(void **state)
{
	(void)state;
	/* device -> RAM: rep movsl, the fault was a read */
	dev_set(BASE + 0x40, 0x11111111, 4);
	dev_set(BASE + 0x44, 0x22222222, 4);
	r.rcx = 2;
	r.rsi = 0x5040;
	r.rdi = 0x100;
	assert_int_equal(emulate_mode((const uint8_t[]){ 0xf3, 0xa5 }, 2, INSN_MODE_64,
				      BASE + 0x40, false, &ops), 0);
	assert_int_equal(nlog, 4);
	assert_int_equal(log_[0].kind, 'r');
	assert_int_equal(log_[1].kind, 'W');
	assert_int_equal(log_[1].addr, 0x100);
	assert_int_equal(log_[1].seg, INSN_SEG_ES);
	assert_int_equal(log_[1].val, 0x11111111);
	assert_int_equal(log_[3].addr, 0x104);
	assert_int_equal(log_[3].val, 0x22222222);
	assert_int_equal(r.rsi, 0x5048);
	assert_int_equal(r.rdi, 0x108);
	assert_int_equal(r.rcx, 0);
	assert_int_equal(r.rip, RIP0 + 2);

	/* RAM -> device with an FS override: movsb, the fault was a write */
	setup(NULL);
	ram[0x20] = 0x5a;
	r.rsi = 0x20;
	r.rdi = 0x9000;
	assert_int_equal(emulate_mode((const uint8_t[]){ 0x64, 0xa4 }, 2, INSN_MODE_64,
				      BASE + 0x9, true, &ops), 0);
	assert_int_equal(nlog, 2);
	assert_int_equal(log_[0].kind, 'R');
	assert_int_equal(log_[0].seg, INSN_SEG_FS);
	assert_int_equal(log_[0].addr, 0x20);
	assert_int_equal(log_[1].kind, 'w');
	assert_int_equal(log_[1].addr, BASE + 0x9);
	assert_int_equal(log_[1].val, 0x5a);
	assert_int_equal(r.rsi, 0x21);
	assert_int_equal(r.rdi, 0x9001);

	/* a failing guest-memory copy stops it with RIP unchanged */
	setup(NULL);
	r.rsi = 0x10000;
	assert_int_equal(emulate_mode((const uint8_t[]){ 0xa5 }, 1, INSN_MODE_64,
				      BASE, true, &ops), -EFAULT);
	assert_int_equal(r.rip, RIP0);

	/* without guest-memory callbacks */
	setup(NULL);
	assert_int_equal(emulate_mode((const uint8_t[]){ 0xa5 }, 1, INSN_MODE_64,
				      BASE, true, &ops_no_ram), -EOPNOTSUPP);
	assert_int_equal(nlog, 0);
}

static void test_errors(void **state)
{
	(void)state;
	/* mov %ecx,%eax: no memory operand */
	assert_int_equal(EMU(BASE, 0x89, 0xc8), -EINVAL);
	/* a 4-byte access crossing the page */
	assert_int_equal(EMU(BASE + 0xffe, 0x8b, 0x07), -EOPNOTSUPP);
	/* rep stosl with the first element crossing */
	r.rcx = 1;
	assert_int_equal(EMU(BASE + 0xffe, 0xf3, 0xab), -EOPNOTSUPP);
	/* the device's error comes back; nothing changes */
	fail_read = -EIO;
	r.rax = 7;
	assert_int_equal(EMU(BASE, 0x8b, 0x07), -EIO);
	assert_int_equal(EMU(BASE, 0x83, 0x0f, 0x01), -EIO);
	assert_int_equal(EMU(BASE, 0x87, 0x07), -EIO);
	assert_int_equal(r.rax, 7);
	assert_int_equal(r.rip, RIP0);
	assert_int_equal(r.rflags, 0x202);
	assert_int_equal(nlog, 0);
}

/* The last byte of a page, and 32-bit code. */
static void test_edges(void **state)
{
	(void)state;
	dev_set(BASE + 0xfff, 0x99, 1);
	assert_int_equal(EMU(BASE + 0xfff, 0x0f, 0xb6, 0x07), 0);
	assert_int_equal(r.rax, 0x99);
	r.rax = 0x12345678;
	assert_int_equal(emulate_mode((const uint8_t[]){ 0xa3, 0xb0, 0x00, 0xe0, 0xfe }, 5,
				      INSN_MODE_32, BASE + 0xb0, true, &ops), 0);
	assert_int_equal(log_[1].val, 0x12345678);
	assert_int_equal(log_[1].size, 4);
	assert_int_equal(r.rip, RIP0 + 3 + 5);
}

/* Guest RAM for instruction fetches: code and page tables, by GPA. */
static uint8_t gram[0x8000];

static int gram_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	(void)opaque;
	if (gpa >= sizeof(gram) || size > sizeof(gram) - gpa)
		return -EIO;
	*val = 0;
	memcpy(val, gram + gpa, size);
	return 0;
}

static void gram64(uint64_t gpa, uint64_t v) { memcpy(gram + gpa, &v, 8); }

/* Paging off, 32-bit code: the fetch reads CS base + EIP directly. */
static void test_at_rip_flat(void **state)
{
	struct mmio_guest g = { { 0x11, 0, 0, 0 }, 0x1000, false, true, 0,
				gram_read, NULL };
	struct mmio_access a = { BASE + 0x20, false, 0, &ops, dev };
	struct mmio_result res;

	(void)state;
	memset(gram, 0, sizeof(gram));
	memcpy(gram + 0x1010, (const uint8_t[]){ 0xa1, 0x20, 0x00, 0xe0, 0xfe }, 5);
	dev_set(BASE + 0x20, 0x14, 4);
	r.rip = 0x10;
	r.rax = ~0ull;
	assert_int_equal(mmio_emulate_at_rip(&g, &r, &a, &res), 0);
	assert_int_equal(r.rax, 0x14);
	assert_int_equal(r.rip, 0x15);
	assert_int_equal(res.insn.len, 5);
	assert_null(res.why);

	/* an unsupported instruction: the decoder's error, bytes kept */
	memcpy(gram + 0x1015, (const uint8_t[]){ 0x0f, 0x0b }, 2);
	assert_int_equal(mmio_emulate_at_rip(&g, &r, &a, &res), -EOPNOTSUPP);
	assert_string_equal(res.why, "instruction decode");
	assert_int_equal(res.bytes[0], 0x0f);
	assert_int_equal(r.rip, 0x15);
}

/* Long mode: an instruction running into a page the guest cannot fetch. */
static void test_at_rip_paged(void **state)
{
	struct mmio_guest g = { { 0x80000011, 0x1000, 0x20, 0xd00 }, 0x1234, true, false,
				0, gram_read, NULL };
	struct mmio_access a = { BASE + 0x300, false, 0, &ops, dev };
	struct mmio_result res;
	uint64_t code = 0x400000;

	(void)state;
	memset(gram, 0, sizeof(gram));
	gram64(0x1000, 0x2000 | 3);
	gram64(0x2000, 0x3000 | 3);
	gram64(0x3000 + 2 * 8, 0x4000 | 3);	/* 0x400000 */
	gram64(0x4000, 0x5000 | 3);		/* first page; the next absent */
	memcpy(gram + 0x5ffd, (const uint8_t[]){ 0x8b, 0x87, 0x00 }, 3);
	r.rip = code + 0xffd;
	assert_int_equal(mmio_emulate_at_rip(&g, &r, &a, &res), -EFAULT);
	assert_int_equal(res.fault_addr, code + 0x1000);
	assert_int_equal(res.pfec, GUEST_PFEC_I);
	assert_int_equal(r.rip, code + 0xffd);
	assert_int_equal(nlog, 0);

	/* map the second page: mov 0x300(%rdi),%eax completes */
	gram64(0x4008, 0x6000 | 3);
	memcpy(gram + 0x6000, (const uint8_t[]){ 0x03, 0x00, 0x00 }, 3);
	dev_set(BASE + 0x300, 0xabcd, 4);
	assert_int_equal(mmio_emulate_at_rip(&g, &r, &a, &res), 0);
	assert_int_equal(r.rax, 0xabcd);
	assert_int_equal(r.rip, code + 0xffd + 6);

	/* RIP itself unmapped; user mode adds U to the error code */
	g.cpl = 3;
	r.rip = 0x600000;
	assert_int_equal(mmio_emulate_at_rip(&g, &r, &a, &res), -EFAULT);
	assert_int_equal(res.fault_addr, 0x600000);
	assert_int_equal(res.pfec, GUEST_PFEC_U | GUEST_PFEC_I);
	assert_string_equal(res.why, "instruction fetch");
}

/*
 * Random instructions the decoder accepts, on random registers: the device
 * sees only its page and sizes 1/2/4/8 (dev_read/dev_write assert that),
 * and RIP either stays (unfinished REP) or moves by exactly the length.
 */
static void test_random(void **state)
{
	static const uint8_t pick[] = {
		0x66, 0x67, 0xf0, 0xf3, 0x48, 0x41, 0x44, 0x64, 0x88, 0x89, 0x8a,
		0x8b, 0xc6, 0xc7, 0xa0, 0xa3, 0x0f, 0xb6, 0xbf, 0x80, 0x81, 0x83,
		0x84, 0x85, 0x86, 0x87, 0xf6, 0xf7, 0xaa, 0xab, 0xa4, 0xa5, 0x09,
		0x21, 0x29, 0x31, 0x39, 0x3b, 0x03,
	};
	uint32_t seed = 99;
	unsigned int emulated = 0, strings = 0, accesses = 0;

	(void)state;
	for (int iter = 0; iter < 300000 && emulated < 20000; iter++) {
		uint8_t b[15];
		uint64_t *g = &r.rax;

		for (int i = 0; i < 15; i++) {
			seed = seed * 1103515245u + 12345u;
			b[i] = (seed & 0x30000) ? (uint8_t)(seed >> 20)
						: pick[(seed >> 20) % sizeof(pick)];
		}
		if (insn_decode(&in, b, sizeof(b), (enum insn_mode)(iter % 3)) || !in.has_mem)
			continue;
		setup(NULL);
		for (int i = 0; i < 16; i++) {
			seed = seed * 1103515245u + 12345u;
			g[i] = ((uint64_t)seed << 32) ^ (seed * 2654435761u);
		}
		r.rcx &= 0x3ff;
		r.rflags = 0x202 | ((seed & 1) ? MMIO_RFLAGS_DF : 0);
		uint64_t gpa = BASE + ((seed >> 8) & 0xfff);
		struct mmio_access a = { gpa, seed & 2, (seed >> 4) & 7, &ops, dev };
		int ret = mmio_emulate(&in, &r, &a);

		if (ret == 0)
			assert_true(r.rip == RIP0 || r.rip == RIP0 + in.len);
		else
			assert_true(ret == -EOPNOTSUPP || ret == -EFAULT);
		emulated++;
		strings += in.op == INSN_OP_STOS || in.op == INSN_OP_MOVS;
		accesses += nlog;
	}
	print_message("random: %u emulated, %u string, %u accesses\n",
		      emulated, strings, accesses);
	assert_true(emulated > 5000 && strings > 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_loads, setup),
		cmocka_unit_test_setup(test_extending_loads, setup),
		cmocka_unit_test_setup(test_stores, setup),
		cmocka_unit_test_setup(test_alu_rmw, setup),
		cmocka_unit_test_setup(test_alu_reg_dst, setup),
		cmocka_unit_test_setup(test_flags_against_host, setup),
		cmocka_unit_test_setup(test_xchg, setup),
		cmocka_unit_test_setup(test_stos, setup),
		cmocka_unit_test_setup(test_rep_bounded, setup),
		cmocka_unit_test_setup(test_string_address_size, setup),
		cmocka_unit_test_setup(test_movs, setup),
		cmocka_unit_test_setup(test_errors, setup),
		cmocka_unit_test_setup(test_edges, setup),
		cmocka_unit_test_setup(test_at_rip_flat, setup),
		cmocka_unit_test_setup(test_at_rip_paged, setup),
		cmocka_unit_test_setup(test_random, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
