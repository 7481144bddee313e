/* cmd_list.c - list (xl's table, or -l: JSON) and uptime. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xenoctl.h"

/*
 * Every domain into *out, dom0 first: if the hypervisor leaves dom0 out
 * of GETINFO, a line is made for it from SYSCTL_INFO. Returns the count
 * or -1 after printing why.
 */
static int all_domains(struct xl_handle *h, struct xl_domain_info **out)
{
	struct xl_domain_info *list, *bigger;
	struct xl_sys_info si;
	char err[512];
	int n;

	n = xl_domain_list(h, &list, err, sizeof(err));
	if (n < 0)
		return cmd_fail("%s", err), -1;
	if (n > 0 && list[0].domid == 0) {
		*out = list;
		return n;
	}
	bigger = realloc(list, (size_t)(n + 1) * sizeof(*list));
	if (!bigger) {
		free(list);
		return cmd_fail("list: out of memory"), -1;
	}
	memmove(bigger + 1, bigger, (size_t)n * sizeof(*bigger));
	memset(bigger, 0, sizeof(*bigger));
	strcpy(bigger->name, "Domain-0");
	bigger->state = XL_STATE_RUNNING;
	if (xl_sys_info(h, &si, err, sizeof(err)) == 0)
		bigger->memory_kib = si.dom0_kib;
	*out = bigger;
	return n + 1;
}

/* Keep only the domains named in pos[0..npos) (in that order). */
static int select_domains(struct xl_domain_info *list, int n, const char **pos, int npos)
{
	struct xl_domain_info *sel;
	char err[512];
	uint32_t domid;
	int i, j;

	sel = malloc((size_t)npos * sizeof(*sel));
	if (!sel)
		return cmd_fail("list: out of memory"), -1;
	for (i = 0; i < npos; i++) {
		if (xl_domain_lookup_in(list, (size_t)n, pos[i], &domid, err, sizeof(err))) {
			free(sel);
			return cmd_fail("%s", err), -1;
		}
		for (j = 0; j < n && list[j].domid != domid; j++)
			;
		sel[i] = list[j < n ? j : 0];
	}
	memcpy(list, sel, (size_t)npos * sizeof(*sel));
	free(sel);
	return npos;
}

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_long(const struct xl_domain_info *d, int last)
{
	char state[FORMAT_STATE_LEN], path[1024];

	format_state(d, state);
	printf("  {\n    \"domid\": %u,\n    \"name\": ", d->domid);
	print_json_string(format_name(d));
	printf(",\n    \"state\": \"%s\",\n", state);
	printf("    \"vcpus\": %u,\n    \"running_vcpus\": %u,\n", d->vcpus, d->running_vcpus);
	printf("    \"memory_kib\": %llu,\n", (unsigned long long)d->memory_kib);
	printf("    \"cpu_time_ns\": %llu,\n", (unsigned long long)d->cpu_time_ns);
	printf("    \"uptime_ns\": %llu,\n", (unsigned long long)d->uptime_ns);
	printf("    \"shutdown_reason\": \"%s\",\n",
	       d->state == XL_STATE_SHUTDOWN || d->state == XL_STATE_CRASHED ?
	       format_reason(d->shutdown_reason) : "");
	printf("    \"exit_status\": %u,\n", d->exit_status);
	printf("    \"weight\": %u,\n    \"cap\": %u,\n    \"config\": ", d->weight, d->cap);
	saved_config_path(d->name, path, sizeof(path));
	print_json_string(d->domid ? path : "");
	printf("\n  }%s\n", last ? "" : ",");
}

int cmd_list(int argc, char **argv)
{
	struct args_opt opts[] = { { 'l', NULL, NULL }, { 0, NULL, NULL } };
	const char *pos[ARGS_MAX_POS];
	struct xl_domain_info *list = NULL;
	struct xl_handle *h;
	char err[512], line[256];
	int npos, n, i, longfmt = 0;

	opts[0].flag = &longfmt;
	if (args_parse(argc, argv, opts, pos, ARGS_MAX_POS, &npos, err, sizeof(err)))
		return cmd_fail("%s", err);
	h = cmd_open();
	if (!h)
		return 1;
	n = all_domains(h, &list);
	xl_close(h);
	if (n < 0)
		return 1;
	if (npos)
		n = select_domains(list, n, pos, npos);
	if (n < 0) {
		free(list);
		return 1;
	}
	if (longfmt) {
		printf("[\n");
		for (i = 0; i < n; i++)
			print_long(&list[i], i == n - 1);
		printf("]\n");
	} else {
		format_list_header(line, sizeof(line));
		puts(line);
		for (i = 0; i < n; i++) {
			format_list_line(&list[i], line, sizeof(line));
			puts(line);
		}
	}
	free(list);
	return 0;
}

int cmd_uptime(int argc, char **argv)
{
	const char *pos[ARGS_MAX_POS];
	struct xl_domain_info *list = NULL;
	struct xl_handle *h;
	char err[512], up[64];
	int npos, n, i;

	if (args_parse(argc, argv, NULL, pos, ARGS_MAX_POS, &npos, err, sizeof(err)))
		return cmd_fail("%s", err);
	h = cmd_open();
	if (!h)
		return 1;
	n = all_domains(h, &list);
	xl_close(h);
	if (n >= 0 && npos)
		n = select_domains(list, n, pos, npos);
	if (n < 0) {
		free(list);
		return 1;
	}
	printf("%-32s %5s %s\n", "Name", "ID", "Uptime");
	for (i = 0; i < n; i++) {
		format_uptime(list[i].uptime_ns, up, sizeof(up));
		printf("%-32s %5u %s\n", format_name(&list[i]), list[i].domid, up);
	}
	free(list);
	return 0;
}
