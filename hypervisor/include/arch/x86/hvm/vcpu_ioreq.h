/* A vCPU's access sent to its domain's device model, and how it is finished. */
#ifndef XENOLITH_ARCH_X86_VCPU_IOREQ_H
#define XENOLITH_ARCH_X86_VCPU_IOREQ_H

#include <stdbool.h>
#include <stdint.h>

#include "public/xenolith.h"
#include "arch/x86/emul/insn_decode.h"

#define VCPU_IOREQ_MAX_ACCESSES	2	/* a read-modify-write: read, then write */

/* Owned by the vCPU's thread, except state (atomics) and req.data, which
 * ioreq_complete() fills before it sets state ANSWERED. */
struct vcpu_ioreq {
	uint32_t state;			/* enum ioreq_state */
	struct xl_ioreq req;		/* the request sent (the hypervisor's copy) */
	uint64_t next_rip;		/* port I/O: RIP after the instruction */
	/* MMIO: the instruction, replayed with the answers so far. */
	struct insn insn;
	uint64_t gpa;
	bool write;
	unsigned int answered, replayed;
	uint64_t val[VCPU_IOREQ_MAX_ACCESSES];
};

struct vcpu;
struct vcpu_exit;

/* vcpu_ioreq_pio: a port access of v (not yet handled): if its domain's
 * device model took that port, the request goes there and v waits; true
 * if so (string I/O there crashes the domain: not supported). */
bool vcpu_ioreq_pio(struct vcpu *v, const struct vcpu_exit *e);

/* vcpu_ioreq_mmio: a nested page fault at gpa of v: if the device model
 * took gpa, decode the instruction and send its first access; true if so. */
bool vcpu_ioreq_mmio(struct vcpu *v, uint64_t gpa, bool write);

/* vcpu_ioreq_resume: before an entry: false while v waits for an answer
 * (v must sleep); an answer that came is written back (registers, RIP),
 * or the instruction's next access is sent (then false). v's thread. */
bool vcpu_ioreq_resume(struct vcpu *v);

/* vcpu_ioreq_waiting: v sleeps for an answer that has not come. */
bool vcpu_ioreq_waiting(const struct vcpu *v);

#endif
