/* System control hypercalls (dom0 only): the machine's figures and the hypervisor's log. */
#include <stdbool.h>
#include <stdint.h>

#include "dom0.h"
#include "domain.h"
#include "domctl.h"
#include "errno.h"
#include "lib.h"
#include "page_alloc.h"
#include "printk.h"
#include "version.h"
#include <arch/x86/smpboot.h>
#include <arch/x86/time.h>
#include <arch/x86/hvm/hvm_domain.h>

#define SYSCTL_BOUNCE	4096

static int sysctl_lock;
static char sysctl_bounce[SYSCTL_BOUNCE];	/* sysctl_lock */

static void sysctl_info(struct xl_sys_info *info)
{
	struct domain *dom0 = domain_by_id(0);

	memset(info, 0, sizeof(*info));
	info->nr_cpus = smp_cpu_count();
	info->cpu_khz = (uint32_t)time_tsc_khz();
	info->total_kib = dom0_machine_ram() >> 10;
	info->free_kib = page_alloc_free_count() * (PAGE_ALLOC_PAGE_SIZE >> 10);
	info->dom0_kib = dom0 ? dom0->memory_kib : 0;
	info->max_vcpus = XL_MAX_VCPUS;
	info->nr_domains = domain_count();
	info->abi_version = XL_ABI_VERSION;
	lib_strlcpy(info->version, version_string, sizeof(info->version));
}

/* The log from l->pos on into the caller's buffer. */
static int sysctl_readlog(struct domain *caller, struct xl_sys_log *l)
{
	uint64_t want = l->pos;
	uint32_t done = 0;

	if (l->len > XL_BUF_MAX)
		return -EINVAL;
	while (done < l->len) {
		uint64_t before = l->pos;
		size_t n = printk_ring_read(&l->pos, sysctl_bounce,
					    LIB_MIN(l->len - done, SYSCTL_BOUNCE));

		if (before == want && l->pos - n > want)
			l->lost = l->pos - n - want;
		if (!n)
			break;
		if (hvm_domain_copy_to(caller, l->buf + done, sysctl_bounce, n))
			return -EFAULT;
		done += n;
	}
	l->len = done;
	return 0;
}

int64_t sysctl(struct domain *caller, uint64_t arg_gpa)
{
	struct xl_sysctl op;
	int ret;

	if (hvm_domain_copy_from(caller, &op, arg_gpa, sizeof(op)))
		return -EFAULT;
	lib_spin_lock(&sysctl_lock);
	switch (op.cmd) {
	case XL_SYSCTL_INFO:
		sysctl_info(&op.u.info);
		ret = 0;
		break;
	case XL_SYSCTL_READLOG:
		op.u.log.lost = 0;
		ret = sysctl_readlog(caller, &op.u.log);
		break;
	case XL_SYSCTL_HIDDEN_RAM:
		ret = dom0_hidden_ram(op.u.hidden_ram.first, &op.u.hidden_ram);
		break;
	default:
		ret = -ENOSYS;
		break;
	}
	lib_spin_unlock(&sysctl_lock);
	if (hvm_domain_copy_to(caller, arg_gpa, &op, sizeof(op)))
		return -EFAULT;
	return ret;
}
