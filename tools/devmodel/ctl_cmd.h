/* ctl_cmd.h - the control socket's line protocol (docs/device-model.md "Hotplug"). */
#ifndef DEVMODEL_CTL_CMD_H
#define DEVMODEL_CTL_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"

#define DM_CMD_LINE_MAX	4096	/* a command line, newline included */
#define DM_READ_MAX	32768	/* bytes of one read: its hex answer fits the reply */

enum dm_cmd_kind {
	DM_CMD_ATTACH,			/* attach PATH[,vdev=xvdX][,access=..][,format=..] */
	DM_CMD_DETACH,			/* detach xvdX [force] */
	DM_CMD_LIST,			/* list */
	DM_CMD_READ,			/* read xvdX OFFSET LENGTH */
	DM_CMD_NIC_ATTACH,		/* nic-attach [mac=..][,bridge=..][,vifname=..] */
	DM_CMD_NIC_DETACH,		/* nic-detach DEVID */
	DM_CMD_NIC_LIST,		/* nic-list */
};

struct dm_cmd {
	enum dm_cmd_kind kind;
	struct dm_disk_arg disk;	/* ATTACH: path points into the line */
	char vdev[5];			/* DETACH, READ */
	bool force;			/* DETACH: release the image after the timeout anyway */
	uint64_t off;			/* READ: bytes, decimal */
	uint32_t len;			/* READ: 1..DM_READ_MAX */
	struct dm_nic_arg nic;		/* NIC_ATTACH */
	unsigned int devid;		/* NIC_DETACH */
};

/* Parse one command line (no newline; cut up in place). 0, or -EINVAL
 * with one line in err naming what is wrong. */
int dm_cmd_parse(char *line, struct dm_cmd *c, char *err, size_t errlen);

#endif
