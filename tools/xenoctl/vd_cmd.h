/* vd_cmd.h - what the files of `xenoctl vd` share (not used outside cmd_vd*.c and vd_*.c). */
#ifndef XENOCTL_VD_CMD_H
#define XENOCTL_VD_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "disk.h"

/* ---- vd_args.c ---- */

struct vd_args {
	const char *verb;		/* "create", ..., "pool-add", "pool-list" */
	const char *pos[2];		/* positional arguments, in order */
	int npos;
	const char *fs, *from, *format;	/* --fs, --from, --format, or NULL */
	int force;			/* --force */
};

/* argv[0] = "vd", argv[1] = its verb ("pool add" is one verb). Options
 * only where the verb takes them. 0, or -EINVAL with one line in err
 * ("usage: xenoctl vd ..." for a wrong count of arguments). */
int vd_args_parse(int argc, char **argv, struct vd_args *a, char *err, size_t errlen);

/* ---- vd_run.c ---- */

/* Whether long work shows progress: stderr is a terminal. */
int vd_progress(void);
/* Print a progress message on stderr, only on a terminal. */
void vd_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run argv[0] (found in PATH) with argv, stdin from /dev/null; its
 * output is shown if show, else kept for the message. 0; its exit
 * status (> 0) with "PROG failed: its last line" in err; or -errno. */
int vd_run(const char *const argv[], int show, char *err, size_t errlen);
/* The same, with the last line it printed (show = 0) in last, whatever
 * its exit status. */
int vd_run_read(const char *const argv[], int show, char *last, size_t lastlen);
/* Set by SIGINT/SIGTERM/SIGHUP during vd work: stop, clean up, fail. */
extern volatile int vd_interrupted;
/* Catch those signals into vd_interrupted (no SA_RESTART). */
void vd_catch_signals(void);

/* ---- vd_image.c, vd_change.c, vd_copy.c ---- */

struct vd_create {
	const char *name;
	uint64_t size;			/* bytes */
	const char *fs;			/* "ext4", "ext3", "ext2", or NULL */
	const char *from;		/* a directory or a tar file, or NULL */
	enum disk_format format;
};

/* What `vd list` shows of one disk. */
struct vd_info {
	char name[DISK_NAME_MAX + 1];
	enum disk_format format;
	uint64_t size;			/* as the guest sees it */
	uint64_t alloc;			/* bytes the image takes in the pool */
	char holders[256];		/* "web(w) db(r)", or "" */
};

/* Fail with -EBUSY, "disk 'NAME' is attached to web(w): cannot VERB
 * it while a domain uses it", if a domain holds path. */
int vd_check_unused(const char *name, const char *path, const char *verb,
		    char *err, size_t errlen);
/* Fail with -EEXIST if name is taken in either format, -EINVAL if it
 * is no name. */
int vd_check_free(const char *name, char *err, size_t errlen);
/* A temporary path in the pool: POOL/.NAME.EXT.tmpPID (hidden from list). */
void vd_tmp_path(const char *name, const char *ext, char *buf, size_t len);
/* Give tmp its final name path (never over an existing file), 0 or -errno. */
int vd_commit(const char *tmp, const char *path, char *err, size_t errlen);

int vd_image_create(const struct vd_create *c, char *err, size_t errlen);
int vd_image_clone(const char *src, const char *dst, char *err, size_t errlen);
int vd_image_resize(const char *name, uint64_t size, char *err, size_t errlen);
int vd_image_delete(const char *name, char *err, size_t errlen);
/* Size, allocation and format of the image at path. 0 or -errno/-EINVAL. */
int vd_image_info(const char *path, enum disk_format fmt, struct vd_info *info,
		  char *err, size_t errlen);
/* Who holds pool disk path: disk_claims_holders() in the run directory. */
int vd_holders(const char *path, char *buf, size_t len);
/* Copy a raw image sparsely (holes stay holes), with a percentage on a
 * terminal. 0 or -errno (-EINTR if interrupted) with err. */
int vd_copy_sparse(const char *src, const char *dst, char *err, size_t errlen);

/* ---- vd_list.c ---- */

/* `vd list`'s header and one line, without a newline. */
void vd_list_header(char *buf, size_t len);
void vd_list_line(const struct vd_info *info, char *buf, size_t len);
/* Every disk of the pool, by name, into *out (malloc'd). Count or -errno. */
int vd_list_read(struct vd_info **out, char *err, size_t errlen);

/* ---- vd_pool_dev.c ---- */

/* `vd pool add DEVICE [--force]` and `vd pool list`. */
int vd_pool_add(const char *device, int force, char *err, size_t errlen);
int vd_pool_list(char *err, size_t errlen);

#endif
