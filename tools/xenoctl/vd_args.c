/* vd_args.c - the command lines of `xenoctl vd VERB ...`: verbs, long options, positional arguments. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vd_cmd.h"

/* Each verb: its positional arguments and the options it takes. */
static const struct {
	const char *verb;
	int npos;
	const char *usage;
	const char *opts;	/* " fs from format force " */
} args_verbs[] = {
	{ "create", 2, "vd create NAME SIZE [--fs ext4] [--from DIR|TAR] "
		       "[--format raw|qcow2]", " fs from format " },
	{ "list", 0, "vd list", " " },
	{ "delete", 1, "vd delete NAME", " " },
	{ "clone", 2, "vd clone SRC NEW", " " },
	{ "resize", 2, "vd resize NAME SIZE", " " },
	{ "pool-add", 1, "vd pool add DEVICE [--force]", " force " },
	{ "pool-list", 0, "vd pool list", " " },
};

/* Whether the option word is in the verb's list. */
static int args_allowed(const char *opts, const char *name, size_t n)
{
	char word[32];

	snprintf(word, sizeof(word), " %.*s ", (int)n, name);
	return n < 20 && strstr(opts, word) != NULL;
}

/* One option at argv[*i] ("--fs X", "--fs=X", "--force"). */
static int args_option(int argc, char **argv, int *i, struct vd_args *a,
		       const char *opts, char *err, size_t errlen)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '='), *val;
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const char **slot = !strncmp(name, "fs", n) && n == 2 ? &a->fs :
			    !strncmp(name, "from", n) && n == 4 ? &a->from :
			    !strncmp(name, "format", n) && n == 6 ? &a->format : NULL;

	if (!args_allowed(opts, name, n)) {
		snprintf(err, errlen, "vd %s: unknown option --%.*s", a->verb, (int)n, name);
		return -EINVAL;
	}
	if (!slot) {		/* --force */
		if (eq) {
			snprintf(err, errlen, "vd %s: --force takes no value", a->verb);
			return -EINVAL;
		}
		a->force = 1;
		return 0;
	}
	if (eq)
		val = eq + 1;
	else if (*i + 1 < argc)
		val = argv[++*i];
	else
		val = NULL;
	if (!val || !*val) {
		snprintf(err, errlen, "vd %s: --%.*s needs a value", a->verb, (int)n, name);
		return -EINVAL;
	}
	*slot = val;
	return 0;
}

int vd_args_parse(int argc, char **argv, struct vd_args *a, char *err, size_t errlen)
{
	int first = 2, v;

	memset(a, 0, sizeof(*a));
	if (argc < 2) {
		snprintf(err, errlen, "vd: which? create, list, delete, clone, resize, pool "
			 "(`xenoctl help vd`)");
		return -EINVAL;
	}
	a->verb = argv[1];
	if (!strcmp(argv[1], "pool")) {
		a->verb = argc > 2 && !strcmp(argv[2], "add") ? "pool-add" :
			  argc > 2 && !strcmp(argv[2], "list") ? "pool-list" : "pool";
		first = 3;
	}
	for (v = 0; v < (int)(sizeof(args_verbs) / sizeof(args_verbs[0])); v++)
		if (!strcmp(args_verbs[v].verb, a->verb))
			break;
	if (v == (int)(sizeof(args_verbs) / sizeof(args_verbs[0]))) {
		snprintf(err, errlen, "vd: unknown verb '%s%s%s' (create, list, delete, "
			 "clone, resize, pool add, pool list)", argv[1], first == 3 &&
			 argc > 2 ? " " : "", first == 3 && argc > 2 ? argv[2] : "");
		return -EINVAL;
	}
	for (int i = first; i < argc; i++) {
		if (!strncmp(argv[i], "--", 2) && argv[i][2]) {
			if (args_option(argc, argv, &i, a, args_verbs[v].opts, err, errlen))
				return -EINVAL;
		} else if (a->npos < args_verbs[v].npos) {
			a->pos[a->npos++] = argv[i];
		} else {
			snprintf(err, errlen, "usage: xenoctl %s", args_verbs[v].usage);
			return -EINVAL;
		}
	}
	if (a->npos != args_verbs[v].npos) {
		snprintf(err, errlen, "usage: xenoctl %s", args_verbs[v].usage);
		return -EINVAL;
	}
	return 0;
}
