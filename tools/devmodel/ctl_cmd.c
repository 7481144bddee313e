/* ctl_cmd.c - parsing the control socket's commands: attach, detach, list. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "ctl_cmd.h"

/* xvda .. xvdz */
static bool vdev_ok(const char *s)
{
	return strlen(s) == 4 && !strncmp(s, "xvd", 3) && s[3] >= 'a' && s[3] <= 'z';
}

/* "xvdX" or "xvdX force" after detach. */
static int parse_detach(char *arg, struct dm_cmd *c, char *err, size_t errlen)
{
	char *save = NULL, *vdev = strtok_r(arg, " ", &save), *opt = strtok_r(NULL, " ", &save);

	if (!vdev || !vdev_ok(vdev)) {
		snprintf(err, errlen, "detach: '%s' is not a disk name (xvda..xvdz)", vdev ? vdev : "");
		return -EINVAL;
	}
	memcpy(c->vdev, vdev, 5);
	if (opt && strcmp(opt, "force")) {
		snprintf(err, errlen, "detach %s: unknown option '%s' (force)", vdev, opt);
		return -EINVAL;
	}
	c->force = opt;
	if (strtok_r(NULL, " ", &save)) {
		snprintf(err, errlen, "detach %s: too many arguments", vdev);
		return -EINVAL;
	}
	return 0;
}

/* A devid after nic-detach: a decimal number below DM_MAX_NICS. */
static int parse_devid(const char *arg, struct dm_cmd *c, char *err, size_t errlen)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (!isdigit((unsigned char)arg[0]) || *end || v >= DM_MAX_NICS) {
		snprintf(err, errlen, "nic-detach: '%s' is not a devid (0..%d)", arg,
			 DM_MAX_NICS - 1);
		return -EINVAL;
	}
	c->devid = (unsigned int)v;
	return 0;
}

int dm_cmd_parse(char *line, struct dm_cmd *c, char *err, size_t errlen)
{
	char *arg = strchr(line, ' ');

	memset(c, 0, sizeof(*c));
	if (arg)
		*arg++ = '\0';
	if (!strcmp(line, "list") && !arg) {
		c->kind = DM_CMD_LIST;
		return 0;
	}
	if (!strcmp(line, "attach") && arg) {
		c->kind = DM_CMD_ATTACH;
		return dm_disk_spec_parse(arg, &c->disk, "attach", err, errlen);
	}
	if (!strcmp(line, "detach") && arg) {
		c->kind = DM_CMD_DETACH;
		return parse_detach(arg, c, err, errlen);
	}
	if (!strcmp(line, "nic-list") && !arg) {
		c->kind = DM_CMD_NIC_LIST;
		return 0;
	}
	if (!strcmp(line, "nic-attach")) {
		c->kind = DM_CMD_NIC_ATTACH;
		return dm_nic_spec_parse(arg ? arg : (char[]){ "" }, &c->nic, err, errlen);
	}
	if (!strcmp(line, "nic-detach") && arg) {
		c->kind = DM_CMD_NIC_DETACH;
		return parse_devid(arg, c, err, errlen);
	}
	snprintf(err, errlen, "'%s': unknown command (attach SPEC, detach xvdX [force], list, "
		 "nic-attach SPEC, nic-detach DEVID, nic-list)", line);
	return -EINVAL;
}
