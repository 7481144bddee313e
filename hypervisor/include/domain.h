/* Domains: dom0 and the guests, their table, states and lifecycle. */
#ifndef XENOLITH_DOMAIN_H
#define XENOLITH_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "ioreq.h"
#include "sched.h"
#include "public/xenolith.h"
#include <arch/x86/hvm/hvm_domain.h>

#define DOMAIN_MAX		64	/* domains at once, dom0 included */
#define DOMAIN_MAX_VCPUS	VLAPIC_MAX_VCPUS
#define DOMAIN_ID_LAST		(XL_DOMID_SELF - 1)	/* guests' ids: 1 up to this */

/* How a domain stands (besides paused); XL_STATE_* is derived from it. */
enum domain_run_state {
	DOMAIN_ACTIVE,		/* its vCPUs may run */
	DOMAIN_SHUTDOWN,	/* it ended itself: shutdown_reason */
	DOMAIN_CRASHED,		/* stopped by the hypervisor */
	DOMAIN_DYING,		/* being destroyed */
};

struct domain {
	unsigned int id;			/* constant */
	bool is_dom0;				/* constant */
	unsigned int nr_vcpus;			/* constant after the build */
	struct vcpu *vcpu[DOMAIN_MAX_VCPUS];	/* index = vCPU = APIC ID */
	uint64_t memory_kib;			/* constant after the build */
	uint64_t created_ns;			/* constant */
	/* domctl lock (hypercall.c): */
	char name[XL_NAME_MAX];
	bool paused;
	/* domain_lock: */
	enum domain_run_state state;
	uint32_t shutdown_reason;		/* XL_SHUTDOWN_*, with SHUTDOWN/CRASHED */
	uint32_t exit_status;			/* XL_SHUTDOWN_EXIT's byte */
	struct sched_dom sched;
	struct ioreq_server ioreq;		/* its device model (domU) */
	struct hvm_domain hvm;
};

/*
 * domain_insert: enter d (zeroed by the caller but for name, is_dom0,
 * nr_vcpus) into the table under id (0 for dom0) or, with want_id < 0,
 * the next id after the last one given (a restarted guest gets a new id,
 * as in Xen), wrapping to 1 after DOMAIN_ID_LAST. Sets id and created_ns. 0, -EEXIST (the name
 * or id is taken), -ENOSPC (table full).
 */
int domain_insert(struct domain *d, int want_id);

/* domain_remove: take d out of the table (destroy's last step). */
void domain_remove(struct domain *d);

/* domain_by_id: the domain with that id, or NULL. domain_next: the one
 * with the lowest id >= id, or NULL. Callers hold the domctl lock, or
 * know the domain cannot go (its own vCPU). */
struct domain *domain_by_id(unsigned int id);
struct domain *domain_next(unsigned int id);

/* domain_by_name: the domain called name, or NULL. */
struct domain *domain_by_name(const char *name);

/* domain_count: domains in the table. */
unsigned int domain_count(void);

/* domain_name_valid: 1..31 characters of [A-Za-z0-9_.-]. */
bool domain_name_valid(const char *name);

/*
 * domain_shutdown: d ended itself (poweroff, reboot, halt, exit port):
 * every vCPU stops; the toolstack reads the reason and acts. Only the
 * first end counts. Any CPU.
 */
void domain_shutdown(struct domain *d, uint32_t reason, uint32_t status);

/* domain_crash: d did what the hypervisor cannot handle: crashed, every
 * vCPU stopped (the caller printed why). Any CPU. */
void domain_crash(struct domain *d);

/* domain_set_dying: d is being destroyed (its end no longer changes). */
void domain_set_dying(struct domain *d);

/* domain_pause / domain_unpause: stop d's vCPUs where they are / let them
 * run again. domctl lock. */
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);

/* domain_xl_state: d as `xenoctl list` shows it (XL_STATE_*). */
uint32_t domain_xl_state(const struct domain *d);

/* domain_label: how the hypervisor's log names d ("dom0", else its name). */
static inline const char *domain_label(const struct domain *d)
{
	return d->is_dom0 ? "dom0" : d->name;
}

/* domain_cpu_time_ns: guest time of all d's vCPUs. */
uint64_t domain_cpu_time_ns(const struct domain *d);

#endif
