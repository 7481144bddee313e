/* devmodel_start.c - start a domain's device model (xenolith-dm) and wait until it serves. */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "xenoctl.h"
#include "config.h"
#include "block.h"

#define DM_PATH		"/usr/lib/xenolith/xenolith-dm"	/* XENOLITH_DM overrides */
#define DM_READY_FD	3
#define DM_READY_MS	30000
#define DM_ARG_MAX	(2 * DISK_MAX + 2 * VIF_MAX + 8)

void devmodel_nic_arg(const struct vif_spec *v, char *buf, size_t len)
{
	char mac[XL_MAC_STRLEN];
	int n = 0;

	static const uint8_t none[6];

	if (memcmp(v->mac, none, sizeof(none))) {	/* given, or derived by config_vifs() */
		xl_mac_format(v->mac, mac);
		n = snprintf(buf, len, "mac=%s,", mac);
	}
	if (v->vifname[0])
		n += snprintf(buf + n, len - n, "vifname=%s,", v->vifname);
	if (v->rate.bytes_per_s)
		n += snprintf(buf + n, len - n, "rate=%llu@%u,",
			      (unsigned long long)v->rate.bytes_per_s, v->rate.interval_us);
	buf[n ? n - 1 : 0] = '\0';	/* the last comma */
}

/* The last line of the log file at path into buf ("" if none). */
static void last_line(const char *path, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n')
			snprintf(buf, len, "%.*s", (int)strcspn(line, "\n"), line);
	fclose(f);
}

/* In the child: the ready pipe as fd 3, stdin /dev/null, stdout and
 * stderr the log, a session of its own; then exec. Never returns. */
static void exec_dm(char **argv, int ready, int log)
{
	int null = open("/dev/null", O_RDONLY);

	setsid();
	signal(SIGINT, SIG_DFL);
	if (null < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0 ||
	    dup2(ready, DM_READY_FD) < 0)
		_exit(127);
	for (int fd = DM_READY_FD + 1; fd < 1024; fd++)
		close(fd);
	execv(argv[0], argv);
	fprintf(stderr, "xenolith-dm: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Wait for "ready" on fd; 0, or -1 when the device model ended or timed out. */
static int wait_ready(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[16];
	ssize_t n;

	if (poll(&p, 1, DM_READY_MS) <= 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	return n >= 5 && !memcmp(buf, "ready", 5) ? 0 : -1;
}

int devmodel_start(const struct domain_config *dc, uint32_t domid, pid_t *dm_pid, char *err,
		   size_t errlen)
{
	char disks[DISK_MAX][DISK_PATH_MAX + 64], nics[VIF_MAX][160];
	char id[16], fd[8], log[1024], line[512], sock[1024];
	const char *dm = getenv("XENOLITH_DM");
	char *argv[DM_ARG_MAX];
	int ready[2], logfd, argc = 0, status;
	pid_t pid;

	argv[argc++] = (char *)(dm && *dm ? dm : DM_PATH);
	snprintf(id, sizeof(id), "%u", domid);
	snprintf(fd, sizeof(fd), "%d", DM_READY_FD);
	argv[argc++] = "--domid";
	argv[argc++] = id;
	argv[argc++] = "--ready-fd";
	argv[argc++] = fd;
	block_ctl_path(saved_run_dir(), domid, sock, sizeof(sock));
	argv[argc++] = "--control";
	argv[argc++] = sock;
	for (unsigned int i = 0; i < dc->ndisks; i++) {
		block_dm_spec(&dc->disks[i], disks[i], sizeof(disks[i]));
		argv[argc++] = "--disk";
		argv[argc++] = disks[i];
	}
	for (unsigned int i = 0; i < dc->nvifs; i++) {
		devmodel_nic_arg(&dc->vifs[i], nics[i], sizeof(nics[i]));
		argv[argc++] = "--nic";
		argv[argc++] = nics[i];
	}
	argv[argc] = NULL;

	mkdir(saved_run_dir(), 0755);
	snprintf(log, sizeof(log), "%s/%s.dm.log", saved_run_dir(), dc->name);
	logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		snprintf(err, errlen, "device model: %s: %s", log, strerror(errno));
		return -1;
	}
	if (pipe2(ready, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(err, errlen, "device model: %s", strerror(errno));
		close(logfd);
		return -1;
	}
	if (pid == 0)
		exec_dm(argv, ready[1], logfd);
	close(ready[1]);
	close(logfd);
	if (wait_ready(ready[0]) == 0) {
		close(ready[0]);
		*dm_pid = pid;
		return 0;
	}
	close(ready[0]);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	last_line(log, line, sizeof(line));
	unlink(log);		/* its one line goes into err: nothing is left behind */
	snprintf(err, errlen, "device model: %s", line[0] ? line : "did not start within 30 s");
	return -1;
}
