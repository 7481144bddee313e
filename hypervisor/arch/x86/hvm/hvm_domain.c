/* What every domain's vCPUs share: guest memory access, vCPUs with their vLAPICs, start state. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "errno.h"
#include "heap.h"
#include "lib.h"
#include "page_alloc.h"
#include "printk.h"
#include <arch/x86/processor.h>
#include <arch/x86/time.h>
#include <arch/x86/hvm/msi.h>
#include <arch/x86/hvm/hvm_domain.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/hvm/vcpu_lapic.h>
#include <arch/x86/hvm/vcpu_sched.h>

#define HVM_PAGE		0x1000ull
#define HVM_DIRECT_LIMIT	0x100000000ull	/* the hypervisor maps RAM below 4 GiB */
#define HVM_FLUSH_WAIT_NS	2000000000ull

/* gpa lies in one of d's RAM ranges. */
static bool hvm_domain_is_ram(const struct domain *d, uint64_t gpa)
{
	const struct memmap *m = d->hvm.ram;
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (m->range[i].type == MEMMAP_RAM && gpa >= m->range[i].start &&
		    gpa < m->range[i].end)
			return true;
	return false;
}

void *hvm_domain_map(struct domain *d, uint64_t gpa, size_t len)
{
	uint64_t hpa;

	if (!len || len > HVM_PAGE || (gpa & (HVM_PAGE - 1)) + len > HVM_PAGE ||
	    !hvm_domain_is_ram(d, gpa))
		return NULL;
	hpa = p2m_lookup(&d->hvm.p2m, gpa);
	if (hpa == (uint64_t)-1 || (hpa & ~(HVM_PAGE - 1)) == d->hvm.p2m.sink_pa ||
	    hpa + len > HVM_DIRECT_LIMIT)
		return NULL;
	return page_alloc_virt(hpa);
}

int hvm_domain_copy_from(struct domain *d, void *buf, uint64_t gpa, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t n = LIB_MIN(len, HVM_PAGE - (gpa & (HVM_PAGE - 1)));
		const void *p = hvm_domain_map(d, gpa, n);

		if (!p)
			return -EFAULT;
		memcpy(out, p, n);
		out += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int hvm_domain_copy_to(struct domain *d, uint64_t gpa, const void *buf, size_t len)
{
	const uint8_t *in = buf;

	while (len) {
		size_t n = LIB_MIN(len, HVM_PAGE - (gpa & (HVM_PAGE - 1)));
		void *p = hvm_domain_map(d, gpa, n);

		if (!p)
			return -EFAULT;
		memcpy(p, in, n);
		in += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int hvm_domain_read_ram(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	const void *p = hvm_domain_map(opaque, gpa, size);

	if (!p || size > sizeof(*val))
		return -EIO;
	*val = 0;
	memcpy(val, p, size);
	return 0;
}

/* hvm_domain_new_vcpu: vCPU id of d with its vLAPIC and the APIC MSRs
 * trapped (docs/interrupts.md), besides what the vendor traps itself; a
 * domU's traps every port and MSR. */
static int hvm_domain_new_vcpu(struct domain *d, unsigned int id)
{
	const struct vcpu_vendor_ops *ops = vcpu_ops();
	struct vcpu *v = heap_zalloc(sizeof(*v));
	uint32_t msr;
	int ret;

	if (!v)
		return -ENOMEM;
	ret = vcpu_create(v, d, id);
	if (ret) {
		heap_free(v);
		return ret;
	}
	d->vcpu[id] = v;
	if (!d->is_dom0)
		ops->isolate(v);
	ops->set_p2m_root(v, d->hvm.p2m.root_pa);
	ret = vcpu_lapic_init(v, &d->hvm.lapics[id], VLAPIC_DEFAULT_BASE);
	if (ret)
		return ret;
	ops->intercept_msr(v, VLAPIC_MSR_APIC_BASE, true, true);
	ops->intercept_msr(v, VLAPIC_MSR_TSC_DEADLINE, true, true);
	for (msr = VLAPIC_MSR_BASE; msr <= VLAPIC_MSR_LAST; msr++)
		ops->intercept_msr(v, msr, true, true);
	return 0;
}

int hvm_domain_init_vcpus(struct domain *d)
{
	unsigned int i;
	int ret = 0;

	if (!d->nr_vcpus || d->nr_vcpus > DOMAIN_MAX_VCPUS)
		return -EINVAL;
	d->hvm.lapics = heap_zalloc(d->nr_vcpus * sizeof(*d->hvm.lapics));
	if (!d->hvm.lapics)
		return -ENOMEM;
	for (i = 0; i < d->nr_vcpus && !ret; i++)
		ret = hvm_domain_new_vcpu(d, i);
	if (ret)
		hvm_domain_free_vcpus(d);
	return ret;
}

void hvm_domain_free_vcpus(struct domain *d)
{
	unsigned int i;

	for (i = 0; i < DOMAIN_MAX_VCPUS; i++) {
		if (!d->vcpu[i])
			continue;
		vcpu_destroy(d->vcpu[i]);
		heap_free(d->vcpu[i]);
		d->vcpu[i] = NULL;
	}
	heap_free(d->hvm.lapics);
	d->hvm.lapics = NULL;
}

int hvm_domain_set_vcpu(struct domain *d, const struct xl_vcpu_context *ctx)
{
	struct vcpu *v;

	if (ctx->vcpu >= d->nr_vcpus || ctx->mode != XL_VCPU_MODE_FLAT32 ||
	    ctx->rip > 0xffffffffull)
		return -EINVAL;
	v = d->vcpu[ctx->vcpu];
	vcpu_ops()->set_flat32(v, (uint32_t)ctx->rip, (uint32_t)ctx->rsi);
	v->regs.rax = (uint32_t)ctx->rax;
	v->regs.rbx = (uint32_t)ctx->rbx;
	v->regs.rcx = (uint32_t)ctx->rcx;
	v->regs.rdx = (uint32_t)ctx->rdx;
	v->regs.rdi = (uint32_t)ctx->rdi;
	v->regs.rbp = (uint32_t)ctx->rbp;
	v->regs.rsp = (uint32_t)ctx->rsp;
	v->wait_sipi = false;
	return 0;
}

int hvm_domain_flush_all(struct domain *d)
{
	uint64_t gen = __atomic_add_fetch(&d->hvm.p2m_gen, 1, __ATOMIC_SEQ_CST);
	uint64_t give_up = time_now_ns() + HVM_FLUSH_WAIT_NS;
	unsigned int i;

	/* A vCPU that enters from now on sees gen first (vcpu_enter); one in
	 * guest mode on old entries is made to exit: wait for that. */
	for (i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		while (__atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST) &&
		       __atomic_load_n(&v->p2m_gen, __ATOMIC_SEQ_CST) != gen) {
			if (time_now_ns() > give_up)
				return -EBUSY;
			vcpu_sched_make_exit(v);
			__asm__ volatile("pause");
		}
	}
	return 0;
}

int hvm_domain_msi(struct domain *d, uint64_t addr, uint32_t data)
{
	struct msi_msg m;

	if (msi_decode(addr, data, &m))
		return -EINVAL;
	/* Lowest priority goes to the first target, as the vLAPICs do it. */
	vlapic_group_deliver(&d->hvm.lapic_group, m.dest, m.logical, false,
			     m.lowest ? VLAPIC_DM_LOWEST : VLAPIC_DM_FIXED, m.vector, false);
	return 0;
}

static const char *hvm_domain_vcpu_state(const struct vcpu *v)
{
	if (v->crashed)
		return v->domain->state == DOMAIN_CRASHED ? "crashed" : "stopped";
	if (v->halted)
		return "halted";
	if (v->paused)
		return "paused";
	if (v->wait_sipi)
		return "waiting for SIPI";
	if (vcpu_ioreq_waiting(v))
		return "waiting for its device model";
	return v->blocked ? "idle (HLT)" : "running";
}

void hvm_domain_key_dump(uint8_t key)
{
	static const char *const states[] = { "running", "blocked", "paused", "shutdown",
					      "crashed", "dying" };
	struct domain *d;
	unsigned int id, i;

	printk(PRINTK_INFO, "Domains:\n");
	for (id = 0; (d = domain_next(id)); id = d->id + 1) {
		printk(PRINTK_INFO, "  %s (domain %u): %s, %llu MiB, %u vCPU%s\n", d->name, d->id,
		       states[domain_xl_state(d)], (unsigned long long)(d->memory_kib >> 10),
		       d->nr_vcpus, d->nr_vcpus == 1 ? "" : "s");
		if (d->hvm.ops->dump)
			d->hvm.ops->dump(d);
		for (i = 0; i < d->nr_vcpus; i++) {
			const struct vcpu *v = d->vcpu[i];
			char lapic[128];

			printk(PRINTK_INFO, "    vcpu%u: %s on cpu%u, RIP %016llx, %llu exits, "
			       "%llu interrupts injected, %llu HLTs slept\n", i,
			       hvm_domain_vcpu_state(v), v->cpu, (unsigned long long)v->regs.rip,
			       (unsigned long long)v->exits, (unsigned long long)v->irqs_injected,
			       (unsigned long long)v->halts);
			vlapic_summary(v->lapic, time_now_ns(), lapic, sizeof(lapic));
			printk(PRINTK_INFO, "      LAPIC: %s\n", lapic);
		}
	}
}
