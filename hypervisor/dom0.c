/* dom0: memory split, nested page tables, ACPI, Linux boot, and its vCPU. */
#include <stdbool.h>
#include <stdint.h>

#include "acpi.h"
#include "console_setup.h"
#include "domain.h"
#include "dom0.h"
#include "errno.h"
#include "keyhandler.h"
#include "lib.h"
#include "linux_boot.h"
#include "page_alloc.h"
#include "panic.h"
#include "printk.h"
#include "sched.h"
#include <arch/x86/ioapic.h>
#include <arch/x86/hvm/dom0_ioapic.h>
#include <arch/x86/irq.h>
#include <arch/x86/native_boot.h>
#include <arch/x86/hvm/p2m.h>
#include <arch/x86/hvm/ram_window.h>
#include <arch/x86/paging.h>
#include <arch/x86/processor.h>
#include <arch/x86/time.h>
#include <arch/x86/uart_share.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/smpboot.h>
#include <arch/x86/hvm/vcpu_lapic.h>
#include <arch/x86/hvm/vcpu_sched.h>
#include <arch/x86/vdev/vlapic.h>

#define DOM0_4G		0x100000000ull
#define DOM0_1G		0x40000000ull
#define DOM0_PAGE	0x1000ull
#define DOM0_MAX_VCPUS	ACPI_DOM0_MAX_CPUS
#define DOM0_CMDLINE_MAX 2048	/* the boot protocol's usual cmdline_size */

extern char _start[], _end[];

static struct domain dom0;		/* domain 0: built here, never destroyed */
static uint64_t dom0_p2m_limit;		/* identity-mapped up to here at boot */
static struct dom0_plan *dom0_active_plan;

static uint64_t dom0_image_start(void)
{
	return (uint64_t)(uintptr_t)_start & ~(DOM0_PAGE - 1);
}

static uint64_t dom0_image_end(void)
{
	return ((uint64_t)(uintptr_t)_end + DOM0_PAGE - 1) & ~(DOM0_PAGE - 1);
}

/* The module that overlaps [s, e), or NULL. */
static const struct boot_module *dom0_module_in(const struct boot_info *bi, uint64_t s,
						uint64_t e)
{
	unsigned int i;

	for (i = 0; i < bi->nr_modules; i++)
		if (bi->modules[i].start < e && s < bi->modules[i].end)
			return &bi->modules[i];
	return NULL;
}

/* The pool: as high as possible below 4 GiB in one RAM range, clear of the
 * image and of the modules (still to be read when dom0 is built). */
static int dom0_pick_pool(const struct memmap *fw, const struct boot_info *bi,
			  uint64_t *start)
{
	int i;

	for (i = (int)fw->nr - 1; i >= 0; i--) {
		const struct memmap_range *r = &fw->range[i];
		uint64_t top = LIB_MIN(r->end, DOM0_4G) & ~(DOM0_PAGE - 1);
		uint64_t floor = LIB_MAX(r->start, dom0_image_end());
		const struct boot_module *m;

		if (r->type != MEMMAP_RAM)
			continue;
		while (top >= floor + DOM0_HV_POOL_SIZE) {
			m = dom0_module_in(bi, top - DOM0_HV_POOL_SIZE, top);
			if (!m) {
				*start = top - DOM0_HV_POOL_SIZE;
				return 0;
			}
			top = m->start & ~(DOM0_PAGE - 1);
		}
	}
	return -ENOMEM;
}

/* Add the parts of [s, e) outside the holes to map as RAM, lowest first,
 * at most *budget bytes in all. */
static void dom0_take(struct memmap *map, uint64_t s, uint64_t e,
		      const uint64_t (*holes)[2], unsigned int nholes, uint64_t *budget)
{
	unsigned int i;
	uint64_t len;

	for (i = 0; i < nholes; i++) {
		if (s < holes[i][1] && holes[i][0] < e) {
			if (s < holes[i][0])
				dom0_take(map, s, holes[i][0], holes, nholes, budget);
			if (holes[i][1] < e)
				dom0_take(map, holes[i][1], e, holes, nholes, budget);
			return;
		}
	}
	len = LIB_MIN(e - s, *budget);
	if (len) {
		memmap_add(map, s, len, MEMMAP_RAM);
		*budget -= len;
	}
}

int dom0_plan_memory(const struct memmap *fw, const struct boot_info *bi,
		     const struct boot_options *opts, struct dom0_plan *plan,
		     char *err, size_t errlen)
{
	uint64_t total, avail, size, budget, is = dom0_image_start(), ie = dom0_image_end();
	uint64_t holes[2][2], top;
	unsigned int i;
	int ret;

	memset(plan, 0, sizeof(*plan));
	plan->fw = *fw;
	if (dom0_pick_pool(fw, bi, &plan->pool_start)) {
		lib_strlcpy(err, "not enough RAM below 4 GiB for the hypervisor's own memory", errlen);
		return -ENOMEM;
	}
	plan->pool_end = plan->pool_start + DOM0_HV_POOL_SIZE;
	total = memmap_total(fw, MEMMAP_RAM);
	if (total < (ie - is) + DOM0_HV_POOL_SIZE) {
		lib_strlcpy(err, "not enough RAM for the hypervisor", errlen);
		return -ENOMEM;
	}
	avail = total - (ie - is) - DOM0_HV_POOL_SIZE;
	ret = memmap_dom0_size(&opts->dom0_mem, avail, &size, err, errlen);
	if (ret)
		return ret;

	/* dom0's map: the firmware's non-RAM ranges plus its RAM, lowest first. */
	holes[0][0] = is;
	holes[0][1] = ie;
	holes[1][0] = plan->pool_start;
	holes[1][1] = plan->pool_end;
	memmap_init(&plan->dom0);
	budget = size;
	for (i = 0; i < fw->nr; i++) {
		const struct memmap_range *r = &fw->range[i];

		if (r->type != MEMMAP_RAM) {
			if (r->type != MEMMAP_BAD)
				memmap_add(&plan->dom0, r->start, r->end - r->start, r->type);
			continue;
		}
		dom0_take(&plan->dom0, r->start, r->end, holes, 2, &budget);
	}
	ret = memmap_sanitize(&plan->dom0);
	if (ret) {
		lib_strlcpy(err, "dom0's memory map has too many ranges", errlen);
		return ret;
	}
	plan->dom0_bytes = memmap_total(&plan->dom0, MEMMAP_RAM);
	plan->hidden_bytes = total - plan->dom0_bytes;

	/* The allocator: RAM below 4 GiB that is neither dom0's nor the image,
	 * minus the modules (read later, wherever the loader put them). */
	memmap_init(&plan->alloc);
	for (i = 0; i < fw->nr; i++)
		if (fw->range[i].type == MEMMAP_RAM)
			memmap_add(&plan->alloc, fw->range[i].start,
				   fw->range[i].end - fw->range[i].start, MEMMAP_RAM);
	memmap_sanitize(&plan->alloc);
	memmap_clip(&plan->alloc, PAGING_MAX_LIMIT);
	memmap_remove(&plan->alloc, is, ie - is);
	for (i = 0; i < plan->dom0.nr; i++)
		if (plan->dom0.range[i].type == MEMMAP_RAM)
			memmap_remove(&plan->alloc, plan->dom0.range[i].start,
				      plan->dom0.range[i].end - plan->dom0.range[i].start);
	for (i = 0; i < bi->nr_modules; i++)
		memmap_reserve(&plan->alloc, bi->modules[i].start & ~(DOM0_PAGE - 1),
			       ((bi->modules[i].end + DOM0_PAGE - 1) & ~(DOM0_PAGE - 1)) -
			       (bi->modules[i].start & ~(DOM0_PAGE - 1)), MEMMAP_RESERVED);
	memmap_reserve(&plan->alloc, 0, 0x100000, MEMMAP_RESERVED);

	/* Carved from the pool's bottom before the allocator starts: dom0's
	 * ACPI tables (the RSDT holds 32-bit pointers) and the page directories
	 * that map the allocator's RAM above 4 GiB. */
	plan->acpi_area = plan->pool_start;
	top = 0;
	for (i = 0; i < plan->alloc.nr; i++)
		if (plan->alloc.range[i].type == MEMMAP_RAM)
			top = LIB_MAX(top, plan->alloc.range[i].end);
	plan->paging_tables = plan->pool_start + ACPI_DOM0_AREA_SIZE;
	plan->paging_top = top;
	memmap_remove(&plan->alloc, plan->pool_start, ACPI_DOM0_AREA_SIZE +
		      paging_tables_needed(top) * DOM0_PAGE);
	memmap_page_align(&plan->alloc);
	return 0;
}

uint64_t dom0_machine_ram(void)
{
	return dom0_active_plan ? memmap_total(&dom0_active_plan->fw, MEMMAP_RAM) : 0;
}

int dom0_hidden_ram(unsigned int first, struct xl_sys_hidden_ram *out)
{
	static struct memmap hidden;	/* the caller's lock (sysctl) */
	const struct dom0_plan *plan = dom0_active_plan;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (!plan)
		return -ENOENT;
	memmap_init(&hidden);
	for (i = 0; i < plan->fw.nr; i++)
		if (plan->fw.range[i].type == MEMMAP_RAM)
			memmap_add(&hidden, plan->fw.range[i].start,
				   plan->fw.range[i].end - plan->fw.range[i].start, MEMMAP_RAM);
	memmap_sanitize(&hidden);
	for (i = 0; i < plan->dom0.nr; i++)
		if (plan->dom0.range[i].type == MEMMAP_RAM &&
		    memmap_remove(&hidden, plan->dom0.range[i].start,
				  plan->dom0.range[i].end - plan->dom0.range[i].start))
			return -ENOMEM;
	for (i = first; i < hidden.nr && out->nr < XL_HIDDEN_RAM_RANGES; i++) {
		out->range[out->nr].start = hidden.range[i].start;
		out->range[out->nr].len = hidden.range[i].end - hidden.range[i].start;
		out->nr++;
	}
	return 0;
}

int dom0_check_modules(const struct boot_info *bi, char *err, size_t errlen)
{
	if (bi->nr_modules)
		return 0;
	lib_strlcpy(err, "no dom0 kernel: the boot loader passed no modules. Load the dom0 "
		    "kernel as the first module (GRUB: `module /boot/vmlinuz ARGS`, "
		    "`module /boot/initrd.gz`; QEMU: -initrd \"vmlinuz ARGS,initrd\")", errlen);
	return -ENOENT;
}

static int dom0_p2m_map_cb(uint64_t gpa, uint64_t hpa, void *ctx)
{
	return p2m_map_page(ctx, gpa, hpa);
}

/* dom0's nested page faults the vLAPIC did not take: an IOAPIC window
 * (emulated), a write into a revoked RAM window, or guest-physical addresses above the boot-time map (64-bit
 * BARs): the 2 MiB around gpa mapped identically on first touch (RAM is
 * never up there). */
static bool dom0_npf(struct vcpu *v, uint64_t gpa, bool write)
{
	uint64_t base = gpa & ~(P2M_LARGE_SIZE - 1);

	if (dom0_ioapic_npf(v, gpa, write))
		return true;
	v->npf_by_target[VCPU_NPF_OTHER]++;
	if (ram_window_fault(&dom0, gpa, write)) {
		vcpu_ops()->flush_p2m(v);
		return true;
	}
	if (gpa < dom0_p2m_limit || gpa >= (1ull << 48) ||
	    p2m_map_device(&dom0.hvm.p2m, base, base + P2M_LARGE_SIZE))
		return false;
	vcpu_ops()->flush_p2m(v);
	return true;
}

uint64_t dom0_ram_top(void)
{
	return dom0_p2m_limit;
}

static int dom0_p2m_unmap_cb(uint64_t gpa, void *ctx)
{
	return p2m_unmap_page(ctx, gpa);
}

/* Nested page tables: identity everywhere as device memory, the firmware's
 * ACPI tables and NVS as RAM (cacheable), the sink over every RAM page
 * dom0 does not own, then dom0's RAM and ACPI area identity again. */
static int dom0_build_p2m(const struct dom0_plan *plan)
{
	const struct memmap *fw = &plan->fw;
	uint64_t top = DOM0_4G;
	unsigned int i;
	int ret;

	/* Up to the end of RAM now; MMIO above it (the firmware may list
	 * ranges up to 1 TiB) is mapped on first touch by dom0_npf(). */
	for (i = 0; i < fw->nr; i++)
		if (fw->range[i].type == MEMMAP_RAM || fw->range[i].type == MEMMAP_BAD)
			top = LIB_MAX(top, fw->range[i].end);
	dom0_p2m_limit = (top + DOM0_1G - 1) & ~(DOM0_1G - 1);
	ret = p2m_init(&dom0.hvm.p2m, vcpu_ops()->p2m);
	if (!ret)
		ret = p2m_map_device(&dom0.hvm.p2m, 0, dom0_p2m_limit);
	for (i = 0; !ret && i < fw->nr; i++) {
		const struct memmap_range *r = &fw->range[i];

		if (r->type == MEMMAP_RAM || r->type == MEMMAP_BAD)
			ret = p2m_map_sink(&dom0.hvm.p2m, r->start & ~(DOM0_PAGE - 1),
					   (r->end + DOM0_PAGE - 1) & ~(DOM0_PAGE - 1));
		else if ((r->type == MEMMAP_ACPI || r->type == MEMMAP_NVS) &&
			 ((r->start + DOM0_PAGE - 1) & ~(DOM0_PAGE - 1)) < (r->end & ~(DOM0_PAGE - 1)))
			/* whole pages only: a page shared with hidden RAM stays hidden */
			ret = p2m_map_identity(&dom0.hvm.p2m, (r->start + DOM0_PAGE - 1) &
					       ~(DOM0_PAGE - 1), r->end & ~(DOM0_PAGE - 1));
	}
	for (i = 0; !ret && i < plan->dom0.nr; i++) {
		const struct memmap_range *r = &plan->dom0.range[i];

		if (r->type == MEMMAP_RAM)
			ret = p2m_map_identity(&dom0.hvm.p2m, r->start, r->end);
	}
	return ret;
}

static void dom0_key_registers(uint8_t key)
{
	unsigned int i;

	if (!dom0.nr_vcpus)
		printk(PRINTK_INFO, "dom0 has no vCPU yet\n");
	for (i = 0; i < dom0.nr_vcpus; i++)
		vcpu_dump(dom0.vcpu[i]);
}

/* The 'q' dump's line of dom0's own. */
static void dom0_dump(struct domain *d)
{
	printk(PRINTK_INFO, "    nested tables %llu pages, %llu device interrupts taken\n",
	       (unsigned long long)d->hvm.p2m.pages, (unsigned long long)irq_count());
}

/* dom0_load: place the first module (bzImage) and the second (initrd) for
 * the Linux boot protocol in the RAM of e820, the kernel's command line
 * (the module's) followed by extra_args; panics with the reason when they
 * do not fit. */
static void dom0_load(const struct boot_info *bi, const struct memmap *e820,
		      uint64_t rsdp, const char *extra_args, struct linux_boot_result *res)
{
	static char cmdline[DOM0_CMDLINE_MAX];
	const struct boot_module *k = &bi->modules[0];
	const struct boot_module *rd = bi->nr_modules > 1 ? &bi->modules[1] : NULL;
	struct linux_boot_request req = {
		.kernel_start = k->start, .kernel_end = k->end,
		.initrd_start = rd ? rd->start : 0, .initrd_end = rd ? rd->end : 0,
		.cmdline = cmdline,
		.e820 = e820, .acpi_rsdp = rsdp, .fb = &bi->fb,
		.efi = bi->map_source && !strcmp(bi->map_source, "EFI"),
	};
	char err[128];

	snprintf(cmdline, sizeof(cmdline), "%s%s%s", multiboot_module_cmdline(k->string),
		 extra_args[0] ? " " : "", extra_args);
	if (linux_boot_load(&req, res, err, sizeof(err)))
		panic("cannot load dom0: %s (kernel %llu KiB, initrd %llu KiB)", err,
		      (unsigned long long)((k->end - k->start) >> 10),
		      (unsigned long long)(rd ? (rd->end - rd->start) >> 10 : 0));
	printk(PRINTK_INFO, "dom0: Linux boot protocol %u.%02u, kernel at %#llx (%llu KiB "
	       "reserved), initrd at %#llx (%llu KiB)\n", res->version >> 8, res->version & 0xff,
	       (unsigned long long)res->kernel_addr, (unsigned long long)(res->kernel_size >> 10),
	       (unsigned long long)res->initrd_addr,
	       (unsigned long long)(rd ? (rd->end - rd->start) >> 10 : 0));
	printk(PRINTK_INFO, "dom0: command line \"%s\"\n", req.cmdline);
}

/*
 * dom0_count_vcpus: dom0_max_vcpus=<n> gives n; <min>-<max> one per CPU
 * online, within min and max; default one per CPU. At most
 * DOM0_MAX_VCPUS (warning).
 */
static unsigned int dom0_count_vcpus(const struct boot_options *opts)
{
	unsigned int n = smp_cpu_count();

	if (opts->dom0_max_vcpus_max && n > opts->dom0_max_vcpus_max)
		n = opts->dom0_max_vcpus_max;
	if (n < opts->dom0_max_vcpus_min)
		n = opts->dom0_max_vcpus_min;
	if (n > DOM0_MAX_VCPUS) {
		printk(PRINTK_WARNING, "dom0_max_vcpus: %u vCPUs asked, dom0 gets %u (the most)\n",
		       n, DOM0_MAX_VCPUS);
		n = DOM0_MAX_VCPUS;
	}
	return n;
}

/* dom0's level-triggered vectors come from the physical IOAPICs: the
 * physical LAPIC of the CPU that took it (CPU n for vCPU n,
 * docs/interrupts.md) gets its EOI now, which clears the pin's Remote IRR. */
static void dom0_eoi_level(struct domain *d, unsigned int vcpu, uint8_t vector)
{
	irq_guest_eoi(vcpu, vector);
}

static const struct hvm_domain_ops dom0_hvm_ops = {
	.npf = dom0_npf,
	.eoi_level = dom0_eoi_level,
	.dump = dom0_dump,
	.lint0 = true,
};

/* dom0_new_vcpus: its vCPUs with their virtual LAPICs (the xAPIC page is
 * left out of the nested tables and emulated, the APIC MSRs trapped) and
 * the console UART shared (docs/interrupts.md). */
static void dom0_new_vcpus(struct dom0_plan *plan)
{
	unsigned int i;
	int ret;

	dom0.hvm.ops = &dom0_hvm_ops;
	dom0.hvm.ram = &plan->dom0;
	ret = hvm_domain_init_vcpus(&dom0);
	if (ret)
		panic("dom0: cannot create its vCPUs (%d)", ret);
	for (i = 0; i < dom0.nr_vcpus; i++)
		if (uart_share_attach(dom0.vcpu[i], console_setup_input_port()) && i == 0)
			printk(PRINTK_WARNING, "dom0: no console UART to share\n");
}

/* dom0_schedule: every vCPU joins the scheduler (pinned to the CPU of its
 * number with dom0_vcpus_pin, when there is one); vCPU 0 starts, the
 * others wait for dom0's STARTUP IPIs. */
static void dom0_schedule(const struct boot_options *opts)
{
	unsigned int i;
	int ret;

	vcpu_sched_init(opts);
	ret = sched_dom_add(&dom0.sched, 0, domain_label(&dom0));
	for (i = 0; !ret && i < dom0.nr_vcpus; i++) {
		bool pin = opts->dom0_vcpus_pin && smp_cpu(i);

		ret = vcpu_sched_add(&dom0.sched, dom0.vcpu[i], pin ? (int)i : -1);
		if (i)
			dom0.vcpu[i]->wait_sipi = true;
	}
	if (ret)
		panic("dom0: cannot schedule its vCPUs (%d)", ret);
	vcpu_lapic_route_irqs(dom0.vcpu, dom0.nr_vcpus);
	printk(PRINTK_INFO, "dom0: %u vCPU%s on %u CPU%s%s\n", dom0.nr_vcpus,
	       dom0.nr_vcpus == 1 ? "" : "s", smp_cpu_count(), smp_cpu_count() == 1 ? "" : "s",
	       opts->dom0_vcpus_pin ? ", pinned" : "");
}

/* The APs' work: the scheduler's loop. */
static void dom0_ap_work(struct smp_cpu *c)
{
	vcpu_sched_loop(c->id);
}

/* With every vCPU of dom0 stopped, the boot CPU's idle loop keeps the
 * console's input (the debug keys) alive. */
static void dom0_idle(unsigned int cpu)
{
	unsigned int i;

	if (cpu)
		return;
	for (i = 0; i < dom0.nr_vcpus; i++)
		if (!vcpu_stopped(dom0.vcpu[i]))
			return;
	uart_share_poll();
}

void dom0_start(const struct boot_info *bi, const struct boot_options *opts,
		struct dom0_plan *plan)
{
	const struct vcpu_vendor_ops *ops = vcpu_ops();
	struct linux_boot_result res;
	const struct acpi_madt *madt;
	char extra[32] = "";
	struct acpi_rsdp fw_rsdp;
	uint64_t rsdp = 0, area;
	int ret;

	dom0_active_plan = plan;
	lib_strlcpy(dom0.name, "Domain-0", sizeof(dom0.name));
	dom0.is_dom0 = true;
	dom0.nr_vcpus = dom0_count_vcpus(opts);
	keyhandler_register('d', "dump dom0's vCPU registers", dom0_key_registers);
	keyhandler_register('q', "dump domains and vCPUs", hvm_domain_key_dump);

	ret = dom0_build_p2m(plan);
	if (!ret)
		ret = p2m_unmap_page(&dom0.hvm.p2m, VLAPIC_DEFAULT_BASE);
	if (ret)
		panic("dom0: cannot build nested page tables (%d)", ret);
	if (!acpi_find_rsdp(bi->have_rsdp ? bi->rsdp : NULL, &fw_rsdp)) {
		area = plan->acpi_area;
		ret = acpi_build_dom0(&fw_rsdp, area, dom0.nr_vcpus, &rsdp);
		if (!ret) {
			memmap_add(&plan->dom0, area, ACPI_DOM0_AREA_SIZE, MEMMAP_ACPI);
			memmap_sanitize(&plan->dom0);
			ret = p2m_map_identity(&dom0.hvm.p2m, area, area + ACPI_DOM0_AREA_SIZE);
		}
		if (ret)
			panic("dom0: cannot build its ACPI tables (%d)", ret);
	} else {
		printk(PRINTK_WARNING, "ACPI: no RSDP found; dom0 boots without ACPI "
		       "(and with one vCPU)\n");
		dom0.nr_vcpus = 1;
	}
	madt = rsdp ? acpi_find_madt(&fw_rsdp) : NULL;
	ret = madt ? ioapic_init(madt, dom0_p2m_unmap_cb, &dom0.hvm.p2m) : 0;
	if (!ret)
		ret = dom0_ioapic_init();
	if (ret)
		panic("dom0: cannot take over the IOAPICs (%d)", ret);
	ret = acpi_shadow_legacy(dom0_p2m_map_cb, &dom0.hvm.p2m);
	if (ret < 0)
		panic("dom0: cannot hide the firmware's MP table (%d)", ret);

	/* More vCPUs than CPUs: device interrupts reach vCPU n through CPU n
	 * (docs/interrupts.md), so dom0 aims them at those vCPUs only. */
	if (dom0.nr_vcpus > smp_cpu_count())
		snprintf(extra, sizeof(extra), "irqaffinity=0-%u", smp_cpu_count() - 1);
	dom0_load(bi, &plan->dom0, rsdp, extra, &res);

	irq_init();
	dom0_new_vcpus(plan);
	dom0.memory_kib = plan->dom0_bytes >> 10;
	if (domain_insert(&dom0, 0))
		panic("dom0: cannot enter it into the domain table");
	ops->set_flat32(dom0.vcpu[0], res.entry, res.boot_params);
	printk(PRINTK_INFO, "dom0: LAPICs virtualised (xAPIC page at %#llx emulated, APIC ids "
	       "0-%u, %s, timers on the physical one-shots); device interrupts forwarded\n",
	       (unsigned long long)VLAPIC_DEFAULT_BASE, dom0.nr_vcpus - 1,
	       irq_ids_are_cpu_numbers() ? "x2APIC offered" : "no x2APIC: APIC ids are not CPU numbers");
	printk(PRINTK_INFO, "dom0: %llu MiB RAM (identity-mapped), %llu MiB hidden "
	       "(hypervisor and guests), %u vCPU%s (%s)\n",
	       (unsigned long long)(plan->dom0_bytes >> 20),
	       (unsigned long long)(plan->hidden_bytes >> 20), dom0.nr_vcpus,
	       dom0.nr_vcpus == 1 ? "" : "s", ops->name);
	dom0_schedule(opts);
	vcpu_sched_set_idle_hook(dom0_idle);
	vcpu_sched_set_poll_hook(uart_share_backup_poll);
	printk(PRINTK_INFO, "Starting dom0.\n");
	printk_flush();
	console_setup_dom0_started();
	sched_wake(&dom0.vcpu[0]->unit, false);
	smp_set_ap_work(dom0_ap_work);
	vcpu_sched_loop(0);
}

void dom0_boot_native(const struct boot_info *bi, const struct dom0_plan *plan)
{
	struct linux_boot_result res;

	dom0_load(bi, &plan->fw, 0, "", &res);
	printk(PRINTK_INFO, "Booting the dom0 kernel natively (no hypervisor).\n");
	printk_flush();
	native_boot_jump(res.entry, res.boot_params);
}
