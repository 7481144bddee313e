/* Application processors: start-up, per-CPU data, CPU numbers. */
#ifndef XENOLITH_ARCH_X86_SMPBOOT_H
#define XENOLITH_ARCH_X86_SMPBOOT_H

/*
 * The AP trampoline's page below 1 MiB (a STARTUP IPI names a 4 KiB page
 * there, SDM vol. 3 §10.6.1). Kept out of dom0's e820 (reserved), clear
 * of dom0's zero page at 0x8000.
 */
#define SMP_TRAMPOLINE_PA	0x6000
#define SMP_MAX_CPUS		64

/* The parameter block at the end of the trampoline page, patched by the
 * boot CPU before each STARTUP (struct smp_tramp_params). */
#define SMP_PARAMS_OFFSET	0xfe0
#define SMP_PARAM_CR3		0x00
#define SMP_PARAM_STACK		0x08
#define SMP_PARAM_ENTRY		0x10
#define SMP_PARAM_ARG		0x18

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "memmap.h"
#include "multiboot.h"
#include <arch/x86/desc.h>

struct smp_tramp_params {
	uint64_t cr3;		/* 0x00: the hypervisor's PML4 (below 4 GiB) */
	uint64_t stack;		/* 0x08: initial RSP */
	uint64_t entry;		/* 0x10: C function, called with arg */
	uint64_t arg;		/* 0x18: its struct smp_cpu */
};
_Static_assert(sizeof(struct smp_tramp_params) == 0x20, "trampoline parameters");
_Static_assert(SMP_PARAMS_OFFSET + sizeof(struct smp_tramp_params) <= 0x1000,
	       "trampoline parameters inside the page");

/*
 * One physical CPU. Created by the boot CPU in smp_boot(), never freed.
 * self/id/apic_id/stack/gdt: written before the CPU starts, then
 * read-only. online: set once by the CPU itself. The scheduler may hang
 * its own per-CPU state on sched (its lock rules).
 */
struct smp_cpu {
	struct smp_cpu *self;		/* 0x00: %gs:0 (smp_this) */
	unsigned int id;		/* 0x08: CPU number, the boot CPU is 0 */
	uint32_t apic_id;
	volatile bool online;		/* running in the hypervisor */
	volatile bool abandoned;	/* did not answer in time: stay away */
	uint64_t stack_top;
	struct gdt_cpu *gdt;		/* APs; the boot CPU uses gdt.c's */
	volatile uint64_t wakeups;	/* kick IPIs taken (the CPU itself) */
	uint64_t timer_test_us;		/* 1 ms one-shot at start-up took this */
	void *sched;
};

/*
 * smp_init_bsp: per-CPU data of the boot CPU (number 0): GS base, the
 * printk [cpuN] hook. Boot CPU, once, before the vendor's cpu_enable()
 * (its host VMSAVE must capture the GS base).
 */
void smp_init_bsp(void);

/*
 * smp_reserve_trampoline: mark SMP_TRAMPOLINE_PA's page reserved in dom0's
 * e820. Boot CPU, before dom0 is built. 0 or -errno (memmap_reserve).
 */
int smp_reserve_trampoline(struct memmap *dom0_e820);

/*
 * smp_boot: start the APs the firmware's MADT lists as enabled, honouring
 * nosmp and maxcpus= (total CPUs, the boot CPU included), one at a time
 * with INIT-SIPI-SIPI; each sets up its GDT/TSS/IDT, LAPIC and the
 * vendor's virtualisation (vcpu_ops()->cpu_init, ->cpu_enable) and
 * parks (interrupts on). An AP that does not answer within
 * SMP_AP_TIMEOUT_MS is named in a warning, sent INIT again and left out.
 * Prints a summary. Boot CPU, once, after apic_init_bsp() and the boot
 * CPU's cpu_enable(); before dom0 starts.
 */
void smp_boot(const struct boot_info *bi, const struct boot_options *opts);

/* smp_cpu_count: CPUs online (the boot CPU included). Any CPU. */
unsigned int smp_cpu_count(void);

/* smp_this_cpu: the calling CPU's number (0 before smp_init_bsp). */
unsigned int smp_this_cpu(void);

/* smp_cpu: CPU number n's data, or NULL if n is not online. Any CPU. */
struct smp_cpu *smp_cpu(unsigned int n);

/*
 * smp_set_ap_work: fn runs on every parked AP (and never returns), e.g.
 * the scheduler's loop; the APs are kicked (APIC_VEC_KICK) to see it.
 * Until then they sleep in `sti; hlt`. Boot CPU.
 */
void smp_set_ap_work(void (*fn)(struct smp_cpu *c));

/* smp_dump: one line per CPU (debug key 'c'). */
void smp_dump(void);

/* smp_kick_all: send APIC_VEC_KICK to every online AP. Any CPU. */
void smp_kick_all(void);
#endif

#endif
