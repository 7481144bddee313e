/* cmd_vd.c - `xenoctl vd`: the virtual disks of the storage pool (create, list, delete, clone, resize, pool). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vd.h"
#include "vd_cmd.h"
#include "xenoctl.h"

/* `vd create`: the options checked, then the image made. */
static int vd_create(const struct vd_args *a, char *err, size_t errlen)
{
	struct vd_create c = { .name = a->pos[0], .fs = a->fs, .from = a->from,
			       .format = DISK_FORMAT_RAW };
	int ret = vd_size_parse(a->pos[1], &c.size, err, errlen);

	if (ret)
		return ret;
	if (a->format && !strcmp(a->format, "qcow2"))
		c.format = DISK_FORMAT_QCOW2;
	else if (a->format && strcmp(a->format, "raw")) {
		snprintf(err, errlen, "vd create: --format '%s': expected raw or qcow2",
			 a->format);
		return -EINVAL;
	}
	if (c.from && !c.fs)
		c.fs = "ext4";
	if (c.fs && strcmp(c.fs, "ext4") && strcmp(c.fs, "ext3") && strcmp(c.fs, "ext2")) {
		snprintf(err, errlen, "vd create: --fs '%s': expected ext4, ext3 or ext2",
			 c.fs);
		return -EINVAL;
	}
	ret = vd_mkdirs(vd_pool_dir(), err, errlen);
	return ret ? ret : vd_image_create(&c, err, errlen);
}

static int vd_list(char *err, size_t errlen)
{
	struct vd_info *list;
	char line[512];
	int n = vd_list_read(&list, err, errlen);

	if (n < 0)
		return n;
	vd_list_header(line, sizeof(line));
	puts(line);
	for (int i = 0; i < n; i++) {
		vd_list_line(&list[i], line, sizeof(line));
		puts(line);
	}
	free(list);
	return 0;
}

int cmd_vd(int argc, char **argv)
{
	char err[2048];
	struct vd_args a;
	uint64_t size;
	int ret;

	err[0] = '\0';
	if (vd_args_parse(argc, argv, &a, err, sizeof(err)))
		return cmd_fail("%s", err);
	vd_catch_signals();
	/* pool list shows an unmounted pool rather than failing on it */
	if (strncmp(a.verb, "pool-", 5) && (ret = vd_pool_ready(err, sizeof(err))))
		return cmd_fail("%s", err);
	if (!strcmp(a.verb, "create"))
		ret = vd_create(&a, err, sizeof(err));
	else if (!strcmp(a.verb, "list"))
		ret = vd_list(err, sizeof(err));
	else if (!strcmp(a.verb, "delete"))
		ret = vd_image_delete(a.pos[0], err, sizeof(err));
	else if (!strcmp(a.verb, "clone"))
		ret = vd_image_clone(a.pos[0], a.pos[1], err, sizeof(err));
	else if (!strcmp(a.verb, "resize"))
		ret = vd_size_parse(a.pos[1], &size, err, sizeof(err)) ? -EINVAL :
		      vd_image_resize(a.pos[0], size, err, sizeof(err));
	else if (!strcmp(a.verb, "pool-add"))
		ret = vd_pool_add(a.pos[0], a.force, err, sizeof(err));
	else
		ret = vd_pool_list(err, sizeof(err));
	if (vd_interrupted) {
		cmd_fail("vd %s: interrupted%s", a.verb, !strcmp(a.verb, "create") ||
			 !strcmp(a.verb, "clone") ? "; nothing kept" : "");
		return 130;
	}
	if (ret)
		return cmd_fail("%s", err[0] ? err : strerror(-ret));
	return 0;
}
