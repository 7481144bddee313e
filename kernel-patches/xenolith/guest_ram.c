// SPDX-License-Identifier: GPL-2.0
/* A domU's RAM window as a file: mmap at offset gpa shows the domain's page gpa. */
#include <linux/anon_inodes.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pfn_t.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "xenolith.h"

struct xl_ram {
	u64 base, len;			/* the window in dom0's guest-physical space */
	struct xl_ram_run *runs;	/* the domain's RAM in machine memory, by gpa */
	unsigned int nr_runs;		/* 0: mapped through the window */
};

/*
 * xl_ram_runs: the domain's runs of machine-contiguous RAM (RAM_P2M), kept
 * in r when every one of them has struct pages of ours; else r keeps none
 * and its mappings go through the window. 0, or -ENOMEM.
 */
static int xl_ram_runs(struct xl_ram *r, u32 domid)
{
	struct xl_domctl *dc = xl_domctl_new(XL_DOMCTL_RAM_P2M, domid);
	struct xl_ram_run *runs = NULL, *more;
	unsigned int nr = 0, i;
	u64 gpa = 0;
	long ret = 0;

	if (!dc)
		return -ENOMEM;
	for (;;) {
		dc->u.ram_p2m.gpa = gpa;
		ret = xl_domctl_page(dc);
		if (ret < 0 || !dc->u.ram_p2m.nr || dc->u.ram_p2m.nr > XL_RAM_P2M_RUNS)
			break;
		more = krealloc_array(runs, nr + dc->u.ram_p2m.nr, sizeof(*runs), GFP_KERNEL);
		if (!more) {
			ret = -ENOMEM;
			break;
		}
		runs = more;
		for (i = 0; i < dc->u.ram_p2m.nr; i++) {
			struct xl_ram_run *run = &dc->u.ram_p2m.run[i];

			if (run->gpa < gpa || !PAGE_ALIGNED(run->gpa | run->hpa | run->len) ||
			    !xl_pages_cover(run->hpa, run->len))
				ret = -ERANGE;
			runs[nr++] = *run;
			gpa = run->gpa + run->len;
		}
		if (ret)
			break;
	}
	free_page((unsigned long)dc);
	if (ret || !nr) {
		kfree(runs);
		return ret == -ENOMEM ? ret : 0;
	}
	r->runs = runs;
	r->nr_runs = nr;
	return 0;
}

/* The machine address of gpa's page, or -1 when no run holds it. */
static u64 xl_ram_hpa(const struct xl_ram *r, u64 gpa)
{
	unsigned int lo = 0, hi = r->nr_runs;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct xl_ram_run *run = &r->runs[mid];

		if (gpa < run->gpa)
			hi = mid;
		else if (gpa - run->gpa >= run->len)
			lo = mid + 1;
		else
			return run->hpa + (gpa - run->gpa);
	}
	return (u64)-1;
}

/*
 * Wait until no page of r is pinned or referenced by anyone (direct I/O
 * in flight, e.g. a bio of a process that has unmapped its buffer): the
 * hypervisor frees a destroyed domain's RAM when the window ends. A
 * ZONE_DEVICE page of ours has a reference count of 1 when unused.
 */
static void xl_ram_wait_unpinned(const struct xl_ram *r)
{
	unsigned int i, waited = 0;
	u64 off;

	for (i = 0; i < r->nr_runs; i++) {
		for (off = 0; off < r->runs[i].len; off += PAGE_SIZE) {
			struct page *page = pfn_to_page((r->runs[i].hpa + off) >> PAGE_SHIFT);

			while (page_ref_count(page) > 1) {
				if (!(++waited % 1000))
					pr_warn("xenolith: guest page %#llx still in use after %u s\n",
						r->runs[i].hpa + off, waited / 100);
				msleep(10);
			}
		}
	}
}

/* xl_ram_end: give the window back (RAM_WINDOW_END). */
static void xl_ram_end(u64 base)
{
	struct xl_domctl *dc = xl_domctl_new(XL_DOMCTL_RAM_WINDOW_END, 0);
	long ret = -ENOMEM;

	if (dc) {
		dc->u.ram_window.base = base;
		ret = xl_domctl_page(dc);
		free_page((unsigned long)dc);
	}
	if (ret)
		pr_warn("xenolith: RAM window at %#llx not given back (%ld)\n", base, ret);
}

static int xl_ram_release(struct inode *inode, struct file *file)
{
	struct xl_ram *r = file->private_data;

	xl_ram_wait_unpinned(r);
	xl_ram_end(r->base);
	kfree(r->runs);
	kfree(r);
	return 0;
}

/* One page table entry of the window's mapping (apply_to_page_range). */
struct xl_ram_fill {
	struct mm_struct *mm;
	unsigned long pfn;
	pgprot_t prot;
};

static int xl_ram_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct xl_ram_fill *f = data;

	set_pte_at(f->mm, addr, pte, pte_mkspecial(pfn_pte(f->pfn++, f->prot)));
	return 0;
}

/*
 * The window is no RAM of dom0's, so PAT would give remap_pfn_range() the
 * MTRRs' type for it (uncached minus where they do not say write-back).
 * The domain's pages are ordinary RAM, write-back in the hypervisor's
 * nested tables: the entries are written here with the VMA's own
 * (write-back) protection, as special PFN mappings of a shared VM_PFNMAP
 * area that PAT does not track.
 */
static int xl_ram_mmap_window(struct xl_ram *r, struct vm_area_struct *vma, u64 off, u64 size)
{
	struct xl_ram_fill f = {
		.mm = vma->vm_mm, .pfn = (r->base + off) >> PAGE_SHIFT,
		.prot = vm_get_page_prot(vma->vm_flags),
	};

	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	return apply_to_page_range(vma->vm_mm, vma->vm_start, size, xl_ram_pte, &f);
}

/*
 * A page of a domain whose RAM has struct pages: the machine page itself
 * (dom0 sees it at its own address while the window is held), as a devmap
 * entry the way device-dax maps its memory, so that get_user_pages() and
 * so O_DIRECT can pin it and the block layer's DMA lands in it.
 */
static vm_fault_t xl_ram_fault(struct vm_fault *vmf)
{
	const struct xl_ram *r = vmf->vma->vm_private_data;
	u64 hpa = xl_ram_hpa(r, (u64)vmf->pgoff << PAGE_SHIFT);

	if (hpa == (u64)-1)
		return VM_FAULT_SIGBUS;
	return vmf_insert_mixed(vmf->vma, vmf->address, phys_to_pfn_t(hpa, PFN_DEV | PFN_MAP));
}

static const struct vm_operations_struct xl_ram_vm_ops = {
	.fault = xl_ram_fault,
};

static int xl_ram_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct xl_ram *r = file->private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT, size = vma->vm_end - vma->vm_start;

	if (!(vma->vm_flags & VM_SHARED) || off >= r->len || size > r->len - off)
		return -EINVAL;
	if (!r->nr_runs)
		return xl_ram_mmap_window(r, vma, off, size);
	vma->vm_flags |= VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_ops = &xl_ram_vm_ops;
	vma->vm_private_data = r;
	return 0;
}

static const struct file_operations xl_ram_fops = {
	.owner		= THIS_MODULE,
	.release	= xl_ram_release,
	.mmap		= xl_ram_mmap,
	.llseek		= noop_llseek,
};

long xl_guest_ram_open(struct xl_file_req __user *arg)
{
	struct xl_file_req req;
	struct xl_domctl *dc;
	struct xl_ram *r;
	long ret;
	int fd;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	dc = xl_domctl_new(XL_DOMCTL_RAM_WINDOW, req.domid);
	if (!r || !dc) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = xl_domctl_page(dc);
	if (ret < 0)
		goto err_free;
	r->base = dc->u.ram_window.base;
	r->len = dc->u.ram_window.len;
	req.window = dc->u.ram_window;
	free_page((unsigned long)dc);
	dc = NULL;
	ret = xl_ram_runs(r, req.domid);
	if (ret) {
		xl_ram_end(r->base);
		goto err_free;
	}
	fd = anon_inode_getfd("xenolith-guest-ram", &xl_ram_fops, r, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		xl_ram_end(r->base);
		ret = fd;
		goto err_free;
	}
	/* The fd is the caller's now: a failed copy still leaves it open. */
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT;
	return fd;

err_free:
	free_page((unsigned long)dc);
	if (r)
		kfree(r->runs);
	kfree(r);
	return ret;
}
