/* Domains: the table, names, and the state changes every kind shares. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "errno.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/time.h>
#include <arch/x86/hvm/vcpu.h>
#include <arch/x86/hvm/vcpu_sched.h>

static struct domain *domain_table[DOMAIN_MAX];	/* index: any, by id below */
static int domain_table_lock;
static int domain_lock;				/* every domain's state */
static unsigned int domain_last_id;		/* table lock: ids go up, as Xen's */

bool domain_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n >= XL_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* The slot of id, or -1. Table lock held. */
static int domain_slot(unsigned int id)
{
	unsigned int i;

	for (i = 0; i < DOMAIN_MAX; i++)
		if (domain_table[i] && domain_table[i]->id == id)
			return (int)i;
	return -1;
}

int domain_insert(struct domain *d, int want_id)
{
	unsigned int i, id = (unsigned int)want_id;
	int free_slot = -1, ret = 0;

	lib_spin_lock(&domain_table_lock);
	if (want_id < 0)
		id = domain_last_id % DOMAIN_ID_LAST + 1;
	for (i = 0; i < DOMAIN_MAX; i++) {
		if (!domain_table[i]) {
			if (free_slot < 0)
				free_slot = (int)i;
		} else if (!strcmp(domain_table[i]->name, d->name)) {
			ret = -EEXIST;
		}
	}
	if (!ret && free_slot < 0)
		ret = -ENOSPC;
	while (!ret && want_id < 0 && domain_slot(id) >= 0)
		id = id % DOMAIN_ID_LAST + 1;
	if (!ret && domain_slot(id) >= 0)
		ret = -EEXIST;
	if (!ret) {
		if (want_id < 0)
			domain_last_id = id;
		d->id = id;
		d->created_ns = time_now_ns();
		domain_table[free_slot] = d;
	}
	lib_spin_unlock(&domain_table_lock);
	return ret;
}

void domain_remove(struct domain *d)
{
	int slot;

	lib_spin_lock(&domain_table_lock);
	slot = domain_slot(d->id);
	if (slot >= 0 && domain_table[slot] == d)
		domain_table[slot] = NULL;
	lib_spin_unlock(&domain_table_lock);
}

struct domain *domain_by_id(unsigned int id)
{
	struct domain *d;
	int slot;

	lib_spin_lock(&domain_table_lock);
	slot = domain_slot(id);
	d = slot >= 0 ? domain_table[slot] : NULL;
	lib_spin_unlock(&domain_table_lock);
	return d;
}

struct domain *domain_next(unsigned int id)
{
	struct domain *best = NULL;
	unsigned int i;

	lib_spin_lock(&domain_table_lock);
	for (i = 0; i < DOMAIN_MAX; i++) {
		struct domain *d = domain_table[i];

		if (d && d->id >= id && (!best || d->id < best->id))
			best = d;
	}
	lib_spin_unlock(&domain_table_lock);
	return best;
}

struct domain *domain_by_name(const char *name)
{
	struct domain *found = NULL;
	unsigned int i;

	lib_spin_lock(&domain_table_lock);
	for (i = 0; i < DOMAIN_MAX && !found; i++)
		if (domain_table[i] && !strcmp(domain_table[i]->name, name))
			found = domain_table[i];
	lib_spin_unlock(&domain_table_lock);
	return found;
}

unsigned int domain_count(void)
{
	unsigned int i, n = 0;

	lib_spin_lock(&domain_table_lock);
	for (i = 0; i < DOMAIN_MAX; i++)
		n += domain_table[i] != NULL;
	lib_spin_unlock(&domain_table_lock);
	return n;
}

/* Move an active d to state; false if it had already ended. */
static bool domain_end(struct domain *d, enum domain_run_state state, uint32_t reason,
		       uint32_t status)
{
	bool first;

	lib_spin_lock(&domain_lock);
	first = d->state == DOMAIN_ACTIVE;
	if (first) {
		d->state = state;
		d->shutdown_reason = reason;
		d->exit_status = status;
	}
	lib_spin_unlock(&domain_lock);
	return first;
}

/* Stop every vCPU of d (each leaves guest mode at once). */
static void domain_stop_vcpus(struct domain *d)
{
	unsigned int i;

	for (i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i])
			vcpu_sched_stop(d->vcpu[i]);
}

void domain_shutdown(struct domain *d, uint32_t reason, uint32_t status)
{
	static const char *const why[] = {
		[XL_SHUTDOWN_POWEROFF] = "powered off", [XL_SHUTDOWN_REBOOT] = "rebooted",
		[XL_SHUTDOWN_SUSPEND] = "suspended", [XL_SHUTDOWN_CRASH] = "crashed",
		[XL_SHUTDOWN_EXIT] = "exited",
	};

	if (!domain_end(d, DOMAIN_SHUTDOWN, reason, status))
		return;
	domain_stop_vcpus(d);
	if (reason == XL_SHUTDOWN_EXIT)
		printk(PRINTK_INFO | PRINTK_LOG_ONLY, "%s (domain %u) exited with status %u\n", d->name, d->id,
		       status);
	else
		printk(PRINTK_INFO | PRINTK_LOG_ONLY, "%s (domain %u) %s\n", d->name, d->id,
		       reason < LIB_ARRAY_SIZE(why) && why[reason] ? why[reason] : "shut down");
}

void domain_set_dying(struct domain *d)
{
	lib_spin_lock(&domain_lock);
	d->state = DOMAIN_DYING;
	lib_spin_unlock(&domain_lock);
}

void domain_crash(struct domain *d)
{
	if (domain_end(d, DOMAIN_CRASHED, XL_SHUTDOWN_CRASH, 0))
		domain_stop_vcpus(d);
}

void domain_pause(struct domain *d)
{
	unsigned int i;

	d->paused = true;
	for (i = 0; i < d->nr_vcpus; i++)
		vcpu_sched_pause(d->vcpu[i], true);
}

void domain_unpause(struct domain *d)
{
	unsigned int i;

	d->paused = false;
	for (i = 0; i < d->nr_vcpus; i++)
		vcpu_sched_pause(d->vcpu[i], false);
}

uint32_t domain_xl_state(const struct domain *d)
{
	uint32_t state = XL_STATE_BLOCKED;
	unsigned int i;

	switch (__atomic_load_n(&d->state, __ATOMIC_SEQ_CST)) {
	case DOMAIN_SHUTDOWN:
		return XL_STATE_SHUTDOWN;
	case DOMAIN_CRASHED:
		return XL_STATE_CRASHED;
	case DOMAIN_DYING:
		return XL_STATE_DYING;
	default:
		break;
	}
	if (d->paused)
		return XL_STATE_PAUSED;
	/* Running if a vCPU runs, else runnable if one waits for a CPU. */
	for (i = 0; i < d->nr_vcpus; i++) {
		uint32_t s = vcpu_sched_xl_state(d->vcpu[i]);

		if (s == XL_STATE_RUNNING)
			return s;
		if (s == XL_STATE_RUNNABLE)
			state = s;
	}
	return state;
}

uint64_t domain_cpu_time_ns(const struct domain *d)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = 0; i < d->nr_vcpus; i++)
		t += vcpu_sched_cpu_time(d->vcpu[i]);
	return t;
}
