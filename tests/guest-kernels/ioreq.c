/*
 * ioreq.c - talks to the scratch device of `xenolith-bench ioreq` (ioreq_dev.h):
 * port and MMIO writes read back at sizes 1, 2, 4 and (in 64-bit mode) 8,
 * read-modify-write and REP STOS on MMIO, a RAM pattern dom0 must see, an
 * MSI it must receive, and a timed run of port reads. Prints one
 * "ioreq: PASS ..." or "ioreq: FAIL ..." line per check, then
 * "ioreq: done N failed" and exits with N; with wait=1 it keeps reading
 * the device instead (for the tests that kill its server or destroy it),
 * with wait=2 it sends the one request the server never answers.
 */
#include "common.h"
#include "ioreq_dev.h"

#define MSI_VECTOR	0x40u
#define LAPIC_SVR	0xfee000f0u
#define LAPIC_EOI	0xfee000b0u
#define WAIT_SPINS	400000000u

static uint32_t failed;
static volatile uint32_t msi_seen;
static uint8_t pattern[4096] __attribute__((aligned(4096)));

static void result(int ok, const char *what, uint32_t size, uint32_t seen)
{
	serial_puts(ok ? "ioreq: PASS " : "ioreq: FAIL ");
	serial_puts(what);
	serial_puts(" size ");
	serial_putdec(size);
	if (!ok) {
		serial_puts(" read ");
		serial_puthex(seen);
		failed++;
	}
	serial_putc('\n');
}

static void mmio_write(uint32_t a, uint32_t size, uint32_t v)
{
	if (size == 1)
		*(volatile uint8_t *)a = (uint8_t)v;
	else if (size == 2)
		*(volatile uint16_t *)a = (uint16_t)v;
	else
		*(volatile uint32_t *)a = v;
}

static uint32_t mmio_read(uint32_t a, uint32_t size)
{
	if (size == 1)
		return *(volatile uint8_t *)a;
	if (size == 2)
		return *(volatile uint16_t *)a;
	return *(volatile uint32_t *)a;
}

static void test_pio(void)
{
	static const uint32_t vals[] = { 0, 0xa5, 0xbeef, 0xdeadc0de };
	uint32_t size, v, got;

	for (size = 1; size <= 4; size <<= 1) {
		v = vals[size == 4 ? 3 : size];
		if (size == 1)
			outb(DEV_PORT + 4, (uint8_t)v), got = inb(DEV_PORT + 4);
		else if (size == 2)
			outw(DEV_PORT + 4, (uint16_t)v), got = inw(DEV_PORT + 4);
		else
			outl(DEV_PORT + 4, v), got = inl(DEV_PORT + 4);
		result(got == v, "pio", size, got);
	}
}

static void test_mmio(void)
{
	static const uint32_t vals[] = { 0, 0x5a, 0xf00d, 0x12345678 };
	uint32_t size, v, got, a, i;

	for (size = 1; size <= 4; size <<= 1) {
		v = vals[size == 4 ? 3 : size];
		a = DEV_MMIO + 0x10 * size;
		mmio_write(a, size, v);
		got = mmio_read(a, size);
		result(got == v, "mmio", size, got);
	}
	/* OR on the device: a read, then a write, in one instruction. */
	a = DEV_MMIO + 0x80;
	mmio_write(a, 4, 0x0f000000);
	__asm__ volatile("orl $0xf0, (%0)" :: "r"(a) : "memory", "cc");
	got = mmio_read(a, 4);
	result(got == 0x0f0000f0, "mmio or", 4, got);
	/* REP STOSL over four words: one request each. */
	__asm__ volatile("cld\n\trep stosl" : "+D"(a), "+c"((uint32_t){ 4 })
		       : "a"(0xcafe0000u) : "memory");
	for (i = 0, got = 0; i < 4; i++)
		got += mmio_read(DEV_MMIO + 0x80 + 4 * i, 4) == 0xcafe0000u;
	result(got == 4, "mmio rep stos", 4, got);
}

static void test_ram(void)
{
	uint32_t i, got;

	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = DEV_PATTERN(i);
	outl(DEV_PORT_RAM, (uint32_t)pattern);
	got = inl(DEV_PORT_RAM);
	result(got == 1, "guest ram seen by dom0", sizeof(pattern), got);
}

__asm__(".text\n"
	"msi_stub:\n"
	"	pushal\n"
	"	call msi_handler\n"
	"	popal\n"
	"	iret\n");
void msi_stub(void);

void msi_handler(void);
void msi_handler(void)
{
	msi_seen++;
	*(volatile uint32_t *)LAPIC_EOI = 0;
}

/* A 32-bit interrupt gate (Intel SDM vol. 3 §6.11): vector MSI_VECTOR only. */
static uint64_t idt[256] __attribute__((aligned(8)));

static void test_msi(void)
{
	struct __attribute__((packed)) { uint16_t limit; uint32_t base; } desc;
	uint32_t h = (uint32_t)msi_stub, i;

	idt[MSI_VECTOR] = (h & 0xffff) | 0x08u << 16 | (uint64_t)0x8e00 << 32 |
			  (uint64_t)(h >> 16) << 48;
	desc.limit = sizeof(idt) - 1;
	desc.base = (uint32_t)idt;
	__asm__ volatile("lidt %0" :: "m"(desc));
	*(volatile uint32_t *)LAPIC_SVR = 0x1ff;	/* software-enabled, spurious 0xff */
	__asm__ volatile("sti");
	outl(DEV_PORT_MSI, MSI_VECTOR);
	for (i = 0; i < WAIT_SPINS / 1000 && !msi_seen; i++)
		__asm__ volatile("hlt");
	__asm__ volatile("cli");
	result(msi_seen == 1, "msi vector 0x40 received", 4, msi_seen);
}

/* Identity map of 4 GiB in 2 MiB pages, for the 64-bit test. */
static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static const uint64_t gdt64[4] __attribute__((aligned(8))) = {
	0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull, 0x00af9a000000ffffull,
};

/* Long mode (AMD APM vol. 2 §14.6), interrupts off; the rest of the run
 * goes on in compatibility mode on the 32-bit code segment. A 64-bit
 * store to the device and a 64-bit load back into out[]. */
static void test_mmio64(void)
{
	struct __attribute__((packed)) { uint16_t limit; uint32_t base; } desc;
	uint32_t i, j, out[2] = { 0, 0 };

	for (i = 0; i < 4; i++) {
		pdpt[i] = (uint32_t)pd[i] | 3;
		for (j = 0; j < 512; j++)
			pd[i][j] = ((uint64_t)(i * 512 + j) << 21) | 0x83;
	}
	pml4[0] = (uint32_t)pdpt | 3;
	desc.limit = sizeof(gdt64) - 1;
	desc.base = (uint32_t)gdt64;
	__asm__ volatile("lgdt %0" :: "m"(desc));
	/* CR4: PAE, and PSE and PGE as Linux sets them, so that the round
	 * trip it measures is what a Linux guest's world switches cost. */
	__asm__ volatile(
		"movl %%cr4, %%eax\n\torl $0xb0, %%eax\n\tmovl %%eax, %%cr4\n\t"
		"movl %0, %%cr3\n\t"
		"movl $0xc0000080, %%ecx\n\trdmsr\n\torl $0x100, %%eax\n\twrmsr\n\t"
		"movl %%cr0, %%eax\n\torl $0x80000000, %%eax\n\tmovl %%eax, %%cr0\n\t"
		"ljmp $0x18, $1f\n"
		"1:\n\t.code64\n\t"
		"movabsq $0x1122334455667788, %%rax\n\t"
		"movl %1, %%edx\n\t"
		"movq %%rax, (%%rdx)\n\t"
		"movq (%%rdx), %%rbx\n\t"
		"movl %2, %%ecx\n\t"
		"movq %%rbx, (%%rcx)\n\t"
		"pushq $0x08\n\t"
		"leaq 2f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"2:\n\t.code32\n"
		:: "r"((uint32_t)pml4), "i"(DEV_MMIO + 0x40), "r"((uint32_t)out)
		: "eax", "ebx", "ecx", "edx", "memory", "cc");
	result(out[0] == 0x55667788u && out[1] == 0x11223344u, "mmio", 8, out[1]);
}

static void bench(void)
{
	uint32_t i;

	outl(DEV_PORT_BENCH, 1);
	for (i = 0; i < 2000; i++)
		(void)inl(DEV_PORT);
	outl(DEV_PORT_BENCH, 2);
}

void kmain(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t wait = cmdline_uint(mbi, "wait=", 0), i;

	(void)magic;
	for (i = 0; i < WAIT_SPINS && inl(DEV_PORT_READY) != DEV_READY; i++)
		__asm__ volatile("pause");
	if (i == WAIT_SPINS) {
		serial_puts("ioreq: FAIL no device model answered on port 0x501c\n");
		guest_exit(100);
	}
	serial_puts("ioreq: device model ready\n");
	test_pio();
	test_mmio();
	test_ram();
	test_msi();
	test_mmio64();
	bench();
	serial_puts("ioreq: done ");
	serial_putdec(failed);
	serial_puts(" failed\n");
	if (wait == 2)
		outl(DEV_PORT_BENCH, 3);
	while (wait) {
		(void)inl(DEV_PORT);
		for (i = 0; i < 100000; i++)
			__asm__ volatile("pause");
	}
	guest_exit((uint8_t)failed);
}
