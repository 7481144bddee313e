/* xenolith-bench.c - figures measured inside dom0: a guest's boot time, and the cost of exits. */
#define _GNU_SOURCE		/* memmem */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench.h"
#include "libxenolith/libxenolith.h"
#include "xenoctl/config.h"

/*
 * make bench (tests/bench/bench_guests.py) runs this in dom0, so that
 * nothing is timed through the slow serial line:
 *
 *   xenolith-bench boot-time CFG [key=value ...] [--timeout S] [--marker TEXT]
 *                            [--trace]   (each console line after its time)
 *   xenolith-bench hypercall N
 *   xenolith-bench cpuid N
 *   xenolith-bench ioreq DOMID   (bench_ioreq.c)
 *
 * Each prints `name: value unit` lines on stdout; errors are one line on
 * stderr and exit status 1.
 */

#define CFG_FILE_MAX	(1 << 20)
#define MARKER_DEFAULT	"xenolith-guest: init reached"
#define MARKER_MAX	256
#define POLL_NS		10000000L	/* the console is read every 10 ms: more often
					 * takes CPU time from the guest measured */
#define CONSOLE_CHUNK	65536
#define TAIL_MAX	2048		/* console bytes kept: the marker may span reads */

static char err[1024];

static int fail(const char *fmt, const char *what)
{
	fprintf(stderr, "xenolith-bench: ");
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "xenolith-bench: warning: %s\n", msg);
}

/* Read PATH with the overrides into dc, as xenoctl create does. Returns 0
 * or -errno with the reason in err. */
static int load_config(const char *path, char **over, int nover, struct domain_config *dc)
{
	struct config_file cf = { 0 };
	char *text;
	size_t len;
	FILE *f;
	int i, ret;

	f = fopen(path, "r");
	if (!f) {
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		return -errno;
	}
	text = malloc(CFG_FILE_MAX + 1);
	len = text ? fread(text, 1, CFG_FILE_MAX + 1, f) : 0;
	ret = !text || ferror(f) || len > CFG_FILE_MAX;
	fclose(f);
	if (ret) {
		free(text);
		snprintf(err, sizeof(err), "%s: cannot read it (or larger than 1 MiB)", path);
		return -EIO;
	}
	ret = config_parse(text, len, path, &cf, err, sizeof(err));
	free(text);
	for (i = 0; !ret && i < nover; i++)
		ret = config_override(&cf, over[i], err, sizeof(err));
	if (!ret)
		ret = config_to_domain(&cf, dc, err, sizeof(err), warn, NULL);
	config_free(&cf);
	return ret;
}

/* Copy n console bytes to stdout, each new line led by the time t (s). */
static void trace_lines(const char *bytes, size_t n, double t)
{
	static bool line_start = true;

	for (size_t i = 0; i < n; i++) {
		if (bytes[i] == '\r')
			continue;
		if (line_start)
			printf("%8.3f  ", t);
		putchar(bytes[i]);
		line_start = bytes[i] == '\n';
	}
}

/*
 * Wait for the marker on domain domid's console, reading it every 1 ms;
 * *first and *marker get the times (from t0) of the first read that had
 * output and of the read that completed the marker. With trace, every
 * console line is copied to stdout after the time its first byte came. Returns 0, -errno from
 * the library (err), or -ETIMEDOUT after printing the console's last
 * bytes on stderr.
 */
static int watch_console(struct xl_handle *h, uint32_t domid, const char *mark,
			 double t0, double timeout, bool trace, double *first,
			 double *marker)
{
	static char buf[TAIL_MAX + CONSOLE_CHUNK + 1];
	struct timespec poll = { 0, POLL_NS };
	size_t mlen = strlen(mark), kept = 0;
	uint64_t pos = 0;
	int n;

	*first = -1;
	for (;;) {
		n = xl_console_read(h, domid, buf + kept, CONSOLE_CHUNK, &pos, NULL,
				    err, sizeof(err));
		if (n < 0)
			return n;
		if (n > 0) {
			double t = now() - t0;

			if (*first < 0)
				*first = t;
			if (trace)
				trace_lines(buf + kept, (size_t)n, t);
			kept += n;
			buf[kept] = '\0';
			if (memmem(buf, kept, mark, mlen)) {
				*marker = t;
				return 0;
			}
			if (kept > TAIL_MAX) {
				memmove(buf, buf + kept - TAIL_MAX, TAIL_MAX);
				kept = TAIL_MAX;
			}
		}
		if (now() - t0 > timeout) {
			fprintf(stderr, "xenolith-bench: domain %u: the console's last %zu "
				"bytes:\n%.*s\n", domid, kept, (int)kept, buf);
			snprintf(err, sizeof(err), "domain %u: no '%s' on its console within "
				 "%.0f s", domid, mark, timeout);
			return -ETIMEDOUT;
		}
		if (!n)
			nanosleep(&poll, NULL);
	}
}

/* After a timeout: the domain's state and guest CPU time, on stderr. */
static void report_state(struct xl_handle *h, uint32_t domid)
{
	struct xl_domain_info info;
	char e[256];

	if (xl_domain_getinfo(h, domid, &info, e, sizeof(e)))
		fprintf(stderr, "xenolith-bench: %s\n", e);
	else
		fprintf(stderr, "xenolith-bench: domain %u: state %c, %u of %u vCPUs on a CPU, "
			"%.1f s of guest CPU time in %.1f s\n", domid,
			xl_state_letter(info.state), info.running_vcpus, info.vcpus,
			info.cpu_time_ns / 1e9, info.uptime_ns / 1e9);
}

/*
 * boot-time: build and start the domain of CFG (with key=value overrides)
 * through libxenolith exactly as `xenoctl create` does, time the first
 * console byte and the marker, then destroy the domain. The clock starts
 * before the configuration is read.
 */
static int cmd_boot_time(int argc, char **argv)
{
	const char *cfg = NULL, *mark = MARKER_DEFAULT;
	double timeout = 300, t0, started, first = -1, marker = -1;
	bool trace = false;
	char *over[64];
	int nover = 0, i, ret;
	struct domain_config dc;
	struct xl_handle *h;
	uint32_t domid;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout = atof(argv[++i]);
		else if (!strcmp(argv[i], "--marker") && i + 1 < argc)
			mark = argv[++i];
		else if (!strcmp(argv[i], "--trace"))
			trace = true;
		else if (!cfg)
			cfg = argv[i];
		else if (strchr(argv[i], '=') && nover < 64)
			over[nover++] = argv[i];
		else
			return fail("boot-time: unexpected argument '%s'", argv[i]);
	}
	if (!cfg)
		return fail("%s", "usage: xenolith-bench boot-time CFG [key=value ...] "
			    "[--timeout S] [--marker TEXT] [--trace]");
	if (!mark[0] || strlen(mark) > MARKER_MAX)
		return fail("--marker: 1 to %s bytes", "256");
	h = xl_open(NULL, err, sizeof(err));
	if (!h)
		return fail("%s", err);
	t0 = now();
	ret = load_config(cfg, over, nover, &dc);
	if (!ret)
		ret = xl_domain_build_and_start(h, &dc, &domid, err, sizeof(err));
	if (ret) {
		xl_close(h);
		return fail("%s", err);
	}
	started = now() - t0;
	ret = watch_console(h, domid, mark, t0, timeout, trace, &first, &marker);
	if (trace)
		putchar('\n');
	printf("domain: %s (id %u), %u vCPU%s, %llu MiB\n", dc.name, domid, dc.vcpus,
	       dc.vcpus == 1 ? "" : "s", (unsigned long long)dc.memory_mib);
	printf("create to started: %.3f s\n", started);
	if (first >= 0)
		printf("create to first console byte: %.3f s\n", first);
	if (!ret)
		printf("create to marker: %.3f s\n", marker);
	fflush(stdout);
	if (ret) {
		fprintf(stderr, "xenolith-bench: %s\n", err);
		report_state(h, domid);
	}
	if (xl_domain_destroy(h, domid, err, sizeof(err))) {
		fprintf(stderr, "xenolith-bench: %s\n", err);
		ret = -EIO;
	}
	xl_close(h);
	return ret ? 1 : 0;
}

/* hypercall N / cpuid N: N round trips run in dom0's kernel module. */
static int cmd_exits(uint32_t what, const char *name, int argc, char **argv)
{
	struct xl_sys_info info;
	struct xl_handle *h;
	uint64_t cycles;
	unsigned long n;
	char *end;

	if (argc != 2)
		return fail("usage: xenolith-bench %s N", name);
	errno = 0;
	n = strtoul(argv[1], &end, 10);
	if (errno || *end || !n || n > 1000000)
		return fail("count '%s': must be 1..1000000", argv[1]);
	h = xl_open(NULL, err, sizeof(err));
	if (!h)
		return fail("%s", err);
	if (xl_sys_info(h, &info, err, sizeof(err)) ||
	    xl_bench(h, what, (uint32_t)n, &cycles, err, sizeof(err))) {
		xl_close(h);
		return fail("%s", err);
	}
	xl_close(h);
	printf("%s round trips: %lu\n", name, n);
	printf("%s cycles per round trip: %.0f cycles\n", name, (double)cycles / n);
	if (info.cpu_khz)
		printf("%s time per round trip: %.3f us\n", name,
		       (double)cycles / n / (info.cpu_khz / 1000.0));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "boot-time"))
		return cmd_boot_time(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "hypercall"))
		return cmd_exits(XL_BENCH_NULL_HYPERCALL, "hypercall", argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "cpuid"))
		return cmd_exits(XL_BENCH_CPUID, "cpuid", argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "ioreq"))
		return bench_ioreq(argc - 1, argv + 1);
	fprintf(stderr, "usage: xenolith-bench boot-time CFG [key=value ...] "
		"[--timeout S] [--marker TEXT] [--trace]\n"
		"       xenolith-bench hypercall N\n"
		"       xenolith-bench cpuid N\n"
		"       xenolith-bench ioreq DOMID\n");
	return 1;
}
