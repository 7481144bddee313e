/* vif_spec.c - one `vif` spec of a configuration: Xen's key=value fields, checked. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libxenolith/libxenolith.h"
#include "vif.h"

/* Keys of Xen's vif specs that a Xenolith vif takes and ignores. */
static const char *const vif_ignored[] = { "backend", "devid" };

/* The reason into why: "KEY 'VALUE': msg", "'KEY': msg" (no value) or
 * msg alone (no key); returns -EINVAL. */
static int __attribute__((format(printf, 5, 6)))
field_error(char *why, size_t len, const char *key, const char *val, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key && val)
		snprintf(why, len, "%s '%s': %s", key, val, msg);
	else if (key)
		snprintf(why, len, "'%s': %s", key, msg);
	else
		snprintf(why, len, "%s", msg);
	return -EINVAL;
}

/* mac=: six bytes of two hex digits, colon-separated; unicast, not zero. */
static int parse_mac(const char *s, struct vif_spec *v, char *why, size_t len)
{
	int ret = xl_mac_parse(s, v->mac);

	if (ret)
		return field_error(why, len, "mac", s, "%s", xl_mac_strerror(ret));
	v->has_mac = true;
	return 0;
}

/* bridge= and vifname=: a Linux interface name, 1 to 15 characters. */
static int parse_ifname(const char *key, const char *s, char *dst, char *why, size_t len)
{
	size_t n = strlen(s);

	if (!n || n >= VIF_IFNAME_MAX || strpbrk(s, "/: \t") || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return field_error(why, len, key, s, "not an interface name (1 to %d characters, "
				   "no '/', ':' or spaces)", VIF_IFNAME_MAX - 1);
	memcpy(dst, s, n + 1);
	return 0;
}

/* ip=: addresses (IPv4 or IPv6) separated by spaces, as xl records them. */
static int parse_ip(const char *s, struct vif_spec *v, char *why, size_t len)
{
	char copy[VIF_IP_MAX], *tok, *save = NULL;
	unsigned char addr[16];

	if (strlen(s) >= VIF_IP_MAX || !s[0])
		return field_error(why, len, "ip", s, "expected addresses separated by spaces");
	strcpy(copy, s);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (inet_pton(AF_INET, tok, addr) != 1 && inet_pton(AF_INET6, tok, addr) != 1)
			return field_error(why, len, "ip", s, "'%s' is not an IP address", tok);
	strcpy(v->ip, s);
	return 0;
}

/* script=: a script's name (looked up in the scripts directory) or a
 * path; no spaces, as it is run without a shell. */
static int parse_script(const char *s, struct vif_spec *v, char *why, size_t len)
{
	if (!s[0] || strlen(s) >= VIF_SCRIPT_MAX || strpbrk(s, " \t"))
		return field_error(why, len, "script", s, "expected a script's name or path "
				   "(1 to %d characters, no spaces)", VIF_SCRIPT_MAX - 1);
	strcpy(v->script, s);
	return 0;
}

/* One key=value field (spaces around it already trimmed). */
static int parse_field(char *f, struct vif_spec *v, char *why, size_t len)
{
	char *eq = strchr(f, '='), *val;
	unsigned int i;

	if (!eq)
		return field_error(why, len, f, NULL, "expected key=value");
	*eq = 0;
	val = eq + 1;
	if (!strcmp(f, "mac"))
		return parse_mac(val, v, why, len);
	if (!strcmp(f, "bridge"))
		return parse_ifname(f, val, v->bridge, why, len);
	if (!strcmp(f, "vifname"))
		return parse_ifname(f, val, v->vifname, why, len);
	if (!strcmp(f, "ip"))
		return parse_ip(val, v, why, len);
	if (!strcmp(f, "script"))
		return parse_script(val, v, why, len);
	if (!strcmp(f, "rate"))
		return vif_rate_parse(val, &v->rate, why, len);
	if (!strcmp(f, "model"))
		return strcmp(val, "virtio") && strcmp(val, "ioemu") ?
		       field_error(why, len, f, val, "only virtio is supported") : 0;
	if (!strcmp(f, "type"))
		return strcmp(val, "ioemu") && strcmp(val, "vif") ?
		       field_error(why, len, f, val, "expected ioemu or vif") : 0;
	for (i = 0; i < sizeof(vif_ignored) / sizeof(vif_ignored[0]); i++)
		if (!strcmp(f, vif_ignored[i])) {
			v->ignored = vif_ignored[i];
			return 0;
		}
	return field_error(why, len, f, NULL, "unknown key (mac, bridge, vifname, ip, script, model, "
			   "type)");
}

int vif_spec_parse(const char *spec, struct vif_spec *v, char *why, size_t len)
{
	unsigned int line = v->line, entry = v->entry;
	char copy[1024], *f, *save = NULL;
	int ret;

	memset(v, 0, sizeof(*v));
	v->line = line;
	v->entry = entry;
	memcpy(v->bridge, VIF_DEFAULT_BRIDGE, sizeof(VIF_DEFAULT_BRIDGE));
	memcpy(v->script, VIF_DEFAULT_SCRIPT, sizeof(VIF_DEFAULT_SCRIPT));
	if (strlen(spec) >= sizeof(copy))
		return field_error(why, len, NULL, NULL, "longer than %zu bytes", sizeof(copy) - 1);
	strcpy(copy, spec);
	for (f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		char *end = f + strlen(f);

		while (isspace((unsigned char)*f))
			f++;
		while (end > f && isspace((unsigned char)end[-1]))
			*--end = 0;
		if (!*f)
			continue;
		ret = parse_field(f, v, why, len);
		if (ret)
			return ret;
	}
	return 0;
}

int vif_list_finish(const struct vif_spec *vifs, unsigned int n, unsigned int *bad,
		    char *why, size_t len)
{
	char mac[XL_MAC_STRLEN];
	unsigned int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++) {
			*bad = i;
			if (!memcmp(vifs[i].mac, vifs[j].mac, 6)) {
				xl_mac_format(vifs[i].mac, mac);
				return field_error(why, len, NULL, NULL, "mac %s: also vif[%u]'s", mac, j);
			}
			if (vifs[i].vifname[0] && !strcmp(vifs[i].vifname, vifs[j].vifname))
				return field_error(why, len, NULL, NULL, "vifname %s: also vif[%u]'s",
						   vifs[i].vifname, j);
		}
	return 0;
}

void vif_tap_name(const struct vif_spec *v, uint32_t domid, char name[VIF_IFNAME_MAX])
{
	if (v->vifname[0])
		memcpy(name, v->vifname, VIF_IFNAME_MAX);
	else
		snprintf(name, VIF_IFNAME_MAX, "vif%u.%u", domid, v->entry);
}
