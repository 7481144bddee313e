/* ctl.c - the control socket: one connection at a time, one command line each, answered "ok ..." or "error: ...". */
#define _GNU_SOURCE	/* accept4 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "devmodel.h"

/* An answer: a list of 26 disks with paths of up to 4 KiB fits. */
#define REPLY_MAX	(128 * 1024)

/* All fields belong to the event loop. */
struct dm_ctl {
	int fd;				/* listening */
	int conn;			/* the connection served, or -1 */
	char buf[DM_CMD_LINE_MAX];	/* its command line so far */
	size_t len;
	int pending;			/* PCI slot a detach waits for, or -1 */
	char pending_name[DM_IFNAME_MAX];	/* its device, for the answer (xvdb, vif3.1) */
	bool force;			/* that detach's force (disks only) */
	struct timespec until;		/* its deadline, CLOCK_MONOTONIC */
	unsigned int timeout_s;		/* how long a detach waits */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

int dm_ctl_open(struct dm *dm, const char *path, unsigned int timeout_s, char *err,
		size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct dm_ctl *c;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "--control %s: path too long", path);
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "--control %s: out of memory", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	strcpy(c->path, path);
	c->conn = c->pending = -1;
	c->timeout_s = timeout_s;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		snprintf(err, errlen, "--control %s: socket: %s", path, strerror(errno));
		free(c);
		return -1;
	}
	unlink(path);			/* a dead device model's socket */
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600) ||
	    listen(c->fd, 4)) {
		snprintf(err, errlen, "--control %s: %s", path, strerror(errno));
		close(c->fd);
		unlink(path);
		free(c);
		return -1;
	}
	dm->ctl = c;
	return 0;
}

void dm_ctl_close(struct dm *dm)
{
	struct dm_ctl *c = dm->ctl;

	if (!c)
		return;
	if (c->conn >= 0)
		close(c->conn);
	close(c->fd);
	unlink(c->path);
	free(c);
	dm->ctl = NULL;
}

void dm_ctl_pollfds(const struct dm *dm, int fd[2])
{
	const struct dm_ctl *c = dm->ctl;

	fd[0] = c && c->conn < 0 ? c->fd : -1;
	fd[1] = c && c->pending < 0 ? c->conn : -1;
}

/* Send the answer (printf-style) and end the connection. */
__attribute__((format(printf, 2, 3)))
static void reply(struct dm_ctl *c, const char *fmt, ...)
{
	static char buf[REPLY_MAX];	/* the one thread's */
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	if (send(c->conn, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		fprintf(stderr, "xenolith-dm: control reply: %s\n", strerror(errno));
	close(c->conn);
	c->conn = -1;
	c->len = 0;
}

/* Plug the disk and tell the guest. */
static void run_attach(struct dm *dm, const struct dm_disk_arg *a)
{
	char err[512];
	int slot = dm_disk_add(dm, a, err, sizeof(err));

	if (slot < 0)
		return reply(dm->ctl, "error: %s\n", err);
	hotplug_plug(&dm->hp, (unsigned int)slot);
	reply(dm->ctl, "ok %s\n", dm->disk[dm_disk_in_slot(dm, (unsigned int)slot)]->arg.vdev);
}

/* Ask the guest for the device in slot (called name in the answer); the
 * answer waits for its _EJ0 or the timeout. */
static void wait_eject(struct dm *dm, unsigned int slot, const char *name, bool force)
{
	struct dm_ctl *c = dm->ctl;

	c->pending = (int)slot;
	snprintf(c->pending_name, sizeof(c->pending_name), "%s", name);
	c->force = force;
	clock_gettime(CLOCK_MONOTONIC, &c->until);
	c->until.tv_sec += c->timeout_s;
	hotplug_request_eject(&dm->hp, slot);
}

/* Detach the disk: ask the guest for it. */
static void run_detach(struct dm *dm, const char *vdev, bool force)
{
	struct dm_ctl *c = dm->ctl;
	int i = vdev[3] - 'a';

	if (!dm->disk[i])
		return reply(c, "error: %s: not attached\n", vdev);
	if (dm->disk[i]->disk == &dm->disk[i]->gone)
		return reply(c, "error: %s: already detached by force; the guest still holds "
			     "its slot\n", vdev);
	wait_eject(dm, dm->disk[i]->slot, vdev, force);
}

/* Plug the NIC and tell the guest: "ok DEVID VIFNAME MAC". */
static void run_nic_attach(struct dm *dm, const struct dm_nic_arg *a)
{
	char err[512];
	int devid = dm_nic_add(dm, a, err, sizeof(err));
	const struct dm_nic *x;

	if (devid < 0)
		return reply(dm->ctl, "error: %s\n", err);
	x = dm->nic[devid];
	hotplug_plug(&dm->hp, x->slot);
	reply(dm->ctl, "ok %d %s %02x:%02x:%02x:%02x:%02x:%02x\n", devid, x->arg.vifname,
	      x->arg.mac[0], x->arg.mac[1], x->arg.mac[2], x->arg.mac[3], x->arg.mac[4],
	      x->arg.mac[5]);
}

/* Detach NIC devid: ask the guest for it (answered with its vifname). */
static void run_nic_detach(struct dm *dm, unsigned int devid)
{
	if (devid >= DM_MAX_NICS || !dm->nic[devid])
		return reply(dm->ctl, "error: no NIC with devid %u\n", devid);
	wait_eject(dm, dm->nic[devid]->slot, dm->nic[devid]->arg.vifname, false);
}

/* LENGTH bytes of the disk at OFFSET, as hex: what xenoctl block-detach
 * looks at before it asks the guest (a file system marked in use). */
static void run_read(struct dm *dm, const struct dm_cmd *cmd)
{
	static const char digits[] = "0123456789abcdef";
	static unsigned char data[DM_READ_MAX];
	static char hex[2 * DM_READ_MAX + 1];
	const struct dm_disk *x = dm->disk[cmd->vdev[3] - 'a'];
	int ret;

	if (!x)
		return reply(dm->ctl, "error: %s: not attached\n", cmd->vdev);
	if (cmd->off > x->disk->size || cmd->len > x->disk->size - cmd->off)
		return reply(dm->ctl, "error: %s: bytes %llu..%llu are beyond its end (%llu)\n",
			     cmd->vdev, (unsigned long long)cmd->off,
			     (unsigned long long)(cmd->off + cmd->len),
			     (unsigned long long)x->disk->size);
	ret = x->disk->ops->read_now(x->disk, data, cmd->len, cmd->off);
	if (ret)
		return reply(dm->ctl, "error: %s: read: %s\n", cmd->vdev, strerror(-ret));
	for (uint32_t i = 0; i < cmd->len; i++) {
		hex[2 * i] = digits[data[i] >> 4];
		hex[2 * i + 1] = digits[data[i] & 15];
	}
	hex[2 * cmd->len] = '\0';
	reply(dm->ctl, "ok %s\n", hex);
}

/* One complete command line. */
static void run(struct dm *dm, char *line)
{
	static char list[REPLY_MAX - 8];
	char err[512];
	struct dm_cmd cmd;

	if (dm_cmd_parse(line, &cmd, err, sizeof(err)))
		return reply(dm->ctl, "error: %s\n", err);
	switch (cmd.kind) {
	case DM_CMD_ATTACH:
		return run_attach(dm, &cmd.disk);
	case DM_CMD_DETACH:
		return run_detach(dm, cmd.vdev, cmd.force);
	case DM_CMD_LIST:
		dm_disk_list(dm, list, sizeof(list));
		return reply(dm->ctl, "%sok\n", list);
	case DM_CMD_READ:
		return run_read(dm, &cmd);
	case DM_CMD_NIC_ATTACH:
		return run_nic_attach(dm, &cmd.nic);
	case DM_CMD_NIC_DETACH:
		return run_nic_detach(dm, cmd.devid);
	case DM_CMD_NIC_LIST:
		dm_nic_list(dm, list, sizeof(list));
		return reply(dm->ctl, "%sok\n", list);
	}
}

/* Read what the connection has; run the line once it is complete. */
static void conn_read(struct dm *dm)
{
	struct dm_ctl *c = dm->ctl;
	ssize_t n = read(c->conn, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *nl;

	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close(c->conn);		/* gone before its command was complete */
		c->conn = -1;
		c->len = 0;
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	nl = strchr(c->buf, '\n');
	if (nl) {
		*nl = '\0';
		run(dm, c->buf);
	} else if (c->len == sizeof(c->buf) - 1) {
		reply(c, "error: command longer than %zu bytes\n", sizeof(c->buf) - 1);
	}
}

void dm_ctl_event(struct dm *dm, unsigned int which)
{
	struct dm_ctl *c = dm->ctl;

	if (which)
		return conn_read(dm);
	c->conn = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	c->len = 0;
}

void dm_ctl_released(struct dm *dm, unsigned int slot)
{
	struct dm_ctl *c = dm->ctl;

	if (!c || c->pending != (int)slot)
		return;
	c->pending = -1;
	reply(c, "ok %s\n", c->pending_name);
}

int dm_ctl_timeout(struct dm *dm)
{
	struct dm_ctl *c = dm->ctl;
	struct timespec now;
	long long ms;
	int disk;

	if (!c || c->pending < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (c->until.tv_sec - now.tv_sec) * 1000LL + (c->until.tv_nsec - now.tv_nsec) / 1000000;
	if (ms > 0)
		return (int)ms;
	disk = dm_disk_in_slot(dm, (unsigned int)c->pending);
	c->pending = -1;
	if (!c->force || disk < 0) {
		reply(c, "error: the guest did not release %s within %u s\n", c->pending_name,
		      c->timeout_s);
		return -1;
	}
	dm_disk_force_out(dm, (unsigned int)disk);
	reply(c, "ok %s forced\n", c->pending_name);
	return -1;
}
