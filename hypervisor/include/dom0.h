/* dom0.h - building and running the privileged domain (dom0). */
#ifndef XENOLITH_DOM0_H
#define XENOLITH_DOM0_H

#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"
#include "memmap.h"
#include "multiboot.h"

/* Memory the hypervisor keeps for itself below 4 GiB (tables, heap). */
#define DOM0_HV_POOL_SIZE (16ull << 20)

/*
 * How physical memory is split at boot. dom0 gets the lowest RAM (its
 * pages are identity-mapped: guest-physical = host-physical); the
 * hypervisor image and pool, and RAM kept for other guests, are not in
 * dom0's map. Filled by dom0_plan_memory() on the boot CPU.
 */
struct dom0_plan {
	struct memmap fw;		/* the machine's map (after mem=, badpage=) */
	struct memmap dom0;		/* dom0's e820 (RAM: what dom0 owns) */
	struct memmap alloc;		/* RAM below 4 GiB for the page allocator */
	uint64_t dom0_bytes;		/* RAM in dom0's map */
	uint64_t hidden_bytes;		/* RAM dom0 does not see (hypervisor, guests) */
	uint64_t pool_start, pool_end;	/* the hypervisor's pool */
	uint64_t acpi_area;		/* dom0's ACPI tables, in the pool */
	uint64_t paging_tables;		/* page directories for RAM above 4 GiB */
	uint64_t paging_top;		/* end of the allocator's RAM */
};

/*
 * dom0_plan_memory: split fw (sanitized) by dom0_mem= into *plan. The
 * allocator's map may reach above 4 GiB: map it with paging_extend(
 * plan->paging_top, plan->paging_tables) before page_alloc_init(). Returns
 * 0, or -ENOMEM with a sentence in err (dom0_mem= larger than the RAM,
 * not enough RAM for the hypervisor). Boot CPU, before page_alloc_init().
 */
int dom0_plan_memory(const struct memmap *fw, const struct boot_info *bi,
		     const struct boot_options *opts, struct dom0_plan *plan,
		     char *err, size_t errlen);

/* dom0_machine_ram: bytes of RAM in the machine's map (after mem=). */
uint64_t dom0_machine_ram(void);

/* dom0_hidden_ram: the machine's RAM that dom0's map leaves out, from
 * range index first on (XL_SYSCTL_HIDDEN_RAM). 0, -ENOENT before dom0's
 * plan, -ENOMEM (too many ranges). One caller at a time. */
struct xl_sys_hidden_ram;
int dom0_hidden_ram(unsigned int first, struct xl_sys_hidden_ram *out);

/*
 * dom0_check_modules: a sentence in err and -ENOENT when the loader gave no
 * kernel module; 0 otherwise.
 */
int dom0_check_modules(const struct boot_info *bi, char *err, size_t errlen);

/*
 * dom0_start: build dom0 (nested page tables, ACPI with one LAPIC per
 * vCPU, Linux boot protocol, dom0_max_vcpus= vCPUs) and run it: the boot
 * CPU and every AP enter the scheduler's loop for good. Panics on a build
 * error. Boot CPU, after smp_boot().
 */
void dom0_start(const struct boot_info *bi, const struct boot_options *opts,
		struct dom0_plan *plan) __attribute__((noreturn));

/*
 * dom0_boot_native: no usable virtualisation: boot the dom0 kernel on the
 * bare machine (the whole memory map, firmware ACPI) after a countdown.
 * Does not return; panics if the kernel cannot be loaded. Boot CPU.
 */
void dom0_boot_native(const struct boot_info *bi, const struct dom0_plan *plan)
	__attribute__((noreturn));

/* dom0_ram_top: the end of the machine's RAM in dom0's nested tables
 * (1 GiB aligned): guest-physical addresses above are MMIO or free. */
uint64_t dom0_ram_top(void);

#endif
