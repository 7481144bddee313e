/* cmd_create.c - create (build a domain from a configuration file) and autostart. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "xenoctl.h"
#include "config.h"
#include "vd.h"

#define CFG_FILE_MAX	(1 << 20)

static void warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "xenoctl: warning: %s\n", msg);
}

/* Read and check a configuration file with its overrides into cf and dc. */
static int load_config(const char *path, const char *const *over, int nover,
		       struct config_file *cf, struct domain_config *dc)
{
	char err[1024], *text;
	size_t len;
	FILE *f;
	int i, ret;

	f = fopen(path, "r");
	if (!f)
		return cmd_fail("%s: %s", path, strerror(errno));
	text = malloc(CFG_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return cmd_fail("%s: out of memory", path);
	}
	len = fread(text, 1, CFG_FILE_MAX + 1, f);
	ret = ferror(f);
	fclose(f);
	if (ret || len > CFG_FILE_MAX) {
		free(text);
		return cmd_fail("%s: %s", path, ret ? "read error" : "larger than 1 MiB");
	}
	ret = config_parse(text, len, path, cf, err, sizeof(err));
	free(text);
	if (ret)
		return cmd_fail("%s", err);
	for (i = 0; i < nover; i++) {
		ret = config_override(cf, over[i], err, sizeof(err));
		if (ret)
			return cmd_fail("%s", err);
	}
	ret = config_to_domain(cf, dc, err, sizeof(err), warn, NULL);
	if (!ret && dc->ndisks)
		ret = vd_pool_ready(err, sizeof(err));	/* for vd:NAME */
	if (!ret)
		ret = disk_check(dc->disks, dc->ndisks, path, err, sizeof(err));
	if (ret)
		return cmd_fail("%s", err);
	return 0;
}

/* Make a kernel or ramdisk path absolute: the monitor rebuilds from "/". */
static void absolute(char *path, size_t len)
{
	char buf[PATH_MAX];

	if (path[0] && path[0] != '/' && realpath(path, buf) && strlen(buf) < len)
		strcpy(path, buf);
}

int cmd_create_file(struct xl_handle *h, const char *path, const char *const *over,
		    int nover, uint32_t *domid, char *name, size_t namelen)
{
	struct config_file cf = { 0 };
	struct domain_config dc;
	char err[1024];
	int ret;

	ret = load_config(path, over, nover, &cf, &dc);
	if (ret)
		goto out;
	snprintf(name, namelen, "%s", dc.name);
	absolute(dc.kernel, sizeof(dc.kernel));
	absolute(dc.ramdisk, sizeof(dc.ramdisk));
	ret = domain_start(h, &dc, domid, err, sizeof(err));
	if (ret) {
		ret = cmd_fail("%s: %s", path, err);
		goto out;
	}
	if (saved_config_write(&cf, &dc, err, sizeof(err)))
		fprintf(stderr, "xenoctl: warning: %s (on_reboot=restart will not "
			"find the configuration)\n", err);
	ret = monitor_start(&dc, *domid);
	if (ret) {
		xl_domain_destroy(h, *domid, err, sizeof(err));
		disk_claims_release(&(struct disk_claims_env){ saved_run_dir(), NULL, NULL },
				    dc.name);
		saved_config_remove(dc.name);
		goto out;
	}
	printf("Started domain %s (id %u)\n", dc.name, *domid);
	fflush(stdout);
out:
	config_free(&cf);
	return ret;
}

int cmd_create(int argc, char **argv)
{
	struct create_args a;
	struct xl_handle *h;
	char err[512], name[64];
	uint32_t domid;
	int ret, status = 0;

	if (args_create(argc, argv, &a, err, sizeof(err)))
		return cmd_fail("%s", err);
	h = cmd_open();
	if (!h)
		return 1;
	ret = cmd_create_file(h, a.cfg, a.over, a.nover, &domid, name, sizeof(name));
	if (!ret && a.console)
		ret = cmd_console_attach(h, domid);
	if (!ret && a.wait) {
		ret = cmd_wait_end(h, domid, &status);
		if (!ret)
			ret = status;
	}
	xl_close(h);
	return ret;
}

static int cfg_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int cmd_autostart(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/etc/xenolith/auto";
	struct dirent **names;
	struct xl_handle *h;
	char path[PATH_MAX], name[64], err[512];
	int i, n, failed = 0;

	if (argc > 2)
		return cmd_fail("autostart: one directory at most");
	n = scandir(dir, &names, cfg_filter, alphasort);
	if (n < 0) {
		if (errno == ENOENT)
			return 0;	/* nothing to start */
		return cmd_fail("%s: %s", dir, strerror(errno));
	}
	h = n ? cmd_open() : NULL;
	for (i = 0; i < n; i++) {
		struct xl_domain_info *list;
		struct config_file cf = { 0 };
		struct domain_config dc;
		struct stat st;
		uint32_t domid;
		int m;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		if (!h || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		/* Skip a domain of that name that runs already (autostart twice). */
		if (load_config(path, NULL, 0, &cf, &dc)) {
			config_free(&cf);
			failed = 1;
			continue;
		}
		m = xl_domain_list(h, &list, err, sizeof(err));
		if (m >= 0 && xl_domain_lookup_in(list, (size_t)m, dc.name, &domid,
						  err, sizeof(err)) == 0) {
			printf("%s: domain %s runs already (id %u)\n", path, dc.name, domid);
			free(list);
			config_free(&cf);
			continue;
		}
		if (m >= 0)
			free(list);
		config_free(&cf);
		if (cmd_create_file(h, path, NULL, 0, &domid, name, sizeof(name)))
			failed = 1;
	}
	free(names);
	if (n && !h)
		return 1;
	xl_close(h);
	return failed;
}
