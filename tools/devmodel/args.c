/* args.c - parsing and checking xenolith-dm's command line; nothing is opened here. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int dm_disk_spec_parse(char *val, struct dm_disk_arg *d, const char *what, char *err,
		       size_t errlen)
{
	char *opt, *save = NULL;

	memset(d, 0, sizeof(*d));
	d->path = strtok_r(val, ",", &save);
	if (!d->path || val[0] == ',') {
		snprintf(err, errlen, "%s: no path", what);
		return -EINVAL;
	}
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!strncmp(opt, "vdev=", 5) && strlen(opt) == 9 && !strncmp(opt + 5, "xvd", 3) &&
		    opt[8] >= 'a' && opt[8] <= 'z')
			memcpy(d->vdev, opt + 5, 5);
		else if (!strcmp(opt, "access=rw") || !strcmp(opt, "access=ro") ||
			 !strcmp(opt, "access=shared")) {
			d->ro = !strcmp(opt, "access=ro");
			d->shared = !strcmp(opt, "access=shared");
		}
		else if (!strcmp(opt, "format=raw") || !strcmp(opt, "format=qcow2"))
			d->qcow2 = opt[7] == 'q';
		else {
			snprintf(err, errlen, "%s %s: bad option '%s' (vdev=xvda..xvdz, "
				 "access=rw|ro|shared, format=raw|qcow2)", what, d->path, opt);
			return -EINVAL;
		}
	}
	if (d->shared && d->qcow2) {
		snprintf(err, errlen, "%s %s: access=shared needs format=raw (two writers "
			 "would corrupt a qcow2 image's tables)", what, d->path);
		return -EINVAL;
	}
	return 0;
}

/* One --disk value; a disk without vdev= gets the first free name later. */
static int parse_disk(struct dm_args *a, char *val, char *err, size_t errlen)
{
	if (a->nr_disks == DM_MAX_DISKS) {
		snprintf(err, errlen, "--disk %s: at most %d disks", val, DM_MAX_DISKS);
		return -EINVAL;
	}
	if (dm_disk_spec_parse(val, &a->disk[a->nr_disks], "--disk", err, errlen))
		return -EINVAL;
	a->nr_disks++;
	return 0;
}

/* Name the disks without vdev=, refuse duplicates, then sort by vdev. */
static int finish_disks(struct dm_args *a, char *err, size_t errlen)
{
	bool used[DM_MAX_DISKS] = { false };
	unsigned int i, j;

	for (i = 0; i < a->nr_disks; i++) {
		if (!a->disk[i].vdev[0])
			continue;
		if (used[a->disk[i].vdev[3] - 'a']) {
			snprintf(err, errlen, "--disk %s: vdev=%s given twice", a->disk[i].path,
				 a->disk[i].vdev);
			return -EINVAL;
		}
		used[a->disk[i].vdev[3] - 'a'] = true;
	}
	for (i = 0; i < a->nr_disks; i++) {
		if (a->disk[i].vdev[0])
			continue;
		for (j = 0; used[j]; j++)
			;
		used[j] = true;
		snprintf(a->disk[i].vdev, sizeof(a->disk[i].vdev), "xvd%c", 'a' + j);
	}
	for (i = 1; i < a->nr_disks; i++)
		for (j = i; j > 0 && a->disk[j].vdev[3] < a->disk[j - 1].vdev[3]; j--) {
			struct dm_disk_arg t = a->disk[j];

			a->disk[j] = a->disk[j - 1];
			a->disk[j - 1] = t;
		}
	return 0;
}

/* A decimal number in [min, max] for option opt into *v; -EINVAL with err. */
static int parse_number(const char *opt, const char *s, unsigned long min, unsigned long max,
			const char *what, unsigned long *v, char *err, size_t errlen)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || *v < min || *v > max) {
		snprintf(err, errlen, "%s %s: not %s", opt, s, what);
		return -EINVAL;
	}
	return 0;
}

int dm_args_parse(int argc, char **argv, struct dm_args *a, char *err, size_t errlen)
{
	bool have_domid = false;
	unsigned long v;
	int i;

	memset(a, 0, sizeof(*a));
	a->ready_fd = -1;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			a->help = true;
			return 0;
		}
		if (strcmp(arg, "--domid") && strcmp(arg, "--disk") && strcmp(arg, "--nic") &&
		    strcmp(arg, "--ready-fd") && strcmp(arg, "--control")) {
			snprintf(err, errlen, "%s: unknown argument", arg);
			return -EINVAL;
		}
		if (i + 1 == argc) {
			snprintf(err, errlen, "%s: needs a value", arg);
			return -EINVAL;
		}
		if (!strcmp(arg, "--disk")) {
			if (parse_disk(a, argv[++i], err, errlen))
				return -EINVAL;
		} else if (!strcmp(arg, "--nic")) {
			if (dm_args_nic(a, argv[++i], err, errlen))
				return -EINVAL;
		} else if (!strcmp(arg, "--control")) {
			a->control = argv[++i];
		} else if (!strcmp(arg, "--ready-fd")) {
			if (parse_number(arg, argv[++i], 3, INT_MAX, "a file descriptor from 3",
					 &v, err, errlen))
				return -EINVAL;
			a->ready_fd = (int)v;
		} else {
			if (parse_number(arg, argv[++i], 1, UINT32_MAX, "a domU id", &v, err, errlen))
				return -EINVAL;
			a->domid = (uint32_t)v;
			have_domid = true;
		}
	}
	if (!have_domid) {
		snprintf(err, errlen, "--domid: missing");
		return -EINVAL;
	}
	if (finish_disks(a, err, errlen))
		return -EINVAL;
	return dm_args_nics_finish(a, err, errlen);
}
