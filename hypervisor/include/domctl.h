/* Domain and system control hypercalls: dom0's toolstack calls. */
#ifndef XENOLITH_DOMCTL_H
#define XENOLITH_DOMCTL_H

#include <stdbool.h>
#include <stdint.h>

struct domain;

/*
 * domctl / sysctl: the XL_HC_DOMCTL / XL_HC_SYSCTL call of dom0, whose
 * struct xl_domctl / xl_sysctl is at arg_gpa in its RAM (read, handled,
 * written back). 0 or a -errno of docs/hypercalls.md.
 */
int64_t domctl(struct domain *caller, uint64_t arg_gpa);
int64_t sysctl(struct domain *caller, uint64_t arg_gpa);

struct xl_domctl;

/* domctl_device_model: the commands a device model uses (ioreq server,
 * ranges, completion, MSI, RAM window) on guest d; -ENOSYS for another
 * cmd. domctl lock. */
int domctl_device_model(struct domain *caller, struct domain *d, struct xl_domctl *op);

/* domctl_ram_window_end: RAM_WINDOW_END, which names no domain (*done
 * set). domctl lock. */
int domctl_ram_window_end(struct domain *caller, struct xl_domctl *op, bool *done);

#endif
