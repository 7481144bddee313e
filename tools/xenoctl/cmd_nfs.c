/* cmd_nfs.c - `xenoctl nfs-export` and `nfs-unexport`: dom0's directories served over NFS, by the nfs-export script. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "xenoctl.h"

/* Hand over to the nfs-export script with argv (NULL-terminated): it
 * checks, exports and prints; its exit status is ours. */
static int run_nfs_script(char **argv)
{
	char path[1024];

	script_path("nfs-export", path, sizeof(path));
	argv[0] = path;
	execv(path, argv);
	return cmd_fail("%s: %s", path, strerror(errno));
}

int cmd_nfs_export(int argc, char **argv)
{
	char *args[5] = { NULL, "add", NULL, NULL, NULL };

	if (argc == 2 && !strcmp(argv[1], "--list")) {
		args[1] = "list";
		return run_nfs_script(args);
	}
	if (argc == 4 && !strcmp(argv[2], "--to"))
		args[3] = argv[3];
	else if (argc != 2)
		return cmd_fail("usage: xenoctl nfs-export DIR [--to SUBNET] | --list");
	if (argv[1][0] == '-')
		return cmd_fail("nfs-export: unknown option '%s'", argv[1]);
	args[2] = argv[1];
	return run_nfs_script(args);
}

int cmd_nfs_unexport(int argc, char **argv)
{
	char *args[4] = { NULL, "remove", NULL, NULL };

	if (argc != 2)
		return cmd_fail("usage: xenoctl nfs-unexport DIR");
	args[2] = argv[1];
	return run_nfs_script(args);
}
