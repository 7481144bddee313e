/* main.c - xenoctl: the Xenolith toolstack's one command (as Xen's xl); dispatch to the verbs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xenoctl.h"

int cmd_fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("xenoctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

struct xl_handle *cmd_open(void)
{
	const char *dev = getenv("XENOLITH_DEVICE");
	struct xl_handle *h;
	char err[512];

	h = xl_open(dev && *dev ? dev : NULL, err, sizeof(err));
	if (!h)
		cmd_fail("%s", err);
	return h;
}

int cmd_lookup(struct xl_handle *h, const char *dom, uint32_t *domid)
{
	char err[512];
	int ret = xl_domain_lookup(h, dom, domid, err, sizeof(err));

	if (ret)
		cmd_fail("%s", err);
	return ret;
}

const struct cmd_verb *cmd_find(const char *name)
{
	const struct cmd_verb *v;

	for (v = cmd_verbs; v->name; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

int main(int argc, char **argv)
{
	const struct cmd_verb *v;

	if (argc < 2) {
		cmd_help(1, (char *[]){ "help", NULL });
		return 1;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return cmd_help(1, (char *[]){ "help", NULL });
	v = cmd_find(argv[1]);
	if (!v)
		return cmd_fail("unknown command '%s' (`xenoctl help` lists them)", argv[1]);
	if (argc >= 3 && (strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "--help") == 0))
		return cmd_help(2, (char *[]){ "help", argv[1], NULL });
	return v->run(argc - 1, argv + 1);
}
