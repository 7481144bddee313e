// SPDX-License-Identifier: GPL-2.0
/* struct pages (ZONE_DEVICE) for the RAM dom0 does not own: domU pages mapped into a process can be pinned for direct I/O, and DMA reaches them. */
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/numa.h>
#include <linux/slab.h>
#include <asm/io.h>

#include "hypercall.h"
#include "xenolith.h"

#define XL_PAGES_RANGES	32

static struct dev_pagemap *xl_pgmap;	/* NULL: no struct pages (window mappings only) */

/*
 * The hidden RAM (XL_SYSCTL_HIDDEN_RAM), each range cut to whole 2 MiB
 * subsections (memremap_pages' granularity: a subsection may not be shared
 * with dom0's own RAM), into ranges[]; their number or -errno.
 */
static int xl_pages_ranges(struct range *ranges, int max)
{
	struct xl_sysctl *op = (struct xl_sysctl *)get_zeroed_page(GFP_KERNEL | GFP_DMA32);
	u32 first = 0, i;
	int n = 0;
	long ret;

	if (!op)
		return -ENOMEM;
	for (;;) {
		memset(op, 0, sizeof(*op));
		op->cmd = XL_SYSCTL_HIDDEN_RAM;
		op->u.hidden_ram.first = first;
		ret = xl_hypercall(XL_HC_SYSCTL, virt_to_phys(op), 0, 0);
		if (ret < 0 || !op->u.hidden_ram.nr)
			break;
		for (i = 0; i < op->u.hidden_ram.nr && n < max; i++) {
			u64 start = ALIGN(op->u.hidden_ram.range[i].start, SUBSECTION_SIZE);
			u64 end = ALIGN_DOWN(op->u.hidden_ram.range[i].start +
					     op->u.hidden_ram.range[i].len, SUBSECTION_SIZE);

			if (start < end) {
				ranges[n].start = start;
				ranges[n].end = end - 1;
				n++;
			}
		}
		first += op->u.hidden_ram.nr;
	}
	free_page((unsigned long)op);
	return ret < 0 ? ret : n;
}

void xl_pages_init(void)
{
	struct range ranges[XL_PAGES_RANGES];
	struct dev_pagemap *pgmap;
	void *ret;
	int n = xl_pages_ranges(ranges, XL_PAGES_RANGES);

	if (n <= 0) {
		pr_info("xenolith: no hidden RAM for struct pages (%d): guest RAM through windows only\n", n);
		return;
	}
	pgmap = kzalloc(struct_size(pgmap, ranges, n), GFP_KERNEL);
	if (!pgmap)
		return;
	pgmap->type = MEMORY_DEVICE_GENERIC;
	pgmap->nr_range = n;
	memcpy(pgmap->ranges, ranges, n * sizeof(ranges[0]));
	ret = memremap_pages(pgmap, NUMA_NO_NODE);
	if (IS_ERR(ret)) {
		pr_warn("xenolith: memremap_pages of the hidden RAM failed (%ld): guest RAM through windows only\n",
			PTR_ERR(ret));
		kfree(pgmap);
		return;
	}
	xl_pgmap = pgmap;
	pr_info("xenolith: struct pages for %d range(s) of hidden RAM from %#llx: guest RAM is DMA-able\n",
		n, ranges[0].start);
}

void xl_pages_exit(void)
{
	if (!xl_pgmap)
		return;
	memunmap_pages(xl_pgmap);
	kfree(xl_pgmap);
	xl_pgmap = NULL;
}

bool xl_pages_cover(u64 hpa, u64 len)
{
	int i;

	if (!xl_pgmap || !len || hpa + len < hpa)
		return false;
	for (i = 0; i < xl_pgmap->nr_range; i++)
		if (hpa >= xl_pgmap->ranges[i].start && hpa + len - 1 <= xl_pgmap->ranges[i].end)
			return true;
	return false;
}
