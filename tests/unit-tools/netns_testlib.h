/* netns_testlib.h - a private network namespace with a bridge for the tests that make real taps. */
#ifndef NETNS_TESTLIB_H
#define NETNS_TESTLIB_H

/* unshare() needs _GNU_SOURCE, given by the Makefile (test_X_CFLAGS). */
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

/* Move this process into network and mount namespaces of its own (with
 * its own /sys, IPv6 off so that taps stay quiet) holding bridge xbr0,
 * MTU 1400, up: the host's interfaces are never touched. false, with one
 * line on stderr naming test, when this cannot be done here (needs root,
 * /dev/net/tun and namespaces): the caller skips. */
static inline bool netns_private_bridge(const char *test)
{
	bool ok = !geteuid() && !access("/dev/net/tun", R_OK | W_OK) &&
		  !unshare(CLONE_NEWNET | CLONE_NEWNS) &&
		  !mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) &&
		  !mount("sysfs", "/sys", "sysfs", 0, NULL) &&
		  !system("sysctl -qw net.ipv6.conf.default.disable_ipv6=1") &&
		  !system("ip link add xbr0 type bridge && ip link set xbr0 mtu 1400 up");

	if (!ok)
		fprintf(stderr, "%s: needs root, /dev/net/tun and namespaces: skipped\n", test);
	return ok;
}

#endif
