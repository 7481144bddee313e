/* args.h - xenolith-dm's command line (docs/device-model.md "Command line"). */
#ifndef DEVMODEL_ARGS_H
#define DEVMODEL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DM_MAX_DISKS	26		/* xvda .. xvdz */

struct dm_disk_arg {
	const char *path;		/* points into argv */
	char vdev[5];			/* "xvdX" */
	bool ro;
	bool qcow2;			/* format=qcow2 (through qemu-nbd), else raw */
};

/* Disks sorted by vdev: disk[i] goes into PCI slot i + 1. */
struct dm_args {
	uint32_t domid;
	unsigned int nr_disks;
	struct dm_disk_arg disk[DM_MAX_DISKS];
	const char *control;		/* --control: the command socket's path, or NULL */
	int ready_fd;			/* --ready-fd: "ready\n" once serving, or -1 */
	bool help;
};

/* One disk's PATH[,vdev=xvdX][,access=rw|ro][,format=raw|qcow2] (val is
 * cut up; d->path points into it; vdev stays empty when not given). 0, or
 * -EINVAL with one line in err starting with what. */
int dm_disk_spec_parse(char *val, struct dm_disk_arg *d, const char *what, char *err,
		       size_t errlen);

/* Parse argv (argv[0] is the program). 0, or -EINVAL with one line in
 * err naming the argument at fault. argv must outlive a. */
int dm_args_parse(int argc, char **argv, struct dm_args *a, char *err, size_t errlen);

#define DM_USAGE "usage: xenolith-dm --domid N [--ready-fd FD] [--control SOCKET] " \
	"--disk PATH[,vdev=xvdX][,access=rw|ro][,format=raw|qcow2] ..."

#endif
