/* args_nic.c - xenolith-dm's --nic arguments and MAC addresses. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/random.h>

#include "libxenolith/libxenolith.h"
#include "args.h"
#include "pci_layout.h"

int dm_mac_random(uint8_t mac[6])
{
	mac[0] = 0x00;
	mac[1] = 0x16;
	mac[2] = 0x3e;
	if (getrandom(mac + 3, 3, 0) != 3)
		return errno ? -errno : -EIO;
	return 0;
}

/* Copy interface name v of option opt into dst (DM_IFNAME_MAX). */
static int ifname(const char *opt, const char *v, char *dst, char *err, size_t errlen)
{
	if (!v[0] || strlen(v) >= DM_IFNAME_MAX || strchr(v, '/') || strchr(v, ' ')) {
		snprintf(err, errlen, "--nic %s: not an interface name (1 to %d characters, "
			 "no '/' or space)", opt, DM_IFNAME_MAX - 1);
		return -EINVAL;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* rate=BYTES@US: bytes a second (1 to 10^12) and the credit interval in
 * microseconds (1 to 10^7), as xenoctl gives them. */
static int parse_rate(const char *opt, struct dm_nic_arg *n, char *err, size_t errlen)
{
	unsigned long long bytes, us;
	int end = -1;

	if (sscanf(opt + 5, "%llu@%llu%n", &bytes, &us, &end) != 2 || end < 0 || opt[5 + end] ||
	    !isdigit((unsigned char)opt[5]) || !bytes || bytes > 1000000000000ull || !us ||
	    us > 10000000) {
		snprintf(err, errlen, "--nic %s: expected rate=BYTES@US (bytes a second, "
			 "credit interval in microseconds)", opt);
		return -EINVAL;
	}
	n->rate_bytes = bytes;
	n->rate_us = (uint32_t)us;
	return 0;
}

int dm_nic_spec_parse(char *val, struct dm_nic_arg *n, char *err, size_t errlen)
{
	char *opt, *save = NULL;

	memset(n, 0, sizeof(*n));
	for (opt = strtok_r(val, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
		if (!strncmp(opt, "mac=", 4)) {
			int ret = xl_mac_parse(opt + 4, n->mac);

			if (ret) {
				snprintf(err, errlen, "--nic %s: %s", opt, xl_mac_strerror(ret));
				return -EINVAL;
			}
			n->has_mac = true;
		} else if (!strncmp(opt, "bridge=", 7)) {
			if (ifname(opt, opt + 7, n->bridge, err, errlen))
				return -EINVAL;
		} else if (!strncmp(opt, "vifname=", 8)) {
			if (ifname(opt, opt + 8, n->vifname, err, errlen))
				return -EINVAL;
		} else if (!strncmp(opt, "rate=", 5)) {
			if (parse_rate(opt, n, err, errlen))
				return -EINVAL;
		} else {
			snprintf(err, errlen, "--nic: bad option '%s' (mac=, bridge=, vifname=, rate=)",
				 opt);
			return -EINVAL;
		}
	}
	return 0;
}

int dm_args_nic(struct dm_args *a, char *val, char *err, size_t errlen)
{
	if (a->nr_nics == DM_MAX_NICS) {
		snprintf(err, errlen, "--nic: at most %d NICs", DM_MAX_NICS);
		return -EINVAL;
	}
	if (dm_nic_spec_parse(val, &a->nic[a->nr_nics], err, errlen))
		return -EINVAL;
	a->nr_nics++;
	return 0;
}

int dm_args_nics_finish(struct dm_args *a, char *err, size_t errlen)
{
	unsigned int i, j;
	int ret;

	if (a->nr_disks + a->nr_nics > PCI_LAYOUT_SLOTS - 1) {
		snprintf(err, errlen, "--nic: %u disks and %u NICs, at most %d devices in all",
			 a->nr_disks, a->nr_nics, PCI_LAYOUT_SLOTS - 1);
		return -EINVAL;
	}
	for (i = 0; i < a->nr_nics; i++) {
		struct dm_nic_arg *n = &a->nic[i];

		if (!n->vifname[0])
			snprintf(n->vifname, sizeof(n->vifname), "vif%u.%u", a->domid, i);
		ret = n->has_mac ? 0 : dm_mac_random(n->mac);
		if (ret) {
			snprintf(err, errlen, "--nic %s: no random MAC address: %s", n->vifname,
				 strerror(-ret));
			return -EINVAL;
		}
	}
	for (i = 0; i < a->nr_nics; i++)
		for (j = 0; j < i; j++) {
			if (!strcmp(a->nic[i].vifname, a->nic[j].vifname)) {
				snprintf(err, errlen, "--nic: vifname %s given twice", a->nic[i].vifname);
				return -EINVAL;
			}
			if (!memcmp(a->nic[i].mac, a->nic[j].mac, 6)) {
				snprintf(err, errlen, "--nic %s: the MAC address of %s again",
					 a->nic[i].vifname, a->nic[j].vifname);
				return -EINVAL;
			}
		}
	return 0;
}
