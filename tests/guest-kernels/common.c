/* common.c - multiboot v1 header and entry, a polled 16550 at 0x3f8, the command line. */
#include "common.h"

#define COM1		0x3f8
#define COM1_LSR	(COM1 + 5)
#define LSR_THRE	(1u << 5)	/* transmitter holding register empty */

/*
 * The multiboot header (flags: page-aligned modules, memory info) comes
 * first in .text (kernel.ld), well inside the 8 KiB the loader searches.
 * The loader enters at _start in 32-bit protected mode with flat segments
 * and EAX = magic, EBX = the info; we load our own GDT (so that nothing
 * outside the image describes our segments) and our own stack.
 */
__asm__(".section .multiboot, \"a\"\n"
	".align 4\n"
	".long 0x1BADB002\n"
	".long 0x00000003\n"
	".long -(0x1BADB002 + 0x00000003)\n"
	".text\n"
	".globl _start\n"
	"_start:\n"
	"	cli\n"
	"	lgdt gdt_desc\n"
	"	ljmp $0x08, $1f\n"
	"1:	movw $0x10, %cx\n"
	"	movw %cx, %ds\n"
	"	movw %cx, %es\n"
	"	movw %cx, %fs\n"
	"	movw %cx, %gs\n"
	"	movw %cx, %ss\n"
	"	movl $stack_top, %esp\n"
	"	pushl %ebx\n"
	"	pushl %eax\n"
	"	call kmain\n"
	"2:	cli\n"
	"	hlt\n"
	"	jmp 2b\n");

/* Null, flat 4 GiB code (0x08), flat 4 GiB data (0x10). */
static const uint64_t gdt[3] __attribute__((used, aligned(8))) = {
	0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull,
};
struct __attribute__((packed)) gdt_ptr { uint16_t limit; uint32_t base; };
const struct gdt_ptr gdt_desc __attribute__((used)) = { sizeof(gdt) - 1, (uint32_t)gdt };

static uint8_t stack[16384] __attribute__((used, aligned(16)));
__asm__(".globl stack_top\n.set stack_top, stack + 16384\n");

/* gcc may emit calls to these for structure copies and initialisers. */
void *memset(void *d, int c, unsigned long n)
{
	uint8_t *p = d;

	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	uint8_t *p = d;
	const uint8_t *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

void serial_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	while (!(inb(COM1_LSR) & LSR_THRE))
		;
	outb(COM1, (uint8_t)c);
}

void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

void serial_putdec(uint32_t v)
{
	char b[11];
	int i = 10;

	b[i] = 0;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	serial_puts(b + i);
}

void serial_puthex(uint32_t v)
{
	int i;

	serial_puts("0x");
	for (i = 28; i >= 0; i -= 4)
		serial_putc("0123456789abcdef"[(v >> i) & 15]);
}

uint32_t cmdline_uint(const struct mb_info *mbi, const char *key, uint32_t def)
{
	const char *start, *p, *s, *k;
	uint32_t v;

	if (!(mbi->flags & MBI_CMDLINE) || !mbi->cmdline)
		return def;
	start = (const char *)mbi->cmdline;
	for (p = start; *p; p++) {
		if (p != start && p[-1] != ' ')
			continue;
		for (k = key, s = p; *k && *s == *k; k++, s++)
			;
		if (*k || *s < '0' || *s > '9')
			continue;
		for (v = 0; *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (uint32_t)(*s - '0');
		return v;
	}
	return def;
}

void guest_exit(uint8_t status)
{
	outb(EXIT_PORT, status);
	serial_puts("guest: still running after writing the exit port\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
