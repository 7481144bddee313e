/* Domain control hypercalls (dom0 only): every argument checked, one call at a time. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "domctl.h"
#include "errno.h"
#include "lib.h"
#include <arch/x86/time.h>
#include <arch/x86/hvm/domu.h>
#include <arch/x86/hvm/hvm_domain.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/hvm/vcpu_sched.h>

#define DOMCTL_PAGE		0x1000ull
#define DOMCTL_BOUNCE		4096

static int domctl_lock;
static uint8_t domctl_bounce[DOMCTL_BOUNCE];	/* domctl_lock */

/* The guest domain the call names: it exists, is not dom0, is not being
 * destroyed. */
static int domctl_guest(unsigned int domid, struct domain **out)
{
	struct domain *d = domain_by_id(domid);

	if (!d)
		return -ESRCH;
	if (d->is_dom0)
		return -EPERM;
	if (d->state == DOMAIN_DYING)
		return -EBUSY;
	*out = d;
	return 0;
}

static void domctl_fill_info(struct domain *d, struct xl_domain_info *info)
{
	struct sched_params sp = { 0 };
	unsigned int i;

	memset(info, 0, sizeof(*info));
	info->domid = d->id;
	info->state = domain_xl_state(d);
	lib_strlcpy(info->name, d->name, sizeof(info->name));
	info->vcpus = d->nr_vcpus;
	for (i = 0; i < d->nr_vcpus; i++)
		info->running_vcpus += vcpu_sched_running(d->vcpu[i]);
	info->memory_kib = d->memory_kib;
	info->cpu_time_ns = domain_cpu_time_ns(d);
	info->uptime_ns = time_now_ns() - d->created_ns;
	info->shutdown_reason = d->shutdown_reason;
	info->exit_status = d->exit_status;
	sched_dom_get_params(&d->sched, &sp);
	info->weight = sp.weight;
	info->cap = sp.cap;
}

static int domctl_create(struct domain *caller, struct xl_domctl *op)
{
	struct xl_dc_create *c = &op->u.create;
	struct domain *d;
	int ret;

	c->name[XL_NAME_MAX - 1] = 0;
	if (!domain_name_valid(c->name) || !c->vcpus || c->vcpus > XL_MAX_VCPUS ||
	    c->memory_kib & 3)
		return -EINVAL;
	if (domain_by_name(c->name))
		return -EEXIST;
	ret = domu_create(c->name, c->vcpus, c->memory_kib << 10, c->wallclock_s, &d);
	if (!ret)
		op->domid = d->id;
	return ret;
}

/* Copy len bytes from the caller's RAM at src to d's RAM at dst, piece by
 * piece within pages of both. */
static int domctl_copy_between(struct domain *from, uint64_t src, struct domain *to,
			       uint64_t dst, uint64_t len)
{
	while (len) {
		uint64_t n = LIB_MIN(len, DOMCTL_PAGE - (src & (DOMCTL_PAGE - 1)));
		const void *s;
		void *t;

		n = LIB_MIN(n, DOMCTL_PAGE - (dst & (DOMCTL_PAGE - 1)));
		s = hvm_domain_map(from, src, n);
		t = hvm_domain_map(to, dst, n);
		if (!s || !t)
			return -EFAULT;
		memcpy(t, s, n);
		src += n;
		dst += n;
		len -= n;
	}
	return 0;
}

static int domctl_write_memory(struct domain *caller, struct domain *d,
			       const struct xl_dc_memory *m)
{
	if (!d->paused)
		return -EBUSY;
	if (!m->len || m->len > XL_BUF_MAX || m->gpa + m->len < m->gpa)
		return -EINVAL;
	return domctl_copy_between(caller, m->buf, d, m->gpa, m->len);
}

static int domctl_set_sched(struct domain *d, const struct xl_dc_sched *s)
{
	struct sched_params p;
	int ret = sched_dom_get_params(&d->sched, &p);

	if (ret)
		return ret;
	if (s->weight)
		p.weight = s->weight;
	if (s->cap != XL_SCHED_KEEP)
		p.cap = s->cap;
	if (p.weight > 65535 || p.cap > 100 * d->nr_vcpus)
		return -EINVAL;
	return sched_dom_set_params(&d->sched, &p);
}

static int domctl_vcpu_pin(struct domain *d, const struct xl_dc_vcpu *vc)
{
	struct sched_cpumask mask;
	unsigned int cpu;

	if (vc->vcpu >= d->nr_vcpus)
		return -EINVAL;
	sched_cpumask_zero(&mask);
	for (cpu = 0; cpu < 64; cpu++)
		if ((vc->cpumap >> cpu) & 1)
			sched_cpumask_set(&mask, cpu);
	return sched_unit_set_affinity(&d->vcpu[vc->vcpu]->unit, &mask);
}

static int domctl_vcpu_info(struct domain *d, struct xl_dc_vcpu *vc)
{
	struct sched_cpumask mask;
	struct vcpu *v;
	unsigned int cpu;

	if (vc->vcpu >= d->nr_vcpus)
		return -EINVAL;
	v = d->vcpu[vc->vcpu];
	sched_unit_get_affinity(&v->unit, &mask);
	vc->cpumap = 0;
	for (cpu = 0; cpu < 64; cpu++)
		if (sched_cpumask_test(&mask, cpu))
			vc->cpumap |= 1ull << cpu;
	vc->state = d->paused ? XL_STATE_PAUSED : vcpu_sched_xl_state(v);
	vc->cpu = v->cpu;
	vc->cpu_time_ns = vcpu_sched_cpu_time(v);
	vc->online = !v->wait_sipi;
	return 0;
}

/* The domain's console output from c->pos into the caller's buffer. */
static int domctl_console_read(struct domain *caller, struct domain *d, struct xl_dc_console *c)
{
	uint32_t done = 0;
	uint64_t lost = 0, gone;

	if (c->len > XL_BUF_MAX)
		return -EINVAL;
	while (done < c->len) {
		size_t n = domu_console_read(d, &c->pos, (char *)domctl_bounce,
					     LIB_MIN(c->len - done, DOMCTL_BOUNCE), &gone);

		lost += gone;
		if (!n)
			break;
		if (hvm_domain_copy_to(caller, c->buf + done, domctl_bounce, n))
			return -EFAULT;
		done += n;
	}
	c->len = done;
	c->lost = lost;
	return 0;
}

static int domctl_console_write(struct domain *caller, struct domain *d, struct xl_dc_console *c)
{
	uint32_t n = LIB_MIN(c->len, DOMCTL_BOUNCE);

	if (c->len > XL_BUF_MAX)
		return -EINVAL;
	if (n && hvm_domain_copy_from(caller, domctl_bounce, c->buf, n))
		return -EFAULT;
	c->len = n ? domu_console_write(d, domctl_bounce, n) : 0;
	return 0;
}

static int domctl_rename(struct domain *d, struct xl_dc_rename *r)
{
	r->name[XL_NAME_MAX - 1] = 0;
	if (!domain_name_valid(r->name))
		return -EINVAL;
	if (domain_by_name(r->name))
		return -EEXIST;
	lib_strlcpy(d->name, r->name, sizeof(d->name));
	return 0;
}

/* Commands on any domain, dom0 included. */
static int domctl_any(struct domain *caller, struct xl_domctl *op, bool *done)
{
	struct domain *d;

	*done = true;
	if (op->cmd == XL_DOMCTL_CREATE)
		return domctl_create(caller, op);
	if (op->cmd != XL_DOMCTL_GETINFO && op->cmd != XL_DOMCTL_SET_SCHED &&
	    op->cmd != XL_DOMCTL_GET_SCHED && op->cmd != XL_DOMCTL_VCPU_PIN &&
	    op->cmd != XL_DOMCTL_VCPU_INFO) {
		*done = false;
		return 0;
	}
	d = op->cmd == XL_DOMCTL_GETINFO && op->u.info.flags & XL_GETINFO_NEXT ?
	    domain_next(op->domid) : domain_by_id(op->domid);
	if (!d)
		return -ESRCH;
	switch (op->cmd) {
	case XL_DOMCTL_GETINFO:
		op->domid = d->id;
		domctl_fill_info(d, &op->u.info);
		return 0;
	case XL_DOMCTL_SET_SCHED:
		return domctl_set_sched(d, &op->u.sched);
	case XL_DOMCTL_GET_SCHED: {
		struct sched_params p;
		int ret = sched_dom_get_params(&d->sched, &p);

		op->u.sched.weight = p.weight;
		op->u.sched.cap = p.cap;
		return ret;
	}
	case XL_DOMCTL_VCPU_PIN:
		return domctl_vcpu_pin(d, &op->u.vcpu);
	default:
		return domctl_vcpu_info(d, &op->u.vcpu);
	}
}

/* Commands on a guest domain only. */
static int domctl_guest_op(struct domain *caller, struct xl_domctl *op)
{
	struct domain *d;
	int ret = domctl_guest(op->domid, &d);

	if (ret)
		return ret;
	switch (op->cmd) {
	case XL_DOMCTL_DESTROY:
		return domu_destroy(d);
	case XL_DOMCTL_PAUSE:
		domain_pause(d);
		return 0;
	case XL_DOMCTL_UNPAUSE:
		if (d->state != DOMAIN_ACTIVE)
			return -EINVAL;
		domain_unpause(d);
		return 0;
	case XL_DOMCTL_WRITE_MEMORY:
		return domctl_write_memory(caller, d, &op->u.memory);
	case XL_DOMCTL_SET_VCPU:
		return d->paused ? hvm_domain_set_vcpu(d, &op->u.vcpu_context) : -EBUSY;
	case XL_DOMCTL_SHUTDOWN:
		if (op->u.shutdown.kind != XL_SHUTDOWN_REQ_POWER_BUTTON)
			return -EINVAL;
		domu_power_button(d);
		return 0;
	case XL_DOMCTL_RESET:
		domain_shutdown(d, XL_SHUTDOWN_REBOOT, 0);
		return 0;
	case XL_DOMCTL_CONSOLE_READ:
		return domctl_console_read(caller, d, &op->u.console);
	case XL_DOMCTL_CONSOLE_WRITE:
		return domctl_console_write(caller, d, &op->u.console);
	case XL_DOMCTL_RENAME:
		return domctl_rename(d, &op->u.rename);
	default:
		return domctl_device_model(caller, d, op);
	}
}

int64_t domctl(struct domain *caller, uint64_t arg_gpa)
{
	struct xl_domctl op;
	bool done;
	int ret;

	if (hvm_domain_copy_from(caller, &op, arg_gpa, sizeof(op)))
		return -EFAULT;
	lib_spin_lock(&domctl_lock);
	ret = op.cmd == XL_DOMCTL_RAM_WINDOW_END ? domctl_ram_window_end(caller, &op, &done) :
	      domctl_any(caller, &op, &done);
	if (!done)
		ret = domctl_guest_op(caller, &op);
	lib_spin_unlock(&domctl_lock);
	if (hvm_domain_copy_to(caller, arg_gpa, &op, sizeof(op)))
		return -EFAULT;
	return ret;
}
