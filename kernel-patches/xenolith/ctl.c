// SPDX-License-Identifier: GPL-2.0
/* DOMCTL and SYSCTL ioctls: the caller's structure and buffer go to the hypervisor through kernel copies. */
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/uaccess.h>
#include <asm/io.h>

#include "hypercall.h"
#include "xenolith.h"

/*
 * The hypervisor takes guest-physical addresses; dom0 is identity-mapped,
 * so virt_to_phys of directly mapped memory is one. A structure lives in a
 * page of its own so that it never crosses a page (public/xenolith.h), and
 * a bulk buffer is physically contiguous.
 */

/* A kernel buffer standing in for the caller's `buf`. */
struct xl_bounce {
	void *virt;
	unsigned int order;
	u32 size;		/* bytes usable: at most what was asked for */
};

/*
 * xl_bounce_get: a zeroed contiguous buffer of WANT (1..XL_BUF_MAX) bytes,
 * or, when memory is too fragmented for that order, the largest smaller
 * power-of-two number of pages to be had (b->size says how much). Returns 0
 * or -ENOMEM.
 */
static int xl_bounce_get(struct xl_bounce *b, u32 want)
{
	int order;

	for (order = get_order(want); order >= 0; order--) {
		b->virt = (void *)__get_free_pages(GFP_KERNEL | GFP_DMA32 | __GFP_ZERO | __GFP_NOWARN |
						   (order ? __GFP_NORETRY : 0), order);
		if (b->virt) {
			b->order = order;
			b->size = min_t(u32, want, PAGE_SIZE << order);
			return 0;
		}
	}
	return -ENOMEM;
}

static void xl_bounce_put(struct xl_bounce *b)
{
	free_pages((unsigned long)b->virt, b->order);
}

/* xl_call: hypercall NR on the structure HC (in its own page). */
static long xl_call(unsigned int nr, void *hc)
{
	return xl_hypercall(nr, virt_to_phys(hc), 0, 0);
}

struct xl_domctl *xl_domctl_new(u32 cmd, u32 domid)
{
	struct xl_domctl *dc = (struct xl_domctl *)get_zeroed_page(GFP_KERNEL | GFP_DMA32);

	if (dc) {
		dc->cmd = cmd;
		dc->domid = domid;
	}
	return dc;
}

long xl_domctl_page(struct xl_domctl *dc)
{
	return xl_call(XL_HC_DOMCTL, dc);
}

/*
 * xl_bounced: hypercall NR on HC, whose fields at BUF and LEN name a
 * caller's buffer of which the hypervisor reads (IN) or fills (!IN) up to
 * LEN bytes and says in LEN how many it moved. Fewer bytes go through when
 * less memory could be had; the caller sees that in LEN. BUF holds the
 * caller's pointer again on return. Returns the hypercall's result, -EINVAL for a length over
 * XL_BUF_MAX, -EFAULT for a bad buffer, -ENOMEM.
 */
static long xl_bounced(unsigned int nr, void *hc, u64 *buf, u32 *len, bool in)
{
	const u64 ubuf = *buf;
	struct xl_bounce b;
	long ret;

	if (*len > XL_BUF_MAX)
		return -EINVAL;
	if (!*len) {
		*buf = 0;
		ret = xl_call(nr, hc);
		*buf = ubuf;
		return ret;
	}
	ret = xl_bounce_get(&b, *len);
	if (ret)
		return ret;
	*len = b.size;
	if (in && copy_from_user(b.virt, u64_to_user_ptr(ubuf), b.size)) {
		ret = -EFAULT;
		goto out;
	}
	*buf = virt_to_phys(b.virt);
	ret = xl_call(nr, hc);
	*buf = ubuf;
	if (!in && ret >= 0 &&
	    copy_to_user(u64_to_user_ptr(ubuf), b.virt, min(*len, b.size)))
		ret = -EFAULT;
out:
	xl_bounce_put(&b);
	return ret;
}

/*
 * xl_write_memory: DOMCTL WRITE_MEMORY of up to XL_BUF_MAX bytes, in as
 * many hypercalls as the bounce buffer needs (each for the next gpa). The
 * structure is the caller's again on return. Returns 0 or the first error.
 */
static long xl_write_memory(struct xl_domctl *dc)
{
	struct xl_dc_memory *m = &dc->u.memory;
	const struct xl_dc_memory user = *m;
	struct xl_bounce b;
	u32 done, n;
	long ret;

	if (!user.len || user.len > XL_BUF_MAX)
		return -EINVAL;
	ret = xl_bounce_get(&b, user.len);
	if (ret)
		return ret;
	for (done = 0; done < user.len; done += n) {
		n = min(b.size, user.len - done);
		if (copy_from_user(b.virt, u64_to_user_ptr(user.buf + done), n)) {
			ret = -EFAULT;
			break;
		}
		m->gpa = user.gpa + done;
		m->buf = virt_to_phys(b.virt);
		m->len = n;
		ret = xl_call(XL_HC_DOMCTL, dc);
		if (ret < 0)
			break;
	}
	*m = user;
	xl_bounce_put(&b);
	return ret;
}

/*
 * xl_ctl_domctl: XL_IOCTL_DOMCTL. The structure is copied back whatever
 * the hypercall returned (GETINFO and CREATE fill it, errors may too).
 * Returns the hypercall's result (0, positive, or -errno), -EFAULT when
 * the structure cannot be read or written back, -EINVAL/-ENOMEM for a
 * buffer that cannot be bounced.
 */
long xl_ctl_domctl(struct xl_domctl __user *arg)
{
	struct xl_domctl *dc;
	long ret;

	dc = (struct xl_domctl *)get_zeroed_page(GFP_KERNEL | GFP_DMA32);
	if (!dc)
		return -ENOMEM;
	if (copy_from_user(dc, arg, sizeof(*dc))) {
		ret = -EFAULT;
		goto out;
	}
	switch (dc->cmd) {
	case XL_DOMCTL_WRITE_MEMORY:
		ret = xl_write_memory(dc);
		break;
	case XL_DOMCTL_CONSOLE_READ:
		ret = xl_bounced(XL_HC_DOMCTL, dc, &dc->u.console.buf, &dc->u.console.len, false);
		break;
	case XL_DOMCTL_CONSOLE_WRITE:
		ret = xl_bounced(XL_HC_DOMCTL, dc, &dc->u.console.buf, &dc->u.console.len, true);
		break;
	default:
		ret = xl_call(XL_HC_DOMCTL, dc);
		break;
	}
	if (copy_to_user(arg, dc, sizeof(*dc)))
		ret = -EFAULT;
out:
	free_page((unsigned long)dc);
	return ret;
}

/* xl_ctl_sysctl: XL_IOCTL_SYSCTL, as xl_ctl_domctl (READLOG fills a buffer). */
long xl_ctl_sysctl(struct xl_sysctl __user *arg)
{
	struct xl_sysctl *sc;
	long ret;

	sc = (struct xl_sysctl *)get_zeroed_page(GFP_KERNEL | GFP_DMA32);
	if (!sc)
		return -ENOMEM;
	if (copy_from_user(sc, arg, sizeof(*sc))) {
		ret = -EFAULT;
		goto out;
	}
	if (sc->cmd == XL_SYSCTL_READLOG)
		ret = xl_bounced(XL_HC_SYSCTL, sc, &sc->u.log.buf, &sc->u.log.len, false);
	else
		ret = xl_call(XL_HC_SYSCTL, sc);
	if (copy_to_user(arg, sc, sizeof(*sc)))
		ret = -EFAULT;
out:
	free_page((unsigned long)sc);
	return ret;
}
