/* disk_inuse.c - whether a disk holds a file system its guest has mounted: an ext2/3/4 superblock marked in use, on the whole disk or a partition. */
#include <errno.h>
#include <stdio.h>

#include "bootloader.h"
#include "disk.h"

/* The ext2/3/4 superblock: 1024 bytes at 1024 (e2fsprogs' ext2_fs.h). */
#define EXT_SB_OFF		1024
#define EXT_SB_MAGIC		56	/* le16 0xef53 */
#define EXT_SB_STATE		58	/* le16 */
#define EXT_SB_COMPAT		92	/* le32 */
#define EXT_SB_INCOMPAT		96	/* le32 */
#define EXT_MAGIC		0xef53
#define EXT_STATE_VALID		0x0001	/* cleanly unmounted */
#define EXT_COMPAT_JOURNAL	0x0004
#define EXT_INCOMPAT_RECOVER	0x0004	/* the journal needs recovery */
#define EXT_INCOMPAT_EXT4	(0x0040 | 0x0080 | 0x0200)	/* extents, 64bit, flex_bg */

#define INUSE_PARTS		64	/* partitions looked at */

static unsigned int le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

const char *disk_inuse_ext(const unsigned char sb[DISK_INUSE_SB_LEN])
{
	uint32_t incompat = le32(sb + EXT_SB_INCOMPAT);

	if (le16(sb + EXT_SB_MAGIC) != EXT_MAGIC)
		return NULL;
	if (!(incompat & EXT_INCOMPAT_RECOVER) && le16(sb + EXT_SB_STATE) & EXT_STATE_VALID)
		return NULL;
	if (incompat & EXT_INCOMPAT_EXT4)
		return "ext4";
	return le32(sb + EXT_SB_COMPAT) & EXT_COMPAT_JOURNAL ? "ext3" : "ext2";
}

int disk_inuse_find(int (*read)(void *ctx, uint64_t off, void *buf, size_t n), void *ctx,
		    const char *vdev, char *what, size_t len)
{
	struct bootloader_part parts[INUSE_PARTS];
	unsigned char sb[DISK_INUSE_SB_LEN];
	int n = bootloader_partitions(read, ctx, parts, INUSE_PARTS);

	for (int i = 0; i < n; i++) {
		const char *kind;

		/* a table entry pointing past the disk's end is no file system */
		if (read(ctx, parts[i].off + EXT_SB_OFF, sb, sizeof(sb)))
			continue;
		kind = disk_inuse_ext(sb);
		if (!kind)
			continue;
		if (parts[i].num)
			snprintf(what, len, "%s on %s%u", kind, vdev, parts[i].num);
		else
			snprintf(what, len, "%s on %s", kind, vdev);
		return 1;
	}
	return n < 0 ? n : 0;
}
