/* cmd_sched.c - sched-credit (weight and cap), vcpu-pin and vcpu-list. */
#include <stdio.h>
#include <stdlib.h>
#include "xenoctl.h"

static unsigned int nr_cpus(struct xl_handle *h)
{
	struct xl_sys_info si;
	char err[256];

	if (xl_sys_info(h, &si, err, sizeof(err)) || si.nr_cpus == 0 || si.nr_cpus > 64)
		return 64;
	return si.nr_cpus;
}

int cmd_sched_credit(int argc, char **argv)
{
	struct xl_domain_info *list = NULL;
	struct sched_args a;
	struct xl_handle *h;
	uint32_t domid, w, c;
	char err[512];
	int n, i, ret = 1;

	if (args_sched_credit(argc, argv, &a, err, sizeof(err)))
		return cmd_fail("%s", err);
	h = cmd_open();
	if (!h)
		return 1;
	if (a.dom && cmd_lookup(h, a.dom, &domid))
		goto out;
	if (a.dom && (a.weight != ARGS_UNSET || a.cap != ARGS_UNSET)) {
		if (xl_sched_set(h, domid, a.weight == ARGS_UNSET ? 0 : (uint32_t)a.weight,
				 a.cap == ARGS_UNSET ? XL_SCHED_KEEP : (uint32_t)a.cap,
				 err, sizeof(err)))
			cmd_fail("%s", err);
		else
			ret = 0;
		goto out;
	}
	n = xl_domain_list(h, &list, err, sizeof(err));
	if (n < 0) {
		cmd_fail("%s", err);
		goto out;
	}
	printf("%-32s %5s %6s %4s\n", "Name", "ID", "Weight", "Cap");
	ret = 0;
	for (i = 0; i < n; i++) {
		if (a.dom && list[i].domid != domid)
			continue;
		if (xl_sched_get(h, list[i].domid, &w, &c, err, sizeof(err))) {
			ret = cmd_fail("%s", err);
			continue;
		}
		printf("%-32s %5u %6u %4u\n", format_name(&list[i]), list[i].domid, w, c);
	}
out:
	free(list);
	xl_close(h);
	return ret;
}

int cmd_vcpu_pin(int argc, char **argv)
{
	struct xl_domain_info info;
	struct pin_args a;
	struct xl_handle *h;
	uint64_t map, all;
	uint32_t domid, v, first, last;
	unsigned int ncpu;
	char err[512];
	int ret = 1;

	if (args_vcpu_pin(argc, argv, &a, err, sizeof(err)))
		return cmd_fail("%s", err);
	h = cmd_open();
	if (!h)
		return 1;
	if (cmd_lookup(h, a.dom, &domid))
		goto out;
	if (xl_domain_getinfo(h, domid, &info, err, sizeof(err))) {
		cmd_fail("%s", err);
		goto out;
	}
	ncpu = nr_cpus(h);
	all = ncpu >= 64 ? ~0ull : (1ull << ncpu) - 1;
	map = a.cpumap & all;
	if (!map) {
		cmd_fail("vcpu-pin: CPUS names no CPU of this machine (CPUs 0-%u)", ncpu - 1);
		goto out;
	}
	if (a.vcpu != ARGS_UNSET && (uint64_t)a.vcpu >= info.vcpus) {
		cmd_fail("domain %u: vCPU %lld: it has vCPUs 0-%u", domid, a.vcpu,
			 info.vcpus - 1);
		goto out;
	}
	first = a.vcpu == ARGS_UNSET ? 0 : (uint32_t)a.vcpu;
	last = a.vcpu == ARGS_UNSET ? info.vcpus : first + 1;
	for (v = first; v < last; v++) {
		if (xl_vcpu_pin(h, domid, v, map, err, sizeof(err))) {
			cmd_fail("%s", err);
			goto out;
		}
	}
	ret = 0;
out:
	xl_close(h);
	return ret;
}

int cmd_vcpu_list(int argc, char **argv)
{
	struct xl_domain_info *list = NULL;
	const char *pos[ARGS_MAX_POS];
	struct xl_dc_vcpu vi;
	struct xl_handle *h;
	unsigned int ncpu;
	uint32_t domid = 0, v;
	char err[512], cpus[160], cpu[16];
	int npos, n, i, j, ret = 0;

	if (args_parse(argc, argv, NULL, pos, ARGS_MAX_POS, &npos, err, sizeof(err)))
		return cmd_fail("%s", err);
	h = cmd_open();
	if (!h)
		return 1;
	n = xl_domain_list(h, &list, err, sizeof(err));
	if (n < 0) {
		ret = cmd_fail("%s", err);
		goto out;
	}
	ncpu = nr_cpus(h);
	printf("%-32s %5s %4s %4s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State",
	       "Time(s)", "Affinity");
	for (j = 0; j < (npos ? npos : 1); j++) {
		if (npos && xl_domain_lookup_in(list, (size_t)n, pos[j], &domid, err, sizeof(err))) {
			ret = cmd_fail("%s", err);
			continue;
		}
		for (i = 0; i < n; i++) {
			if (npos && list[i].domid != domid)
				continue;
			for (v = 0; v < list[i].vcpus; v++) {
				if (xl_vcpu_info(h, list[i].domid, v, &vi, err, sizeof(err))) {
					ret = cmd_fail("%s", err);
					break;
				}
				format_cpumap(vi.cpumap, ncpu, cpus, sizeof(cpus));
				if (vi.online)
					snprintf(cpu, sizeof(cpu), "%u", vi.cpu);
				else
					snprintf(cpu, sizeof(cpu), "-");
				printf("%-32s %5u %4u %4s %5s %9.1f %s\n", format_name(&list[i]),
				       list[i].domid, v, cpu, format_vcpu_state(&vi),
				       (double)vi.cpu_time_ns / 1e9, cpus);
			}
		}
	}
out:
	free(list);
	xl_close(h);
	return ret;
}
