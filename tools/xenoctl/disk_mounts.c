/* disk_mounts.c - is a disk in use in dom0? Mounts (/proc/self/mountinfo: partitions, loop devices' backing files), device-mapper holders. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "disk.h"

int disk_id_of(const char *path, struct disk_id *id)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	memset(id, 0, sizeof(*id));
	id->block = S_ISBLK(st.st_mode);
	id->dev = id->block ? st.st_rdev : st.st_dev;
	id->ino = id->block ? 0 : st.st_ino;
	return 0;
}

/* First line of SYSFS/dev/block/MAJ:MIN/rel into buf, newline cut. */
static int mounts_sysfs_read(const char *sysfs, unsigned int maj, unsigned int min,
			     const char *rel, char *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/dev/block/%u:%u/%s", sysfs, maj, min, rel);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Whether block device maj:min is id, holds it (loop device backed by
 * the file id), or is a partition of it. */
static int mounts_dev_is(const char *sysfs, unsigned int maj, unsigned int min,
			 const struct disk_id *id)
{
	char buf[DISK_PATH_MAX];
	unsigned int pmaj, pmin;
	struct disk_id back;
	char *deleted;

	if (id->block) {
		if (id->dev == makedev(maj, min))
			return 1;
		return !mounts_sysfs_read(sysfs, maj, min, "partition", buf, sizeof(buf)) &&
		       !mounts_sysfs_read(sysfs, maj, min, "../dev", buf, sizeof(buf)) &&
		       sscanf(buf, "%u:%u", &pmaj, &pmin) == 2 &&
		       id->dev == makedev(pmaj, pmin);
	}
	if (mounts_sysfs_read(sysfs, maj, min, "loop/backing_file", buf, sizeof(buf)))
		return 0;
	deleted = strstr(buf, " (deleted)");
	if (deleted)
		return 0;
	return !disk_id_of(buf, &back) && !back.block && back.dev == id->dev &&
	       back.ino == id->ino;
}

int disk_mounts_find(const char *mountinfo, const char *sysfs,
		     const struct disk_id *id, enum disk_access *access,
		     char *where, size_t len)
{
	char line[4096], point[DISK_PATH_MAX], opts[512];
	unsigned int maj, min;
	int found = 0;
	FILE *f = fopen(mountinfo, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* ID PARENT MAJ:MIN ROOT POINT OPTIONS ... */
		if (sscanf(line, "%*u %*u %u:%u %*s %1023s %511s", &maj, &min,
			   point, opts) != 4 || !mounts_dev_is(sysfs, maj, min, id))
			continue;
		if (!found || !strncmp(opts, "rw", 2)) {
			*access = strncmp(opts, "rw", 2) ? DISK_ACCESS_RO : DISK_ACCESS_RW;
			snprintf(where, len, "%s", point);
		}
		found = 1;
	}
	fclose(f);
	return found;
}

/* The first entry of DIR/holders (a device-mapper, RAID or bcache
 * device built on it) into name. 1 if there is one. */
static int mounts_first_holder(const char *dir, char *name, size_t len)
{
	char path[1024];
	struct dirent *de;
	DIR *d;
	int found = 0;

	snprintf(path, sizeof(path), "%s/holders", dir);
	d = opendir(path);
	if (!d)
		return 0;
	while (!found && (de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(name, len, "%s", de->d_name);
			found = 1;
		}
	closedir(d);
	return found;
}

int disk_mounts_holder(const char *sysfs, const struct disk_id *id, char *name,
		       size_t len)
{
	char dir[512], sub[1024], part[1100];
	struct dirent *de;
	DIR *d;
	int found;

	if (!id->block)
		return 0;
	snprintf(dir, sizeof(dir), "%s/dev/block/%u:%u", sysfs, major(id->dev),
		 minor(id->dev));
	found = mounts_first_holder(dir, name, len);
	d = found ? NULL : opendir(dir);
	while (d && !found && (de = readdir(d))) {	/* its partitions' holders */
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		snprintf(part, sizeof(part), "%s/partition", sub);
		found = de->d_name[0] != '.' && !access(part, F_OK) &&
			mounts_first_holder(sub, name, len);
	}
	if (d)
		closedir(d);
	return found;
}
