/* lib/strtoull.c - parse unsigned numbers in decimal, hex or octal. */
#include "errno.h"
#include "lib.h"

static int lib_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

int lib_strtoull(const char *s, const char **end, unsigned int base,
		 uint64_t *value)
{
	const char *p = s;
	uint64_t v = 0;
	bool any = false, overflow = false;

	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && lib_isxdigit(p[2])) {
		base = 16;
		p += 2;
	} else if (base == 0) {
		base = (p[0] == '0' && lib_isdigit(p[1])) ? 8 : 10;
	}
	for (;; p++) {
		int d = lib_digit_value(*p);

		if (d >= (int)base)
			break;
		any = true;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			overflow = true;
		else
			v = v * base + (uint64_t)d;
	}
	if (end)
		*end = any ? p : s;
	if (overflow) {
		*value = UINT64_MAX;
		return -ERANGE;
	}
	*value = any ? v : 0;
	return 0;
}
