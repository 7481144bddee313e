/* args.c - xenoctl's command lines: options, numbers, and the verbs with more than a domain. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xenoctl.h"
#include "config.h"

static const struct args_opt *find_opt(const struct args_opt *opts, char c)
{
	for (; opts && opts->letter; opts++)
		if (opts->letter == c)
			return opts;
	return NULL;
}

int args_parse(int argc, char **argv, const struct args_opt *opts,
	       const char **pos, int maxpos, int *npos, char *err, size_t errlen)
{
	const char *verb = argv[0];
	int i, only_pos = 0;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (*npos >= maxpos) {
				snprintf(err, errlen, "%s: too many arguments ('%s')", verb, a);
				return -EINVAL;
			}
			pos[(*npos)++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		for (a++; *a; a++) {
			const struct args_opt *o = find_opt(opts, *a);

			if (!o) {
				snprintf(err, errlen, "%s: unknown option -%c (see `xenoctl help %s`)",
					 verb, *a, verb);
				return -EINVAL;
			}
			if (o->flag) {
				*o->flag = 1;
				continue;
			}
			if (a[1]) {
				*o->value = a + 1;
			} else if (i + 1 < argc) {
				*o->value = argv[++i];
			} else {
				snprintf(err, errlen, "%s: option -%c needs a value", verb, *a);
				return -EINVAL;
			}
			break;
		}
	}
	return 0;
}

int args_uint(const char *s, unsigned long long min, unsigned long long max,
	      const char *what, unsigned long long *out, char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || s[0] == '-' || s[0] == '+' || errno) {
		snprintf(err, errlen, "%s '%s': not a number", what, s);
		return -EINVAL;
	}
	if (v < min || v > max) {
		snprintf(err, errlen, "%s %llu: must be %llu..%llu", what, v, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int args_create(int argc, char **argv, struct create_args *a, char *err, size_t errlen)
{
	const char *pos[ARGS_MAX_POS + 1], *f = NULL;
	struct args_opt opts[] = {
		{ 'c', &a->console, NULL }, { 'w', &a->wait, NULL },
		{ 'f', NULL, &f }, { 0, NULL, NULL },
	};
	int n, i, ret;

	memset(a, 0, sizeof(*a));
	ret = args_parse(argc, argv, opts, pos, ARGS_MAX_POS + 1, &n, err, errlen);
	if (ret)
		return ret;
	a->cfg = f;
	for (i = 0; i < n; i++) {
		if (strchr(pos[i], '=')) {
			if (a->nover >= ARGS_MAX_POS) {
				snprintf(err, errlen, "%s: more than %d key=value arguments",
					 argv[0], ARGS_MAX_POS);
				return -EINVAL;
			}
			a->over[a->nover++] = pos[i];
		} else if (!a->cfg) {
			a->cfg = pos[i];
		} else {
			snprintf(err, errlen, "%s: '%s': one configuration file only (%s "
				 "given already); overrides are key=value", argv[0], pos[i], a->cfg);
			return -EINVAL;
		}
	}
	if (!a->cfg) {
		snprintf(err, errlen, "%s: which configuration file? (xenoctl %s CFG "
			 "[-c] [-w] [key=value ...])", argv[0], argv[0]);
		return -EINVAL;
	}
	return 0;
}

int args_sched_credit(int argc, char **argv, struct sched_args *a, char *err, size_t errlen)
{
	const char *w = NULL, *c = NULL, *pos[1];
	struct args_opt opts[] = {
		{ 'd', NULL, &a->dom }, { 'w', NULL, &w }, { 'c', NULL, &c },
		{ 0, NULL, NULL },
	};
	unsigned long long v;
	int n, ret;

	a->dom = NULL;
	a->weight = a->cap = ARGS_UNSET;
	ret = args_parse(argc, argv, opts, pos, 0, &n, err, errlen);
	if (ret)
		return ret;
	if ((w || c) && !a->dom) {
		snprintf(err, errlen, "%s: -w and -c need the domain (-d DOM)", argv[0]);
		return -EINVAL;
	}
	if (w) {
		ret = args_uint(w, 1, 65535, "weight", &v, err, errlen);
		if (ret)
			return ret;
		a->weight = (long long)v;
	}
	if (c) {
		ret = args_uint(c, 0, 100ull * XL_MAX_VCPUS, "cap", &v, err, errlen);
		if (ret)
			return ret;
		a->cap = (long long)v;
	}
	return 0;
}

int args_vcpu_pin(int argc, char **argv, struct pin_args *a, char *err, size_t errlen)
{
	const char *pos[3];
	unsigned long long v;
	char why[160];
	int n, ret;

	ret = args_parse(argc, argv, NULL, pos, 3, &n, err, errlen);
	if (ret)
		return ret;
	if (n != 3) {
		snprintf(err, errlen, "%s: needs DOM VCPU CPUS (e.g. vm1 all 0-1,3)", argv[0]);
		return -EINVAL;
	}
	a->dom = pos[0];
	if (strcmp(pos[1], "all") == 0) {
		a->vcpu = ARGS_UNSET;
	} else {
		ret = args_uint(pos[1], 0, XL_MAX_VCPUS - 1, "VCPU", &v, err, errlen);
		if (ret)
			return ret;
		a->vcpu = (long long)v;
	}
	ret = config_parse_cpulist(pos[2], &a->cpumap, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "CPUS '%s': %s", pos[2], why);
		return ret;
	}
	if (!a->cpumap) {
		snprintf(err, errlen, "CPUS '%s': names no CPU", pos[2]);
		return -EINVAL;
	}
	return 0;
}
