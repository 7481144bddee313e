/* disk_spec.c - one `disk` spec of a configuration: xm's prefixes, xl's positional and key=value forms. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "disk.h"

#define SPEC_MAX_POS	4	/* target, format, vdev, access */

/* What the fields of one spec said, before they are checked. */
struct spec_fields {
	const char *pos[SPEC_MAX_POS + 1];	/* positional, in order */
	int npos;
	const char *target, *format, *vdev, *access;	/* key=value */
};

/* A target prefix: the kind of target and the format it implies. */
static const struct {
	const char *prefix;
	enum disk_kind kind;
	int format;		/* enum disk_format, or -1: none implied */
	const char *refused;	/* why it is refused, or NULL */
} spec_prefixes[] = {
	{ "file:", DISK_KIND_FILE, DISK_FORMAT_RAW, NULL },
	{ "phy:", DISK_KIND_PHY, DISK_FORMAT_RAW, NULL },
	{ "tap:aio:", DISK_KIND_FILE, DISK_FORMAT_RAW, NULL },
	{ "tap2:aio:", DISK_KIND_FILE, DISK_FORMAT_RAW, NULL },
	{ "tap:qcow2:", DISK_KIND_FILE, DISK_FORMAT_QCOW2, NULL },
	{ "tap2:qcow2:", DISK_KIND_FILE, DISK_FORMAT_QCOW2, NULL },
	{ "aio:", DISK_KIND_FILE, DISK_FORMAT_RAW, NULL },
	{ "raw:", DISK_KIND_ANY, DISK_FORMAT_RAW, NULL },
	{ "qcow2:", DISK_KIND_FILE, DISK_FORMAT_QCOW2, NULL },
	{ "vd:", DISK_KIND_POOL, -1, NULL },
	{ "tap:qcow:", 0, 0, "qcow version 1 images are not supported (convert: qemu-img convert -O qcow2)" },
	{ "qcow:", 0, 0, "qcow version 1 images are not supported (convert: qemu-img convert -O qcow2)" },
	{ "tap:vhd:", 0, 0, "vhd images are not supported (convert: qemu-img convert -O qcow2)" },
	{ "vhd:", 0, 0, "vhd images are not supported (convert: qemu-img convert -O qcow2)" },
	{ "iscsi:", 0, 0, "iscsi: is not supported (log in from dom0 and use phy:/dev/...)" },
	{ "nbd:", 0, 0, "nbd: is not supported (connect from dom0 and use phy:/dev/nbdN)" },
};

const char *disk_access_name(enum disk_access a)
{
	return a == DISK_ACCESS_RO ? "r" : a == DISK_ACCESS_RW ? "w" : "w!";
}

const char *disk_format_name(enum disk_format f)
{
	return f == DISK_FORMAT_QCOW2 ? "qcow2" : "raw";
}

static int __attribute__((format(printf, 3, 4)))
spec_error(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Trim spaces and tabs around s in place; returns its new start. */
static char *spec_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static int spec_is_format(const char *s)
{
	return !strcmp(s, "raw") || !strcmp(s, "qcow2") || !strcmp(s, "qcow") ||
	       !strcmp(s, "vhd") || !strcmp(s, "qed");
}

/* xl's flags that need no value: accepted and ignored. */
static int spec_is_flag(const char *s)
{
	return !strcmp(s, "discard") || !strcmp(s, "no-discard") ||
	       !strcmp(s, "direct-io-safe") || !strcmp(s, "trusted") ||
	       !strcmp(s, "untrusted");
}

static int spec_format(const char *s, struct disk_spec *d, char *why, size_t len)
{
	enum disk_format f;

	if (!strcmp(s, "raw"))
		f = DISK_FORMAT_RAW;
	else if (!strcmp(s, "qcow2"))
		f = DISK_FORMAT_QCOW2;
	else if (spec_is_format(s))
		return spec_error(why, len, "format '%s': not supported "
				  "(raw or qcow2; convert with qemu-img)", s);
	else
		return spec_error(why, len, "format '%s': expected raw or qcow2", s);
	if (d->format_given && d->format != f)
		return spec_error(why, len, "format '%s': the target's prefix "
				  "says %s", s, disk_format_name(d->format));
	d->format = f;
	d->format_given = 1;
	return 0;
}

static int spec_access(const char *s, struct disk_spec *d, char *why, size_t len)
{
	if (!strcmp(s, "r") || !strcmp(s, "ro"))
		d->access = DISK_ACCESS_RO;
	else if (!strcmp(s, "w") || !strcmp(s, "rw"))
		d->access = DISK_ACCESS_RW;
	else if (!strcmp(s, "w!") || !strcmp(s, "rw!"))
		d->access = DISK_ACCESS_RW_SHARED;
	else
		return spec_error(why, len, "access '%s': expected r, w or w!", s);
	return 0;
}

static int spec_vdev(const char *s, struct disk_spec *d, char *why, size_t len)
{
	int ret = disk_vdev_index(s, &d->vdev_index, why, len);

	if (!ret)
		snprintf(d->vdev, sizeof(d->vdev), "%s", s);
	return ret;
}

/* The target with its prefix, if any: kind, implied format, path. */
static int spec_target(const char *s, struct disk_spec *d, int *had_prefix,
		       char *why, size_t len)
{
	const char *path = s;
	size_t n;

	*had_prefix = 0;
	for (size_t i = 0; i < sizeof(spec_prefixes) / sizeof(spec_prefixes[0]); i++) {
		size_t plen = strlen(spec_prefixes[i].prefix);

		if (strncmp(s, spec_prefixes[i].prefix, plen))
			continue;
		if (spec_prefixes[i].refused)
			return spec_error(why, len, "target '%s': %s", s,
					  spec_prefixes[i].refused);
		*had_prefix = 1;
		d->kind = spec_prefixes[i].kind;
		if (spec_prefixes[i].format >= 0) {
			d->format = (enum disk_format)spec_prefixes[i].format;
			d->format_given = 1;
		}
		path = s + plen;
		break;
	}
	if (!*path)
		return spec_error(why, len, "target: missing (empty drives and "
				  "CD-ROMs are not supported)");
	if (d->kind == DISK_KIND_POOL) {
		n = strlen(path);
		if (n > DISK_NAME_MAX || strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"abcdefghijklmnopqrstuvwxyz0123456789_.-") != n || path[0] == '.')
			return spec_error(why, len, "target '%s': a pool disk's name "
				"is 1 to %d of A-Z a-z 0-9 _ . - (not starting with '.')",
				s, DISK_NAME_MAX);
		memcpy(d->pool_name, path, n + 1);
		return 0;
	}
	/* phy:hda3 and phy:vg/lv name /dev/hda3 and /dev/vg/lv, as in xm. */
	n = (size_t)snprintf(d->target, sizeof(d->target), "%s%s",
			     d->kind == DISK_KIND_PHY && path[0] != '/' ? "/dev/" : "",
			     path);
	if (n >= sizeof(d->target))
		return spec_error(why, len, "target: too long (at most %d bytes)",
				  DISK_PATH_MAX - 1);
	return 0;
}

/* One key=value field into f. */
static int spec_keyval(char *field, char *eq, struct spec_fields *f,
		       char *why, size_t len)
{
	const char *val = spec_trim(eq + 1);

	*eq = '\0';
	field = spec_trim(field);
	if (!strcmp(field, "target"))
		f->target = val;
	else if (!strcmp(field, "format"))
		f->format = val;
	else if (!strcmp(field, "vdev"))
		f->vdev = val;
	else if (!strcmp(field, "access"))
		f->access = val;
	else if (!strcmp(field, "devtype") && !strcmp(val, "disk"))
		return 0;
	else if (!strcmp(field, "devtype"))
		return spec_error(why, len, "devtype '%s': only disks are "
				  "supported (no CD-ROM drives)", val);
	else if (!strcmp(field, "backendtype") || !strcmp(field, "backend"))
		return 0;	/* the device model serves every disk */
	else
		return spec_error(why, len, "'%s': unknown key (target, format, "
				  "vdev, access, devtype)", field);
	return 0;
}

/* Split buf into f: fields at commas, except that target= takes the
 * rest of the spec (a path may hold commas), as in xl. */
static int spec_split(char *buf, struct spec_fields *f, char *why, size_t len)
{
	char *p = buf;

	for (;;) {
		char *comma, *eq, *field;
		int ret;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "target=", 7) || !strncmp(p, "target =", 8)) {
			eq = strchr(p, '=');
			return spec_keyval(p, eq, f, why, len);
		}
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		eq = strchr(p, '=');
		field = spec_trim(p);
		if (eq && !strchr(field, ':') && !strchr(field, '/')) {
			ret = spec_keyval(field, eq, f, why, len);
			if (ret)
				return ret;
		} else if (!strcmp(field, "cdrom")) {
			return spec_error(why, len, "cdrom: only disks are supported "
					  "(no CD-ROM drives)");
		} else if (spec_is_flag(field)) {
			;	/* xl's hints to its backends: nothing to do here */
		} else if (f->npos == SPEC_MAX_POS) {
			return spec_error(why, len, "'%s': too many fields (at most "
					  "target, format, vdev, access)", field);
		} else {
			f->pos[f->npos++] = field;
		}
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* The positional fields: target,format,vdev,access (xl) or, after a
 * prefix or without a format, target,vdev,access (xm). */
static int spec_positional(struct spec_fields *f, struct disk_spec *d,
			   char *why, size_t len)
{
	int had_prefix = 0, ret, xm;

	if (f->npos && f->target)
		return spec_error(why, len, "target given twice ('%s' and "
				  "target=)", f->pos[0]);
	if (!f->npos)
		return f->target ? spec_target(f->target, d, &had_prefix, why, len)
				 : spec_error(why, len, "target: missing");
	ret = spec_target(f->pos[0], d, &had_prefix, why, len);
	if (ret)
		return ret;
	xm = had_prefix || (f->npos >= 2 && f->npos <= 3 && *f->pos[1] &&
			   !spec_is_format(f->pos[1]));
	if (xm && f->npos > 3)
		return spec_error(why, len, "'%s': too many fields (after a "
				  "prefix: target, vdev, access)", f->pos[3]);
	if (!xm && f->npos > 1 && *f->pos[1]) {
		ret = spec_format(f->pos[1], d, why, len);
		if (ret)
			return ret;
	}
	f->vdev = f->npos > 2 - xm && *f->pos[2 - xm] ? f->pos[2 - xm] : f->vdev;
	f->access = f->npos > 3 - xm && *f->pos[3 - xm] ? f->pos[3 - xm] : f->access;
	return 0;
}

int disk_spec_parse(const char *spec, struct disk_spec *d, char *why,
		    size_t len)
{
	unsigned int line = d->line, entry = d->entry;
	struct spec_fields f = { 0 };
	char buf[DISK_PATH_MAX + 256];
	int ret;

	memset(d, 0, sizeof(*d));
	d->line = line;
	d->entry = entry;
	d->access = DISK_ACCESS_RW;
	if (strlen(spec) >= sizeof(buf))
		return spec_error(why, len, "too long (at most %zu bytes)",
				  sizeof(buf) - 1);
	strcpy(buf, spec);
	ret = spec_split(buf, &f, why, len);
	if (!ret)
		ret = spec_positional(&f, d, why, len);
	if (!ret && f.format)
		ret = spec_format(f.format, d, why, len);
	if (!ret && !f.vdev)
		ret = spec_error(why, len, "vdev: missing (the guest's name for "
				 "the disk, e.g. xvda)");
	if (!ret)
		ret = spec_vdev(f.vdev, d, why, len);
	if (!ret && f.access)
		ret = spec_access(f.access, d, why, len);
	return ret;
}
