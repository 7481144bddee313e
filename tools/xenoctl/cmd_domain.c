/* cmd_domain.c - one domain's life: pause, unpause, shutdown, reboot, destroy, rename; waiting for its end. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "xenoctl.h"
#include "disk.h"

#define WAIT_POLL_US	100000

typedef int (*domain_op)(struct xl_handle *h, uint32_t domid, char *err, size_t errlen);

/* VERB DOM with flags; runs op on the domain. *domid_out (may be NULL) gets its id. */
static int on_one_domain(int argc, char **argv, const struct args_opt *opts,
			 domain_op op, struct xl_handle **hp, uint32_t *domid_out)
{
	struct xl_handle *h;
	const char *pos[1];
	char err[512];
	uint32_t domid;
	int n;

	if (args_parse(argc, argv, opts, pos, 1, &n, err, sizeof(err)))
		return cmd_fail("%s", err);
	if (n != 1)
		return cmd_fail("%s: which domain? (xenoctl %s DOM)", argv[0], argv[0]);
	h = cmd_open();
	if (!h)
		return 1;
	if (cmd_lookup(h, pos[0], &domid))
		goto err;
	if (domid == 0) {
		cmd_fail("%s: domain 0 is dom0 itself: use the shell's commands", argv[0]);
		goto err;
	}
	if (op(h, domid, err, sizeof(err))) {
		cmd_fail("%s", err);
		goto err;
	}
	if (domid_out)
		*domid_out = domid;
	if (hp)
		*hp = h;
	else
		xl_close(h);
	return 0;
err:
	xl_close(h);
	return 1;
}

int cmd_pause(int argc, char **argv)
{
	return on_one_domain(argc, argv, NULL, xl_domain_pause, NULL, NULL);
}

int cmd_unpause(int argc, char **argv)
{
	return on_one_domain(argc, argv, NULL, xl_domain_unpause, NULL, NULL);
}

int cmd_reboot(int argc, char **argv)
{
	return on_one_domain(argc, argv, NULL, xl_domain_reset, NULL, NULL);
}

static int destroy_op(struct xl_handle *h, uint32_t domid, char *err, size_t errlen)
{
	struct xl_domain_info info;
	int ret = xl_domain_getinfo(h, domid, &info, err, errlen);

	if (ret)
		return ret;
	ret = xl_domain_destroy(h, domid, err, errlen);
	if (!ret)
		saved_config_remove(info.name);	/* its monitor sees it gone and exits */
	return ret;
}

int cmd_destroy(int argc, char **argv)
{
	return on_one_domain(argc, argv, NULL, destroy_op, NULL, NULL);
}

int cmd_wait_end(struct xl_handle *h, uint32_t domid, int *status)
{
	struct xl_domain_info info;
	uint32_t state, reason, code;
	char err[512];
	int ret;

	for (;;) {
		ret = xl_domain_getinfo(h, domid, &info, err, sizeof(err));
		if (ret == -ESRCH)
			break;
		if (ret)
			return cmd_fail("%s", err);
		if (info.state == XL_STATE_SHUTDOWN || info.state == XL_STATE_CRASHED) {
			*status = format_exit_status(info.state, info.shutdown_reason,
						     info.exit_status);
			return 0;
		}
		usleep(WAIT_POLL_US);
	}
	/* Gone: its monitor may have recorded how it ended before destroying it. */
	if (saved_exit_read(domid, &state, &reason, &code) == 0) {
		*status = format_exit_status(state, reason, code);
		return 0;
	}
	return cmd_fail("domain %u was destroyed before it shut down", domid);
}

int cmd_shutdown(int argc, char **argv)
{
	struct args_opt opts[] = { { 'w', NULL, NULL }, { 0, NULL, NULL } };
	struct xl_domain_info info;
	struct xl_handle *h = NULL;
	uint32_t domid;
	char err[512];
	int wait = 0, ret;

	opts[0].flag = &wait;
	ret = on_one_domain(argc, argv, opts, xl_domain_shutdown, &h, &domid);
	if (ret || !wait) {
		xl_close(h);
		return ret;
	}
	/* Until it is gone, or has ended and is kept (on_poweroff=preserve). */
	for (;;) {
		ret = xl_domain_getinfo(h, domid, &info, err, sizeof(err));
		if (ret == -ESRCH || (!ret && (info.state == XL_STATE_SHUTDOWN ||
					       info.state == XL_STATE_CRASHED))) {
			ret = 0;
			break;
		}
		if (ret) {
			ret = cmd_fail("%s", err);
			break;
		}
		usleep(WAIT_POLL_US);
	}
	xl_close(h);
	return ret;
}

int cmd_rename(int argc, char **argv)
{
	struct xl_domain_info info;
	struct xl_handle *h;
	const char *pos[2];
	char err[512];
	uint32_t domid;
	int n, ret = 1;

	if (args_parse(argc, argv, NULL, pos, 2, &n, err, sizeof(err)))
		return cmd_fail("%s", err);
	if (n != 2)
		return cmd_fail("rename: needs DOM NEWNAME");
	h = cmd_open();
	if (!h)
		return 1;
	if (cmd_lookup(h, pos[0], &domid))
		goto out;
	if (domid == 0) {
		cmd_fail("rename: dom0 is always Domain-0");
		goto out;
	}
	if (xl_domain_getinfo(h, domid, &info, err, sizeof(err)) ||
	    xl_domain_rename(h, domid, pos[1], err, sizeof(err))) {
		cmd_fail("%s", err);
		goto out;
	}
	saved_config_rename(info.name, pos[1]);
	disk_claims_rename(&(struct disk_claims_env){ saved_run_dir(), NULL, NULL },
			   info.name, pos[1]);
	ret = 0;
out:
	xl_close(h);
	return ret;
}
