// SPDX-License-Identifier: GPL-2.0
/* An ioreq server's file: the shared request page (mmap), poll for requests, ranges and answers (ioctls). */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/io.h>

#include "xenolith.h"

struct xl_server {
	struct xl_event_waiter ev;
	u32 domid;
	bool registered;		/* the hypervisor has the page */
	struct xl_ioreq_page *page;	/* shared with the hypervisor and the process */
	struct mutex lock;		/* dc */
	struct xl_domctl *dc;		/* the hypercalls' page */
};

/* xl_server_call: domctl cmd for the server's domain, with the union's
 * argument arg (size bytes) when given. The hypercall's result. */
static long xl_server_call(struct xl_server *s, u32 cmd, const void *arg, size_t size)
{
	long ret;

	mutex_lock(&s->lock);
	memset(s->dc, 0, sizeof(*s->dc));
	s->dc->cmd = cmd;
	s->dc->domid = s->domid;
	if (arg)
		memcpy(&s->dc->u, arg, size);
	ret = xl_domctl_page(s->dc);
	mutex_unlock(&s->lock);
	return ret;
}

/* xl_server_free: the page goes back only when the hypervisor no longer
 * writes it (server ended, or the domain gone); else it is leaked. */
static void xl_server_free(struct xl_server *s)
{
	long ret = 0;

	if (s->registered)
		ret = xl_server_call(s, XL_DOMCTL_IOREQ_SERVER_END, NULL, 0);
	if (ret && ret != -ESRCH && ret != -ENOENT)
		pr_warn("xenolith: domain %u: ioreq server end failed (%ld): its page is kept\n",
			s->domid, ret);
	else
		free_page((unsigned long)s->page);
	free_page((unsigned long)s->dc);
	kfree(s);
}

static int xl_server_release(struct inode *inode, struct file *file)
{
	struct xl_server *s = file->private_data;

	xl_event_del(&s->ev);
	xl_server_free(s);
	return 0;
}

/* POLLIN while a slot is READY or a posted write waits, POLLHUP once the
 * domain is gone. */
static __poll_t xl_server_poll(struct file *file, poll_table *wait)
{
	struct xl_server *s = file->private_data;
	__poll_t mask = 0;
	unsigned int i;

	poll_wait(file, &s->ev.wq, wait);
	if (READ_ONCE(s->page->gone))
		mask |= EPOLLHUP;
	if (READ_ONCE(s->page->kicked))
		return mask | EPOLLIN | EPOLLRDNORM;
	for (i = 0; i < XL_IOREQ_SLOTS; i++)
		if (READ_ONCE(s->page->slot[i].state) == XL_IOREQ_READY)
			return mask | EPOLLIN | EPOLLRDNORM;
	return mask;
}

/* The shared page, once, at offset 0. */
static int xl_server_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct xl_server *s = file->private_data;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start, virt_to_phys(s->page) >> PAGE_SHIFT,
			       PAGE_SIZE, vma->vm_page_prot);
}

static long xl_server_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct xl_server *s = file->private_data;
	struct xl_dc_ioreq_range r;
	struct xl_dc_ioreq_posted p;
	struct xl_dc_ioreq_server done = { .vcpu = (u32)arg };

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case XL_IOCTL_IOREQ_MAP:
	case XL_IOCTL_IOREQ_UNMAP:
		if (copy_from_user(&r, (void __user *)arg, sizeof(r)))
			return -EFAULT;
		return xl_server_call(s, cmd == XL_IOCTL_IOREQ_MAP ? XL_DOMCTL_IOREQ_MAP :
				      XL_DOMCTL_IOREQ_UNMAP, &r, sizeof(r));
	case XL_IOCTL_IOREQ_POSTED:
		if (copy_from_user(&p, (void __user *)arg, sizeof(p)))
			return -EFAULT;
		return xl_server_call(s, XL_DOMCTL_IOREQ_POSTED, &p, sizeof(p));
	case XL_IOCTL_IOREQ_COMPLETE:
		return xl_server_call(s, XL_DOMCTL_IOREQ_COMPLETE, &done, sizeof(done));
	default:
		return -ENOTTY;
	}
}

static const struct file_operations xl_server_fops = {
	.owner		= THIS_MODULE,
	.release	= xl_server_release,
	.poll		= xl_server_poll,
	.mmap		= xl_server_mmap,
	.unlocked_ioctl	= xl_server_ioctl,
	.llseek		= noop_llseek,
};

long xl_ioreq_server_open(struct xl_file_req __user *arg)
{
	struct xl_dc_ioreq_server srv = { 0 };
	struct xl_file_req req;
	struct xl_server *s;
	struct file *file;
	long ret;
	int fd;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->domid = req.domid;
	mutex_init(&s->lock);
	s->page = (struct xl_ioreq_page *)get_zeroed_page(GFP_KERNEL | GFP_DMA32);
	s->dc = xl_domctl_new(0, req.domid);
	if (!s->page || !s->dc) {
		xl_server_free(s);
		return -ENOMEM;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		xl_server_free(s);
		return fd;
	}
	xl_event_add(&s->ev);
	file = anon_inode_getfile("xenolith-ioreq", &xl_server_fops, s, O_RDWR);
	if (IS_ERR(file)) {
		xl_event_del(&s->ev);
		xl_server_free(s);
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	srv.page_gpa = virt_to_phys(s->page);
	ret = xl_server_call(s, XL_DOMCTL_IOREQ_SERVER, &srv, sizeof(srv));
	if (ret < 0) {
		fput(file);	/* release frees s */
		put_unused_fd(fd);
		return ret;
	}
	s->registered = true;
	fd_install(fd, file);
	return fd;
}
