/* block_ctl.c - the client side of the device model's control socket, and the attach argument it takes. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "block.h"

void block_ctl_path(const char *run_dir, uint32_t domid, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%u.dm.sock", run_dir, domid);
}

void block_dm_spec(const struct disk_spec *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s,vdev=xvd%c,access=%s,format=%s", d->target, 'a' + d->vdev_index,
		 d->access == DISK_ACCESS_RO ? "ro" : d->access == DISK_ACCESS_RW ? "rw" : "shared",
		 disk_format_name(d->format));
}

/* Milliseconds left until deadline (CLOCK_MONOTONIC), at least 0. */
static int left_ms(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

/* Read until EOF or the deadline into reply. */
static int read_reply(int fd, const struct timespec *deadline, char *reply, size_t len,
		      char *err, size_t errlen)
{
	size_t n = 0;
	ssize_t r;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ret = poll(&p, 1, left_ms(deadline));

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0) {
			snprintf(err, errlen, "no answer from the device model");
			return ret < 0 ? -errno : -ETIMEDOUT;
		}
		r = read(fd, reply + n, len - 1 - n);
		if (r < 0) {
			snprintf(err, errlen, "reading the device model's answer: %s", strerror(errno));
			return -errno;
		}
		n += (size_t)r;
		reply[n] = '\0';
		if (!r || n == len - 1)
			break;
	}
	if (!n) {
		snprintf(err, errlen, "the device model closed the connection without an answer");
		return -EPIPE;
	}
	return 0;
}

int block_ctl_request(const char *path, const char *line, int timeout_ms, char *reply,
		      size_t len, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timespec deadline;
	size_t n = strlen(line);
	struct iovec iov[2] = { { (void *)line, n }, { "\n", 1 } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret == -ECONNREFUSED ? -ENOENT : ret;	/* a dead one's socket */
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	if (sendmsg(fd, &msg, MSG_NOSIGNAL) != (ssize_t)n + 1) {	/* one segment: line and newline */
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return ret;
	}
	ret = read_reply(fd, &deadline, reply, len, err, errlen);
	close(fd);
	return ret;
}

/* The "ok HEX" answer into buf (exactly n bytes). 0 or -EIO with err. */
static int parse_hex(const char *reply, unsigned char *buf, size_t n, char *err, size_t errlen)
{
	const char *hex = reply + 3;

	if (!strncmp(reply, "error: ", 7)) {
		snprintf(err, errlen, "%.*s", (int)strcspn(reply + 7, "\n"), reply + 7);
		return -EIO;
	}
	if (strncmp(reply, "ok ", 3) || strspn(hex, "0123456789abcdef") != 2 * n ||
	    hex[2 * n] != '\n') {
		snprintf(err, errlen, "the device model's answer to read is not %zu bytes in hex", n);
		return -EIO;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		sscanf(hex + 2 * i, "%2x", &v);
		buf[i] = (unsigned char)v;
	}
	return 0;
}

/* Fill r's window with n bytes at off. */
static int reader_fill(struct block_reader *r, uint64_t off, size_t n)
{
	static char reply[2 * BLOCK_READ_MAX + 64];
	char line[64];
	int ret;

	r->have = 0;
	snprintf(line, sizeof(line), "read %s %llu %zu", r->vdev, (unsigned long long)off, n);
	ret = block_ctl_request(r->path, line, BLOCK_REPLY_TIMEOUT_MS, reply, sizeof(reply),
				r->err, sizeof(r->err));
	if (!ret)
		ret = parse_hex(reply, r->win, n, r->err, sizeof(r->err));
	if (ret)
		return ret;
	r->at = off;
	r->have = n;
	return 0;
}

int block_reader_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	struct block_reader *r = ctx;

	if (n > BLOCK_READ_MAX) {
		snprintf(r->err, sizeof(r->err), "read of %zu bytes: at most %d", n, BLOCK_READ_MAX);
		return -EINVAL;
	}
	if (!(r->have && off >= r->at && off + n <= r->at + r->have) &&
	    reader_fill(r, off, BLOCK_READ_MAX) && reader_fill(r, off, n))
		return -EIO;	/* a whole window, or just n bytes near the disk's end */
	memcpy(buf, r->win + (off - r->at), n);
	return 0;
}
