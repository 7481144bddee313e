/* saved.c - what outlives a xenoctl run: saved configurations and exit records in /run/xenolith. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "xenoctl.h"
#include "config.h"

const char *saved_run_dir(void)
{
	const char *d = getenv("XENOLITH_RUN_DIR");

	return d && *d ? d : "/run/xenolith";
}

const char *saved_log_dir(void)
{
	const char *d = getenv("XENOLITH_LOG_DIR");

	return d && *d ? d : "/var/log/xenolith";
}

void saved_config_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.cfg", saved_run_dir(), name);
}

/* A string in the configuration syntax: '...' with \\ \' \n \t \r \xHH. */
static void print_string(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' || c == '\'')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('\'', f);
}

static void print_value(FILE *f, const struct config_value *v)
{
	size_t i;

	switch (v->type) {
	case CONFIG_STRING:
		print_string(f, v->str);
		break;
	case CONFIG_INT:
		fprintf(f, "%lld", v->num);
		break;
	case CONFIG_LIST:
		fputs("[ ", f);
		for (i = 0; i < v->nitems; i++) {
			if (i)
				fputs(", ", f);
			print_value(f, &v->items[i]);
		}
		fputs(" ]", f);
		break;
	}
}

/* The disks as checked (absolute targets, pool disks by name), in xl's
 * key=value form: the file then reads the same from any directory. */
static void print_disks(FILE *f, const struct domain_config *dc)
{
	char spec[DISK_PATH_MAX + 128];

	fputs("disk = [ ", f);
	for (unsigned int i = 0; i < dc->ndisks; i++) {
		const struct disk_spec *d = &dc->disks[i];

		if (d->kind == DISK_KIND_POOL)
			snprintf(spec, sizeof(spec), "vd:%s,%s,%s", d->pool_name, d->vdev,
				 disk_access_name(d->access));
		else
			snprintf(spec, sizeof(spec), "format=%s, vdev=%s, access=%s, target=%s",
				 disk_format_name(d->format), d->vdev,
				 disk_access_name(d->access), d->target);
		fputs(i ? ", " : "", f);
		print_string(f, spec);
	}
	fputs(" ]\n", f);
}

int saved_config_print(FILE *f, const struct config_file *cf, const struct domain_config *dc)
{
	size_t i;

	fprintf(f, "# Saved by xenoctl create from %s (overrides applied).\n", cf->filename);
	fputs("name = ", f);
	print_string(f, dc->name);
	fputc('\n', f);
	/* pygrub reads the kernel from the disk again at each build */
	if (dc->boot == CONFIG_BOOT_KERNEL) {
		fputs("kernel = ", f);
		print_string(f, dc->kernel);
		fputc('\n', f);
	}
	if (dc->boot == CONFIG_BOOT_KERNEL && dc->ramdisk[0]) {
		fputs("ramdisk = ", f);
		print_string(f, dc->ramdisk);
		fputc('\n', f);
	}
	if (dc->ndisks)
		print_disks(f, dc);
	for (i = 0; i < cf->nentries; i++) {
		const struct config_entry *e = &cf->entries[i];

		if (!strcmp(e->key, "name") || !strcmp(e->key, "kernel") ||
		    !strcmp(e->key, "ramdisk") || !strcmp(e->key, "disk"))
			continue;
		fprintf(f, "%s = ", e->key);
		print_value(f, &e->value);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

int saved_config_write(const struct config_file *cf, const struct domain_config *dc,
		       char *err, size_t errlen)
{
	char path[1024], tmp[1100];
	FILE *f;
	int ret;

	if (mkdir(saved_run_dir(), 0755) < 0 && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", saved_run_dir(), strerror(errno));
		return ret;
	}
	saved_config_path(dc->name, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return ret;
	}
	ret = saved_config_print(f, cf, dc);
	if (fclose(f) != 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		unlink(tmp);
	}
	return ret;
}

/* RUN/NAME.cfg parsed into cf (the caller frees it) and dc, its name set
 * to name. 0 or -errno with err. */
static int saved_config_read(const char *name, struct config_file *cf, struct domain_config *dc,
			     char *err, size_t errlen)
{
	char path[1024], over[64], *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	saved_config_path(name, path, sizeof(path));
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	text = malloc(1 << 20);
	if (text)
		len = fread(text, 1, 1 << 20, f);
	fclose(f);
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	ret = config_parse(text, len, path, cf, err, errlen);
	free(text);
	if (ret)
		return ret;
	snprintf(over, sizeof(over), "name=%s", name);
	ret = config_override(cf, over, err, errlen);
	if (!ret)
		ret = config_to_domain(cf, dc, err, errlen, NULL, NULL);
	return ret;
}

int saved_config_load(const char *name, struct domain_config *dc, char *err, size_t errlen)
{
	struct config_file cf = { 0 };
	int ret = saved_config_read(name, &cf, dc, err, errlen);

	config_free(&cf);
	return ret;
}

int saved_config_disk(const char *name, const struct disk_spec *add, unsigned int vdev_index,
		      char *err, size_t errlen)
{
	static struct domain_config dc;
	struct config_file cf = { 0 };
	unsigned int i = 0;
	int ret = saved_config_read(name, &cf, &dc, err, errlen);

	if (ret)
		goto out;
	while (i < dc.ndisks && dc.disks[i].vdev_index != vdev_index)
		i++;
	if (add ? i < dc.ndisks : i == dc.ndisks)
		goto out;		/* already there, or not there: nothing to do */
	if (add && dc.ndisks == DISK_MAX) {
		snprintf(err, errlen, "%s: %u disks already, at most %d in a configuration",
			 name, dc.ndisks, DISK_MAX);
		ret = -ENOSPC;
		goto out;
	}
	if (add) {
		dc.disks[dc.ndisks++] = *add;
	} else {
		memmove(&dc.disks[i], &dc.disks[i + 1], (dc.ndisks - i - 1) * sizeof(dc.disks[0]));
		dc.ndisks--;
	}
	ret = saved_config_write(&cf, &dc, err, errlen);
out:
	config_free(&cf);
	return ret;
}

void saved_config_remove(const char *name)
{
	char path[1024];

	saved_config_path(name, path, sizeof(path));
	unlink(path);
	netboot_auto_release(name);
}

int saved_config_rename(const char *from, const char *to)
{
	char a[1024], b[1024];

	saved_config_path(from, a, sizeof(a));
	saved_config_path(to, b, sizeof(b));
	if (rename(a, b) < 0)
		return -errno;
	snprintf(a, sizeof(a), "%s/%s.ip", saved_run_dir(), from);	/* ip = "auto"'s claim */
	snprintf(b, sizeof(b), "%s/%s.ip", saved_run_dir(), to);
	rename(a, b);
	return 0;
}

static void exit_path(uint32_t domid, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%u.exit", saved_run_dir(), domid);
}

void saved_exit_write(const struct xl_domain_info *d)
{
	char path[1024], tmp[1100];
	FILE *f;

	exit_path(d->domid, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%u %u %u\n", d->state, d->shutdown_reason, d->exit_status);
	if (fclose(f) == 0)
		rename(tmp, path);
}

int saved_exit_read(uint32_t domid, uint32_t *state, uint32_t *reason, uint32_t *exit_status)
{
	char path[1024];
	FILE *f;
	int n;

	exit_path(domid, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = fscanf(f, "%u %u %u", state, reason, exit_status);
	fclose(f);
	unlink(path);
	return n == 3 ? 0 : -EINVAL;
}

void saved_set_stopping(int on)
{
	char path[1024];
	int fd;

	snprintf(path, sizeof(path), "%s/stopping", saved_run_dir());
	if (!on) {
		unlink(path);
		return;
	}
	mkdir(saved_run_dir(), 0755);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

int saved_stopping(void)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/stopping", saved_run_dir());
	return access(path, F_OK) == 0;
}
