/* Start of day: loader info, memory, console, CPU checks, then dom0. */
#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "console_setup.h"
#include "dom0.h"
#include "heap.h"
#include "keyhandler.h"
#include "lib.h"
#include "memmap.h"
#include "multiboot.h"
#include "page_alloc.h"
#include "panic.h"
#include "printk.h"
#include "version.h"
#include <arch/x86/apic.h>
#include <arch/x86/i8259.h>
#include <arch/x86/cpu.h>
#include <arch/x86/desc.h>
#include <arch/x86/fpu.h>
#include <arch/x86/paging.h>
#include <arch/x86/processor.h>
#include <arch/x86/smpboot.h>
#include <arch/x86/time.h>
#include <arch/x86/hvm/vcpu.h>

#define MAIN_NATIVE_COUNTDOWN 3

/* One of each, filled once by the boot CPU: too big for the boot stack. */
static struct boot_info main_boot_info;
static struct boot_options main_opts;
static struct memmap main_fw_map;
static struct dom0_plan main_plan;

static void main_print_map(const char *title, const struct memmap *map)
{
	unsigned int i;

	printk(PRINTK_INFO, "%s\n", title);
	for (i = 0; i < map->nr; i++)
		printk(PRINTK_INFO, "  %016llx - %016llx %s\n",
		       (unsigned long long)map->range[i].start,
		       (unsigned long long)map->range[i].end,
		       memmap_type_name(map->range[i].type));
}

static void main_key_memory(uint8_t key)
{
	printk(PRINTK_INFO, "Memory: dom0 %llu MiB, hidden from dom0 %llu MiB, "
	       "hypervisor pool %#llx-%#llx\n",
	       (unsigned long long)(main_plan.dom0_bytes >> 20),
	       (unsigned long long)(main_plan.hidden_bytes >> 20),
	       (unsigned long long)main_plan.pool_start,
	       (unsigned long long)main_plan.pool_end);
	page_alloc_dump();
	heap_dump();
}

/* Deliberately fault (#UD) to exercise the exception report. */
static void main_key_crash(uint8_t key)
{
	printk(PRINTK_ERR, "Crashing the hypervisor on request (debug key).\n");
	__asm__ volatile("ud2");
}

static void main_key_reboot(uint8_t key)
{
	printk(PRINTK_INFO, "Rebooting the machine (debug key).\n");
	panic_machine_reboot();
}

/* The VGA text buffer, unless the loader set a graphics mode or booted us
 * from UEFI (no text mode there). */
static volatile uint16_t *main_vga_text(const struct boot_info *bi, bool valid)
{
	if (valid && bi->fb.addr && bi->fb.type != 2)
		return NULL;
	if (valid && bi->map_source && !strcmp(bi->map_source, "EFI"))
		return NULL;
	return (volatile uint16_t *)0xb8000;
}

/* The machine's map after mem= and badpage=. */
static void main_memory(const struct boot_info *bi, const struct boot_options *opts)
{
	char err[160];
	int ret;

	main_fw_map = bi->map;
	memmap_clip(&main_fw_map, opts->mem_limit);
	if (memmap_mark_badpages(&main_fw_map, opts->badpages, opts->nr_badpages) < 0)
		printk(PRINTK_WARNING, "badpage=: too many ranges, some pages not excluded\n");
	memmap_page_align(&main_fw_map);
	main_print_map(bi->map_source ? "Memory map from the boot loader:" : "Memory map:",
		       &main_fw_map);

	ret = dom0_plan_memory(&main_fw_map, bi, opts, &main_plan, err, sizeof(err));
	if (ret)
		panic("memory: %s", err);
	if (smp_reserve_trampoline(&main_plan.dom0))
		panic("memory: cannot reserve the AP trampoline page in dom0's map");
	paging_extend(main_plan.paging_top, main_plan.paging_tables);
	ret = page_alloc_init(&main_plan.alloc, 0);
	if (ret)
		panic("memory: cannot set up the page allocator (%d)", ret);
	printk(PRINTK_INFO, "Memory: %llu MiB RAM, dom0 %llu MiB, hypervisor and guests %llu MiB "
	       "(%llu MiB for the allocator)\n",
	       (unsigned long long)(memmap_total(&main_fw_map, MEMMAP_RAM) >> 20),
	       (unsigned long long)(main_plan.dom0_bytes >> 20),
	       (unsigned long long)(main_plan.hidden_bytes >> 20),
	       (unsigned long long)((page_alloc_total_count() << 12) >> 20));
}

/* No usable virtualisation: one line, a countdown, then dom0's kernel on
 * the bare machine so that the CD still boots. */
static void main_native_fallback(const char *why)
{
	int s;

	printk(PRINTK_WARNING, "Xenolith: %s; booting the dom0 kernel natively "
	       "(without the hypervisor) in %d seconds\n", why, MAIN_NATIVE_COUNTDOWN);
	for (s = MAIN_NATIVE_COUNTDOWN; s > 0; s--) {
		printk(PRINTK_INFO, "%d...\n", s);
		time_mdelay(1000);
	}
	dom0_boot_native(&main_boot_info, &main_plan);
}

/*
 * start_xenolith: called once by head.S on the boot CPU in long mode with
 * the first 4 GiB identity-mapped, interrupts off.
 */
void start_xenolith(uint32_t magic, uint32_t info)
{
	const struct vcpu_vendor_ops *ops;
	struct cpu_features cpu;
	const char *why;
	char facts[192];
	char err[320];
	int ret;

	gdt_init();
	idt_init();
	printk(PRINTK_INFO, "%s\n", version_banner);

	ret = multiboot_parse(magic, info, &main_boot_info);
	cmdline_parse(ret ? NULL : main_boot_info.cmdline, &main_opts);
	panic_set_noreboot(main_opts.noreboot);
	console_setup(&main_opts, main_vga_text(&main_boot_info, ret == 0));
	time_init();
	printk_set_clock(time_now_ms);
	if (ret)
		panic("no usable multiboot information (magic %#x): boot Xenolith with GRUB "
		      "(multiboot or multiboot2), syslinux mboot.c32 or qemu -kernel", magic);
	printk(PRINTK_INFO, "Booted by %s (multiboot%s), command line \"%s\"\n",
	       main_boot_info.loader[0] ? main_boot_info.loader : "an unnamed loader",
	       main_boot_info.flavour == 2 ? "2" : "", main_boot_info.cmdline);

	if (main_boot_info.fb.addr)
		printk(PRINTK_INFO, "Framebuffer: %ux%u, %u bpp, type %u, at %#llx\n",
		       main_boot_info.fb.width, main_boot_info.fb.height, main_boot_info.fb.bpp,
		       main_boot_info.fb.type, (unsigned long long)main_boot_info.fb.addr);
	main_memory(&main_boot_info, &main_opts);
	keyhandler_register('m', "memory summary", main_key_memory);
	keyhandler_register('R', "reboot the machine", main_key_reboot);
	keyhandler_register('C', "crash the hypervisor (test the exception report)",
			    main_key_crash);

	if (dom0_check_modules(&main_boot_info, err, sizeof(err)))
		panic("%s", err);

	cpu_detect(&cpu);
	ops = vcpu_select_ops(&cpu, facts, sizeof(facts), &why);
	printk(PRINTK_INFO, "CPU: %s, APIC id %u, TSC %llu MHz, %s\n", cpu.vendor, cpu.apic_id,
	       (unsigned long long)(time_tsc_khz() / 1000), facts);
	if (!ops)
		main_native_fallback(why);
	i8259_quiet();
	ret = apic_init_bsp();
	if (ret)
		panic("no usable local APIC on the boot CPU (%d)", ret);
	smp_init_bsp();
	cpu_init_cr4_paging();
	fpu_cpu_init();
	ret = ops->cpu_init(0);
	if (ret)
		panic("cannot enable %s on this CPU (%d)", ops->name, ret);
	ops->cpu_enable(0);
	printk(PRINTK_INFO, "Virtualisation: %s with nested paging\n", ops->name);
	smp_boot(&main_boot_info, &main_opts);

	dom0_start(&main_boot_info, &main_opts, &main_plan);
}
