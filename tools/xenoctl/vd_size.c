/* vd_size.c - disk sizes as people write them (512M, 4G, 1.5T) and as `vd list` shows them. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vd.h"

#define VD_SIZE_MIN	(1ull << 20)
#define VD_SIZE_MAX	(64ull << 40)

/* The multiplier of suffix s ("", "K", "KiB", "m", "GB"...), or 0. */
static uint64_t size_unit(const char *s)
{
	static const char units[] = "KMGT";
	const char *u;

	if (!*s)
		return 1;
	u = strchr(units, toupper((unsigned char)*s));
	if (!u || (s[1] && strcasecmp(s + 1, "B") && strcasecmp(s + 1, "iB")))
		return 0;
	return 1ull << (10 * (u - units + 1));
}

int vd_size_parse(const char *s, uint64_t *bytes, char *why, size_t len)
{
	uint64_t whole = 0, frac = 0, scale = 1, unit, v;
	const char *p = s;

	for (; isdigit((unsigned char)*p); p++)
		if (whole <= VD_SIZE_MAX)	/* saturates: too large anyway */
			whole = whole * 10 + (uint64_t)(*p - '0');
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p) && scale < 1000000; p++) {
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
	unit = p == s || !isdigit((unsigned char)s[0]) ? 0 : size_unit(p);
	if (!unit) {
		snprintf(why, len, "size '%s': expected a number and K, M, G or T "
			 "(512M, 4G, 1.5T)", s);
		return -EINVAL;
	}
	v = whole <= VD_SIZE_MAX / unit ? whole * unit + frac * unit / scale : 0;
	if (v < VD_SIZE_MIN || v > VD_SIZE_MAX) {
		snprintf(why, len, "size '%s': must be 1M to 64T", s);
		return -EINVAL;
	}
	if (v % 512) {
		snprintf(why, len, "size '%s': not a multiple of 512 bytes", s);
		return -EINVAL;
	}
	*bytes = v;
	return 0;
}

void vd_size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int i;

	if (bytes < 1024) {
		snprintf(buf, len, "%lluB", (unsigned long long)bytes);
		return;
	}
	for (i = 3; i > 0 && bytes < 1ull << (10 * (i + 1)); i--)
		;
	if (bytes % (1ull << (10 * (i + 1))) == 0)
		snprintf(buf, len, "%llu%c", (unsigned long long)(bytes >> (10 * (i + 1))),
			 units[i]);
	else
		snprintf(buf, len, "%.1f%c", (double)bytes / (double)(1ull << (10 * (i + 1))),
			 units[i]);
}
