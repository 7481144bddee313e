/* What every domain's vCPUs share: nested tables, vLAPICs, guest memory, and its kind's hooks. */
#ifndef XENOLITH_ARCH_X86_HVM_DOMAIN_H
#define XENOLITH_ARCH_X86_HVM_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memmap.h"
#include <arch/x86/hvm/p2m.h>
#include <arch/x86/vdev/vlapic.h>

struct domain;
struct vcpu;
struct xl_vcpu_context;

/*
 * What differs between dom0 (owns the hardware) and a domU (owns nothing):
 * one table per kind. Called on the vCPU's own CPU unless said.
 */
struct hvm_domain_ops {
	/* npf: a nested page fault the vLAPIC did not take: true if handled
	 * (emulated, or mapped and the tables flushed); false crashes. */
	bool (*npf)(struct vcpu *v, uint64_t gpa, bool write);
	/* io: a trapped port no vCPU handler took: *val as for vcpu_io_fn.
	 * NULL: reads see all ones, writes vanish. */
	void (*io)(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val);
	/* eoi_level: vCPU vcpu retired level-triggered vector (any CPU). */
	void (*eoi_level)(struct domain *d, unsigned int vcpu, uint8_t vector);
	/* timer_deadline: the next ns at which timer() must run, serviced
	 * by vCPU 0; UINT64_MAX none. NULL: no platform timers. */
	uint64_t (*timer_deadline)(struct domain *d);
	void (*timer)(struct domain *d);
	/* msr: an MSR nobody else handles: 0 done, -1 #GP. NULL: #GP. */
	int (*msr)(struct vcpu *v, uint32_t msr, bool write, uint64_t *val);
	/* cpuid: adjust what the vCPU sees of leaf/sub (after the common
	 * changes). NULL: nothing more. */
	void (*cpuid)(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4]);
	/* ioreq_reserved: [start, end) of space type (XL_IOREQ_*) is the
	 * platform's own (its devices, its RAM): no device model may take
	 * it. NULL: no device models for this kind. */
	bool (*ioreq_reserved)(struct domain *d, uint32_t type, uint64_t start, uint64_t end);
	/* dump: a few lines of its kind's state for the 'q' debug key. */
	void (*dump)(struct domain *d);
	/* lint0: the physical LINT0 follows vCPU 0's (dom0's PIC). */
	bool lint0;
};

struct hvm_domain {
	const struct hvm_domain_ops *ops;	/* constant */
	struct p2m p2m;				/* builder, then the domctl lock */
	const struct memmap *ram;		/* its RAM (guest-physical), constant */
	struct vlapic_group lapic_group;
	struct vlapic *lapics;			/* one per vCPU, heap */
	void *platform;				/* domU: struct domu_platform */
	uint64_t p2m_gen;			/* bumped when mappings go (hvm_domain_flush_all) */
};

/*
 * hvm_domain_map: the hypervisor's pointer to [gpa, gpa + len) of d's RAM,
 * which must lie in one 4 KiB page and in d's RAM (not MMIO, not a hidden
 * page); NULL otherwise. The one way the hypervisor reaches guest memory.
 */
void *hvm_domain_map(struct domain *d, uint64_t gpa, size_t len);

/* hvm_domain_copy_from / _to: len bytes between d's RAM at gpa and buf,
 * page by page through hvm_domain_map. 0 or -EFAULT (nothing promised
 * about a partial copy). */
int hvm_domain_copy_from(struct domain *d, void *buf, uint64_t gpa, size_t len);
int hvm_domain_copy_to(struct domain *d, uint64_t gpa, const void *buf, size_t len);

/* hvm_domain_read_ram: mmio_guest's read_ram over hvm_domain_map
 * (opaque: the domain). */
int hvm_domain_read_ram(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val);

/*
 * hvm_domain_init_vcpus: d->nr_vcpus vCPUs with their vLAPICs (page at
 * VLAPIC_DEFAULT_BASE, absent from the nested tables) and the tables'
 * root. On failure everything made is freed. 0 or -errno. d->hvm.ops
 * and p2m ready.
 */
int hvm_domain_init_vcpus(struct domain *d);

/* hvm_domain_free_vcpus: undo hvm_domain_init_vcpus (vCPUs off every CPU,
 * out of the scheduler). */
void hvm_domain_free_vcpus(struct domain *d);

/* hvm_domain_set_vcpu: give vCPU ctx->vcpu its start state (domU, paused).
 * 0, -EINVAL (bad vCPU or mode). */
int hvm_domain_set_vcpu(struct domain *d, const struct xl_vcpu_context *ctx);

/*
 * hvm_domain_flush_all: mappings left d's nested tables: every vCPU of d
 * drops its nested TLB entries before it enters again, and this returns
 * once none still runs on old ones (each in guest mode is kicked out).
 * 0, or -EBUSY if a CPU did not leave guest mode within 2 s. Any CPU.
 */
int hvm_domain_flush_all(struct domain *d);

/* hvm_domain_msi: deliver the MSI (addr, data as the guest programmed
 * them) to d's vLAPICs. 0 (also when no vLAPIC matches: dropped, as on
 * the bus), -EINVAL (not a valid fixed or lowest-priority MSI). */
int hvm_domain_msi(struct domain *d, uint64_t addr, uint32_t data);

/* hvm_domain_key_dump: debug key 'q': every domain, its vCPUs and state. */
void hvm_domain_key_dump(uint8_t key);

#endif
