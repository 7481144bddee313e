/* disk.h - a domain's virtual disks: the `disk` specs of a configuration, their checks, and who holds which disk. */
#ifndef XENOCTL_DISK_H
#define XENOCTL_DISK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * docs/disks.md is the user's side of this. The order of work:
 * disk_spec_parse() reads one spec (plain text, no file system);
 * disk_list_finish() checks a domain's list (duplicates) and names
 * each disk in the guest; disk_check() looks at the targets (exist,
 * format); disk_claims_check()/claim()/release() keep two domains
 * (or a domain and dom0) from writing the same disk.
 */

#define DISK_MAX		16	/* disks of one domain */
#define DISK_PATH_MAX		1024	/* bytes of a target path, with NUL */
#define DISK_VDEV_MAX		16	/* bytes of a vdev name, with NUL */
#define DISK_NAME_MAX		64	/* characters of a pool disk's name */
#define DISK_LETTERS		26	/* vdev letters a..z */

enum disk_format {
	DISK_FORMAT_RAW,
	DISK_FORMAT_QCOW2,
};

enum disk_access {
	DISK_ACCESS_RO,		/* r, ro */
	DISK_ACCESS_RW,		/* w, rw: this domain alone writes it */
	DISK_ACCESS_RW_SHARED,	/* w!: written, sharing allowed */
};

/* Where the target comes from, as the spec's prefix says. */
enum disk_kind {
	DISK_KIND_ANY,		/* no prefix: a file or a block device */
	DISK_KIND_FILE,		/* file:, tap:aio:, tap:qcow2:, ...: a file */
	DISK_KIND_PHY,		/* phy:: a block device */
	DISK_KIND_POOL,		/* vd:NAME: a disk of the storage pool */
};

/* One disk of a domain. Lives in struct domain_config. */
struct disk_spec {
	char target[DISK_PATH_MAX];	/* path; vd:NAME: set by disk_check() */
	char pool_name[DISK_NAME_MAX + 1];	/* vd:NAME's NAME, else "" */
	enum disk_kind kind;
	enum disk_format format;	/* raw unless the spec says qcow2 */
	int format_given;		/* the spec named the format */
	char vdev[DISK_VDEV_MAX];	/* as written: "xvda", "hdb", "sdc" */
	unsigned int vdev_index;	/* the vdev's letter: a = 0 */
	char guest_dev[8];		/* the guest's name: "vda", "vdb", ... */
	enum disk_access access;
	unsigned int line;		/* in the config file; 0 = command line */
	unsigned int entry;		/* index in the disk list */
};

/* Parse one spec ("file:/img,xvda,w", "/dev/vg/lv,raw,xvda,rw",
 * "vdev=xvdb, access=ro, target=/x", "vd:web,xvda,w") into d, which
 * keeps its line and entry. Returns 0, or -EINVAL with the reason,
 * without file or entry ("access 'rx': expected r, w or w!"), in why. */
int disk_spec_parse(const char *spec, struct disk_spec *d, char *why,
		    size_t len);

/* A vdev name (xvdX, hdX, sdX, vdX, optionally "ioemu:" before) to its
 * letter's index. 0, or -EINVAL with the reason in why. */
int disk_vdev_index(const char *vdev, unsigned int *index, char *why,
		    size_t len);

/* Check a domain's n disks (in list order) as a whole: no vdev letter
 * twice; sort them by vdev letter and name them vda, vdb, ... in that
 * order, as the guest will. 0, or -EINVAL with the index of the bad
 * disk in *bad and the reason in why. */
int disk_list_finish(struct disk_spec *disks, unsigned int n, unsigned int *bad,
		     char *why, size_t len);

/* Look at each target on this host: vd:NAME found in the pool, the path
 * exists (a relative one is made absolute), has no comma (the device
 * model could not take it), is a file or block device as the prefix says, its contents
 * match the format (qcow2 magic QFI\xfb and a sound header, or raw that
 * is no qcow2). 0, or -EINVAL/-errno with "FILE:LINE: disk[N]: ..."
 * (filename names the configuration) in err. */
int disk_check(struct disk_spec *disks, unsigned int n, const char *filename,
	       char *err, size_t errlen);

/* Whether buf (n bytes from the image's start) begins with QFI\xfb. */
int disk_qcow2_is(const unsigned char *buf, size_t n);
/* Check the qcow2 header in buf (n bytes, at least 104 read if the file
 * has them) of a file_size-byte image: version 2/3, sane clusters and
 * tables, no encryption, no backing file, not dirty or corrupt. 0 with
 * the guest-visible size in *virtual_size, or -EINVAL with why. */
int disk_qcow2_header(const unsigned char *buf, size_t n, uint64_t file_size,
		      uint64_t *virtual_size, char *why, size_t len);
/* Open the qcow2 image at path as qemu-nbd will (qemu-img info, sharing
 * locks): qemu checks more than the header (refcount width, L1 size ...).
 * 0, or -EINVAL with qemu's reason in why. */
int disk_qcow2_opens(const char *path, char *why, size_t len);

/* A disk's identity on this host: a block device's number, or a file's
 * device and inode (whatever path names it). */
struct disk_id {
	int block;		/* 1: dev is the device itself */
	dev_t dev;
	ino_t ino;		/* files only */
};

/* The identity of the file or block device at path. 0 or -errno. */
int disk_id_of(const char *path, struct disk_id *id);

/* Whether dom0 has disk id mounted (mountinfo as /proc/self/mountinfo,
 * sysfs as /sys): the device itself, a partition of it, or a loop device
 * backed by the file. Returns 1 with the mode (RW if any mount is rw)
 * and a mount point, 0 if not mounted, -errno if mountinfo is unreadable. */
int disk_mounts_find(const char *mountinfo, const char *sysfs,
		     const struct disk_id *id, enum disk_access *access,
		     char *where, size_t len);

/* Whether block device id, or a partition of it, is held by another
 * block device of dom0 (LVM, device-mapper, RAID: SYSFS/.../holders).
 * 1 with the holder's name ("dm-0") in name, else 0. */
int disk_mounts_holder(const char *sysfs, const struct disk_id *id, char *name,
		       size_t len);

/* Where the claims live and what dom0 has mounted; tests change them. */
struct disk_claims_env {
	const char *run_dir;	/* claims in RUN/disks (saved_run_dir()) */
	const char *mountinfo;	/* "/proc/self/mountinfo" */
	const char *sysfs;	/* "/sys" */
};

/* Whether a disk held with access held may also be attached with want:
 * two attachments clash when either is plain w, unless want is w!. */
int disk_claims_conflict(enum disk_access held, enum disk_access want);

/* Check that domain may attach its n disks (checked by disk_check, so
 * targets are resolved): none clashes with another domain's claim, a
 * dom0 mount or an earlier disk of its own. 0, or -EBUSY with "disk[N]:
 * 'TARGET' is attached writable to domain X" (or "mounted in dom0 on
 * /mnt") in err. */
int disk_claims_check(const struct disk_claims_env *env, const char *domain,
		      const struct disk_spec *disks, unsigned int n,
		      char *err, size_t errlen);
/* Check, then record that domain holds its disks (under a lock, so two
 * creates cannot both win). 0 or -errno with err. */
int disk_claims_claim(const struct disk_claims_env *env, const char *domain,
		      const struct disk_spec *disks, unsigned int n,
		      char *err, size_t errlen);
/* Forget domain's claim on the disk at target (detached at run time). */
void disk_claims_release_one(const struct disk_claims_env *env, const char *domain,
			     const char *target);
/* Forget every claim of domain (it ended). */
void disk_claims_release(const struct disk_claims_env *env, const char *domain);
/* The domain from is now called to (`xenoctl rename`). */
void disk_claims_rename(const struct disk_claims_env *env, const char *from,
			const char *to);
/* The domains holding the disk at path, as "web(w) db(r)" in buf ("" if
 * none). 0 or -errno. */
int disk_claims_holders(const struct disk_claims_env *env, const char *path,
			char *buf, size_t len);

#define DISK_INUSE_SB_LEN	128	/* bytes of an ext2/3/4 superblock looked at */

/* Whether the ext2/3/4 superblock sb (its first DISK_INUSE_SB_LEN bytes)
 * is marked in use: the journal needs recovery (ext3/4 mounted read-write)
 * or the state lacks "cleanly unmounted" (ext2 mounted read-write, or any
 * left dirty by a crash). "ext2", "ext3" or "ext4" if so; NULL if clean or
 * no ext2/3/4 superblock. A read-only mount marks nothing. */
const char *disk_inuse_ext(const unsigned char sb[DISK_INUSE_SB_LEN]);

/* Whether the disk read gives (n bytes at off: 0 or -errno) holds a file
 * system marked in use, on the whole disk or a partition of its MBR or
 * GPT table (bootloader_partitions). 1 with "ext4 on xvdb1" (vdev names
 * the disk) in what; 0 if none; -errno if its first sector is unreadable. */
int disk_inuse_find(int (*read)(void *ctx, uint64_t off, void *buf, size_t n), void *ctx,
		    const char *vdev, char *what, size_t len);

/* The spec's access as written in a config: "r", "w" or "w!". */
const char *disk_access_name(enum disk_access a);
/* "raw" or "qcow2". */
const char *disk_format_name(enum disk_format f);

#endif
