/* disk_claims.c - which domain holds which disk (RUN/disks), and the manual's rules for sharing them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "disk.h"

/* One claim file per disk and domain: RUN/disks/KEY@DOMAIN, holding
 * "ACCESS TARGET\n"; KEY is the disk's identity (struct disk_id). */

int disk_claims_conflict(enum disk_access held, enum disk_access want)
{
	if (want == DISK_ACCESS_RW_SHARED)
		return 0;
	return held == DISK_ACCESS_RW || want == DISK_ACCESS_RW;
}

static void claims_dir(const struct disk_claims_env *env, char *buf, size_t len)
{
	snprintf(buf, len, "%s/disks", env && env->run_dir ? env->run_dir : "/run/xenolith");
}

static void claims_key(const struct disk_id *id, char *buf, size_t len)
{
	if (id->block)
		snprintf(buf, len, "b%u.%u", major(id->dev), minor(id->dev));
	else
		snprintf(buf, len, "f%u.%u.%llu", major(id->dev), minor(id->dev),
			 (unsigned long long)id->ino);
}

static const char *claims_access_words(enum disk_access a)
{
	return a == DISK_ACCESS_RO ? "read-only" : a == DISK_ACCESS_RW ?
	       "writable" : "writable (shared, w!)";
}

/* Call fn for each claim on disk key by a domain other than skip; stops
 * at the first non-zero result and returns it. */
static int claims_each(const struct disk_claims_env *env, const char *key,
		       const char *skip, int (*fn)(void *ctx, const char *domain,
						   enum disk_access a), void *ctx)
{
	char dir[1024], path[1400], mode[4];
	size_t klen = strlen(key);
	struct dirent *de;
	int ret = 0;
	DIR *d;

	claims_dir(env, dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!ret && (de = readdir(d))) {
		const char *domain = de->d_name + klen + 1;
		FILE *f;

		if (strncmp(de->d_name, key, klen) || de->d_name[klen] != '@' ||
		    (skip && !strcmp(domain, skip)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		if (!f || fscanf(f, "%3s", mode) != 1)
			snprintf(mode, sizeof(mode), "w");	/* unreadable: assume the worst */
		if (f)
			fclose(f);
		ret = fn(ctx, domain, !strcmp(mode, "r") ? DISK_ACCESS_RO :
			 !strcmp(mode, "w!") ? DISK_ACCESS_RW_SHARED : DISK_ACCESS_RW);
	}
	closedir(d);
	return ret;
}

struct claims_clash {
	enum disk_access want;
	char *msg;
	size_t len;
	const char *prefix;	/* "disk[N]: 'TARGET'" */
};

static int claims_clash_fn(void *ctx, const char *domain, enum disk_access a)
{
	struct claims_clash *c = ctx;

	if (!disk_claims_conflict(a, c->want))
		return 0;
	snprintf(c->msg, c->len, "%s is attached %s to domain %s%s", c->prefix,
		 claims_access_words(a), domain, c->want == DISK_ACCESS_RO ? "" :
		 " (w! shares it writable, if you are certain)");
	return -EBUSY;
}

/* Disk i against dom0's mounts, other domains and the disks before it. */
static int claims_check_one(const struct disk_claims_env *env, const char *domain,
			    const struct disk_spec *disks, unsigned int i,
			    char *err, size_t errlen)
{
	const struct disk_spec *d = &disks[i];
	struct claims_clash c = { d->access, err, errlen, NULL };
	char prefix[DISK_PATH_MAX + 32], key[64], where[DISK_PATH_MAX];
	struct disk_id id, other;
	enum disk_access mounted;
	int ret;

	snprintf(prefix, sizeof(prefix), "disk[%u]: '%s'", d->entry, d->target);
	c.prefix = prefix;
	ret = disk_id_of(d->target, &id);
	if (ret) {
		snprintf(err, errlen, "%s: %s", prefix, strerror(-ret));
		return ret;
	}
	for (unsigned int j = 0; j < i; j++)
		if (!disk_id_of(disks[j].target, &other) && other.block == id.block &&
		    other.dev == id.dev && other.ino == id.ino &&
		    disk_claims_conflict(disks[j].access, d->access)) {
			snprintf(err, errlen, "%s is also disk[%u] of this domain",
				 prefix, disks[j].entry);
			return -EBUSY;
		}
	if (disk_mounts_holder(env && env->sysfs ? env->sysfs : "/sys", &id, where,
			       sizeof(where)) && d->access != DISK_ACCESS_RW_SHARED) {
		snprintf(err, errlen, "%s is in use in dom0 by %s (device-mapper, LVM or "
			 "RAID)%s", prefix, where, d->access == DISK_ACCESS_RO ? "" :
			 "; write w! if you are certain");
		return -EBUSY;
	}
	ret = disk_mounts_find(env && env->mountinfo ? env->mountinfo :
			       "/proc/self/mountinfo", env && env->sysfs ? env->sysfs :
			       "/sys", &id, &mounted, where, sizeof(where));
	if (ret > 0 && disk_claims_conflict(mounted, d->access)) {
		snprintf(err, errlen, "%s is mounted %s in dom0 on %s (unmount it%s)",
			 prefix, mounted == DISK_ACCESS_RO ? "read-only" : "read-write",
			 where, d->access == DISK_ACCESS_RO ? "" :
			 ", or write w! if you are certain");
		return -EBUSY;
	}
	claims_key(&id, key, sizeof(key));
	return claims_each(env, key, domain, claims_clash_fn, &c);
}

int disk_claims_check(const struct disk_claims_env *env, const char *domain,
		      const struct disk_spec *disks, unsigned int n,
		      char *err, size_t errlen)
{
	for (unsigned int i = 0; i < n; i++) {
		int ret = claims_check_one(env, domain, disks, i, err, errlen);

		if (ret)
			return ret;
	}
	return 0;
}

/* The claim file of domain on the disk at target, into path. 0 or -errno. */
static int claims_path(const char *dir, const char *domain, const char *target, char *path,
		       size_t len)
{
	char key[64];
	struct disk_id id;
	int ret = disk_id_of(target, &id);

	if (ret)
		return ret;
	claims_key(&id, key, sizeof(key));
	snprintf(path, len, "%s/%s@%s", dir, key, domain);
	return 0;
}

/* Write one claim file (through a temporary name). */
static int claims_write(const char *dir, const char *domain, const struct disk_spec *d)
{
	char path[1400], tmp[1500];
	FILE *f;
	int ret = claims_path(dir, domain, d->target, path, sizeof(path));

	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s/.tmp.%d", dir, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%s %s\n", disk_access_name(d->access), d->target);
	if (fclose(f) || rename(tmp, path)) {
		ret = -errno;
		unlink(tmp);
	}
	return ret;
}

int disk_claims_claim(const struct disk_claims_env *env, const char *domain,
		      const struct disk_spec *disks, unsigned int n,
		      char *err, size_t errlen)
{
	char dir[1024], lock[1100];
	unsigned int i = 0;
	int fd, ret;

	claims_dir(env, dir, sizeof(dir));
	snprintf(lock, sizeof(lock), "%s/.lock", dir);
	if ((mkdir(env && env->run_dir ? env->run_dir : "/run/xenolith", 0755) &&
	     errno != EEXIST) || (mkdir(dir, 0755) && errno != EEXIST) ||
	    (fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return ret;
	}
	flock(fd, LOCK_EX);
	ret = disk_claims_check(env, domain, disks, n, err, errlen);
	for (i = 0; !ret && i < n; i++) {
		ret = claims_write(dir, domain, &disks[i]);
		if (ret)
			snprintf(err, errlen, "%s: %s", dir, strerror(-ret));
	}
	/* Undo only this call's claims: the domain may hold others (block-attach). */
	while (ret && i-- > 0)
		disk_claims_release_one(env, domain, disks[i].target);
	close(fd);
	return ret;
}

void disk_claims_release_one(const struct disk_claims_env *env, const char *domain,
			     const char *target)
{
	char dir[1024], path[1400];

	claims_dir(env, dir, sizeof(dir));
	if (!claims_path(dir, domain, target, path, sizeof(path)))
		unlink(path);
}

/* Rename each claim file KEY@from to KEY@to, or remove it (to NULL). */
static void claims_move(const struct disk_claims_env *env, const char *from,
			const char *to)
{
	char dir[1024], path[1400], dest[1400];
	struct dirent *de;
	DIR *d;

	claims_dir(env, dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *at = strrchr(de->d_name, '@');

		if (!at || strcmp(at + 1, from))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(dest, sizeof(dest), "%s/%.*s@%s", dir, (int)(at - de->d_name),
			 de->d_name, to ? to : "");
		if (to)
			rename(path, dest);
		else
			unlink(path);
	}
	closedir(d);
}

void disk_claims_release(const struct disk_claims_env *env, const char *domain)
{
	claims_move(env, domain, NULL);
}

void disk_claims_rename(const struct disk_claims_env *env, const char *from,
			const char *to)
{
	claims_move(env, from, to);
}

struct claims_list {
	char *buf;
	size_t len, used;
};

static int claims_list_fn(void *ctx, const char *domain, enum disk_access a)
{
	struct claims_list *l = ctx;
	int n = snprintf(l->buf + l->used, l->len - l->used, "%s%s(%s)",
			 l->used ? " " : "", domain, disk_access_name(a));

	if (n > 0 && (size_t)n < l->len - l->used)
		l->used += (size_t)n;
	return 0;
}

int disk_claims_holders(const struct disk_claims_env *env, const char *path,
			char *buf, size_t len)
{
	struct claims_list l = { buf, len, 0 };
	struct disk_id id;
	char key[64];
	int ret = disk_id_of(path, &id);

	buf[0] = '\0';
	if (ret)
		return ret;
	claims_key(&id, key, sizeof(key));
	return claims_each(env, key, NULL, claims_list_fn, &l);
}
