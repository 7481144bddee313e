// SPDX-License-Identifier: GPL-2.0
/* A domU's RAM window as a file: mmap at offset gpa shows the domain's page gpa. */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "xenolith.h"

struct xl_ram {
	u64 base, len;			/* the window in dom0's guest-physical space */
};

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

	xl_ram_end(r->base);
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
static int xl_ram_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct xl_ram *r = file->private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT, size = vma->vm_end - vma->vm_start;
	struct xl_ram_fill f = {
		.mm = vma->vm_mm, .pfn = (r->base + off) >> PAGE_SHIFT,
		.prot = vm_get_page_prot(vma->vm_flags),
	};

	if (!(vma->vm_flags & VM_SHARED) || off >= r->len || size > r->len - off)
		return -EINVAL;
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	return apply_to_page_range(vma->vm_mm, vma->vm_start, size, xl_ram_pte, &f);
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
	kfree(r);
	return ret;
}
