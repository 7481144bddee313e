/* Application processors: MADT, INIT-SIPI-SIPI, per-CPU set-up, parking. */
#include <stdbool.h>
#include <stdint.h>

#include "acpi.h"
#include "errno.h"
#include "keyhandler.h"
#include "lib.h"
#include "page_alloc.h"
#include "printk.h"
#include <arch/x86/apic.h>
#include <arch/x86/cpu.h>
#include <arch/x86/desc.h>
#include <arch/x86/fpu.h>
#include <arch/x86/processor.h>
#include <arch/x86/smpboot.h>
#include <arch/x86/time.h>
#include <arch/x86/hvm/vcpu.h>

#define MSR_GS_BASE		0xC0000101
#define SMP_AP_TIMEOUT_MS	1000
#define SMP_STACK_ORDER		2	/* 16 KiB, as the boot stack */

extern char ap_trampoline[], ap_trampoline_end[];
extern uint64_t boot_pml4[];

/* smp_cpus[n] is published (online) by CPU n itself; the table is written
 * by the boot CPU only, before the CPU starts. */
static struct smp_cpu smp_bsp;
static struct smp_cpu *smp_cpus[SMP_MAX_CPUS];
static volatile unsigned int smp_online = 1;
static bool smp_gs_ready;
static void (*volatile smp_ap_work)(struct smp_cpu *c);

static void *smp_ptr(uint64_t pa)
{
	uintptr_t a = pa;

	__asm__("" : "+r"(a));
	return (void *)a;
}

unsigned int smp_this_cpu(void)
{
	struct smp_cpu *c;

	if (!smp_gs_ready)
		return 0;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c->id;
}

unsigned int smp_cpu_count(void)
{
	return smp_online;
}

struct smp_cpu *smp_cpu(unsigned int n)
{
	struct smp_cpu *c = n < SMP_MAX_CPUS ? smp_cpus[n] : NULL;

	return c && c->online ? c : NULL;
}

void smp_kick_all(void)
{
	unsigned int n;

	for (n = 1; n < SMP_MAX_CPUS; n++)
		if (smp_cpu(n))
			apic_send_ipi(smp_cpus[n]->apic_id, APIC_VEC_KICK);
}

void smp_set_ap_work(void (*fn)(struct smp_cpu *c))
{
	smp_ap_work = fn;
	smp_kick_all();
}

void smp_dump(void)
{
	unsigned int n;

	printk(PRINTK_INFO, "CPUs: %u online\n", smp_online);
	for (n = 0; n < SMP_MAX_CPUS; n++)
		if (smp_cpus[n])
			printk(PRINTK_INFO, "  cpu%u: APIC id %u, %s, woken %llu times, "
			       "1 ms timer test %llu us\n", n, smp_cpus[n]->apic_id,
			       !smp_cpus[n]->online ? "did not answer" :
			       smp_ap_work ? "scheduling vCPUs" : n ? "parked" : "boot CPU", (unsigned long long)smp_cpus[n]->wakeups,
			       (unsigned long long)smp_cpus[n]->timer_test_us);
}

/* The list, then a kick to every AP: the next listing shows them woken. */
static void smp_key_cpus(uint8_t key)
{
	smp_dump();
	smp_kick_all();
}

/* A kick IPI (APIC_VEC_KICK) arrived: count it (debug key 'c'). */
static void smp_kicked(uint8_t vector)
{
	struct smp_cpu *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	c->wakeups++;
}

/* smp_set_gs: %gs:0 is this CPU's struct smp_cpu from now on. */
static void smp_set_gs(struct smp_cpu *c)
{
	c->self = c;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
}

void smp_init_bsp(void)
{
	smp_bsp.id = 0;
	smp_bsp.apic_id = apic_id();
	smp_bsp.online = true;
	smp_cpus[0] = &smp_bsp;
	smp_set_gs(&smp_bsp);
	smp_gs_ready = true;
	printk_set_cpu_hook(smp_this_cpu);
	apic_set_handler(APIC_VEC_KICK, smp_kicked);
	keyhandler_register('c', "list the physical CPUs (and kick the parked ones)",
			    smp_key_cpus);
}

int smp_reserve_trampoline(struct memmap *dom0_e820)
{
	return memmap_reserve(dom0_e820, SMP_TRAMPOLINE_PA, 0x1000, MEMMAP_RESERVED);
}

/*
 * smp_timer_test: arm this CPU's LAPIC timer for 1 ms and sleep until an
 * interrupt: checks the calibration, the IDT and EOI on every AP before it
 * reports (a timer that never fires leaves the CPU out, by the timeout).
 * Only IPIs and this timer can reach an AP here (LINT0/LINT1 masked).
 */
static void smp_timer_test(struct smp_cpu *c)
{
	uint64_t start = rdtsc(), khz = time_tsc_khz();

	apic_timer_oneshot_ns(1000000);
	do	/* a spurious wake-up may come first */
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	while (apic_timer_count());
	c->timer_test_us = khz ? (rdtsc() - start) * 1000 / khz : 0;
}

/*
 * smp_ap_start: first C code of an AP, on its own stack, interrupts off,
 * with the boot CPU's page tables and GDT. Sets up this CPU, says so and
 * parks; never returns.
 */
static void __attribute__((noreturn)) smp_ap_start(struct smp_cpu *c)
{
	void (*work)(struct smp_cpu *c);

	gdt_init_cpu(c->gdt);
	idt_load();
	smp_set_gs(c);
	if (c->abandoned)
		cpu_halt_forever();
	apic_init_cpu();
	cpu_init_cr4_paging();
	fpu_cpu_init();
	smp_timer_test(c);
	vcpu_ops()->cpu_enable(c->id);
	printk(PRINTK_INFO, "up (APIC id %u)\n", c->apic_id);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	__atomic_add_fetch(&smp_online, 1, __ATOMIC_RELEASE);
	for (;;) {
		work = smp_ap_work;
		if (work)
			work(c);
		/* STI's shadow covers HLT: a kick between the check and the
		 * HLT still wakes it (SDM vol. 2B, STI). */
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
}

static unsigned int smp_order(uint64_t bytes)
{
	unsigned int order = 0;

	while ((0x1000ull << order) < bytes)
		order++;
	return order;
}

/* smp_new_cpu: per-CPU data, stack, GDT/TSS and the vendor's state for AP n. */
static struct smp_cpu *smp_new_cpu(unsigned int n, uint32_t apic)
{
	struct smp_cpu *c;
	uint64_t pa;
	uint8_t *stack;

	c = page_alloc_zeroed(smp_order(sizeof(*c)), &pa);
	if (!c)
		return NULL;
	c->gdt = page_alloc_zeroed(smp_order(sizeof(*c->gdt)), &pa);
	stack = page_alloc_zeroed(SMP_STACK_ORDER, &pa);
	if (!c->gdt || !stack || vcpu_ops()->cpu_init(n))
		return NULL;	/* boot-time shortage: the pages stay allocated */
	c->id = n;
	c->apic_id = apic;
	c->stack_top = (uint64_t)(uintptr_t)stack + (0x1000ull << SMP_STACK_ORDER);
	return c;
}

/* smp_start_ap: INIT-SIPI-SIPI and wait for the AP to say it is online. */
static int smp_start_ap(struct smp_cpu *c)
{
	struct smp_tramp_params *p = smp_ptr(SMP_TRAMPOLINE_PA + SMP_PARAMS_OFFSET);
	uint64_t start;
	int ret;

	p->cr3 = (uint64_t)(uintptr_t)boot_pml4;
	p->stack = c->stack_top;
	p->entry = (uint64_t)(uintptr_t)smp_ap_start;
	p->arg = (uint64_t)(uintptr_t)c;
	smp_cpus[c->id] = c;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ret = apic_send_init_sipi(c->apic_id, SMP_TRAMPOLINE_PA >> 12);
	if (ret)
		return ret;
	start = time_now_ms();
	while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
		if (time_now_ms() - start > SMP_AP_TIMEOUT_MS)
			return -ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}

/* smp_madt: the firmware's MADT, or NULL. */
static const struct acpi_madt *smp_madt(const struct boot_info *bi)
{
	struct acpi_rsdp rsdp;

	if (acpi_find_rsdp(bi->have_rsdp ? bi->rsdp : NULL, &rsdp))
		return NULL;
	return acpi_find_madt(&rsdp);
}

/*
 * smp_madt_cpus: APIC ids of the enabled processors (local APIC entries,
 * type 0, and x2APIC entries, type 9: ACPI 6.5 §5.2.12.2 and .12), in
 * table order, at most max. Returns the count.
 */
static unsigned int smp_madt_cpus(const struct acpi_madt *m, uint32_t *ids, unsigned int max)
{
	const uint8_t *p = (const uint8_t *)(m + 1);
	const uint8_t *end = (const uint8_t *)m + m->hdr.length;
	unsigned int n = 0, i;
	uint32_t id, flags;

	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] == 0 && p[1] >= 8) {
			id = p[3];
			memcpy(&flags, p + 4, 4);
		} else if (p[0] == 9 && p[1] >= 16) {
			memcpy(&id, p + 4, 4);
			memcpy(&flags, p + 8, 4);
		} else {
			continue;
		}
		if (!(flags & 1) || id == 0xffffffffu)
			continue;
		for (i = 0; i < n && ids[i] != id; i++)
			;
		if (i == n && n < max)
			ids[n++] = id;
	}
	return n;
}

/* smp_page_is_ram: whether the page at pa is RAM in the firmware's map. */
static bool smp_page_is_ram(const struct memmap *map, uint64_t pa)
{
	unsigned int i;

	for (i = 0; i < map->nr; i++)
		if (map->range[i].type == MEMMAP_RAM && map->range[i].start <= pa &&
		    pa + 0x1000 <= map->range[i].end)
			return true;
	return false;
}

void smp_boot(const struct boot_info *bi, const struct boot_options *opts)
{
	static uint32_t ids[SMP_MAX_CPUS * 2];
	const struct acpi_madt *madt = smp_madt(bi);
	unsigned int found, limit, i, next = 1;
	char why[32];
	int ret;

	found = madt ? smp_madt_cpus(madt, ids, LIB_ARRAY_SIZE(ids)) : 0;
	if (!found) {
		printk(PRINTK_WARNING, "SMP: no ACPI MADT with enabled CPUs: only the boot CPU\n");
		found = 1;
		ids[0] = smp_bsp.apic_id;
	}
	limit = opts->nosmp ? 1 : opts->maxcpus ? opts->maxcpus : SMP_MAX_CPUS;
	limit = LIB_MIN(limit, SMP_MAX_CPUS);
	if (limit > 1 && !smp_page_is_ram(&bi->map, SMP_TRAMPOLINE_PA)) {
		printk(PRINTK_WARNING, "SMP: no RAM at %#x for the AP trampoline: only the "
		       "boot CPU\n", SMP_TRAMPOLINE_PA);
		limit = 1;
	}
	if (limit > 1)
		memcpy(smp_ptr(SMP_TRAMPOLINE_PA), ap_trampoline,
		       ap_trampoline_end - ap_trampoline);
	for (i = 0; i < found && next < limit; i++) {
		struct smp_cpu *c;

		if (ids[i] == smp_bsp.apic_id)
			continue;
		c = smp_new_cpu(next, ids[i]);
		if (!c) {
			printk(PRINTK_WARNING, "SMP: out of memory for CPU %u (APIC id %u)\n",
			       next, ids[i]);
			break;
		}
		ret = smp_start_ap(c);
		if (ret) {
			c->abandoned = true;
			printk(PRINTK_WARNING, "SMP: CPU %u (APIC id %u) did not come up (%d); "
			       "continuing without it\n", next, ids[i], ret);
			/* Back to wait-for-SIPI, should it still be on its way. */
			apic_send_init(ids[i]);
			__atomic_store_n(&smp_cpus[next], NULL, __ATOMIC_RELEASE);
			continue;
		}
		next++;
	}
	if (opts->nosmp)
		lib_strlcpy(why, "nosmp", sizeof(why));
	else if (opts->maxcpus)
		snprintf(why, sizeof(why), "maxcpus=%u", opts->maxcpus);
	else
		lib_strlcpy(why, "maxcpus=all", sizeof(why));
	printk(PRINTK_INFO, "SMP: %u CPU%s up (%u found, %s)\n", smp_online,
	       smp_online == 1 ? "" : "s", found, why);
}
