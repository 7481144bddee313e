/* dm_ask.c - finding a running domain's device model and asking it one command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "block.h"
#include "dm_ask.h"
#include "xenoctl.h"

int dm_ask_domain(struct xl_handle *h, const char *dom, const char *what, char *name,
		  size_t namelen, char *path, size_t pathlen, uint32_t *found)
{
	struct xl_domain_info info;
	char err[512];
	uint32_t domid;

	if (cmd_lookup(h, dom, &domid))
		return 1;
	if (!domid)
		return cmd_fail("%s: Domain-0 has no device model (its %s are dom0's own)", dom,
				what);
	if (xl_domain_getinfo(h, domid, &info, err, sizeof(err)))
		return cmd_fail("%s", err);
	snprintf(name, namelen, "%s", info.name);
	block_ctl_path(saved_run_dir(), domid, path, pathlen);
	if (access(path, F_OK))
		return cmd_fail("domain %s has no device model (no %s): %s can be added only "
				"to a domain created with at least one disk or vif", name, path, what);
	if (found)
		*found = domid;
	return 0;
}

int dm_ask(const char *name, const char *path, const char *line, char *reply, size_t len)
{
	char err[512];
	int ret = block_ctl_request(path, line, BLOCK_REPLY_TIMEOUT_MS, reply, len, err,
				    sizeof(err));

	if (ret == -ENOENT)
		return cmd_fail("domain %s: its device model is not running (%s)", name, err);
	if (ret)
		return cmd_fail("domain %s: %s", name, err);
	if (strncmp(reply, "error: ", 7))
		return 0;
	memmove(reply, reply + 7, strlen(reply + 7) + 1);
	reply[strcspn(reply, "\n")] = '\0';
	return -1;
}

int dm_ask_or_fail(const char *name, const char *path, const char *line, char *reply,
		   size_t len)
{
	int ret = dm_ask(name, path, line, reply, len);

	return ret < 0 ? cmd_fail("domain %s: %s", name, reply) : ret;
}
