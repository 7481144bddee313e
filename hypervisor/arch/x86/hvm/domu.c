/* Guest domains (domUs): their RAM, nested tables and vCPUs built, and all of it given back. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "errno.h"
#include "heap.h"
#include "ioreq.h"
#include "lib.h"
#include "page_alloc.h"
#include "printk.h"
#include <arch/x86/hvm/domu.h>
#include <arch/x86/hvm/hvm_domain.h>
#include <arch/x86/hvm/ram_window.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/hvm/vcpu_sched.h>

#define DOMU_PAGE		0x1000ull
#define DOMU_LARGE		0x200000ull
#define DOMU_LARGE_ORDER	9
#define DOMU_MIN_BYTES		(4ull << 20)
#define DOMU_OVERHEAD_PAGES	128	/* tables, vCPUs, devices: kept free */
#define DOMU_DIRECT_LIMIT	0x100000000ull	/* the hypervisor maps RAM below 4 GiB */

/* p2m_destroy's leaf callback: a RAM page of the domain goes back. */
static void domu_free_leaf(uint64_t hpa, unsigned int order, void *ctx)
{
	page_alloc_free_pages(hpa, order);
}

void domu_free_p2m(struct p2m *p)
{
	p2m_destroy(p, domu_free_leaf, NULL);
}

/* Zeroed RAM for [gpa, end): 2 MiB pages where the guest address and an
 * allocation allow, else 4 KiB ones, mapped read/write. */
static int domu_map_ram(struct p2m *m, uint64_t gpa, uint64_t end)
{
	uint64_t hpa;
	int ret;

	while (gpa < end) {
		bool large = !(gpa & (DOMU_LARGE - 1)) && end - gpa >= DOMU_LARGE &&
			     !page_alloc_pages(DOMU_LARGE_ORDER, &hpa);

		if (large && (hpa & (DOMU_LARGE - 1) || hpa + DOMU_LARGE > DOMU_DIRECT_LIMIT)) {
			page_alloc_free_pages(hpa, DOMU_LARGE_ORDER);
			large = false;
		}
		if (large) {
			memset(page_alloc_virt(hpa), 0, DOMU_LARGE);
			ret = p2m_map_large(m, gpa, hpa);
			if (ret) {
				page_alloc_free_pages(hpa, DOMU_LARGE_ORDER);
				return ret;
			}
			gpa += DOMU_LARGE;
			continue;
		}
		ret = page_alloc_pages(0, &hpa);
		if (ret)
			return ret;
		if (hpa + DOMU_PAGE > DOMU_DIRECT_LIMIT) {
			page_alloc_free_pages(hpa, 0);
			return -ENOMEM;
		}
		memset(page_alloc_virt(hpa), 0, DOMU_PAGE);
		ret = p2m_map_page(m, gpa, hpa);
		if (ret) {
			page_alloc_free_pages(hpa, 0);
			return ret;
		}
		gpa += DOMU_PAGE;
	}
	return 0;
}

/* The RAM map: [0, min(mem, 3 GiB)) and the rest from 4 GiB. */
static int domu_build_ram(struct domu_platform *p, struct p2m *m, uint64_t bytes)
{
	uint64_t low = LIB_MIN(bytes, DOMU_LOW_RAM_MAX);
	int ret;

	memmap_init(&p->ram);
	memmap_add(&p->ram, 0, low, MEMMAP_RAM);
	if (bytes > low)
		memmap_add(&p->ram, DOMU_HIGH_RAM_BASE, bytes - low, MEMMAP_RAM);
	ret = domu_map_ram(m, 0, low);
	if (!ret && bytes > low)
		ret = domu_map_ram(m, DOMU_HIGH_RAM_BASE, DOMU_HIGH_RAM_BASE + bytes - low);
	return ret;
}

/* Free what domu_create made, in reverse (vCPUs out of the scheduler). */
static void domu_free(struct domain *d)
{
	hvm_domain_free_vcpus(d);
	domu_free_p2m(&d->hvm.p2m);
	heap_free(d->hvm.platform);
	heap_free(d);
}

/* The scheduler takes every vCPU, unpinned; on failure none stays. */
static int domu_schedule(struct domain *d)
{
	unsigned int i;
	int ret;

	ret = sched_dom_add(&d->sched, d->id, d->name);
	if (ret)
		return ret;
	for (i = 0; i < d->nr_vcpus; i++) {
		ret = vcpu_sched_add(&d->sched, d->vcpu[i], -1);
		if (ret) {
			while (i--)
				vcpu_sched_remove(d->vcpu[i]);
			sched_dom_remove(&d->sched);
			return ret;
		}
	}
	return 0;
}

/* What a domU costs the hypervisor beyond its RAM: pages taken other than
 * its RAM and the heap's, plus the heap bytes it holds (KiB). */
static uint64_t domu_overhead_kib(uint64_t free_before, const struct heap_stats *hb,
				  const struct heap_stats *ha, uint64_t memory_bytes)
{
	uint64_t pages = free_before - page_alloc_free_count() - (ha->pages - hb->pages);

	return (pages * DOMU_PAGE - memory_bytes + (ha->bytes_in_use - hb->bytes_in_use)) >> 10;
}

int domu_create(const char *name, unsigned int vcpus, uint64_t memory_bytes,
		uint64_t wallclock_s, struct domain **out)
{
	uint64_t free_before = page_alloc_free_count();
	struct heap_stats heap_before, heap_after;
	struct domu_platform *p;
	struct domain *d;
	unsigned int i;
	int ret;

	heap_get_stats(&heap_before);
	if (!domain_name_valid(name) || !vcpus || vcpus > XL_MAX_VCPUS ||
	    memory_bytes < DOMU_MIN_BYTES || memory_bytes & (DOMU_PAGE - 1))
		return -EINVAL;
	if (memory_bytes / DOMU_PAGE + DOMU_OVERHEAD_PAGES > page_alloc_free_count())
		return -ENOMEM;
	d = heap_zalloc(sizeof(*d));
	p = heap_zalloc(sizeof(*p));
	if (!d || !p) {
		heap_free(d);
		heap_free(p);
		return -ENOMEM;
	}
	lib_strlcpy(d->name, name, sizeof(d->name));
	d->nr_vcpus = vcpus;
	d->memory_kib = memory_bytes >> 10;
	d->hvm.ops = &domu_platform_ops;
	d->hvm.platform = p;
	d->hvm.ram = &p->ram;
	ret = p2m_init(&d->hvm.p2m, vcpu_ops()->p2m);
	if (!ret)
		ret = domu_build_ram(p, &d->hvm.p2m, memory_bytes);
	if (!ret)
		ret = domu_platform_init(p, d, wallclock_s);
	if (!ret)
		ret = hvm_domain_init_vcpus(d);
	if (ret)
		goto err_free;
	for (i = 0; i < vcpus; i++) {
		d->vcpu[i]->wait_sipi = true;
		d->vcpu[i]->paused = true;
	}
	d->paused = true;
	ret = domain_insert(d, -1);
	if (ret)
		goto err_free;
	ret = domu_schedule(d);
	if (ret)
		goto err_remove;
	heap_get_stats(&heap_after);
	printk(PRINTK_INFO | PRINTK_LOG_ONLY, "%s (domain %u) created: %llu MiB, %u vCPU%s; hypervisor memory "
	       "for it %llu KiB\n", d->name, d->id, (unsigned long long)(memory_bytes >> 20),
	       vcpus, vcpus == 1 ? "" : "s",
	       (unsigned long long)domu_overhead_kib(free_before, &heap_before, &heap_after,
						     memory_bytes));
	*out = d;
	return 0;

err_remove:
	domain_remove(d);
err_free:
	domu_free(d);
	return ret;
}

int domu_destroy(struct domain *d)
{
	unsigned int i;
	int ret;

	domain_set_dying(d);
	for (i = 0; i < d->nr_vcpus; i++) {
		ret = vcpu_sched_remove(d->vcpu[i]);
		if (ret)
			return ret;
	}
	/* Nobody may reach its pages once they are free: dom0's window
	 * shows zeros first (and takes the pages while dom0 holds it: its
	 * devices may still DMA into them), its device model hears it is gone. */
	ret = ram_window_revoke(d);
	if (ret)
		return ret;
	ioreq_domain_gone(d);
	sched_dom_remove(&d->sched);
	domain_remove(d);
	printk(PRINTK_INFO | PRINTK_LOG_ONLY, "%s (domain %u) destroyed\n", d->name, d->id);
	domu_free(d);
	return 0;
}
