/* vif.h - a domain's virtual network interfaces: the `vif` specs of a configuration. */
#ifndef XENOCTL_VIF_H
#define XENOCTL_VIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vif_rate.h"

/*
 * docs/networking.md is the user's side of this. vif_spec_parse() reads
 * one spec (plain text, nothing on the system is looked at);
 * vif_list_finish() checks a domain's list as a whole.
 */

#define VIF_MAX			8	/* vifs of one domain (xenolith-dm's --nic limit) */
#define VIF_IFNAME_MAX		16	/* bytes of an interface name, with NUL (IFNAMSIZ) */
#define VIF_IP_MAX		256	/* bytes of ip=, with NUL */
#define VIF_DEFAULT_BRIDGE	"xenbr0"	/* as xl's */

/* One vif as its spec says, with defaults. */
struct vif_spec {
	uint8_t mac[6];
	bool has_mac;			/* else xenolith-dm picks 00:16:3e:xx:xx:xx */
	char bridge[VIF_IFNAME_MAX];	/* default VIF_DEFAULT_BRIDGE */
	char vifname[VIF_IFNAME_MAX];	/* "" = vifDOMID.N, N = entry */
	char ip[VIF_IP_MAX];		/* recorded, not used yet; "" = none */
	struct vif_rate rate;		/* rate=; bytes_per_s 0: no limit */
	const char *ignored;		/* a Xen key taken and ignored (script, ...), or NULL */
	unsigned int line;		/* where the spec is, for messages */
	unsigned int entry;		/* its index in vif = [...] */
};

/* Parse one spec, "key=value, ..." with Xen's keys mac, bridge, vifname,
 * ip, rate (vif_rate.h), model (virtio or ioemu), type (ioemu or vif;
 * both ignored) and script, backend, devid (ignored); '' is a vif with every default.
 * v->line and v->entry are left alone. 0, or -EINVAL with the reason
 * in why, naming the field (e.g. "mac '00:16:3e:zz:01:02': expected six
 * hex bytes"). */
int vif_spec_parse(const char *spec, struct vif_spec *v, char *why, size_t len);

/* Check a domain's n vifs as a whole: no MAC address or vifname twice.
 * 0, or -EINVAL with the index of the second of a pair in *bad and the
 * reason in why. */
int vif_list_finish(const struct vif_spec *vifs, unsigned int n, unsigned int *bad,
		    char *why, size_t len);

/* "xx:xx:xx:xx:xx:xx" of mac into buf (18 bytes). */
void vif_mac_format(const uint8_t mac[6], char buf[18]);

#endif
