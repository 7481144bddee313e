/* vd_pool_dev.c - a partition as the pool: `vd pool add` formats and mounts it, records it, mounts it again after a reboot. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "vd.h"
#include "vd_cmd.h"

#define POOL_LABEL	"xenolith-pool"

/* The recorded device ("/dev/sdb1") and its UUID. 0, or -ENOENT. */
static int pool_record_read(char *dev, size_t devlen, char *uuid, size_t uuidlen)
{
	char d[DISK_PATH_MAX], u[128];
	FILE *f = fopen(vd_pool_record(), "r");
	int n;

	if (!f)
		return -ENOENT;
	n = fscanf(f, "%1023s UUID=%127s", d, u);
	fclose(f);
	if (n != 2)
		return -ENOENT;
	snprintf(dev, devlen, "%s", d);
	snprintf(uuid, uuidlen, "%s", u);
	return 0;
}

/* Whether the pool directory is a mount point (its parent is elsewhere). */
static int pool_mounted(void)
{
	char parent[DISK_PATH_MAX + 4];
	struct stat a, b;

	snprintf(parent, sizeof(parent), "%s/..", vd_pool_dir());
	return !stat(vd_pool_dir(), &a) && !stat(parent, &b) && a.st_dev != b.st_dev;
}

int vd_pool_ready(char *err, size_t errlen)
{
	char dev[DISK_PATH_MAX], uuid[128], spec[160], why[512];

	if (pool_record_read(dev, sizeof(dev), uuid, sizeof(uuid)) || pool_mounted())
		return 0;
	snprintf(spec, sizeof(spec), "UUID=%s", uuid);
	if (vd_mkdirs(vd_pool_dir(), err, errlen))
		return -EIO;
	if (vd_run((const char *[]){ "mount", spec, vd_pool_dir(), NULL }, 0, why,
		   sizeof(why))) {
		snprintf(err, errlen, "the pool's device %s (%s, recorded in %s) cannot "
			 "be mounted on %s: %s", dev, spec, vd_pool_record(), vd_pool_dir(), why);
		return -EIO;
	}
	return 0;
}

/* Refuse a device in use: mounted, held by a domain, holding data. */
static int pool_device_unused(const char *device, int force, char *err, size_t errlen)
{
	char where[DISK_PATH_MAX], holders[256], what[512];
	enum disk_access mode;
	struct disk_id id;
	struct vd_info *list;
	int n;

	if (disk_id_of(device, &id) || !id.block) {
		snprintf(err, errlen, "%s: not a block device", device);
		return -EINVAL;
	}
	if (disk_mounts_find("/proc/self/mountinfo", "/sys", &id, &mode, where,
			     sizeof(where)) > 0) {
		snprintf(err, errlen, "%s is mounted on %s: unmount it first", device, where);
		return -EBUSY;
	}
	if (!vd_holders(device, holders, sizeof(holders)) && holders[0]) {
		snprintf(err, errlen, "%s is a disk of %s", device, holders);
		return -EBUSY;
	}
	if (!force && vd_run_read((const char *[]){ "blkid", "-p", "-o", "export",
				  device, NULL }, 0, what, sizeof(what)) == 0) {
		snprintf(err, errlen, "%s holds data (blkid: %s): add --force to "
			 "format it anyway", device, what);
		return -EEXIST;
	}
	n = vd_list_read(&list, err, errlen);
	if (n > 0)
		snprintf(err, errlen, "the pool %s holds %d disk%s now: delete or move "
			 "them before a device is mounted over them", vd_pool_dir(), n,
			 n > 1 ? "s" : "");
	if (n > 0)
		free(list);
	return n > 0 ? -EEXIST : n;
}

int vd_pool_add(const char *device, int force, char *err, size_t errlen)
{
	char uuid[128], rec[DISK_PATH_MAX], tmp[DISK_PATH_MAX + 16], *slash;
	FILE *f;
	int ret = pool_device_unused(device, force, err, errlen);

	if (ret)
		return ret;
	if (pool_mounted()) {
		snprintf(err, errlen, "%s is a mount point already: `vd pool list`",
			 vd_pool_dir());
		return -EBUSY;
	}
	vd_say("vd pool add: formatting %s (ext4)\n", device);
	ret = vd_run((const char *[]){ "mke2fs", "-q", "-F", "-t", "ext4", "-L",
		     POOL_LABEL, device, NULL }, 0, err, errlen);
	if (!ret && vd_run_read((const char *[]){ "blkid", "-p", "-o", "value", "-s",
				"UUID", device, NULL }, 0, uuid, sizeof(uuid))) {
		snprintf(err, errlen, "blkid: no UUID on %s after mke2fs", device);
		ret = -EIO;
	}
	if (!ret)
		ret = vd_mkdirs(vd_pool_dir(), err, errlen);
	if (!ret)
		ret = vd_run((const char *[]){ "mount", "-t", "ext4", device,
			     vd_pool_dir(), NULL }, 0, err, errlen);
	if (ret)
		return ret > 0 ? -EIO : ret;
	snprintf(rec, sizeof(rec), "%s", vd_pool_record());
	slash = strrchr(rec, '/');
	if (slash && slash != rec) {
		*slash = '\0';
		vd_mkdirs(rec, tmp, sizeof(tmp));	/* fopen below says why */
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", vd_pool_record());
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%s UUID=%s\n", device, uuid) < 0 || fclose(f) ||
	    rename(tmp, vd_pool_record())) {
		snprintf(err, errlen, "%s: %s (the pool is mounted, but will not be "
			 "found after a reboot)", vd_pool_record(), strerror(errno));
		return -errno;
	}
	return 0;
}

int vd_pool_list(char *err, size_t errlen)
{
	char dev[DISK_PATH_MAX], uuid[128], size[32], avail[32];
	struct vd_info *list;
	struct statvfs sv;
	int n = vd_list_read(&list, err, errlen);

	if (n < 0)
		return n;
	free(list);
	printf("%-10s: %s\n", "directory", vd_pool_dir());
	if (pool_record_read(dev, sizeof(dev), uuid, sizeof(uuid)))
		printf("%-10s: none (in dom0's root file system: RAM on the live CD)\n",
		       "device");
	else
		printf("%-10s: %s UUID=%s (%s)\n", "device", dev, uuid,
		       pool_mounted() ? "mounted" : "not mounted");
	if (!statvfs(vd_pool_dir(), &sv)) {
		vd_size_format((uint64_t)sv.f_blocks * sv.f_frsize, size, sizeof(size));
		vd_size_format((uint64_t)sv.f_bavail * sv.f_frsize, avail, sizeof(avail));
		printf("%-10s: %s\n%-10s: %s\n", "size", size, "free", avail);
	}
	printf("%-10s: %d\n", "disks", n);
	return 0;
}
