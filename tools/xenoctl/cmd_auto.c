/* cmd_auto.c - autostop: at dom0's shutdown, press every domain's power button, wait, destroy the rest. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "xenoctl.h"

#define AUTOSTOP_TIMEOUT	60	/* seconds, unless -t says otherwise */

/* Domains other than dom0 that still run (not shut down or crashed). */
static int count_running(struct xl_handle *h, struct xl_domain_info **list, int *total)
{
	char err[512];
	int n, i, running = 0;

	n = xl_domain_list(h, list, err, sizeof(err));
	if (n < 0)
		return cmd_fail("%s", err), -1;
	for (i = 0; i < n; i++)
		if ((*list)[i].domid != 0 && (*list)[i].state != XL_STATE_SHUTDOWN &&
		    (*list)[i].state != XL_STATE_CRASHED && (*list)[i].state != XL_STATE_DYING)
			running++;
	*total = n;
	return running;
}

int cmd_autostop(int argc, char **argv)
{
	const char *t = NULL, *pos[1];
	struct args_opt opts[] = { { 't', NULL, &t }, { 0, NULL, NULL } };
	struct xl_domain_info *list = NULL;
	unsigned long long timeout = AUTOSTOP_TIMEOUT;
	struct xl_handle *h;
	char err[512];
	time_t end;
	int n, i, r, total, ret = 0;

	if (args_parse(argc, argv, opts, pos, 0, &n, err, sizeof(err)))
		return cmd_fail("%s", err);
	if (t && args_uint(t, 0, 86400, "autostop: -t", &timeout, err, sizeof(err)))
		return cmd_fail("%s", err);
	h = cmd_open();
	if (!h)
		return 1;
	saved_set_stopping(1);
	n = count_running(h, &list, &total);
	for (i = 0; n > 0 && i < total; i++) {
		if (list[i].domid == 0 || list[i].state == XL_STATE_SHUTDOWN ||
		    list[i].state == XL_STATE_CRASHED)
			continue;
		printf("autostop: pressing the power button of %s (id %u)\n",
		       list[i].name, list[i].domid);
		if (xl_domain_shutdown(h, list[i].domid, err, sizeof(err)))
			cmd_fail("%s", err);
	}
	fflush(stdout);
	end = time(NULL) + (time_t)timeout;
	while (n > 0 && time(NULL) < end) {
		usleep(200000);
		free(list);
		list = NULL;
		n = count_running(h, &list, &total);
	}
	free(list);
	list = NULL;
	/* Whatever is left: still running, shut down and preserved, or crashed. */
	n = xl_domain_list(h, &list, err, sizeof(err));
	if (n < 0)
		ret = cmd_fail("%s", err);
	for (i = 0; i < n; i++) {
		if (list[i].domid == 0)
			continue;
		printf("autostop: destroying %s (id %u, state %c)\n", list[i].name,
		       list[i].domid, xl_state_letter(list[i].state));
		r = xl_domain_destroy(h, list[i].domid, err, sizeof(err));
		if (r && r != -ESRCH)
			ret = cmd_fail("%s", err);
		else
			saved_config_remove(list[i].name);
	}
	free(list);
	saved_set_stopping(0);
	xl_close(h);
	return ret;
}
