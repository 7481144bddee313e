/* Port I/O and MMIO that a device model serves: the request sent, the instruction finished on the answer. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "errno.h"
#include "ioreq.h"
#include "lib.h"
#include <arch/x86/emul/mmio_emulate.h>
#include <arch/x86/hvm/hvm_domain.h>
#include <arch/x86/hvm/vcpu.h>

/* Send q->req for v; a server that went away meanwhile crashes v. */
static void vcpu_ioreq_send(struct vcpu *v)
{
	struct vcpu_ioreq *q = &v->ioreq;

	q->req.vcpu = v->id;
	__atomic_store_n(&q->state, IOREQ_WAITING, __ATOMIC_SEQ_CST);
	if (ioreq_send(v->domain, &q->req)) {
		__atomic_store_n(&q->state, IOREQ_IDLE, __ATOMIC_SEQ_CST);
		vcpu_crash(v, "its device model went away during an access");
	}
}

bool vcpu_ioreq_pio(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vcpu_ioreq *q = &v->ioreq;
	char why[96];

	if (!ioreq_claims(v->domain, XL_IOREQ_PIO, e->io.port, e->io.size))
		return false;
	if (e->io.string || e->io.rep) {
		snprintf(why, sizeof(why), "string port I/O to device-model port %#x "
			 "(not supported)", e->io.port);
		vcpu_crash(v, why);
		return true;
	}
	memset(&q->req, 0, sizeof(q->req));
	q->req.addr = e->io.port;
	q->req.size = e->io.size;
	q->req.type = XL_IOREQ_PIO;
	q->req.dir = e->io.in ? XL_IOREQ_READ : XL_IOREQ_WRITE;
	if (!e->io.in)
		q->req.data = v->regs.rax & (e->io.size == 4 ? 0xffffffffull :
					    (1ull << (8 * e->io.size)) - 1);
	q->next_rip = e->next_rip;
	vcpu_ioreq_send(v);
	return true;
}

/* The instruction's device accesses: those answered already are replayed
 * from q->val; the next one becomes q->req and stops the emulation. One
 * that runs out of the server's ranges is refused. */
static int vcpu_ioreq_access(struct vcpu *v, uint64_t gpa, unsigned int size, bool write,
			     uint64_t *val)
{
	struct vcpu_ioreq *q = &v->ioreq;

	if (q->replayed < q->answered) {
		if (!write)
			*val = q->val[q->replayed];
		q->replayed++;
		return 0;
	}
	if (q->answered == VCPU_IOREQ_MAX_ACCESSES)
		return -EOPNOTSUPP;
	if (!ioreq_claims(v->domain, XL_IOREQ_MMIO, gpa, size))
		return -EINVAL;
	if (write && ioreq_post(v->domain, v->id, gpa, size)) {
		/* Complete at once, and counted as answered: a replay of the
		 * instruction (a later access sent) does not post it again. */
		q->val[q->answered++] = *val;
		q->replayed++;
		return 0;
	}
	memset(&q->req, 0, sizeof(q->req));
	q->req.addr = gpa;
	q->req.size = size;
	q->req.type = XL_IOREQ_MMIO;
	q->req.dir = write ? XL_IOREQ_WRITE : XL_IOREQ_READ;
	q->req.data = write ? *val : 0;
	return -EINPROGRESS;
}

static int vcpu_ioreq_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	return vcpu_ioreq_access(opaque, gpa, size, false, val);
}

static int vcpu_ioreq_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val)
{
	return vcpu_ioreq_access(opaque, gpa, size, true, &val);
}

static const struct mmio_ops vcpu_ioreq_mmio_ops = {
	.read = vcpu_ioreq_read,
	.write = vcpu_ioreq_write,
};

/* Run q->insn on a copy of v's registers with the answers so far (one
 * REP element per run): done (registers kept), the next access sent, or
 * v crashed. */
static void vcpu_ioreq_replay(struct vcpu *v)
{
	struct vcpu_ioreq *q = &v->ioreq;
	struct mmio_access a = {
		.gpa = q->gpa, .write = q->write, .max_reps = 1,
		.ops = &vcpu_ioreq_mmio_ops, .opaque = v,
	};
	struct cpu_regs r = v->regs;
	char why[96];
	int ret;

	q->replayed = 0;
	ret = mmio_emulate(&q->insn, &r, &a);
	if (!ret) {
		v->regs = r;
		return;
	}
	if (ret == -EINPROGRESS) {
		vcpu_ioreq_send(v);
		return;
	}
	snprintf(why, sizeof(why), "cannot emulate the device-model access at %#llx (%d)",
		 (unsigned long long)q->gpa, ret);
	vcpu_crash(v, why);
}

bool vcpu_ioreq_mmio(struct vcpu *v, uint64_t gpa, bool write)
{
	struct vcpu_ioreq *q = &v->ioreq;
	struct mmio_access a = {
		.gpa = gpa, .write = write, .max_reps = 1,
		.ops = &vcpu_ioreq_mmio_ops, .opaque = v,
	};
	struct cpu_regs r = v->regs;
	struct mmio_result res;
	struct mmio_guest g;
	char why[112];
	int ret;

	if (!ioreq_claims(v->domain, XL_IOREQ_MMIO, gpa, 1))
		return false;
	memset(&g, 0, sizeof(g));
	vcpu_ops()->get_guest(v, &g);
	g.read_ram = hvm_domain_read_ram;
	g.ram_opaque = v->domain;
	q->answered = q->replayed = 0;
	ret = mmio_emulate_at_rip(&g, &r, &a, &res);
	if (ret == -EINPROGRESS) {
		q->insn = res.insn;
		q->gpa = gpa;
		q->write = write;
		vcpu_ioreq_send(v);
	} else if (!ret) {
		v->regs = r;
	} else {
		snprintf(why, sizeof(why), "cannot emulate the device-model access at %#llx "
			 "(%s, %d)", (unsigned long long)gpa, res.why ? res.why : "?", ret);
		vcpu_crash(v, why);
	}
	return true;
}

bool vcpu_ioreq_waiting(const struct vcpu *v)
{
	return __atomic_load_n(&v->ioreq.state, __ATOMIC_SEQ_CST) == IOREQ_WAITING;
}

bool vcpu_ioreq_resume(struct vcpu *v)
{
	struct vcpu_ioreq *q = &v->ioreq;
	uint64_t mask;

	switch (__atomic_load_n(&q->state, __ATOMIC_SEQ_CST)) {
	case IOREQ_IDLE:
		return true;
	case IOREQ_WAITING:
		return false;
	default:
		break;
	}
	__atomic_store_n(&q->state, IOREQ_IDLE, __ATOMIC_SEQ_CST);
	if (q->req.type == XL_IOREQ_PIO) {
		mask = q->req.size == 4 ? 0xffffffffull : (1ull << (8 * q->req.size)) - 1;
		if (q->req.dir == XL_IOREQ_READ)
			v->regs.rax = (v->regs.rax & ~mask) | (q->req.data & mask);
		v->regs.rip = q->next_rip;
		return true;
	}
	q->val[q->answered++] = q->req.data;
	vcpu_ioreq_replay(v);
	return !vcpu_ioreq_waiting(v) && !vcpu_stopped(v);
}
