/* vif_script.c - run a vif's script (vif-bridge, vif-route, vif-nat or the user's) once its tap exists. */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "xenoctl.h"
#include "config.h"

#define SCRIPTS_DIR	"/etc/xenolith/scripts"	/* XENOLITH_SCRIPTS overrides */
#define SCRIPT_OUT_MAX	4096			/* of its output kept for the message */

void script_path(const char *script, char *buf, size_t len)
{
	const char *dir = getenv("XENOLITH_SCRIPTS");

	if (strchr(script, '/'))
		snprintf(buf, len, "%s", script);
	else
		snprintf(buf, len, "%s/%s", dir && *dir ? dir : SCRIPTS_DIR, script);
}

/* In the child: the environment of docs/networking.md "The scripts",
 * stdout and stderr into the pipe; then exec. Never returns. */
static void exec_script(const char *path, const char *domname, const struct vif_spec *v,
			uint32_t domid, const char *tap, int out)
{
	char mac[XL_MAC_STRLEN], num[16];
	int null = open("/dev/null", O_RDONLY);

	signal(SIGINT, SIG_DFL);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	xl_mac_format(v->mac, mac);
	setenv("vif", tap, 1);
	setenv("mac", mac, 1);
	setenv("bridge", v->bridge, 1);
	setenv("ip", v->ip, 1);
	setenv("domname", domname, 1);
	snprintf(num, sizeof(num), "%u", domid);
	setenv("domid", num, 1);
	snprintf(num, sizeof(num), "%u", v->entry);
	setenv("devid", num, 1);
	setenv("XENOLITH_SCRIPTS", getenv("XENOLITH_SCRIPTS") ? getenv("XENOLITH_SCRIPTS") :
	       SCRIPTS_DIR, 1);
	execl(path, path, "online", (char *)NULL);
	fprintf(stderr, "%s\n", strerror(errno));
	_exit(127);
}

/* Read the pipe to its end, keeping the last non-empty line in last. */
static void read_last_line(int fd, char *last, size_t len)
{
	char buf[SCRIPT_OUT_MAX];
	size_t have = 0;
	ssize_t n;

	last[0] = '\0';
	while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		have += (size_t)n;
		if (have == sizeof(buf) - 1) {	/* keep the tail */
			memmove(buf, buf + have / 2, have - have / 2);
			have -= have / 2;
		}
	}
	buf[have] = '\0';
	while (have && buf[have - 1] == '\n')
		buf[--have] = '\0';
	snprintf(last, len, "%.*s", (int)len - 1, strrchr(buf, '\n') ? strrchr(buf, '\n') + 1 : buf);
}

int vif_script_online(const char *domname, const struct vif_spec *v, uint32_t domid, char *err,
		      size_t errlen)
{
	char path[VIF_SCRIPT_MAX + 256], tap[VIF_IFNAME_MAX], last[512];
	int out[2], status;
	pid_t pid;

	vif_tap_name(v, domid, tap);
	script_path(v->script, path, sizeof(path));
	if (pipe2(out, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(err, errlen, "%s: script %s: %s", tap, path, strerror(errno));
		return -1;
	}
	if (pid == 0)
		exec_script(path, domname, v, domid, tap, out[1]);
	close(out[1]);
	read_last_line(out[0], last, sizeof(last));
	close(out[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(err, errlen, "%s: script %s failed (exit %d)%s%s", tap, path,
			 WEXITSTATUS(status), last[0] ? ": " : "", last);
	else
		snprintf(err, errlen, "%s: script %s killed by signal %d%s%s", tap, path,
			 WTERMSIG(status), last[0] ? ": " : "", last);
	return -1;
}

int vif_scripts_online(const struct domain_config *dc, uint32_t domid, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < dc->nvifs; i++)
		if (vif_script_online(dc->name, &dc->vifs[i], domid, err, errlen))
			return -1;
	return 0;
}
