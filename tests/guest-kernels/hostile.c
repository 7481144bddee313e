/*
 * hostile.c - for seconds=N (default 60, by the guest's RTC) issues random
 * hypercalls, port reads and writes, RDMSR/WRMSR and physical memory
 * accesses, and counts what comes back. #GP and #UD from a probe skip it.
 * Leaves alone only what would end or blind the guest itself: the exit
 * port, the reset paths, the UART it prints on, ACPI PM1a control (S5),
 * the RTC's data port (its clock), its own image and stack, the LAPIC's
 * ICR and IA32_APIC_BASE; writes to the LAPIC and IOAPIC pages get the
 * fixed delivery mode (no INIT, NMI, SMI or ExtINT to itself).
 * To look past a known problem: skip_msr=N (decimal) on the command line
 * spares one more MSR from writes; aligned=1 keeps memory accesses from
 * crossing a page; probes=MASK (decimal) runs only some probe kinds: 1
 * hypercalls, 2 ports, 4 MSRs, 8 memory (default 15, all).
 * Before the probes it checks that PAT and DR0-DR3 are its own: the
 * power-on values at the start (PAT's, and 0) whatever an earlier guest on
 * this CPU wrote, a reserved memory type refused with #GP, good values
 * kept (it leaves them set for the next guest to find).
 * Ends with "hostile: done" and exit status 0, or 1 if a hypercall
 * returned something other than its documented result (or changed an
 * argument register), 3 on an exception outside a probe, 4 if PAT or a
 * debug address register is not the guest's own.
 */
#include "common.h"

#define LAPIC_BASE	0xfee00000u
#define LAPIC_ICR	0xfee00300u	/* ICR low and high: 0x300..0x31f */
#define IOAPIC_BASE	0xfec00000u
#define APIC_DELIVERY	0x700u		/* delivery mode bits of an LVT, ICR or RTE */
#define MSR_APIC_BASE	0x1bu
#define MSR_X2APIC_ICR	0x830u
#define MSR_PAT		0x277u
#define PAT_POWER_ON	0x0007040600070406ull	/* SDM vol. 3 §11.12.4 */
#define PAT_ALL_WB	0x0606060606060606ull
#define PAT_RESERVED	0x0002040600070406ull	/* entry 6 is type 2: reserved */
#define DR_MARK		0x5a5a5000u		/* DRn is set to DR_MARK + n */
#define EPERM_RET	0xffffffffu	/* -1 as the 32-bit guest sees RAX */
#define ENOSYS_RET	0xffffffdau	/* -38 */
#define PROGRESS_SECS	5

/* What pushal, the stub and the CPU leave on the stack (Intel SDM vol. 3 §6.12.1). */
struct trap_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;	/* 0x00 pushal */
	uint32_t vector, error;					/* 0x20 the stub */
	uint32_t eip, cs, eflags;				/* 0x28 the CPU */
};
_Static_assert(sizeof(struct trap_frame) == 0x34, "trap frame");

/* A 32-bit interrupt gate (SDM vol. 3 §6.11). */
struct gate {
	uint16_t off_lo;	/* 0x0 */
	uint16_t sel;		/* 0x2 */
	uint8_t zero;		/* 0x4 */
	uint8_t type;		/* 0x5 0x8e: present, DPL 0, 32-bit interrupt gate */
	uint16_t off_hi;	/* 0x6 */
};
_Static_assert(sizeof(struct gate) == 8, "IDT gate");

static struct gate idt[256];

static struct {
	uint32_t vmmcall, hc_bad, hc_regs, io_in, io_out, io_skip;
	uint32_t msr_rd, msr_wr, mem_rd, mem_wr, mem_skip;
	uint32_t gp, ud, other_fault, irq;
} st;

/* Where the current probe resumes after a fault (0 outside probes); set by the probe. */
volatile uint32_t fault_resume;
static volatile uint32_t probe_faulted;
static uint32_t rng;
static uint32_t ram_top;
static uint32_t skip_msr;	/* command line: an MSR not to write, 0 for none */
static uint32_t probes;		/* command line: the probe kinds to run, a bit each */
static uint32_t aligned;	/* command line: memory accesses aligned to their width */

/*
 * One 16-byte stub per exception vector (those with an error code push
 * none of their own) and one for everything from 32 up, all into
 * trap_common, which calls trap() with the frame.
 */
#define STUB(n)		".align 16\n\tpushl $0\n\tpushl $" #n "\n\tjmp trap_common\n"
#define STUB_ERR(n)	".align 16\n\tpushl $" #n "\n\tjmp trap_common\n"
__asm__(".text\n"
	".align 16\n"
	"trap_stubs:\n"
	STUB(0) STUB(1) STUB(2) STUB(3) STUB(4) STUB(5) STUB(6) STUB(7)
	STUB_ERR(8) STUB(9) STUB_ERR(10) STUB_ERR(11) STUB_ERR(12) STUB_ERR(13) STUB_ERR(14) STUB(15)
	STUB(16) STUB_ERR(17) STUB(18) STUB(19) STUB(20) STUB_ERR(21) STUB(22) STUB(23)
	STUB(24) STUB(25) STUB(26) STUB(27) STUB(28) STUB_ERR(29) STUB_ERR(30) STUB(31)
	STUB(32)
	"trap_common:\n"
	"	pushal\n"
	"	pushl %esp\n"
	"	call trap\n"
	"	addl $4, %esp\n"
	"	popal\n"
	"	addl $8, %esp\n"
	"	iret\n");
extern char trap_stubs[];

static void print_counts(void)
{
	serial_puts("vmmcall ");
	serial_putdec(st.vmmcall);
	serial_puts(" bad ");
	serial_putdec(st.hc_bad);
	serial_puts(" regs-changed ");
	serial_putdec(st.hc_regs);
	serial_puts(", io in ");
	serial_putdec(st.io_in);
	serial_puts(" out ");
	serial_putdec(st.io_out);
	serial_puts(", msr rd ");
	serial_putdec(st.msr_rd);
	serial_puts(" wr ");
	serial_putdec(st.msr_wr);
	serial_puts(", mem rd ");
	serial_putdec(st.mem_rd);
	serial_puts(" wr ");
	serial_putdec(st.mem_wr);
	serial_puts(", #GP ");
	serial_putdec(st.gp);
	serial_puts(" #UD ");
	serial_putdec(st.ud);
	serial_puts(" other-faults ");
	serial_putdec(st.other_fault);
	serial_puts(" irqs ");
	serial_putdec(st.irq);
	serial_puts("\n");
}

/* Called by trap_common with interrupts off: resume a faulting probe, count interrupts. */
void __attribute__((used)) trap(struct trap_frame *f)
{
	if (f->vector == 2 || f->vector >= 32) {
		st.irq++;
		return;
	}
	if (fault_resume) {
		if (f->vector == 13)
			st.gp++;
		else if (f->vector == 6)
			st.ud++;
		else
			st.other_fault++;
		f->eip = fault_resume;
		fault_resume = 0;
		probe_faulted = 1;
		return;
	}
	serial_puts("hostile: FAIL exception ");
	serial_putdec(f->vector);
	serial_puts(" error ");
	serial_puthex(f->error);
	serial_puts(" at EIP ");
	serial_puthex(f->eip);
	serial_puts(" outside a probe\n");
	guest_exit(3);
}

static void idt_install(void)
{
	static struct __attribute__((packed)) { uint16_t limit; uint32_t base; } desc;
	uint32_t i, h;

	for (i = 0; i < 256; i++) {
		h = (uint32_t)trap_stubs + 16 * (i < 32 ? i : 32);
		idt[i] = (struct gate){ (uint16_t)h, 0x08, 0, 0x8e, (uint16_t)(h >> 16) };
	}
	desc.limit = sizeof(idt) - 1;
	desc.base = (uint32_t)idt;
	__asm__ volatile("lidt %0" :: "m"(desc));
}

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* The RTC's time of day in seconds (MC146818: wait while an update is in progress). */
static uint32_t rtc_seconds(void)
{
	uint8_t r[3], b;
	int i;

	outb(0x70, 0x0a);
	while (inb(0x71) & 0x80)
		outb(0x70, 0x0a);
	for (i = 0; i < 3; i++) {
		outb(0x70, (uint8_t)(i * 2));	/* seconds, minutes, hours */
		r[i] = inb(0x71);
	}
	outb(0x70, 0x0b);
	b = inb(0x71);
	r[2] &= 0x7f;
	if (!(b & 0x04))			/* BCD */
		for (i = 0; i < 3; i++)
			r[i] = (uint8_t)((r[i] >> 4) * 10 + (r[i] & 15));
	return r[0] + 60u * r[1] + 3600u * r[2];
}

static void probe_vmmcall(void)
{
	uint32_t nr = (rnd() & 1) ? rnd() & 7 : rnd();
	uint32_t a0 = rnd(), a1 = rnd(), a2 = rnd();
	uint32_t ax = nr, di = a0, si = a1, dx = a2;
	int bad;

	probe_faulted = 0;
	__asm__ volatile("movl $1f, fault_resume\n\t"
			 "vmmcall\n"
			 "1:\tmovl $0, fault_resume"
			 : "+a"(ax), "+D"(di), "+S"(si), "+d"(dx) :: "memory");
	st.vmmcall++;
	if (probe_faulted) {
		st.hc_bad++;
		return;
	}
	if (di != a0 || si != a1 || dx != a2)
		st.hc_regs++;
	if (nr == 0)
		bad = ax != 0;
	else if (nr == 1)
		bad = ax >= 0x80000000u;
	else if (nr == 2 || nr == 3)
		bad = ax != EPERM_RET;
	else
		bad = ax != ENOSYS_RET;
	if (bad) {
		if (st.hc_bad < 5) {
			serial_puts("hostile: hypercall ");
			serial_puthex(nr);
			serial_puts(" returned ");
			serial_puthex(ax);
			serial_puts("\n");
		}
		st.hc_bad++;
	}
}

static int overlaps(uint32_t a, uint32_t n, uint32_t lo, uint32_t hi)
{
	return a <= hi && lo <= a + n - 1;
}

/* Ports a probe leaves alone: see the file's comment. */
static int port_forbidden(uint32_t port, uint32_t width, int write)
{
	if (write && width == 4 && port == 0xcf8)	/* PCI CONFIG_ADDRESS, not 0xcf9 */
		return 0;
	return overlaps(port, width, 0xf4, 0xf4) || overlaps(port, width, 0xcf9, 0xcf9) ||
	       overlaps(port, width, 0x64, 0x64) || overlaps(port, width, 0x92, 0x92) ||
	       overlaps(port, width, 0x3f8, 0x3ff) || overlaps(port, width, 0x604, 0x605) ||
	       (write && overlaps(port, width, 0x71, 0x71)) || port + width > 0x10000;
}

static void probe_port(void)
{
	static const uint16_t bases[] = {
		0x20, 0x40, 0x60, 0x70, 0x80, 0xa0, 0x2f8, 0x3f0, 0x600, 0x608,
		0xcf8, 0xcfc, 0x1f0, 0x170, 0x3c0, 0x4d0, 0xb000, 0xc000,
	};
	uint32_t width = 1u << (rnd() % 3), v = rnd(), port;
	int write = rnd() & 1;

	if (rnd() & 1)
		port = rnd() & 0xffff;
	else
		port = bases[rnd() % (sizeof(bases) / sizeof(bases[0]))] + (rnd() & 15);
	if (port_forbidden(port, width, write)) {
		st.io_skip++;
		return;
	}
	if (write) {
		st.io_out++;
		if (width == 1)
			outb((uint16_t)port, (uint8_t)v);
		else if (width == 2)
			outw((uint16_t)port, (uint16_t)v);
		else
			outl((uint16_t)port, v);
	} else {
		st.io_in++;
		if (width == 1)
			(void)inb((uint16_t)port);
		else if (width == 2)
			(void)inw((uint16_t)port);
		else
			(void)inl((uint16_t)port);
	}
}

static uint32_t msr_index(void)
{
	static const uint32_t bases[] = {
		0x0, 0x10, 0x1b, 0x3a, 0x8b, 0xfe, 0x174, 0x179, 0x1d9, 0x200, 0x250, 0x277,
		0x2ff, 0x400, 0x480, 0x800, 0x830, 0xc0000080, 0xc0000100, 0xc0010000,
		0xc0010010, 0xc0010114, 0xc0010140, 0x40000000, 0x4b564d00,
	};

	if (rnd() & 1)
		return rnd();
	return bases[rnd() % (sizeof(bases) / sizeof(bases[0]))] + (rnd() & 31);
}

/* RDMSR of msr into *val; 0, or 1 if it faulted. */
static int msr_read(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	probe_faulted = 0;
	__asm__ volatile("movl $1f, fault_resume\n\t"
			 "rdmsr\n"
			 "1:\tmovl $0, fault_resume"
			 : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*val = (uint64_t)hi << 32 | lo;
	return probe_faulted;
}

/* WRMSR of val to msr; 0, or 1 if it faulted. */
static int msr_write(uint32_t msr, uint64_t val)
{
	probe_faulted = 0;
	__asm__ volatile("movl $1f, fault_resume\n\t"
			 "wrmsr\n"
			 "1:\tmovl $0, fault_resume"
			 :: "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(msr) : "memory");
	return probe_faulted;
}

static void probe_msr(void)
{
	uint32_t msr = msr_index(), lo = rnd(), hi = rnd();
	uint64_t val;

	if (rnd() & 1) {
		st.msr_rd++;
		(void)msr_read(msr, &val);
		return;
	}
	if (msr == MSR_APIC_BASE || msr == MSR_X2APIC_ICR || (skip_msr && msr == skip_msr))
		return;
	if (rnd() & 1)
		hi = rnd() & 1 ? 0 : hi & 0xffff;
	st.msr_wr++;
	(void)msr_write(msr, (uint64_t)hi << 32 | lo);
}

static void __attribute__((noreturn)) own_fail(const char *what, uint64_t val)
{
	serial_puts("hostile: FAIL ");
	serial_puts(what);
	serial_puts(": ");
	serial_puthex((uint32_t)(val >> 32));
	serial_putc(':');
	serial_puthex((uint32_t)val);
	serial_puts("\n");
	guest_exit(4);
}

static uint32_t dr_read(unsigned int n)
{
	uint32_t v = 0;

	switch (n) {
	case 0: __asm__ volatile("mov %%db0, %0" : "=r"(v)); break;
	case 1: __asm__ volatile("mov %%db1, %0" : "=r"(v)); break;
	case 2: __asm__ volatile("mov %%db2, %0" : "=r"(v)); break;
	default: __asm__ volatile("mov %%db3, %0" : "=r"(v)); break;
	}
	return v;
}

static void dr_write(unsigned int n, uint32_t v)
{
	switch (n) {
	case 0: __asm__ volatile("mov %0, %%db0" :: "r"(v)); break;
	case 1: __asm__ volatile("mov %0, %%db1" :: "r"(v)); break;
	case 2: __asm__ volatile("mov %0, %%db2" :: "r"(v)); break;
	default: __asm__ volatile("mov %0, %%db3" :: "r"(v)); break;
	}
}

/* PAT and DR0-DR3 belong to this guest: see the file's comment. */
static void check_own_state(void)
{
	uint64_t pat;
	unsigned int n;

	if (msr_read(MSR_PAT, &pat) || pat != PAT_POWER_ON)
		own_fail("PAT at the start is not the power-on value", pat);
	if (!msr_write(MSR_PAT, PAT_RESERVED))
		own_fail("PAT took a reserved memory type without #GP", PAT_RESERVED);
	if (msr_write(MSR_PAT, PAT_ALL_WB) || msr_read(MSR_PAT, &pat) || pat != PAT_ALL_WB)
		own_fail("PAT did not keep a good value, reads", pat);
	for (n = 0; n < 4; n++) {
		if (dr_read(n))
			own_fail("a debug address register is not 0 at the start", dr_read(n));
		dr_write(n, DR_MARK + n);
		if (dr_read(n) != DR_MARK + n)
			own_fail("a debug address register did not keep its value", dr_read(n));
	}
	serial_puts("hostile: PAT and DR0-DR3 are this guest's own\n");
}

static uint32_t mem_address(void)
{
	switch (rnd() % 8) {
	case 0:
	case 1:
	case 2:
		return rnd();
	case 3:
	case 4:
		return rnd() % ram_top;
	case 5:
		return LAPIC_BASE + (rnd() & 0xffc);
	case 6:
		return IOAPIC_BASE + (rnd() & 1 ? (rnd() & 1) << 4 : rnd() & 0xffc);
	default:
		return 0x9f000 + rnd() % 0x61000;
	}
}

static void probe_mem(void)
{
	uint32_t a = mem_address(), width = 1u << (rnd() % 3), v = rnd();
	int apic = (a & 0xfffff000u) == LAPIC_BASE || (a & 0xfffff000u) == IOAPIC_BASE;

	if (apic)
		a &= ~3u;
	else if (aligned)
		a &= ~(width - 1);
	if (a > 0xffffffffu - width + 1)
		a -= width;
	if (rnd() & 1) {
		st.mem_rd++;
		if (width == 1)
			__asm__ volatile("movl $1f, fault_resume\n\tmovb (%1), %b0\n1:\tmovl $0, fault_resume"
					 : "+q"(v) : "r"(a) : "memory");
		else if (width == 2)
			__asm__ volatile("movl $1f, fault_resume\n\tmovw (%1), %w0\n1:\tmovl $0, fault_resume"
					 : "+r"(v) : "r"(a) : "memory");
		else
			__asm__ volatile("movl $1f, fault_resume\n\tmovl (%1), %0\n1:\tmovl $0, fault_resume"
					 : "+r"(v) : "r"(a) : "memory");
		return;
	}
	if (overlaps(a, width, (uint32_t)__image_start, (uint32_t)__image_end - 1) ||
	    overlaps(a, width, LAPIC_ICR, LAPIC_ICR + 0x1f)) {
		st.mem_skip++;
		return;
	}
	if (apic)
		v &= ~APIC_DELIVERY;
	st.mem_wr++;
	if (width == 1)
		__asm__ volatile("movl $1f, fault_resume\n\tmovb %b0, (%1)\n1:\tmovl $0, fault_resume"
				 :: "q"(v), "r"(a) : "memory");
	else if (width == 2)
		__asm__ volatile("movl $1f, fault_resume\n\tmovw %w0, (%1)\n1:\tmovl $0, fault_resume"
				 :: "r"(v), "r"(a) : "memory");
	else
		__asm__ volatile("movl $1f, fault_resume\n\tmovl %0, (%1)\n1:\tmovl $0, fault_resume"
				 :: "r"(v), "r"(a) : "memory");
}

void kmain(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t seconds = cmdline_uint(mbi, "seconds=", 60), start, now, elapsed = 0, next = PROGRESS_SECS;
	uint64_t tsc = rdtsc();
	uint32_t i;

	if (magic != MB_BOOT_MAGIC || !(mbi->flags & MBI_MEMORY)) {
		serial_puts("hostile: FAIL no multiboot magic or memory information\n");
		guest_exit(3);
	}
	ram_top = 0x100000 + mbi->mem_upper * 1024;
	skip_msr = cmdline_uint(mbi, "skip_msr=", 0);
	aligned = cmdline_uint(mbi, "aligned=", 0);
	probes = cmdline_uint(mbi, "probes=", 15) & 15;
	if (!probes) {
		serial_puts("hostile: FAIL probes=0 leaves nothing to run\n");
		guest_exit(3);
	}
	rng = (uint32_t)tsc ^ (uint32_t)(tsc >> 32) ^ 0x9e3779b9u;
	if (!rng)
		rng = 1;
	idt_install();
	serial_puts("hostile: running for ");
	serial_putdec(seconds);
	serial_puts(" s, RAM up to ");
	serial_puthex(ram_top);
	serial_puts(", image ");
	serial_puthex((uint32_t)__image_start);
	serial_puts("-");
	serial_puthex((uint32_t)__image_end);
	serial_puts(", seed ");
	serial_puthex(rng);
	serial_puts("\n");
	check_own_state();
	start = rtc_seconds();
	while (elapsed < seconds) {
		for (i = 0; i < 64; i++) {
			uint32_t kind = rnd() % 4;

			if (!(probes & (1u << kind)))
				continue;
			switch (kind) {
			case 0:
				probe_vmmcall();
				break;
			case 1:
				probe_port();
				break;
			case 2:
				probe_msr();
				break;
			default:
				probe_mem();
				break;
			}
		}
		now = rtc_seconds();
		elapsed = (now + 86400 - start) % 86400;
		if (elapsed >= next) {
			serial_puts("hostile: ");
			serial_putdec(elapsed);
			serial_puts(" s: ");
			print_counts();
			next = elapsed + PROGRESS_SECS;
		}
	}
	serial_puts("hostile: done after ");
	serial_putdec(elapsed);
	serial_puts(" s: ");
	print_counts();
	if (st.hc_bad || st.hc_regs) {
		serial_puts("hostile: FAIL hypercalls returned unexpected results\n");
		guest_exit(1);
	}
	serial_puts("hostile: PASS\n");
	guest_exit(0);
}
