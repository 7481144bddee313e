/* config_disk.c - the disk= and bootloader= keys of a domain configuration, into struct domain_config. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

/* Each spec of disk= into dc->disks, then the list as a whole. */
static int config_disk_list(const struct config_file *cf, struct domain_config *dc,
			    char *err, size_t errlen)
{
	const struct config_value *items;
	char what[32], why[512];
	unsigned int bad;
	size_t n;

	if (config_string_list(cf, "disk", DISK_MAX, "'file:/path/disk.img,xvda,w'", &items, &n,
			       err, errlen))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct disk_spec *d = &dc->disks[i];

		snprintf(what, sizeof(what), "disk[%zu]", i);
		d->line = items[i].line;
		d->entry = (unsigned int)i;
		if (disk_spec_parse(items[i].str, d, why, sizeof(why)))
			return config_item_error(cf, d->line, what, err, errlen, "%s", why);
	}
	dc->ndisks = (unsigned int)n;
	if (disk_list_finish(dc->disks, dc->ndisks, &bad, why, sizeof(why))) {
		snprintf(what, sizeof(what), "disk[%u]", bad);
		return config_item_error(cf, dc->disks[bad].line, what, err, errlen,
				      "%s", why);
	}
	return 0;
}

int config_disks(const struct config_file *cf, struct domain_config *dc,
		 char *err, size_t errlen,
		 void (*warn)(void *ctx, const char *msg), void *ctx)
{
	const struct config_entry *b = config_find(cf, "bootloader");
	const struct config_entry *k = config_find(cf, "kernel");
	int ret = config_disk_list(cf, dc, err, errlen);
	const char *s, *base;

	if (ret)
		return ret;
	if (b) {
		if (b->value.type != CONFIG_STRING)
			return config_item_error(cf, b->line, "bootloader", err, errlen,
					      "expected a string ('pygrub')");
		s = b->value.str;
		base = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
		if (strcmp(base, "pygrub"))
			return config_item_error(cf, b->line, "bootloader", err, errlen,
				"'%s': only pygrub is supported", s);
		if (k && warn) {
			char msg[600];

			config_item_error(cf, k->line, "kernel", msg, sizeof(msg),
				       "ignored: bootloader is pygrub");
			warn(ctx, msg);
		}
		dc->kernel[0] = dc->ramdisk[0] = '\0';
		dc->boot = CONFIG_BOOT_PYGRUB;
	} else if (!k) {
		if (!dc->ndisks) {
			snprintf(err, errlen, "%s: kernel: missing (required)",
				 cf->filename ? cf->filename : "(config)");
			return -EINVAL;
		}
		dc->boot = CONFIG_BOOT_PYGRUB;	/* as xl: boot the first disk */
	}
	if (dc->boot == CONFIG_BOOT_PYGRUB && !dc->ndisks)
		return config_item_error(cf, b->line, "bootloader", err, errlen,
				      "pygrub needs a disk to boot from");
	return 0;
}
