/* cmd_block.c - block-attach, block-detach, block-list: disks added to and taken from a running domain through its device model (docs/disks.md). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block.h"
#include "dm_ask.h"
#include "vd.h"
#include "xenoctl.h"

#define CLAIMS_ENV	(&(struct disk_claims_env){ saved_run_dir(), NULL, NULL })

/* msg without its leading prefix, when it has it. */
static const char *unprefixed(const char *msg, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(msg, prefix, n) ? msg : msg + n;
}

/* Keep the saved configuration in step with the disks (add, or with add
 * NULL take xvdX of vdev_index out): a restart has them. A failure is a
 * warning; the disk was attached or detached all the same. */
static void block_save(const char *name, const struct disk_spec *add, unsigned int vdev_index)
{
	char err[1024];

	if (saved_config_disk(name, add, vdev_index, err, sizeof(err)))
		fprintf(stderr, "xenoctl: warning: %s (a restart of domain %s will %s xvd%c)\n",
			err, name, add ? "not have" : "still have", 'a' + vdev_index);
}

int cmd_block_attach(int argc, char **argv)
{
	char why[512], err[1024], name[XL_NAME_MAX], path[PATH_MAX], spec[DISK_PATH_MAX + 64];
	char line[DISK_PATH_MAX + 80];
	static char reply[BLOCK_REPLY_MAX];
	struct disk_spec d = { 0 };
	struct xl_handle *h;

	if (argc != 3)
		return cmd_fail("block-attach: usage: xenoctl block-attach DOM SPEC");
	if (disk_spec_parse(argv[2], &d, why, sizeof(why)))
		return cmd_fail("block-attach: '%s': %s", argv[2], why);
	h = cmd_open();
	if (!h || dm_ask_domain(h, argv[1], "disks", name, sizeof(name), path, sizeof(path), NULL))
		return 1;
	if (d.kind == DISK_KIND_POOL && vd_pool_ready(err, sizeof(err)))
		return cmd_fail("%s", err);
	if (disk_check(&d, 1, "block-attach", err, sizeof(err)))
		return cmd_fail("block-attach: %s", unprefixed(err, "command line: disk[0]: "));
	block_dm_spec(&d, spec, sizeof(spec));
	if (disk_claims_claim(CLAIMS_ENV, name, &d, 1, err, sizeof(err)))
		return cmd_fail("block-attach: %s", unprefixed(err, "disk[0]: "));
	snprintf(line, sizeof(line), "attach %s", spec);
	if (dm_ask_or_fail(name, path, line, reply, sizeof(reply))) {
		disk_claims_release_one(CLAIMS_ENV, name, d.target);
		return 1;
	}
	block_save(name, &d, d.vdev_index);
	printf("Attached %s to domain %s as xvd%c (in the guest: /dev/disk/by-id/virtio-xvd%c)\n",
	       d.target, name, 'a' + d.vdev_index, 'a' + d.vdev_index);
	return 0;
}

/* Split one row of a list answer at its tabs (vdev, guest device, slot,
 * target, format, access, state) into f; the number of fields before the
 * state (6 for a disk's row). */
static int split_row(char *row, char *f[7])
{
	char *save = NULL;
	int n = 0;

	for (f[n] = strtok_r(row, "\t", &save); f[n] && n < 6; f[++n] = strtok_r(NULL, "\t", &save))
		;
	return n;
}

/* The target of disk vdev in a list answer, into target, and whether it
 * was detached by force already (*released); 0 or -ENOENT. */
static int listed_target(char *list, const char *vdev, char *target, size_t len, int *released)
{
	char *row, *save = NULL;

	for (row = strtok_r(list, "\n", &save); row; row = strtok_r(NULL, "\n", &save)) {
		char *f[7];

		if (split_row(row, f) == 6 && !strcmp(f[0], vdev)) {
			snprintf(target, len, "%s", f[3]);
			*released = f[6] && !strcmp(f[6], "released");
			return 0;
		}
	}
	return -ENOENT;
}

/* Refuse to detach vdev of domain name while the guest has a file system
 * on it mounted: its superblock, read through the device model at path,
 * says so (disk_inuse_find). 0, or 1 after printing why. */
static int refuse_mounted(const char *name, const char *path, const char *vdev)
{
	static struct block_reader r;
	char what[64];
	int ret;

	memset(&r, 0, sizeof(r));
	r.path = path;
	snprintf(r.vdev, sizeof(r.vdev), "%s", vdev);
	ret = disk_inuse_find(block_reader_read, &r, vdev, what, sizeof(what));
	if (ret < 0)
		return cmd_fail("block-detach %s %s: cannot look for a mounted file system on "
				"it: %s (--force detaches without looking)", name, vdev, r.err);
	if (ret)
		return cmd_fail("block-detach %s %s: the guest has a file system on it mounted "
				"(%s); unmount it in the guest or use --force", name, vdev, what);
	return 0;
}

int cmd_block_detach(int argc, char **argv)
{
	char why[256], name[XL_NAME_MAX], path[PATH_MAX], target[DISK_PATH_MAX];
	char vdev[8], line[64];
	static char reply[BLOCK_REPLY_MAX];
	const char *pos[2];
	int i, ret, npos = 0, force = 0, released = 0;
	unsigned int index;
	struct xl_handle *h;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (argv[i][0] == '-' || npos == 2)
			return cmd_fail("block-detach: usage: xenoctl block-detach DOM VDEV [--force]");
		else
			pos[npos++] = argv[i];
	}
	if (npos != 2)
		return cmd_fail("block-detach: usage: xenoctl block-detach DOM VDEV [--force]");
	if (disk_vdev_index(pos[1], &index, why, sizeof(why)))
		return cmd_fail("block-detach: %s", why);
	snprintf(vdev, sizeof(vdev), "xvd%c", 'a' + index);
	h = cmd_open();
	if (!h || dm_ask_domain(h, pos[0], "disks", name, sizeof(name), path, sizeof(path), NULL) ||
	    dm_ask_or_fail(name, path, "list", reply, sizeof(reply)))
		return 1;
	if (listed_target(reply, vdev, target, sizeof(target), &released))
		return cmd_fail("domain %s has no disk %s (`xenoctl block-list %s`)", name, vdev,
				pos[0]);
	if (!force && !released && refuse_mounted(name, path, vdev))
		return 1;
	snprintf(line, sizeof(line), "detach %s%s", vdev, force ? " force" : "");
	ret = dm_ask(name, path, line, reply, sizeof(reply));
	if (ret > 0)
		return 1;
	if (ret < 0)
		return cmd_fail("domain %s: %s%s", name, reply, strstr(reply, "did not release") ?
				"; it stays attached (mounted or in use in the guest? --force "
				"takes it anyway)" : "");
	disk_claims_release_one(CLAIMS_ENV, name, target);
	block_save(name, NULL, index);
	if (strstr(reply, " forced"))
		printf("Detached %s from domain %s by force: the guest did not release it and "
		       "sees I/O errors on it\n", vdev, name);
	else
		printf("Detached %s from domain %s\n", vdev, name);
	return 0;
}

int cmd_block_list(int argc, char **argv)
{
	char name[XL_NAME_MAX], path[PATH_MAX], *row, *save = NULL;
	static char reply[BLOCK_REPLY_MAX];
	struct xl_handle *h;

	if (argc != 2)
		return cmd_fail("block-list: usage: xenoctl block-list DOM");
	h = cmd_open();
	if (!h || dm_ask_domain(h, argv[1], "disks", name, sizeof(name), path, sizeof(path), NULL) ||
	    dm_ask_or_fail(name, path, "list", reply, sizeof(reply)))
		return 1;
	printf("%-6s %-30s %-6s %-6s %s\n", "Vdev", "Guest device", "Format", "Access", "Target");
	for (row = strtok_r(reply, "\n", &save); row; row = strtok_r(NULL, "\n", &save)) {
		char *f[7];

		if (split_row(row, f) < 6)
			continue;	/* the final "ok" */
		printf("%-6s %-30s %-6s %-6s %s%s\n", f[0], f[1], f[4],
		       !strcmp(f[5], "ro") ? "r" : !strcmp(f[5], "shared") ? "w!" : "w",
		       f[3], f[6] && !strcmp(f[6], "released") ?
		       "  (detached by force; the guest still holds it)" : "");
	}
	return 0;
}
