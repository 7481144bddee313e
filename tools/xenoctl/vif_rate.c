/* vif_rate.c - parsing a vif's rate=RATE/s[@INTERVAL] (xl.cfg's syntax). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vif_rate.h"

#define RATE_MAX_BYTES	(1000ull * 1000 * 1000 * 1000)	/* 1 TB/s: more is no limit */
#define INTERVAL_MAX_US	(10u * 1000 * 1000)		/* 10 s */

/* A decimal number at *p (digits only), moved past; -1 if none or huge. */
static int64_t number(const char **p)
{
	uint64_t v = 0;

	if (!isdigit((unsigned char)**p))
		return -1;
	for (; isdigit((unsigned char)**p); (*p)++) {
		v = v * 10 + (uint64_t)(**p - '0');
		if (v > RATE_MAX_BYTES * 8)
			return -1;
	}
	return (int64_t)v;
}

/* The reason into why as "rate 'S': msg"; returns -EINVAL. */
static int rate_error(char *why, size_t len, const char *s, const char *msg)
{
	snprintf(why, len, "rate '%s': %s", s, msg);
	return -EINVAL;
}

/* The interval after '@' at p: NUMBER [s|ms|us], into *us. */
static int interval(const char *p, uint32_t *us)
{
	int64_t v = number(&p);
	uint64_t scale;

	if (v <= 0)
		return -EINVAL;
	if (!strcmp(p, "s"))
		scale = 1000000;
	else if (!strcmp(p, "ms"))
		scale = 1000;
	else if (!strcmp(p, "us") || !*p)
		scale = 1;
	else
		return -EINVAL;
	if ((uint64_t)v > INTERVAL_MAX_US / scale)
		return -EINVAL;
	*us = (uint32_t)((uint64_t)v * scale);
	return 0;
}

int vif_rate_parse(const char *s, struct vif_rate *r, char *why, size_t len)
{
	const char *p = s;
	int64_t v = number(&p);
	uint64_t mult = 1, bits = 0;

	if (v < 0)
		return rate_error(why, len, s, "expected a number, a unit and /s (10Mb/s, 1MB/s@20ms)");
	if (!v)
		return rate_error(why, len, s, "a rate of 0 would stop the vif (leave rate out for "
				  "no limit)");
	switch (*p) {
	case 'G': mult *= 1000;	/* fall through */
	case 'M': mult *= 1000;	/* fall through */
	case 'K': mult *= 1000;
		p++;
		break;
	}
	if (*p == 'b')
		bits = 1;
	else if (*p != 'B')
		return rate_error(why, len, s, "expected the unit B, KB, MB, GB (bytes) or b, Kb, "
				  "Mb, Gb (bits), then /s");
	p++;
	if (strncmp(p, "/s", 2))
		return rate_error(why, len, s, "expected /s after the unit");
	p += 2;
	r->interval_us = VIF_RATE_INTERVAL_US;
	if (*p && (*p != '@' || interval(p + 1, &r->interval_us)))
		return rate_error(why, len, s, "expected @INTERVAL after /s (e.g. @20ms: 1us to "
				  "10s, s, ms or us)");
	r->bytes_per_s = (uint64_t)v * mult / (bits ? 8 : 1);
	if (!r->bytes_per_s || r->bytes_per_s > RATE_MAX_BYTES)
		return rate_error(why, len, s, "out of range (1 byte/s to 1000GB/s)");
	return 0;
}
