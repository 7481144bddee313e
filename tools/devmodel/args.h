/* args.h - xenolith-dm's command line (docs/device-model.md "Command line"). */
#ifndef DEVMODEL_ARGS_H
#define DEVMODEL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DM_MAX_DISKS	26		/* xvda .. xvdz */
#define DM_MAX_NICS	8
#define DM_IFNAME_MAX	16		/* an interface name with its NUL (IFNAMSIZ) */

struct dm_disk_arg {
	const char *path;		/* points into argv */
	char vdev[5];			/* "xvdX" */
	bool ro;
	bool shared;			/* access=shared (xl's w!): written, other shared writers allowed */
	bool qcow2;			/* format=qcow2 (through qemu-nbd), else raw */
};

/* One --nic: the tap vifname (default vifDOMID.N, N its place among the
 * --nic arguments), added to bridge when one is given (else left down for
 * the vif's script, docs/networking.md "Who does what"), with MAC address
 * mac (random 00:16:3e:xx:xx:xx when not given). */
struct dm_nic_arg {
	uint8_t mac[6];
	bool has_mac;
	char bridge[DM_IFNAME_MAX];	/* "" = none */
	char vifname[DM_IFNAME_MAX];
	uint64_t rate_bytes;		/* rate=BYTES@US: bytes a second the guest may send; 0: no limit */
	uint32_t rate_us;		/* credit interval */
};

/* Disks sorted by vdev: disk[i] goes into PCI slot i + 1. */
struct dm_args {
	uint32_t domid;
	unsigned int nr_disks;
	struct dm_disk_arg disk[DM_MAX_DISKS];
	unsigned int nr_nics;
	struct dm_nic_arg nic[DM_MAX_NICS];	/* in PCI slots after the disks, in order */
	const char *control;		/* --control: the command socket's path, or NULL */
	int ready_fd;			/* --ready-fd: "ready\n" once serving, or -1 */
	bool help;
};

/* A NIC's spec: mac=, bridge=, vifname=, rate=BYTES@US, comma-separated, any of them
 * left out (val is cut up). 0 or -EINVAL with err. */
int dm_nic_spec_parse(char *val, struct dm_nic_arg *n, char *err, size_t errlen);
/* One --nic value (args_nic.c): mac=, bridge=, vifname=, comma-separated,
 * any of them left out. 0 or -EINVAL with err. */
int dm_args_nic(struct dm_args *a, char *val, char *err, size_t errlen);
/* Name the NICs without vifname= vifDOMID.N and refuse repeated MACs
 * and names (args_nic.c). 0 or -EINVAL with err. */
int dm_args_nics_finish(struct dm_args *a, char *err, size_t errlen);
/* A random address with Xen's OUI, 00:16:3e:xx:xx:xx, as xl makes them:
 * 0, or -errno if no random bytes could be had. */
int dm_mac_random(uint8_t mac[6]);
/* One disk's PATH[,vdev=xvdX][,access=rw|ro|shared][,format=raw|qcow2]
 * (val is cut up; d->path points into it; vdev stays empty when not
 * given; shared needs raw). 0, or -EINVAL with one line in err starting
 * with what. */
int dm_disk_spec_parse(char *val, struct dm_disk_arg *d, const char *what, char *err,
		       size_t errlen);

/* Parse argv (argv[0] is the program). 0, or -EINVAL with one line in
 * err naming the argument at fault. argv must outlive a. */
int dm_args_parse(int argc, char **argv, struct dm_args *a, char *err, size_t errlen);

#define DM_USAGE "usage: xenolith-dm --domid N [--ready-fd FD] [--control SOCKET] " \
	"[--disk PATH[,vdev=xvdX][,access=rw|ro|shared][,format=raw|qcow2]] ... " \
	"[--nic [mac=MAC][,bridge=BR][,vifname=NAME][,rate=BYTES@US]] ..."

#endif
