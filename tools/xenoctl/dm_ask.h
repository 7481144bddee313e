/* dm_ask.h - verbs that talk to a running domain's device model over its control socket (block-*, network-*). */
#ifndef XENOCTL_DM_ASK_H
#define XENOCTL_DM_ASK_H

#include <stddef.h>

#include "libxenolith/libxenolith.h"

/* Look DOM up: its name and its device model's socket. Refuses dom0 and
 * a domain without a device model (what: "disks", "network interfaces",
 * for the message); its id in *found unless found is NULL. 0, or 1
 * after printing why. */
int dm_ask_domain(struct xl_handle *h, const char *dom, const char *what, char *name,
		  size_t namelen, char *path, size_t pathlen, uint32_t *found);

/* Send line to the device model of domain name at path. 0: its "ok"
 * answer in reply; -1: its refusal in reply (the message alone, not
 * printed); 1: it could not be asked (printed). */
int dm_ask(const char *name, const char *path, const char *line, char *reply, size_t len);

/* dm_ask, printing a refusal. 0, or 1 after printing why. */
int dm_ask_or_fail(const char *name, const char *path, const char *line, char *reply,
		   size_t len);

#endif
