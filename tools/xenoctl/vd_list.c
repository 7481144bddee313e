/* vd_list.c - `xenoctl vd list`: the pool's disks, one line each. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"
#include "vd_cmd.h"

#define LIST_FMT	"%-24s %8s %8s %-6s %s"

void vd_list_header(char *buf, size_t len)
{
	snprintf(buf, len, LIST_FMT, "NAME", "SIZE", "ALLOC", "FORMAT", "ATTACHED");
}

void vd_list_line(const struct vd_info *info, char *buf, size_t len)
{
	char size[32], alloc[32];

	vd_size_format(info->size, size, sizeof(size));
	vd_size_format(info->alloc, alloc, sizeof(alloc));
	snprintf(buf, len, LIST_FMT, info->name, size, alloc,
		 disk_format_name(info->format), info->holders[0] ? info->holders : "-");
}

/* NAME.img or NAME.qcow2 with a valid NAME: its name and format. */
static int list_parse_name(const char *file, char *name, enum disk_format *fmt)
{
	const char *dot = strrchr(file, '.');
	char why[256];
	size_t n;

	if (!dot || file[0] == '.')
		return 0;
	if (!strcmp(dot, ".img"))
		*fmt = DISK_FORMAT_RAW;
	else if (!strcmp(dot, ".qcow2"))
		*fmt = DISK_FORMAT_QCOW2;
	else
		return 0;
	n = (size_t)(dot - file);
	if (n > DISK_NAME_MAX)
		return 0;
	memcpy(name, file, n);
	name[n] = '\0';
	return !vd_name_check(name, why, sizeof(why));
}

static int list_by_name(const void *a, const void *b)
{
	return strcmp(((const struct vd_info *)a)->name, ((const struct vd_info *)b)->name);
}

int vd_list_read(struct vd_info **out, char *err, size_t errlen)
{
	struct vd_info *list = NULL, *grown;
	size_t n = 0, cap = 0;
	char path[DISK_PATH_MAX + 300], why[512];
	struct dirent *de;
	DIR *d = opendir(vd_pool_dir());

	*out = NULL;
	if (!d) {
		if (errno == ENOENT)
			return 0;	/* no pool yet: no disks */
		snprintf(err, errlen, "%s: %s", vd_pool_dir(), strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		struct vd_info info;

		memset(&info, 0, sizeof(info));
		if (!list_parse_name(de->d_name, info.name, &info.format))
			continue;
		snprintf(path, sizeof(path), "%s/%s", vd_pool_dir(), de->d_name);
		if (vd_image_info(path, info.format, &info, why, sizeof(why)))
			info.size = 0;	/* listed, its size unknown */
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				free(list);
				closedir(d);
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			list = grown;
		}
		list[n++] = info;
	}
	closedir(d);
	if (n)
		qsort(list, n, sizeof(*list), list_by_name);
	*out = list;
	return (int)n;
}
