/* ctl_cmd.c - parsing the control socket's commands: attach, detach, list, read, nic-attach, nic-detach, nic-list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A decimal number up to max, the whole of s. */
static bool number(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end && *v <= max;
}

/* "xvdX OFFSET LENGTH" after read. */
static int parse_read(char *arg, struct dm_cmd *c, char *err, size_t errlen)
{
	char *save = NULL, *vdev = strtok_r(arg, " ", &save), *off = strtok_r(NULL, " ", &save);
	char *len = strtok_r(NULL, " ", &save);
	uint64_t o, n;

	if (!vdev || !vdev_ok(vdev)) {
		snprintf(err, errlen, "read: '%s' is not a disk name (xvda..xvdz)", vdev ? vdev : "");
		return -EINVAL;
	}
	memcpy(c->vdev, vdev, 5);
	if (!number(off, INT64_MAX, &o) || !number(len, DM_READ_MAX, &n) || !n ||
	    strtok_r(NULL, " ", &save)) {
		snprintf(err, errlen, "read %s: expected OFFSET LENGTH (bytes, decimal; "
			 "LENGTH 1..%d)", vdev, DM_READ_MAX);
		return -EINVAL;
	}
	c->off = o;
	c->len = (uint32_t)n;
	return 0;
}

/* A devid after nic-detach: a decimal number below DM_MAX_NICS. */
static int parse_devid(const char *arg, struct dm_cmd *c, char *err, size_t errlen)
{
	uint64_t v;

	if (!number(arg, DM_MAX_NICS - 1, &v)) {
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
	if (!strcmp(line, "read") && arg) {
		c->kind = DM_CMD_READ;
		return parse_read(arg, c, err, errlen);
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
		 "read xvdX OFFSET LENGTH, nic-attach SPEC, nic-detach DEVID, nic-list)", line);
	return -EINVAL;
}
