/* monitor.c - one background process per domain applying on_poweroff/on_reboot/on_crash, as xl's. */
#define _GNU_SOURCE	/* close_range() */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "xenoctl.h"
#include "config.h"

#define MONITOR_POLL_US		100000
#define MONITOR_RESTARTS	10	/* at most this many restarts ... */
#define MONITOR_RESTART_WINDOW	60	/* ... in this many seconds */
#define MONITOR_MAX_ERRORS	100	/* consecutive failed polls before giving up */

static void mlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line into the log (stderr, redirected to the domain's log file). */
static void mlog(const char *fmt, ...)
{
	char stamp[32];
	time_t t = time(NULL);
	va_list ap;

	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&t));
	fprintf(stderr, "%s [%d] ", stamp, (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static const char *action_name(enum config_action a)
{
	return a == CONFIG_ACTION_RESTART ? "restart" :
	       a == CONFIG_ACTION_PRESERVE ? "preserve" : "destroy";
}

/* The action the configuration gives for how d ended. */
static enum config_action action_for(const struct domain_config *dc,
				     const struct xl_domain_info *d)
{
	if (d->state == XL_STATE_CRASHED || d->shutdown_reason == XL_SHUTDOWN_CRASH)
		return dc->on_crash;
	if (d->shutdown_reason == XL_SHUTDOWN_REBOOT)
		return dc->on_reboot;
	return dc->on_poweroff;
}

/* Too many restarts lately? Remembers this one. */
static int restart_too_often(time_t *times)
{
	time_t now = time(NULL);
	int i, recent = 0;

	for (i = 0; i < MONITOR_RESTARTS; i++)
		if (times[i] && now - times[i] < MONITOR_RESTART_WINDOW)
			recent++;
	if (recent >= MONITOR_RESTARTS)
		return 1;
	memmove(times + 1, times, (MONITOR_RESTARTS - 1) * sizeof(*times));
	times[0] = now;
	return 0;
}

/* Forget the disks domain name held: it is gone. */
static void release_disks(const char *name)
{
	disk_claims_release(&(struct disk_claims_env){ saved_run_dir(), NULL, NULL }, name);
}

/* Watch domain domid until it is gone; returns the process's exit status.
 * Device models started on restarts are this process's children: reaped
 * here when they end. */
static int monitor_run(struct xl_handle *h, struct domain_config *dc, uint32_t domid)
{
	time_t restarts[MONITOR_RESTARTS] = { 0 };
	struct domain_config fresh;
	struct xl_domain_info info;
	char err[1024], name[XL_NAME_MAX];
	int errors = 0, preserved = 0, ret;
	enum config_action act;

	snprintf(name, sizeof(name), "%s", dc->name);
	mlog("monitoring domain %s (id %u): on_poweroff=%s on_reboot=%s on_crash=%s", name,
	     domid, action_name(dc->on_poweroff), action_name(dc->on_reboot),
	     action_name(dc->on_crash));
	for (;;) {
		usleep(MONITOR_POLL_US);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (xl_domain_getinfo(h, domid, &info, err, sizeof(err))) {
			if (strstr(err, "no such domain")) {
				mlog("domain %s (id %u) is gone (destroyed by someone else)", name, domid);
				release_disks(name);
				return 0;
			}
			if (++errors >= MONITOR_MAX_ERRORS) {
				mlog("%s; giving up", err);
				return 1;
			}
			continue;
		}
		errors = 0;
		if (strcmp(info.name, name) != 0) {
			mlog("domain %u renamed %s -> %s", domid, name, info.name);
			snprintf(name, sizeof(name), "%s", info.name);
		}
		if (info.state != XL_STATE_SHUTDOWN && info.state != XL_STATE_CRASHED) {
			preserved = 0;
			continue;
		}
		if (preserved)
			continue;
		act = action_for(dc, &info);
		mlog("domain %s (id %u) %s (reason %s, exit status %u): %s", name, domid,
		     info.state == XL_STATE_CRASHED ? "crashed" : "shut down",
		     format_reason(info.shutdown_reason), info.exit_status, action_name(act));
		saved_exit_write(&info);
		if (act == CONFIG_ACTION_PRESERVE) {
			preserved = 1;
			continue;
		}
		if (act == CONFIG_ACTION_RESTART && saved_stopping()) {
			mlog("dom0 is shutting down: destroy instead of restart");
			act = CONFIG_ACTION_DESTROY;
		}
		if (act == CONFIG_ACTION_RESTART && restart_too_often(restarts)) {
			mlog("%d restarts within %d s: destroy instead", MONITOR_RESTARTS,
			     MONITOR_RESTART_WINDOW);
			act = CONFIG_ACTION_DESTROY;
		}
		if (xl_domain_destroy(h, domid, err, sizeof(err)) && !strstr(err, "no such domain"))
			mlog("%s", err);
		if (act == CONFIG_ACTION_DESTROY) {
			release_disks(name);
			saved_config_remove(name);
			return 0;
		}
		if (saved_config_load(name, &fresh, err, sizeof(err)))
			mlog("%s; restarting with the configuration of the last start", err);
		else
			*dc = fresh;
		snprintf(dc->name, sizeof(dc->name), "%s", name);
		/* vd:NAME found again; pygrub reads the disk's kernel again */
		release_disks(name);
		ret = disk_check(dc->disks, dc->ndisks, name, err, sizeof(err));
		if (!ret)
			ret = domain_start(h, dc, &domid, err, sizeof(err));
		if (ret) {
			mlog("restart failed: %s", err);
			saved_config_remove(name);
			return 1;
		}
		mlog("domain %s restarted as id %u", name, domid);
	}
}

int monitor_start(const struct domain_config *dc, uint32_t domid)
{
	char path[1024], err[512];
	const char *dev;
	struct domain_config copy = *dc;
	struct xl_handle *h;
	pid_t pid;
	int fd, status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return cmd_fail("domain %s: fork its monitor: %s", dc->name, strerror(errno));
	if (pid > 0) {
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			return cmd_fail("domain %s: its monitor did not start (see %s/%s.log)",
					dc->name, saved_log_dir(), dc->name);
		return 0;
	}
	/* The child: detach from the terminal and the session, fork again. */
	if (setsid() < 0)
		_exit(1);
	mkdir(saved_log_dir(), 0755);
	snprintf(path, sizeof(path), "%s/%s.log", saved_log_dir(), dc->name);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "xenoctl: %s: %s\n", path, strerror(errno));
		_exit(1);
	}
	pid = fork();
	if (pid != 0)
		_exit(pid < 0);
	if (chdir("/") < 0)
		_exit(1);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	close_range(3, ~0u, 0);	/* no pipe of the caller's stays open */
	dev = getenv("XENOLITH_DEVICE");
	h = xl_open(dev && *dev ? dev : NULL, err, sizeof(err));
	if (!h) {
		mlog("%s", err);
		_exit(1);
	}
	_exit(monitor_run(h, &copy, domid));
}
