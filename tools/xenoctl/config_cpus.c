/* config_cpus.c - CPU lists of the cpus= key ("0-3,5,^1", "all") as 64-bit masks. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* A CPU number at *s (decimal), moving *s past it. Returns 0 or -EINVAL. */
static int cpus_number(const char **s, unsigned int *cpu, char *err,
		       size_t errlen)
{
	const char *p = *s;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned long)(*p++ - '0');
		if (v >= CONFIG_MAX_CPUS) {
			while (isdigit((unsigned char)*p))
				p++;
			snprintf(err, errlen, "CPU %.*s is out of range (0-%d)",
				 (int)(p - *s), *s, CONFIG_MAX_CPUS - 1);
			return -ERANGE;
		}
	}
	*cpu = (unsigned int)v;
	*s = p;
	return 0;
}

/* One item of a CPU list, n bytes at s: "all", "N" or "N-M", into *bits. */
static int cpus_item(const char *s, size_t n, uint64_t *bits, char *err,
		     size_t errlen)
{
	const char *p = s, *end = s + n;
	unsigned int lo, hi;
	int ret;

	if (n == 3 && !memcmp(s, "all", 3)) {
		*bits = ~0ULL;
		return 0;
	}
	if (n > 5 && (!memcmp(s, "node:", 5) || !memcmp(s, "nodes:", 6))) {
		snprintf(err, errlen, "'%.*s': NUMA nodes are not supported",
			 (int)n, s);
		return -EINVAL;
	}
	ret = cpus_number(&p, &lo, err, errlen);
	hi = lo;
	if (!ret && p < end && *p == '-') {
		p++;
		ret = cpus_number(&p, &hi, err, errlen);
	}
	if (ret == -ERANGE)
		return -EINVAL;
	if (ret || p != end) {
		snprintf(err, errlen, "'%.*s' is not a CPU, a range N-M or 'all'",
			 (int)n, s);
		return -EINVAL;
	}
	if (hi < lo) {
		snprintf(err, errlen, "range '%.*s' goes backwards", (int)n, s);
		return -EINVAL;
	}
	*bits = (hi == 63 ? ~0ULL : (1ULL << (hi + 1)) - 1) & ~((1ULL << lo) - 1);
	return 0;
}

/*
 * Items are separated by commas; "^item" takes CPUs out again, so
 * "0-3,^1" is 0, 2 and 3. A list that begins with an exclusion starts
 * from all CPUs ("^0" = every CPU but 0). A list that leaves no CPU is
 * an error.
 */
int config_parse_cpulist(const char *s, uint64_t *mask, char *err,
			 size_t errlen)
{
	uint64_t m = 0, bits;
	int first = 1;

	if (!*s) {
		snprintf(err, errlen, "empty CPU list");
		return -EINVAL;
	}
	for (;;) {
		size_t n = strcspn(s, ",");
		int exclude;

		while (n && isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		exclude = n && *s == '^';
		if (exclude) {
			s++;
			n--;
		}
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (cpus_item(s, n, &bits, err, errlen))
			return -EINVAL;
		if (exclude && first)
			m = ~0ULL;
		m = exclude ? m & ~bits : m | bits;
		first = 0;
		s += strcspn(s, ",");
		if (!*s)
			break;
		s++;
	}
	if (!m) {
		snprintf(err, errlen, "the list leaves no CPU");
		return -EINVAL;
	}
	*mask = m;
	return 0;
}
