/* vd_run.c - run the helper programs of `xenoctl vd` (mke2fs, tar, qemu-img, resize2fs) and report their failure in one line. */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vd_cmd.h"

volatile int vd_interrupted;

static void run_on_signal(int sig)
{
	(void)sig;
	vd_interrupted = 1;
}

void vd_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = run_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int vd_progress(void)
{
	return isatty(STDERR_FILENO);
}

void vd_say(const char *fmt, ...)
{
	va_list ap;

	if (!vd_progress())
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

/* The last non-empty line of text (n bytes) into buf. */
static void run_last_line(char *text, size_t n, char *buf, size_t len)
{
	char *end = text + n, *start;

	while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	*end = '\0';
	start = end;
	while (start > text && start[-1] != '\n' && start[-1] != '\r')
		start--;
	snprintf(buf, len, "%s", start);
}

int vd_run_read(const char *const argv[], int show, char *last, size_t lastlen)
{
	char out[8192];
	size_t n = 0;
	int pfd[2], status;
	ssize_t r;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		if (!show) {
			dup2(pfd[1], STDOUT_FILENO);
			dup2(pfd[1], STDERR_FILENO);
		}
		execvp(argv[0], (char *const *)argv);
		dprintf(pfd[1], "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	/* Keep the tail of what it said: its last line is the reason. */
	while ((r = read(pfd[0], out + n, sizeof(out) - 1 - n)) > 0) {
		n += (size_t)r;
		if (n > sizeof(out) / 2 + 1024) {
			memmove(out, out + n - sizeof(out) / 2, sizeof(out) / 2);
			n = sizeof(out) / 2;
		}
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	run_last_line(out, n, last, lastlen);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int vd_run(const char *const argv[], int show, char *err, size_t errlen)
{
	char line[512];
	int ret = vd_run_read(argv, show, line, sizeof(line));

	if (ret > 0)
		snprintf(err, errlen, "%s failed: %s", argv[0], line[0] ? line :
			 "exit status != 0");
	else if (ret < 0)
		snprintf(err, errlen, "%s: %s", argv[0], strerror(-ret));
	return ret;
}
