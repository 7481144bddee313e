/* test_regs.c - unit tests of the general-register dump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "printk.h"
#include "arch/x86/regs.h"

static char out[1024];
static unsigned int out_level;

/* printk for regs.c: the text appended to out (host vsnprintf). */
void printk(unsigned int level, const char *fmt, ...)
{
	size_t len = strlen(out);
	va_list ap;

	out_level = level;
	va_start(ap, fmt);
	vsnprintf(out + len, sizeof(out) - len, fmt, ap);
	va_end(ap);
}

/* Every register shows its own value, under its own name, in its place. */
static void test_dump_layout(void **state)
{
	struct cpu_regs r = {
		.rax = 0xa, .rbx = 0xb, .rcx = 0xc, .rdx = 0xd, .rsi = 0x51, .rdi = 0xd1,
		.rbp = 0xb9, .rsp = 0x59, .r8 = 8, .r9 = 9, .r10 = 10, .r11 = 11,
		.r12 = 12, .r13 = 13, .r14 = 14, .r15 = 0xffffffffffffffffull,
		.rip = 0x1234, .rflags = 0x2,
	};

	(void)state;
	out[0] = '\0';
	regs_dump(PRINTK_WARNING, "  ", &r);
	assert_int_equal(out_level, PRINTK_WARNING);
	assert_string_equal(out,
		"  RAX 000000000000000a RBX 000000000000000b RCX 000000000000000c RDX 000000000000000d\n"
		"  RSI 0000000000000051 RDI 00000000000000d1 RBP 00000000000000b9 RSP 0000000000000059\n"
		"  R8  0000000000000008 R9  0000000000000009 R10 000000000000000a R11 000000000000000b\n"
		"  R12 000000000000000c R13 000000000000000d R14 000000000000000e R15 ffffffffffffffff\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
