/* cmd_network.c - network-attach, network-detach, network-list: NICs added to and taken from a running domain through its device model (docs/networking.md). */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block.h"
#include "dm_ask.h"
#include "vif.h"
#include "xenoctl.h"

#define NIC_FIELDS	12	/* of a nic-list row (tools/devmodel/nics.c) */

/* Split one row of a nic-list answer at its tabs into f: devid, MAC, tap,
 * bridge, PCI slot, state, rx packets, rx bytes, tx packets, tx bytes,
 * dropped, drop reasons. The number of fields. */
static int split_nic_row(char *row, char *f[NIC_FIELDS])
{
	char *save = NULL;
	int n = 0;

	for (f[n] = strtok_r(row, "\t", &save); f[n] && n < NIC_FIELDS - 1;
	     f[++n] = strtok_r(NULL, "\t", &save))
		;
	return f[n] ? n + 1 : n;
}

/* The bridge tap is a port of (its master in sysfs: where the vif's
 * script put it) into buf, or "-". */
static void tap_bridge(const char *tap, char *buf, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/net/%s/master", tap);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	target[n] = '\0';
	snprintf(buf, len, "%.*s", (int)len - 1,
		 strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
}

/* Take NIC devid out again after its script failed (the guest may not
 * have taken it up yet: the device model waits for its eject). */
static void nic_undo(const char *name, const char *path, const char *devid)
{
	static char reply[BLOCK_REPLY_MAX];
	char line[64];

	snprintf(line, sizeof(line), "nic-detach %s", devid);
	if (dm_ask(name, path, line, reply, sizeof(reply)))
		fprintf(stderr, "xenoctl: warning: domain %s: NIC %s stays: %s\n", name, devid,
			reply);
}

int cmd_network_attach(int argc, char **argv)
{
	char why[512], name[XL_NAME_MAX], path[PATH_MAX], arg[160], line[192];
	char devid[16], tap[VIF_IFNAME_MAX], mac[32];
	static char reply[BLOCK_REPLY_MAX];
	struct vif_spec v = { 0 };
	struct xl_handle *h;
	uint32_t domid;

	if (argc != 3)
		return cmd_fail("network-attach: usage: xenoctl network-attach DOM SPEC");
	if (vif_spec_parse(argv[2], &v, why, sizeof(why)))
		return cmd_fail("network-attach: '%s': %s", argv[2], why);
	h = cmd_open();
	if (!h || dm_ask_domain(h, argv[1], "network interfaces", name, sizeof(name), path,
				sizeof(path), &domid))
		return 1;
	if (v.ignored)
		fprintf(stderr, "xenoctl: network-attach: %s: ignored\n", v.ignored);
	devmodel_nic_arg(&v, arg, sizeof(arg));
	snprintf(line, sizeof(line), "nic-attach %s", arg);
	if (dm_ask_or_fail(name, path, line, reply, sizeof(reply)))
		return 1;
	if (sscanf(reply, "ok %15s %15s %31s", devid, tap, mac) != 3)
		return cmd_fail("domain %s: unexpected answer from the device model: %s", name,
				reply);
	v.entry = (unsigned int)atoi(devid);	/* the tap is vifDOMID.DEVID unless vifname= */
	snprintf(v.vifname, sizeof(v.vifname), "%s", tap);
	if (xl_mac_parse(mac, v.mac)) {
		nic_undo(name, path, devid);
		return cmd_fail("domain %s: unexpected MAC from the device model: %s", name, mac);
	}
	if (vif_script_online(name, &v, domid, why, sizeof(why))) {
		nic_undo(name, path, devid);
		return cmd_fail("network-attach: domain %s: %s", name, why);
	}
	tap_bridge(tap, line, sizeof(line));
	printf("Attached %s (devid %s, mac %s) to domain %s on bridge %s\n", tap, devid, mac,
	       name, line);
	return 0;
}

/* Whether the nic-list answer list has a row for devid. */
static int listed_devid(char *list, const char *devid)
{
	char *row, *save = NULL;

	for (row = strtok_r(list, "\n", &save); row; row = strtok_r(NULL, "\n", &save)) {
		char *f[NIC_FIELDS];

		if (split_nic_row(row, f) == NIC_FIELDS && !strcmp(f[0], devid))
			return 1;
	}
	return 0;
}

int cmd_network_detach(int argc, char **argv)
{
	char name[XL_NAME_MAX], path[PATH_MAX], line[64];
	static char reply[BLOCK_REPLY_MAX];
	const char *devid;
	struct xl_handle *h;
	size_t i;
	int ret;

	if (argc != 3)
		return cmd_fail("network-detach: usage: xenoctl network-detach DOM DEVID");
	devid = argv[2];
	for (i = 0; devid[i] && isdigit((unsigned char)devid[i]); i++)
		;
	if (!i || devid[i] || i > 3)
		return cmd_fail("network-detach: '%s' is not a devid (the Idx column of "
				"`xenoctl network-list %s`)", devid, argv[1]);
	h = cmd_open();
	if (!h || dm_ask_domain(h, argv[1], "network interfaces", name, sizeof(name), path,
				sizeof(path), NULL) ||
	    dm_ask_or_fail(name, path, "nic-list", reply, sizeof(reply)))
		return 1;
	if (!listed_devid(reply, devid))
		return cmd_fail("domain %s has no network interface with devid %s "
				"(`xenoctl network-list %s`)", name, devid, argv[1]);
	snprintf(line, sizeof(line), "nic-detach %s", devid);
	ret = dm_ask(name, path, line, reply, sizeof(reply));
	if (ret > 0)
		return 1;
	if (ret < 0)
		return cmd_fail("domain %s: %s%s", name, reply, strstr(reply, "did not release") ?
				"; it stays attached" : "");
	reply[strcspn(reply, "\n")] = '\0';
	printf("Detached %s (devid %s) from domain %s\n", reply + 3, devid, name);
	return 0;
}

int cmd_network_list(int argc, char **argv)
{
	char name[XL_NAME_MAX], path[PATH_MAX], bridge[VIF_IFNAME_MAX], *row, *save = NULL;
	static char reply[BLOCK_REPLY_MAX];
	struct xl_handle *h;

	if (argc != 2)
		return cmd_fail("network-list: usage: xenoctl network-list DOM");
	h = cmd_open();
	if (!h || dm_ask_domain(h, argv[1], "network interfaces", name, sizeof(name), path,
				sizeof(path), NULL) ||
	    dm_ask_or_fail(name, path, "nic-list", reply, sizeof(reply)))
		return 1;
	printf("%-3s %-17s %-15s %-15s %-8s %10s %12s %10s %12s %8s %s\n", "Idx", "MAC", "Tap",
	       "Bridge", "State", "RX-packets", "RX-bytes", "TX-packets", "TX-bytes", "Dropped",
	       "Drop-reasons");
	for (row = strtok_r(reply, "\n", &save); row; row = strtok_r(NULL, "\n", &save)) {
		char *f[NIC_FIELDS];

		if (split_nic_row(row, f) != NIC_FIELDS)
			continue;	/* the final "ok" */
		tap_bridge(f[2], bridge, sizeof(bridge));
		printf("%-3s %-17s %-15s %-15s %-8s %10s %12s %10s %12s %8s %s\n", f[0], f[1], f[2],
		       bridge, f[5], f[6], f[7], f[8], f[9], f[10], f[11]);
	}
	return 0;
}
