/* cmd_console.c - console: a domain's UART on this terminal until Ctrl-] (or the domain's end). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "xenoctl.h"

#define CONSOLE_ESCAPE	0x1d	/* Ctrl-] */
#define CONSOLE_POLL_MS	20
#define CONSOLE_CHECK	10	/* polls between checks that the domain still exists */

static volatile sig_atomic_t console_signal;

static void on_signal(int sig)
{
	console_signal = sig;
}

/* Write all of buf to fd; 0 or -errno. */
static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Type len bytes into the domain, retrying while its UART is full. */
static int type_bytes(struct xl_handle *h, uint32_t domid, const char *buf, size_t len)
{
	char err[256];
	int tries = 0;

	while (len) {
		int n = xl_console_write(h, domid, buf, len, err, sizeof(err));

		if (n < 0) {
			if (n != -ESRCH)
				cmd_fail("%s", err);
			return n;
		}
		if (n == 0) {
			if (++tries > 50)
				return 0;	/* the guest does not read: drop the rest */
			usleep(CONSOLE_POLL_MS * 1000);
			continue;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy whatever the domain wrote since *pos to stdout; -ESRCH when it is gone. */
static int drain(struct xl_handle *h, uint32_t domid, uint64_t *pos)
{
	char buf[4096], err[256];
	int n, rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		n = xl_console_read(h, domid, buf, sizeof(buf), pos, NULL, err, sizeof(err));
		if (n < 0) {
			if (n != -ESRCH)
				cmd_fail("%s", err);
			return n;
		}
		if (n == 0)
			return 0;
		if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
			return -EPIPE;
	}
	return 0;
}

/* The loop: returns 0 on detach or the domain's end, 1 on an error. */
static int console_loop(struct xl_handle *h, uint32_t domid)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	struct xl_domain_info info;
	uint64_t pos = 0;
	char buf[256], err[256];
	unsigned int ticks = 0;
	int stdin_open = 1, ret;

	for (;;) {
		ret = drain(h, domid, &pos);
		if (ret == -ESRCH)
			return 0;
		if (ret)
			return 1;
		if (console_signal)
			return 0;
		if (++ticks % CONSOLE_CHECK == 0) {
			ret = xl_domain_getinfo(h, domid, &info, err, sizeof(err));
			if (ret == -ESRCH)
				return 0;
		}
		if (!stdin_open) {
			usleep(CONSOLE_POLL_MS * 1000);
			continue;
		}
		ret = poll(&pfd, 1, CONSOLE_POLL_MS);
		if (ret <= 0 || !(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ret = (int)read(STDIN_FILENO, buf, sizeof(buf));
		if (ret < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (ret <= 0) {
			stdin_open = 0;	/* keep showing the output */
			continue;
		}
		{
			char *esc = memchr(buf, CONSOLE_ESCAPE, (size_t)ret);
			size_t len = esc ? (size_t)(esc - buf) : (size_t)ret;

			if (len && type_bytes(h, domid, buf, len) == -ESRCH)
				return 0;
			if (esc)
				return 0;
		}
	}
}

int cmd_console_attach(struct xl_handle *h, uint32_t domid)
{
	struct sigaction sa = { .sa_handler = on_signal }, old[4];
	static const int sigs[4] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct termios saved, raw;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	int i, ret;

	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	signal(SIGPIPE, SIG_IGN);
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
	}
	ret = console_loop(h, domid);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	return ret;
}

int cmd_console(int argc, char **argv)
{
	struct xl_handle *h;
	const char *pos[1];
	char err[256];
	uint32_t domid;
	int n, ret;

	if (args_parse(argc, argv, NULL, pos, 1, &n, err, sizeof(err)))
		return cmd_fail("%s", err);
	if (n != 1)
		return cmd_fail("console: which domain? (xenoctl console DOM)");
	h = cmd_open();
	if (!h)
		return 1;
	ret = cmd_lookup(h, pos[0], &domid) ? 1 : cmd_console_attach(h, domid);
	xl_close(h);
	return ret;
}
