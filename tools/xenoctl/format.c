/* format.c - xenoctl's output formats: list lines, states, uptimes, CPU maps, exit statuses. */
#include <stdio.h>
#include <string.h>
#include "xenoctl.h"

void format_state(const struct xl_domain_info *d, char out[FORMAT_STATE_LEN])
{
	memcpy(out, "------", FORMAT_STATE_LEN);
	if (d->state <= XL_STATE_DYING)
		out[d->state] = xl_state_letter(d->state);
}

const char *format_name(const struct xl_domain_info *d)
{
	return d->domid == 0 ? "Domain-0" : d->name;
}

void format_list_header(char *buf, size_t len)
{
	snprintf(buf, len, "%-32s %5s %7s %5s %6s %10s",
		 "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
}

void format_list_line(const struct xl_domain_info *d, char *buf, size_t len)
{
	char state[FORMAT_STATE_LEN];

	format_state(d, state);
	snprintf(buf, len, "%-32s %5u %7llu %5u %6s %10.1f",
		 format_name(d), d->domid, (unsigned long long)(d->memory_kib >> 10),
		 d->vcpus, state, (double)d->cpu_time_ns / 1e9);
}

void format_uptime(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = ns / 1000000000ull;
	uint64_t days = s / 86400;

	s %= 86400;
	if (days)
		snprintf(buf, len, "%llu day%s, %llu:%02llu:%02llu", (unsigned long long)days,
			 days == 1 ? "" : "s", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
	else
		snprintf(buf, len, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
}

void format_cpumap(uint64_t map, unsigned int nr_cpus, char *buf, size_t len)
{
	uint64_t all = nr_cpus >= 64 ? ~0ull : (1ull << nr_cpus) - 1;
	size_t n = 0;
	unsigned int i, j;

	if (nr_cpus && (map & all) == all) {
		snprintf(buf, len, "all");
		return;
	}
	if (!map) {
		snprintf(buf, len, "none");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < 64; i = j) {
		if (!(map >> i & 1)) {
			j = i + 1;
			continue;
		}
		for (j = i; j < 64 && (map >> j & 1); j++)
			;
		if (n < len)
			n += snprintf(buf + n, len - n, "%s%u", n ? "," : "", i);
		if (j - i > 1 && n < len)
			n += snprintf(buf + n, len - n, "-%u", j - 1);
	}
}

const char *format_vcpu_state(const struct xl_dc_vcpu *v)
{
	if (!v->online)
		return "---";
	switch (v->state) {
	case XL_STATE_RUNNING:
		return "r--";
	case XL_STATE_BLOCKED:
		return "-b-";
	case XL_STATE_PAUSED:
		return "--p";
	case XL_STATE_RUNNABLE:
		return "---";
	default:
		return "---";
	}
}

int format_exit_status(uint32_t state, uint32_t reason, uint32_t exit_status)
{
	if (state == XL_STATE_CRASHED || reason == XL_SHUTDOWN_CRASH)
		return 2;
	if (reason == XL_SHUTDOWN_EXIT)
		return (int)(exit_status & 0xff);
	return 0;
}

const char *format_reason(uint32_t reason)
{
	switch (reason) {
	case XL_SHUTDOWN_POWEROFF:
		return "poweroff";
	case XL_SHUTDOWN_REBOOT:
		return "reboot";
	case XL_SHUTDOWN_SUSPEND:
		return "suspend";
	case XL_SHUTDOWN_CRASH:
		return "crash";
	case XL_SHUTDOWN_EXIT:
		return "exit";
	default:
		return "unknown";
	}
}
