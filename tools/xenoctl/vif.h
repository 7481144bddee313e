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
#define VIF_SCRIPT_MAX		256	/* bytes of script=, with NUL */
#define VIF_DEFAULT_BRIDGE	"xenbr0"	/* as xl's */
#define VIF_DEFAULT_SCRIPT	"vif-bridge"	/* as xl's */

/* One vif as its spec says, with defaults. */
struct vif_spec {
	uint8_t mac[6];
	bool has_mac;			/* given; else config_vifs() derives it from the name */
	char bridge[VIF_IFNAME_MAX];	/* default VIF_DEFAULT_BRIDGE */
	char vifname[VIF_IFNAME_MAX];	/* "" = vifDOMID.N, N = entry */
	char ip[VIF_IP_MAX];		/* for the script (vif-route, vif-nat); "" = none */
	char script[VIF_SCRIPT_MAX];	/* a name in the scripts directory, or a path */
	struct vif_rate rate;		/* rate=; bytes_per_s 0: no limit */
	const char *ignored;		/* a Xen key taken and ignored (backend, devid), or NULL */
	unsigned int line;		/* where the spec is, for messages */
	unsigned int entry;		/* its index in vif = [...] */
};

/* Parse one spec, "key=value, ..." with Xen's keys mac, bridge, vifname,
 * ip, script, rate (vif_rate.h), model (virtio or ioemu), type (ioemu or
 * vif; both ignored) and backend, devid (ignored); '' is a vif with every default.
 * v->line and v->entry are left alone. 0, or -EINVAL with the reason
 * in why, naming the field (e.g. "mac '00:16:3e:zz:01:02': expected six
 * hex bytes"). */
int vif_spec_parse(const char *spec, struct vif_spec *v, char *why, size_t len);

/* Check a domain's n vifs as a whole, each with its MAC address (given
 * or derived): no MAC address or vifname twice.
 * 0, or -EINVAL with the index of the second of a pair in *bad and the
 * reason in why. */
int vif_list_finish(const struct vif_spec *vifs, unsigned int n, unsigned int *bad,
		    char *why, size_t len);

/* The tap's name of vif v of domain domid: its vifname, or vifDOMID.N. */
void vif_tap_name(const struct vif_spec *v, uint32_t domid, char name[VIF_IFNAME_MAX]);

#endif
