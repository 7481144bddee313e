/* test_insn_decode.c - unit tests of the x86 instruction decoder (tables of real encodings). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/emul/insn_decode.h"

#define NONE INSN_REG_NONE
#define BYTES(...) .b = { __VA_ARGS__ }, .n = sizeof((uint8_t[]){ __VA_ARGS__ })

/*
 * One encoding and what it must decode to. The bytes were produced by GNU
 * as and the comment is objdump's disassembly of them (AT&T order).
 */
struct dec_case {
	const char *text;
	enum insn_mode mode;
	uint8_t b[16];
	size_t n;
	uint8_t len;
	enum insn_op op;
	uint8_t op_size, mem_size, addr_size;
	bool dst;			/* mem_is_dst */
	int8_t reg;
	bool high8;
	bool has_imm;
	uint64_t imm;
	int8_t base, index;
	uint8_t scale;
	uint64_t disp;
	uint8_t seg;
	bool rip;
};

#define M64 INSN_MODE_64
#define M32 INSN_MODE_32
#define M16 INSN_MODE_16
#define DS INSN_SEG_DS
#define SS INSN_SEG_SS
#define ES INSN_SEG_ES
#define FS INSN_SEG_FS

static const struct dec_case cases[] = {
	/* MOV 88-8B, 64-bit mode */
	{ "mov %eax,0x300(%rdi)", M64, BYTES(0x89, 0x87, 0x00, 0x03, 0x00, 0x00),
	  6, INSN_OP_MOV, 4, 4, 8, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0x300, DS, false },
	{ "mov 0x20(%rbx),%ecx", M64, BYTES(0x8b, 0x4b, 0x20),
	  3, INSN_OP_MOV, 4, 4, 8, false, INSN_RCX, false, false, 0,
	  INSN_RBX, NONE, 1, 0x20, DS, false },
	{ "mov %r9,0x10(%r12)", M64, BYTES(0x4d, 0x89, 0x4c, 0x24, 0x10),
	  5, INSN_OP_MOV, 8, 8, 8, true, INSN_R9, false, false, 0,
	  INSN_R12, NONE, 1, 0x10, DS, false },
	{ "mov 0x0(%rip),%eax", M64, BYTES(0x8b, 0x05, 0x00, 0x00, 0x00, 0x00),
	  6, INSN_OP_MOV, 4, 4, 8, false, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, 0, DS, true },
	{ "mov 0x1234(%rip),%r10d", M64, BYTES(0x44, 0x8b, 0x15, 0x34, 0x12, 0x00, 0x00),
	  7, INSN_OP_MOV, 4, 4, 8, false, INSN_R10, false, false, 0,
	  NONE, NONE, 1, 0x1234, DS, true },
	{ "mov %ax,0x10(%rcx)", M64, BYTES(0x66, 0x89, 0x41, 0x10),
	  4, INSN_OP_MOV, 2, 2, 8, true, INSN_RAX, false, false, 0,
	  INSN_RCX, NONE, 1, 0x10, DS, false },
	{ "mov %ah,(%rbx)", M64, BYTES(0x88, 0x23),
	  2, INSN_OP_MOV, 1, 1, 8, true, INSN_RAX, true, false, 0,
	  INSN_RBX, NONE, 1, 0, DS, false },
	{ "mov %sil,(%rbx)", M64, BYTES(0x40, 0x88, 0x33),
	  3, INSN_OP_MOV, 1, 1, 8, true, INSN_RSI, false, false, 0,
	  INSN_RBX, NONE, 1, 0, DS, false },
	{ "mov 0x100(,%rcx,4),%edx", M64, BYTES(0x8b, 0x14, 0x8d, 0x00, 0x01, 0x00, 0x00),
	  7, INSN_OP_MOV, 4, 4, 8, false, INSN_RDX, false, false, 0,
	  NONE, INSN_RCX, 4, 0x100, DS, false },
	{ "mov 0x8(%rax,%r13,8),%ebx", M64, BYTES(0x42, 0x8b, 0x5c, 0xe8, 0x08),
	  5, INSN_OP_MOV, 4, 4, 8, false, INSN_RBX, false, false, 0,
	  INSN_RAX, INSN_R13, 8, 8, DS, false },
	{ "mov 0x0(%r13),%eax", M64, BYTES(0x41, 0x8b, 0x45, 0x00),
	  4, INSN_OP_MOV, 4, 4, 8, false, INSN_RAX, false, false, 0,
	  INSN_R13, NONE, 1, 0, DS, false },
	{ "mov (%r12),%eax", M64, BYTES(0x41, 0x8b, 0x04, 0x24),
	  4, INSN_OP_MOV, 4, 4, 8, false, INSN_RAX, false, false, 0,
	  INSN_R12, NONE, 1, 0, DS, false },
	{ "mov (%rsp),%eax", M64, BYTES(0x8b, 0x04, 0x24),
	  3, INSN_OP_MOV, 4, 4, 8, false, INSN_RAX, false, false, 0,
	  INSN_RSP, NONE, 1, 0, SS, false },
	{ "mov 0x8(%rbp),%eax", M64, BYTES(0x8b, 0x45, 0x08),
	  3, INSN_OP_MOV, 4, 4, 8, false, INSN_RAX, false, false, 0,
	  INSN_RBP, NONE, 1, 8, SS, false },
	{ "mov %fs:0x10,%eax", M64, BYTES(0x64, 0x8b, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00),
	  8, INSN_OP_MOV, 4, 4, 8, false, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, 0x10, FS, false },
	{ "mov 0x10(%esi),%eax", M64, BYTES(0x67, 0x8b, 0x46, 0x10),
	  4, INSN_OP_MOV, 4, 4, 4, false, INSN_RAX, false, false, 0,
	  INSN_RSI, NONE, 1, 0x10, DS, false },
	{ "mov 0x10(%eip),%eax", M64, BYTES(0x67, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00),
	  7, INSN_OP_MOV, 4, 4, 4, false, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, 0x10, DS, true },
	{ "mov -0x8(%rax),%eax (disp8 sign-extends)", M64, BYTES(0x8b, 0x40, 0xf8),
	  3, INSN_OP_MOV, 4, 4, 8, false, INSN_RAX, false, false, 0,
	  INSN_RAX, NONE, 1, (uint64_t)-8, DS, false },
	/* MOV C6/C7 with immediates */
	{ "movl $0x12345678,0xb0(%rax)", M64,
	  BYTES(0xc7, 0x80, 0xb0, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12),
	  10, INSN_OP_MOV, 4, 4, 8, true, NONE, false, true, 0x12345678,
	  INSN_RAX, NONE, 1, 0xb0, DS, false },
	{ "movq $0xffffffffffffffff,0x8(%rbx)", M64,
	  BYTES(0x48, 0xc7, 0x43, 0x08, 0xff, 0xff, 0xff, 0xff),
	  8, INSN_OP_MOV, 8, 8, 8, true, NONE, false, true, ~0ull,
	  INSN_RBX, NONE, 1, 8, DS, false },
	{ "movb $0x5a,(%rsi)", M64, BYTES(0xc6, 0x06, 0x5a),
	  3, INSN_OP_MOV, 1, 1, 8, true, NONE, false, true, 0x5a,
	  INSN_RSI, NONE, 1, 0, DS, false },
	{ "movw $0x1234,0x2(%rdx)", M64, BYTES(0x66, 0xc7, 0x42, 0x02, 0x34, 0x12),
	  6, INSN_OP_MOV, 2, 2, 8, true, NONE, false, true, 0x1234,
	  INSN_RDX, NONE, 1, 2, DS, false },
	/* MOV A0-A3 (moffs) */
	{ "movabs 0xfee00020,%eax", M64,
	  BYTES(0xa1, 0x20, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00),
	  9, INSN_OP_MOV, 4, 4, 8, false, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, 0xfee00020, DS, false },
	{ "movabs %rax,0xfee000b0", M64,
	  BYTES(0x48, 0xa3, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00),
	  10, INSN_OP_MOV, 8, 8, 8, true, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, 0xfee000b0, DS, false },
	{ "mov %eax,0xfee000b0 (32-bit)", M32, BYTES(0xa3, 0xb0, 0x00, 0xe0, 0xfe),
	  5, INSN_OP_MOV, 4, 4, 4, true, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, 0xfee000b0, DS, false },
	{ "mov 0xfee00020,%eax (32-bit)", M32, BYTES(0xa1, 0x20, 0x00, 0xe0, 0xfe),
	  5, INSN_OP_MOV, 4, 4, 4, false, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, 0xfee00020, DS, false },
	{ "mov 0x1234,%ax (16-bit)", M16, BYTES(0xa1, 0x34, 0x12),
	  3, INSN_OP_MOV, 2, 2, 2, false, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, 0x1234, DS, false },
	{ "mov %al,%gs:0x10 (moffs8, override)", M64,
	  BYTES(0x65, 0xa2, 0x10, 0, 0, 0, 0, 0, 0, 0),
	  10, INSN_OP_MOV, 1, 1, 8, true, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, 0x10, INSN_SEG_GS, false },
	{ "addr32 mov 0xfee00020,%eax (moffs32 in 64-bit)", M64,
	  BYTES(0x67, 0xa1, 0x20, 0x00, 0xe0, 0xfe),
	  6, INSN_OP_MOV, 4, 4, 4, false, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, 0xfee00020, DS, false },
	/* MOVZX / MOVSX */
	{ "movzbl 0x10(%rax),%ecx", M64, BYTES(0x0f, 0xb6, 0x48, 0x10),
	  4, INSN_OP_MOVZX, 4, 1, 8, false, INSN_RCX, false, false, 0,
	  INSN_RAX, NONE, 1, 0x10, DS, false },
	{ "movzwl 0x10(%rax),%r8d", M64, BYTES(0x44, 0x0f, 0xb7, 0x40, 0x10),
	  5, INSN_OP_MOVZX, 4, 2, 8, false, INSN_R8, false, false, 0,
	  INSN_RAX, NONE, 1, 0x10, DS, false },
	{ "movsbq (%rdi),%rax", M64, BYTES(0x48, 0x0f, 0xbe, 0x07),
	  4, INSN_OP_MOVSX, 8, 1, 8, false, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0, DS, false },
	{ "movswl 0x2(%rsi),%edx", M64, BYTES(0x0f, 0xbf, 0x56, 0x02),
	  4, INSN_OP_MOVSX, 4, 2, 8, false, INSN_RDX, false, false, 0,
	  INSN_RSI, NONE, 1, 2, DS, false },
	{ "movzbw (%rdx),%ax", M64, BYTES(0x66, 0x0f, 0xb6, 0x02),
	  4, INSN_OP_MOVZX, 2, 1, 8, false, INSN_RAX, false, false, 0,
	  INSN_RDX, NONE, 1, 0, DS, false },
	/* ALU forms and group 1 */
	{ "orl $0x100,0xf0(%rax)", M64,
	  BYTES(0x81, 0x88, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00),
	  10, INSN_OP_OR, 4, 4, 8, true, NONE, false, true, 0x100,
	  INSN_RAX, NONE, 1, 0xf0, DS, false },
	{ "andl $0xfffffffe,0x20(%rax)", M64, BYTES(0x83, 0x60, 0x20, 0xfe),
	  4, INSN_OP_AND, 4, 4, 8, true, NONE, false, true, (uint64_t)-2,
	  INSN_RAX, NONE, 1, 0x20, DS, false },
	{ "andb $0xfe,(%rax)", M64, BYTES(0x80, 0x20, 0xfe),
	  3, INSN_OP_AND, 1, 1, 8, true, NONE, false, true, (uint64_t)-2,
	  INSN_RAX, NONE, 1, 0, DS, false },
	{ "lock orl $0x1,(%rdx)", M64, BYTES(0xf0, 0x83, 0x0a, 0x01),
	  4, INSN_OP_OR, 4, 4, 8, true, NONE, false, true, 1,
	  INSN_RDX, NONE, 1, 0, DS, false },
	{ "xor %eax,0x10(%rdi)", M64, BYTES(0x31, 0x47, 0x10),
	  3, INSN_OP_XOR, 4, 4, 8, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0x10, DS, false },
	{ "add 0x10(%rdi),%edx", M64, BYTES(0x03, 0x57, 0x10),
	  3, INSN_OP_ADD, 4, 4, 8, false, INSN_RDX, false, false, 0,
	  INSN_RDI, NONE, 1, 0x10, DS, false },
	{ "sub %cl,(%rdi)", M64, BYTES(0x28, 0x0f),
	  2, INSN_OP_SUB, 1, 1, 8, true, INSN_RCX, false, false, 0,
	  INSN_RDI, NONE, 1, 0, DS, false },
	{ "cmpl $0x5,(%rbx)", M64, BYTES(0x83, 0x3b, 0x05),
	  3, INSN_OP_CMP, 4, 4, 8, true, NONE, false, true, 5,
	  INSN_RBX, NONE, 1, 0, DS, false },
	{ "cmp 0x4(%rbx),%eax", M64, BYTES(0x3b, 0x43, 0x04),
	  3, INSN_OP_CMP, 4, 4, 8, false, INSN_RAX, false, false, 0,
	  INSN_RBX, NONE, 1, 4, DS, false },
	{ "orl $0x100,0xf0(%eax) (32-bit)", M32,
	  BYTES(0x81, 0x88, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00),
	  10, INSN_OP_OR, 4, 4, 4, true, NONE, false, true, 0x100,
	  INSN_RAX, NONE, 1, 0xf0, DS, false },
	{ "orw $0x8000,(%rbx) (imm16)", M64, BYTES(0x66, 0x81, 0x0b, 0x00, 0x80),
	  5, INSN_OP_OR, 2, 2, 8, true, NONE, false, true, (uint64_t)(int16_t)0x8000,
	  INSN_RBX, NONE, 1, 0, DS, false },
	/* TEST */
	{ "testl $0x1000,0x300(%rax)", M64,
	  BYTES(0xf7, 0x80, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00),
	  10, INSN_OP_TEST, 4, 4, 8, true, NONE, false, true, 0x1000,
	  INSN_RAX, NONE, 1, 0x300, DS, false },
	{ "testb $0x80,0x4(%rax)", M64, BYTES(0xf6, 0x40, 0x04, 0x80),
	  4, INSN_OP_TEST, 1, 1, 8, true, NONE, false, true, (uint64_t)-128,
	  INSN_RAX, NONE, 1, 4, DS, false },
	{ "test %eax,(%rdi)", M64, BYTES(0x85, 0x07),
	  2, INSN_OP_TEST, 4, 4, 8, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0, DS, false },
	/* XCHG */
	{ "xchg %eax,0x10(%rdi)", M64, BYTES(0x87, 0x47, 0x10),
	  3, INSN_OP_XCHG, 4, 4, 8, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0x10, DS, false },
	{ "xchg %r11,(%rdi)", M64, BYTES(0x4c, 0x87, 0x1f),
	  3, INSN_OP_XCHG, 8, 8, 8, true, INSN_R11, false, false, 0,
	  INSN_RDI, NONE, 1, 0, DS, false },
	{ "xchg %bh,(%rdi)", M64, BYTES(0x86, 0x3f),
	  2, INSN_OP_XCHG, 1, 1, 8, true, INSN_RBX, true, false, 0,
	  INSN_RDI, NONE, 1, 0, DS, false },
	/* STOS / MOVS */
	{ "rep stos %eax,%es:(%rdi)", M64, BYTES(0xf3, 0xab),
	  2, INSN_OP_STOS, 4, 4, 8, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0, ES, false },
	{ "rep stos %al,%es:(%rdi)", M64, BYTES(0xf3, 0xaa),
	  2, INSN_OP_STOS, 1, 1, 8, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0, ES, false },
	{ "stos %rax,%es:(%rdi)", M64, BYTES(0x48, 0xab),
	  2, INSN_OP_STOS, 8, 8, 8, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0, ES, false },
	{ "rep movsl %ds:(%rsi),%es:(%rdi)", M64, BYTES(0xf3, 0xa5),
	  2, INSN_OP_MOVS, 4, 4, 8, false, NONE, false, false, 0,
	  INSN_RSI, NONE, 1, 0, DS, false },
	{ "movsb %ds:(%rsi),%es:(%rdi)", M64, BYTES(0xa4),
	  1, INSN_OP_MOVS, 1, 1, 8, false, NONE, false, false, 0,
	  INSN_RSI, NONE, 1, 0, DS, false },
	{ "rep movsl %fs:(%rsi),%es:(%rdi)", M64, BYTES(0x64, 0xf3, 0xa5),
	  3, INSN_OP_MOVS, 4, 4, 8, false, NONE, false, false, 0,
	  INSN_RSI, NONE, 1, 0, FS, false },
	{ "rep stos %ax,%es:(%di) (16-bit)", M16, BYTES(0xf3, 0xab),
	  2, INSN_OP_STOS, 2, 2, 2, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0, ES, false },
	/* 32-bit code */
	{ "mov 0x300(%edi),%edx", M32, BYTES(0x8b, 0x97, 0x00, 0x03, 0x00, 0x00),
	  6, INSN_OP_MOV, 4, 4, 4, false, INSN_RDX, false, false, 0,
	  INSN_RDI, NONE, 1, 0x300, DS, false },
	{ "mov 0x10(%ebp),%eax", M32, BYTES(0x8b, 0x45, 0x10),
	  3, INSN_OP_MOV, 4, 4, 4, false, INSN_RAX, false, false, 0,
	  INSN_RBP, NONE, 1, 0x10, SS, false },
	{ "mov %ax,(%esi,%ebx,2)", M32, BYTES(0x66, 0x89, 0x04, 0x5e),
	  4, INSN_OP_MOV, 2, 2, 4, true, INSN_RAX, false, false, 0,
	  INSN_RSI, INSN_RBX, 2, 0, DS, false },
	{ "mov 0xfee00300,%eax (disp32, no RIP in 32-bit)", M32,
	  BYTES(0x8b, 0x05, 0x00, 0x03, 0xe0, 0xfe),
	  6, INSN_OP_MOV, 4, 4, 4, false, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, (uint64_t)(int32_t)0xfee00300, DS, false },
	{ "mov (%bx,%si),%ax (32-bit, addr16 opsize16)", M32, BYTES(0x67, 0x66, 0x8b, 0x00),
	  4, INSN_OP_MOV, 2, 2, 2, false, INSN_RAX, false, false, 0,
	  INSN_RBX, INSN_RSI, 1, 0, DS, false },
	/* 16-bit code */
	{ "mov 0x10(%bx,%si),%ax", M16, BYTES(0x8b, 0x40, 0x10),
	  3, INSN_OP_MOV, 2, 2, 2, false, INSN_RAX, false, false, 0,
	  INSN_RBX, INSN_RSI, 1, 0x10, DS, false },
	{ "mov 0x0(%bp),%ax", M16, BYTES(0x8b, 0x46, 0x00),
	  3, INSN_OP_MOV, 2, 2, 2, false, INSN_RAX, false, false, 0,
	  INSN_RBP, NONE, 1, 0, SS, false },
	{ "mov %al,0x20(%di)", M16, BYTES(0x88, 0x45, 0x20),
	  3, INSN_OP_MOV, 1, 1, 2, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0x20, DS, false },
	{ "movl $0x11223344,(%bx)", M16, BYTES(0x66, 0xc7, 0x07, 0x44, 0x33, 0x22, 0x11),
	  7, INSN_OP_MOV, 4, 4, 2, true, NONE, false, true, 0x11223344,
	  INSN_RBX, NONE, 1, 0, DS, false },
	{ "mov %eax,0x8(%ebx)", M16, BYTES(0x67, 0x66, 0x89, 0x43, 0x08),
	  5, INSN_OP_MOV, 4, 4, 4, true, INSN_RAX, false, false, 0,
	  INSN_RBX, NONE, 1, 8, DS, false },
	{ "mov -0x2(%bp,%di),%cl", M16, BYTES(0x8a, 0x4b, 0xfe),
	  3, INSN_OP_MOV, 1, 1, 2, false, INSN_RCX, false, false, 0,
	  INSN_RBP, INSN_RDI, 1, (uint64_t)-2, SS, false },
	{ "movw $0x5,%es:(%si)", M16, BYTES(0x26, 0xc7, 0x04, 0x05, 0x00),
	  5, INSN_OP_MOV, 2, 2, 2, true, NONE, false, true, 5,
	  INSN_RSI, NONE, 1, 0, ES, false },
	{ "mov 0x1234,%ax (mod 0 r/m 6: disp16)", M16, BYTES(0x8b, 0x06, 0x34, 0x12),
	  4, INSN_OP_MOV, 2, 2, 2, false, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, 0x1234, DS, false },
	/* Prefix corner cases */
	{ "REX before 66 is cancelled: 48 66 89 07 = mov %ax,(%rdi)", M64,
	  BYTES(0x48, 0x66, 0x89, 0x07),
	  4, INSN_OP_MOV, 2, 2, 8, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0, DS, false },
	{ "REX.W wins over 66: 66 48 89 07 = mov %rax,(%rdi)", M64,
	  BYTES(0x66, 0x48, 0x89, 0x07),
	  4, INSN_OP_MOV, 8, 8, 8, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0, DS, false },
	{ "REX.X with SIB index 100 is r12: 42 8b 04 20", M64,
	  BYTES(0x42, 0x8b, 0x04, 0x20),
	  4, INSN_OP_MOV, 4, 4, 8, false, INSN_RAX, false, false, 0,
	  INSN_RAX, INSN_R12, 1, 0, DS, false },
	{ "SIB base 101 mod 0 with REX.B: no base, disp32", M64,
	  BYTES(0x41, 0x8b, 0x04, 0x25, 0x00, 0x00, 0xe0, 0xfe),
	  8, INSN_OP_MOV, 4, 4, 8, false, INSN_RAX, false, false, 0,
	  NONE, NONE, 1, (uint64_t)(int32_t)0xfee00000, DS, false },
	{ "15 bytes: 13 x 66 then 89 07", M64,
	  BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x89, 0x07),
	  15, INSN_OP_MOV, 2, 2, 8, true, INSN_RAX, false, false, 0,
	  INSN_RDI, NONE, 1, 0, DS, false },
};

static void check_case(const struct dec_case *c)
{
	struct insn in;
	int ret = insn_decode(&in, c->b, c->n, c->mode);

	if (ret)
		print_error("%s: decode returned %d\n", c->text, ret);
	assert_int_equal(ret, 0);
	if (in.len != c->len || in.op != c->op || in.op_size != c->op_size ||
	    in.mem_size != c->mem_size || in.addr_size != c->addr_size ||
	    in.mem_is_dst != c->dst || in.reg != c->reg ||
	    in.reg_high8 != c->high8 || in.has_imm != c->has_imm ||
	    in.imm != c->imm || !in.has_mem || in.mem.base != c->base ||
	    in.mem.index != c->index || in.mem.scale != c->scale ||
	    in.mem.disp != c->disp || in.mem.seg != c->seg ||
	    in.mem.rip_relative != c->rip)
		print_error("%s:\n expected len %u op %s size %u/%u/%u dst %d reg %d%s "
			    "imm %d:%#llx base %d index %d*%u disp %#llx seg %u rip %d\n"
			    " got      len %u op %s size %u/%u/%u dst %d reg %d%s "
			    "imm %d:%#llx base %d index %d*%u disp %#llx seg %u rip %d\n",
			    c->text, c->len, insn_decode_op_name(c->op), c->op_size,
			    c->mem_size, c->addr_size, c->dst, c->reg,
			    c->high8 ? "h" : "", c->has_imm, (unsigned long long)c->imm,
			    c->base, c->index, c->scale, (unsigned long long)c->disp,
			    c->seg, c->rip,
			    in.len, insn_decode_op_name(in.op), in.op_size,
			    in.mem_size, in.addr_size, in.mem_is_dst, in.reg,
			    in.reg_high8 ? "h" : "", in.has_imm,
			    (unsigned long long)in.imm, in.mem.base, in.mem.index,
			    in.mem.scale, (unsigned long long)in.mem.disp, in.mem.seg,
			    in.mem.rip_relative);
	assert_int_equal(in.len, c->len);
	assert_int_equal(in.op, c->op);
	assert_int_equal(in.op_size, c->op_size);
	assert_int_equal(in.mem_size, c->mem_size);
	assert_int_equal(in.addr_size, c->addr_size);
	assert_int_equal(in.mem_is_dst, c->dst);
	assert_int_equal(in.reg, c->reg);
	assert_int_equal(in.reg_high8, c->high8);
	assert_int_equal(in.has_imm, c->has_imm);
	assert_int_equal(in.imm, c->imm);
	assert_true(in.has_mem);
	assert_int_equal(in.mem.base, c->base);
	assert_int_equal(in.mem.index, c->index);
	assert_int_equal(in.mem.scale, c->scale);
	assert_int_equal(in.mem.disp, c->disp);
	assert_int_equal(in.mem.seg, c->seg);
	assert_int_equal(in.mem.rip_relative, c->rip);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

/* Trailing bytes after the instruction are not part of it. */
static void test_trailing_bytes_ignored(void **state)
{
	static const uint8_t b[] = { 0x8b, 0x4b, 0x20, 0x0f, 0x0b, 0xff, 0xff };
	struct insn in;

	(void)state;
	assert_int_equal(insn_decode(&in, b, sizeof(b), INSN_MODE_64), 0);
	assert_int_equal(in.len, 3);
	/* a buffer longer than 15 bytes is fine too */
	uint8_t big[32] = { 0x89, 0x07 };
	assert_int_equal(insn_decode(&in, big, sizeof(big), INSN_MODE_64), 0);
	assert_int_equal(in.len, 2);
}

/* Register-only forms decode (their length is known) but have no memory. */
static void test_register_forms(void **state)
{
	static const uint8_t mov_rr[] = { 0x89, 0xc8 };		/* mov %ecx,%eax */
	static const uint8_t or_ri[] = { 0x83, 0xc8, 0x01 };	/* or $1,%eax */
	struct insn in;

	(void)state;
	assert_int_equal(insn_decode(&in, mov_rr, sizeof(mov_rr), INSN_MODE_64), 0);
	assert_int_equal(in.len, 2);
	assert_false(in.has_mem);
	assert_int_equal(insn_decode(&in, or_ri, sizeof(or_ri), INSN_MODE_64), 0);
	assert_int_equal(in.len, 3);
	assert_false(in.has_mem);
	assert_int_equal(in.op, INSN_OP_OR);
}

struct reject_case {
	const char *text;
	enum insn_mode mode;
	uint8_t b[20];
	size_t n;
	int err;
};

static const struct reject_case rejects[] = {
	/* outside the supported set */
	{ "ud2", M64, BYTES(0x0f, 0x0b), -EOPNOTSUPP },
	{ "incl (%rax)", M64, BYTES(0xff, 0x00), -EOPNOTSUPP },
	{ "dec %eax (32-bit 48)", M32, BYTES(0x48), -EOPNOTSUPP },
	{ "adc %eax,(%rdi)", M64, BYTES(0x11, 0x07), -EOPNOTSUPP },
	{ "sbb (%rdi),%eax", M64, BYTES(0x1b, 0x07), -EOPNOTSUPP },
	{ "adcl $1,(%rax) (80 /2)", M64, BYTES(0x83, 0x10, 0x01), -EOPNOTSUPP },
	{ "sbbb $1,(%rax) (80 /3)", M64, BYTES(0x80, 0x18, 0x01), -EOPNOTSUPP },
	{ "82 /0 (invalid in 64-bit, unsupported anywhere)", M32, BYTES(0x82, 0x00, 0x01), -EOPNOTSUPP },
	{ "C7 /1 (undefined)", M64, BYTES(0xc7, 0x08, 0, 0, 0, 0), -EOPNOTSUPP },
	{ "xbegin (C7 F8)", M64, BYTES(0xc7, 0xf8, 0, 0, 0, 0), -EOPNOTSUPP },
	{ "notl (%rax) (F7 /2)", M64, BYTES(0xf7, 0x10), -EOPNOTSUPP },
	{ "negb (%rax) (F6 /3)", M64, BYTES(0xf6, 0x18), -EOPNOTSUPP },
	{ "movnti (0F C3)", M64, BYTES(0x0f, 0xc3, 0x07), -EOPNOTSUPP },
	{ "three-byte map 0F 38", M64, BYTES(0x0f, 0x38, 0xf0, 0x07), -EOPNOTSUPP },
	{ "lods (AC)", M64, BYTES(0xac), -EOPNOTSUPP },
	{ "cmps (A7)", M64, BYTES(0xa7), -EOPNOTSUPP },
	{ "movsxd (63)", M64, BYTES(0x48, 0x63, 0x07), -EOPNOTSUPP },
	{ "rep mov (F3 89 07)", M64, BYTES(0xf3, 0x89, 0x07), -EOPNOTSUPP },
	{ "xrelease lock or (F3 F0 09 07)", M64, BYTES(0xf3, 0xf0, 0x09, 0x07), -EOPNOTSUPP },
	{ "popcnt (F3 0F B8)", M64, BYTES(0xf3, 0x0f, 0xb8, 0x07), -EOPNOTSUPP },
	{ "repne movzx (F2 0F B6 07)", M64, BYTES(0xf2, 0x0f, 0xb6, 0x07), -EOPNOTSUPP },
	/* LOCK where the CPU raises #UD */
	{ "lock mov (%rdi),%eax", M64, BYTES(0xf0, 0x8b, 0x07), -EINVAL },
	{ "lock mov %eax,(%rdi)", M64, BYTES(0xf0, 0x89, 0x07), -EINVAL },
	{ "lock or %eax,%eax (no memory)", M64, BYTES(0xf0, 0x09, 0xc0), -EINVAL },
	{ "lock or (%rdi),%eax (register destination)", M64, BYTES(0xf0, 0x0b, 0x07), -EINVAL },
	{ "lock cmp %eax,(%rdi)", M64, BYTES(0xf0, 0x39, 0x07), -EINVAL },
	{ "lock test %eax,(%rdi)", M64, BYTES(0xf0, 0x85, 0x07), -EINVAL },
	{ "lock rep stos", M64, BYTES(0xf0, 0xf3, 0xab), -EINVAL },
	{ "lock movzbl", M64, BYTES(0xf0, 0x0f, 0xb6, 0x07), -EINVAL },
	{ "lock xchg %eax,%ecx", M64, BYTES(0xf0, 0x87, 0xc8), -EINVAL },
	/* truncated */
	{ "empty buffer", M64, { 0 }, 0, -EAGAIN },
	{ "only a prefix", M64, BYTES(0x66), -EAGAIN },
	{ "only a REX", M64, BYTES(0x48), -EAGAIN },
	{ "0F alone", M64, BYTES(0x0f), -EAGAIN },
	{ "no ModRM", M64, BYTES(0x89), -EAGAIN },
	{ "no SIB", M64, BYTES(0x8b, 0x04), -EAGAIN },
	{ "disp32 cut", M64, BYTES(0x89, 0x87, 0x00, 0x03, 0x00), -EAGAIN },
	{ "imm32 cut", M64, BYTES(0xc7, 0x80, 0xb0, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34), -EAGAIN },
	{ "moffs64 cut", M64, BYTES(0xa1, 0x20, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00), -EAGAIN },
	{ "disp16 cut (16-bit)", M16, BYTES(0x8b, 0x06, 0x34), -EAGAIN },
	/* over 15 bytes */
	{ "16 bytes: 14 x 66 then 89 07", M64,
	  BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x89, 0x07), -E2BIG },
	{ "17 bytes: 7 prefixes + movl $imm32,disp32(%rax)", M64,
	  BYTES(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0xc7, 0x80, 0, 0, 0, 0,
		1, 2, 3, 4), -E2BIG },
	{ "15 prefixes", M64,
	  BYTES(0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
		0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e), -E2BIG },
};

static void test_rejects(void **state)
{
	struct insn in;

	(void)state;
	for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		const struct reject_case *c = &rejects[i];
		int ret = insn_decode(&in, c->b, c->n, c->mode);

		if (ret != c->err)
			print_error("%s: expected %d, got %d\n", c->text, c->err, ret);
		assert_int_equal(ret, c->err);
	}
}

static void test_bad_mode(void **state)
{
	static const uint8_t b[] = { 0x89, 0x07 };
	struct insn in;

	(void)state;
	assert_int_equal(insn_decode(&in, b, sizeof(b), (enum insn_mode)7), -EINVAL);
}

/* Effective addresses, including wrap-around at the address size. */
static void test_effective_address(void **state)
{
	struct cpu_regs r;
	struct insn in;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.rax = 0x1000;
	r.r13 = 0x20;
	r.rip = 0xffffffff81000000ull;
	r.rbx = 0xfff0;
	r.rsi = 0x20;
	r.rcx = 0xfffffffffffffffeull;

	/* mov 0x8(%rax,%r13,8),%ebx: 0x1000 + 0x100 + 8 */
	assert_int_equal(insn_decode(&in, (const uint8_t[]){ 0x42, 0x8b, 0x5c, 0xe8, 0x08 },
				     5, INSN_MODE_64), 0);
	assert_int_equal(insn_decode_ea(&in, &r), 0x1108);
	/* mov 0x1234(%rip),%r10d: next RIP + 0x1234 */
	assert_int_equal(insn_decode(&in, (const uint8_t[]){ 0x44, 0x8b, 0x15, 0x34, 0x12, 0, 0 },
				     7, INSN_MODE_64), 0);
	assert_int_equal(insn_decode_ea(&in, &r), 0xffffffff81000000ull + 7 + 0x1234);
	/* mov -0x8(%rax),%eax */
	assert_int_equal(insn_decode(&in, (const uint8_t[]){ 0x8b, 0x40, 0xf8 },
				     3, INSN_MODE_64), 0);
	assert_int_equal(insn_decode_ea(&in, &r), 0xff8);
	/* 16-bit: mov 0x10(%bx,%si),%ax wraps at 64 KiB: 0xfff0+0x20+0x10 */
	assert_int_equal(insn_decode(&in, (const uint8_t[]){ 0x8b, 0x40, 0x10 },
				     3, INSN_MODE_16), 0);
	assert_int_equal(insn_decode_ea(&in, &r), 0x20);
	/* 32-bit: mov 0x10(%ecx),... wraps at 4 GiB */
	assert_int_equal(insn_decode(&in, (const uint8_t[]){ 0x8b, 0x41, 0x10 },
				     3, INSN_MODE_32), 0);
	assert_int_equal(insn_decode_ea(&in, &r), 0xe);
	/* 64-bit with 67: 0x10(%esi) */
	r.rsi = 0x1ffffffff0ull;
	assert_int_equal(insn_decode(&in, (const uint8_t[]){ 0x67, 0x8b, 0x46, 0x10 },
				     4, INSN_MODE_64), 0);
	assert_int_equal(insn_decode_ea(&in, &r), 0);
	/* moffs */
	assert_int_equal(insn_decode(&in, (const uint8_t[]){ 0xa1, 0x20, 0, 0xe0, 0xfe, 0, 0, 0, 0 },
				     9, INSN_MODE_64), 0);
	assert_int_equal(insn_decode_ea(&in, &r), 0xfee00020);
}

/* insn_decode_gpr follows the encoding order, not struct cpu_regs'. */
static void test_gpr_order(void **state)
{
	struct cpu_regs r;

	(void)state;
	assert_ptr_equal(insn_decode_gpr(&r, INSN_RAX), &r.rax);
	assert_ptr_equal(insn_decode_gpr(&r, INSN_RCX), &r.rcx);
	assert_ptr_equal(insn_decode_gpr(&r, INSN_RDX), &r.rdx);
	assert_ptr_equal(insn_decode_gpr(&r, INSN_RBX), &r.rbx);
	assert_ptr_equal(insn_decode_gpr(&r, INSN_RSP), &r.rsp);
	assert_ptr_equal(insn_decode_gpr(&r, INSN_RBP), &r.rbp);
	assert_ptr_equal(insn_decode_gpr(&r, INSN_RSI), &r.rsi);
	assert_ptr_equal(insn_decode_gpr(&r, INSN_RDI), &r.rdi);
	assert_ptr_equal(insn_decode_gpr(&r, INSN_R8), &r.r8);
	assert_ptr_equal(insn_decode_gpr(&r, INSN_R15), &r.r15);
	assert_string_equal(insn_decode_op_name(INSN_OP_MOVZX), "movzx");
	assert_string_equal(insn_decode_op_name((enum insn_op)99), "?");
}

static void test_mode(void **state)
{
	(void)state;
	assert_int_equal(insn_decode_mode(0x10, 0, 0x2, false, false), INSN_MODE_16);
	assert_int_equal(insn_decode_mode(0x11, 0, 0x2, false, true), INSN_MODE_32);
	assert_int_equal(insn_decode_mode(0x11, 0, 0x2, false, false), INSN_MODE_16);
	assert_int_equal(insn_decode_mode(0x80000011, 0x500, 0x2, true, false), INSN_MODE_64);
	/* compatibility mode: LMA but CS.L clear */
	assert_int_equal(insn_decode_mode(0x80000011, 0x500, 0x2, false, true), INSN_MODE_32);
	/* CS.L without LMA means nothing */
	assert_int_equal(insn_decode_mode(0x11, 0, 0x2, true, true), INSN_MODE_32);
	/* virtual-8086 */
	assert_int_equal(insn_decode_mode(0x80000011, 0, 0x20002, false, true), INSN_MODE_16);
}

/*
 * Hostile bytes: random buffers of every length, placed so that the byte
 * after the last one is an inaccessible page. Any read past the buffer
 * faults; any success must report a length within the buffer.
 */
static void test_random_bytes(void **state)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t seed = 12345;
	unsigned int ok = 0;
	struct insn in;

	(void)state;
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + page, page, PROT_NONE), 0);
	for (int iter = 0; iter < 200000; iter++) {
		size_t n = iter % 17;
		uint8_t *b = map + page - n;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			b[i] = seed >> 16;
			/* bias towards prefixes and supported opcodes */
			if ((seed & 0x700) == 0)
				b[i] = (uint8_t[]){ 0x66, 0x67, 0xf0, 0xf3, 0x48, 0x89,
						    0x8b, 0x0f, 0x65 }[(seed >> 12) % 9];
		}
		int ret = insn_decode(&in, b, n, (enum insn_mode)(iter % 3));
		if (ret == 0) {
			assert_true(in.len >= 1 && in.len <= n && in.len <= 15);
			ok++;
		} else {
			assert_true(ret == -EAGAIN || ret == -E2BIG ||
				    ret == -EINVAL || ret == -EOPNOTSUPP);
		}
	}
	assert_true(ok > 1000);
	munmap(map, 2 * page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_trailing_bytes_ignored),
		cmocka_unit_test(test_register_forms),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_bad_mode),
		cmocka_unit_test(test_effective_address),
		cmocka_unit_test(test_gpr_order),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_random_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
