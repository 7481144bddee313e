/* config_disk.c - the disk= and bootloader= keys of a domain configuration, into struct domain_config. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

int config_item_error(const struct config_file *cf, unsigned int line, const char *what,
		      char *err, size_t errlen, const char *fmt, ...)
{
	const char *file = cf->filename ? cf->filename : "(config)";
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(err, errlen, "%s:%u: %s: %s", file, line, what, msg);
	else
		snprintf(err, errlen, "command line: %s: %s", what, msg);
	return -EINVAL;
}

/* Each spec of disk= into dc->disks, then the list as a whole. */
static int config_disk_list(const struct config_file *cf, struct domain_config *dc,
			    char *err, size_t errlen)
{
	const struct config_entry *e = config_find(cf, "disk");
	const struct config_value *items;
	char what[32], why[512];
	unsigned int bad;
	size_t n;

	if (!e)
		return 0;
	/* A single string is taken as a list of one. */
	items = e->value.type == CONFIG_LIST ? e->value.items : &e->value;
	n = e->value.type == CONFIG_LIST ? e->value.nitems : 1;
	if (n > DISK_MAX)
		return config_item_error(cf, e->line, "disk", err, errlen,
				      "%zu disks, at most %d", n, DISK_MAX);
	for (size_t i = 0; i < n; i++) {
		struct disk_spec *d = &dc->disks[i];

		snprintf(what, sizeof(what), "disk[%zu]", i);
		if (items[i].type != CONFIG_STRING)
			return config_item_error(cf, items[i].line, what, err, errlen,
					      "expected a string such as "
					      "'file:/path/disk.img,xvda,w'");
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
