/* tmpdir.h - a scratch directory for the unit tests that need files: made in setup, removed in teardown. */
#ifndef TESTS_TMPDIR_H
#define TESTS_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

/* mkdtemp /tmp/NAME.XXXXXX into dir (len bytes); NULL if it fails. */
static inline char *tmpdir_make(char *dir, size_t len, const char *name)
{
	snprintf(dir, len, "/tmp/%s.XXXXXX", name);
	return mkdtemp(dir);
}

/* rm -rf dir; 0 on success (a cmocka teardown's result). */
static inline int tmpdir_remove(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

#endif
