// SPDX-License-Identifier: GPL-2.0
/* /dev/xenolith: dom0's door to the Xenolith hypervisor (module init, misc device, ioctls). */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/gfp.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/io.h>
#include <asm/processor.h>

#include "hypercall.h"
#include "xenolith.h"

/* CPUID leaf 0x40000000 (docs/hypervisor.md): the signature in EBX, ECX, EDX. */
#define XL_CPUID_BASE		0x40000000u
#define XL_CPUID_SIGNATURE	"XenolithHVMM"

/* xl_present: true when this kernel runs under the Xenolith hypervisor. */
static bool xl_present(void)
{
	unsigned int eax, sig[3];

	cpuid(XL_CPUID_BASE, &eax, &sig[0], &sig[1], &sig[2]);
	return !memcmp(sig, XL_CPUID_SIGNATURE, sizeof(sig));
}

/*
 * xl_ioctl: every ioctl needs CAP_SYS_ADMIN (the device is also mode 0600,
 * but a file descriptor can be passed on). Returns the handler's result:
 * 0 or a positive value, or -errno.
 */
static long xl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case XL_IOCTL_DOMCTL:
		return xl_ctl_domctl(uarg);
	case XL_IOCTL_SYSCTL:
		return xl_ctl_sysctl(uarg);
	case XL_IOCTL_BENCH:
		return xl_bench(uarg);
	case XL_IOCTL_IOREQ_SERVER:
		return xl_ioreq_server_open(uarg);
	case XL_IOCTL_GUEST_RAM:
		return xl_guest_ram_open(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations xl_fops = {
	.owner		= THIS_MODULE,
	.open		= nonseekable_open,
	.unlocked_ioctl	= xl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,	/* fixed-width structures */
	.llseek		= noop_llseek,
};

static struct miscdevice xl_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "xenolith",
	.fops	= &xl_fops,
	.mode	= 0600,
};

/*
 * xl_dom0: whether this kernel is dom0. Control hypercalls are dom0's
 * alone: a domU gets -EPERM for every SYSCTL, dom0 -ENOSYS for command 0
 * (a zeroed structure). When no page can be had, it says yes.
 */
static bool xl_dom0(void)
{
	struct xl_sysctl *op = (struct xl_sysctl *)get_zeroed_page(GFP_KERNEL | GFP_DMA32);
	long ret;

	if (!op)
		return true;
	ret = xl_hypercall(XL_HC_SYSCTL, virt_to_phys(op), 0, 0);
	free_page((unsigned long)op);
	return ret != -EPERM;
}

/*
 * xl_init: load only in dom0 under the hypervisor (-ENODEV with one line on
 * plain Linux, e.g. the CD's "Linux (no hypervisor)" entry, and in a domU,
 * e.g. the CD's root booted as a guest: /dev/xenolith marks dom0). A
 * VERSION hypercall that fails is logged and the module loads all the same;
 * an ABI of another major version is refused.
 */
static int __init xl_init(void)
{
	long ver;
	int ret;

	if (!xl_present()) {
		pr_info("not running under the Xenolith hypervisor (no %s CPUID signature): not loaded\n",
			XL_CPUID_SIGNATURE);
		return -ENODEV;
	}
	ver = xl_hypercall(XL_HC_VERSION, 0, 0, 0);
	if (ver >= 0 && (ver >> 16) != (XL_ABI_VERSION >> 16)) {
		pr_err("hypervisor ABI %ld.%ld, this module speaks %u.x: not loaded\n",
		       ver >> 16, ver & 0xffff, XL_ABI_VERSION >> 16);
		return -EPROTO;
	}
	if (!xl_dom0()) {
		pr_info("running in a domU (control hypercalls refused): /dev/xenolith is dom0's, not loaded\n");
		return -ENODEV;
	}
	xl_event_init();
	xl_pages_init();
	ret = misc_register(&xl_misc);
	if (ret) {
		xl_pages_exit();
		xl_event_exit();
		pr_err("cannot register /dev/xenolith (%d)\n", ret);
		return ret;
	}
	if (ver >= 0)
		pr_info("Xenolith hypervisor ABI %ld.%ld (module %u.%u), /dev/xenolith ready\n",
			ver >> 16, ver & 0xffff, XL_ABI_VERSION >> 16, XL_ABI_VERSION & 0xffff);
	else
		pr_info("Xenolith hypervisor, VERSION hypercall failed (%ld; module ABI %u.%u), /dev/xenolith ready\n",
			ver, XL_ABI_VERSION >> 16, XL_ABI_VERSION & 0xffff);
	return 0;
}

static void __exit xl_exit(void)
{
	misc_deregister(&xl_misc);
	xl_pages_exit();
	xl_event_exit();
}

module_init(xl_init);
module_exit(xl_exit);
MODULE_DESCRIPTION("Xenolith hypervisor control device (/dev/xenolith) for dom0");
MODULE_LICENSE("GPL");
