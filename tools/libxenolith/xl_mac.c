/* xl_mac.c - MAC addresses of virtual NICs: parsed, checked, formatted, derived from a domain's name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libxenolith.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int xl_mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t b[6];

	for (unsigned int i = 0; i < 6; i++) {
		int hi = hex_digit(s[3 * i]), lo = hi < 0 ? -1 : hex_digit(s[3 * i + 1]);

		if (lo < 0 || s[3 * i + 2] != (i < 5 ? ':' : '\0'))
			return -EINVAL;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	if (b[0] & 1)
		return -EDOM;
	if (!(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]))
		return -ERANGE;
	memcpy(mac, b, 6);
	return 0;
}

const char *xl_mac_strerror(int ret)
{
	switch (ret) {
	case -EDOM:
		return "a multicast address (the first byte must be even)";
	case -ERANGE:
		return "not a usable address";
	default:
		return "expected six hex bytes (00:16:3e:xx:xx:xx)";
	}
}

void xl_mac_format(const uint8_t mac[6], char buf[XL_MAC_STRLEN])
{
	snprintf(buf, XL_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
}

/* FNV-1a, 32 bits, over the name, a NUL and the vif's number: the same
 * inputs give the same address on every machine and every restart. */
void xl_mac_from_name(const char *name, unsigned int vif, uint8_t mac[6])
{
	uint32_t h = 2166136261u;
	size_t len = strlen(name) + 1;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	for (unsigned int i = 0; i < 4; i++)
		h = (h ^ (uint8_t)(vif >> (8 * i))) * 16777619u;
	h ^= h >> 24;		/* fold the top byte into the three kept */
	mac[0] = 0x00;
	mac[1] = 0x16;
	mac[2] = 0x3e;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}
