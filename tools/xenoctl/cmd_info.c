/* cmd_info.c - info (the machine and the hypervisor, as key : value lines) and dmesg. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "xenoctl.h"

static void kv(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void kv(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%-20s : ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int cmd_info(int argc, char **argv)
{
	struct xl_sys_info si;
	struct xl_handle *h;
	struct utsname u;
	const char *pos[1];
	char err[512];
	int n, ret;

	if (args_parse(argc, argv, NULL, pos, 0, &n, err, sizeof(err)))
		return cmd_fail("%s", err);
	h = cmd_open();
	if (!h)
		return 1;
	ret = xl_sys_info(h, &si, err, sizeof(err));
	xl_close(h);
	if (ret)
		return cmd_fail("%s", err);
	uname(&u);
	kv("host", "%s", u.nodename);
	kv("release", "%s", u.release);
	kv("machine", "%s", u.machine);
	kv("nr_cpus", "%u", si.nr_cpus);
	kv("cpu_mhz", "%u", si.cpu_khz / 1000);
	kv("total_memory", "%llu", (unsigned long long)(si.total_kib >> 10));
	kv("free_memory", "%llu", (unsigned long long)(si.free_kib >> 10));
	kv("dom0_memory", "%llu", (unsigned long long)(si.dom0_kib >> 10));
	kv("max_vcpus", "%u", si.max_vcpus);
	kv("nr_domains", "%u", si.nr_domains);
	kv("xenolith_version", "%s", si.version);
	kv("xenolith_abi", "%u.%u", si.abi_version >> 16, si.abi_version & 0xffff);
	kv("xenoctl_abi", "%u.%u", XL_ABI_VERSION >> 16, XL_ABI_VERSION & 0xffff);
	return 0;
}

int cmd_dmesg(int argc, char **argv)
{
	struct xl_handle *h;
	const char *pos[1];
	static char buf[65536];
	uint64_t p = 0, lost = 0;
	char err[512];
	int n, ret = 0;

	if (args_parse(argc, argv, NULL, pos, 0, &n, err, sizeof(err)))
		return cmd_fail("%s", err);
	h = cmd_open();
	if (!h)
		return 1;
	for (;;) {
		n = xl_read_log(h, buf, sizeof(buf), &p, &lost, err, sizeof(err));
		if (n < 0) {
			ret = cmd_fail("%s", err);
			break;
		}
		if (lost && p == (uint64_t)n + lost)
			printf("(%llu earlier bytes were overwritten)\n", (unsigned long long)lost);
		if (n == 0)
			break;
		fwrite(buf, 1, (size_t)n, stdout);
	}
	fflush(stdout);
	xl_close(h);
	return ret;
}
