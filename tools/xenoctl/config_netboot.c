/* config_netboot.c - the ip, netmask, gateway, hostname and dhcp keys (the guest's address, as the kernel's ip= argument) and an NFS root (nfs_server, nfs_root). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

/* The string value of key into buf (size bytes); *line its line, 0 if absent. */
static int net_string(const struct config_file *cf, const char *key, char *buf, size_t size,
		      unsigned int *line, char *err, size_t errlen)
{
	const struct config_entry *e = config_find(cf, key);

	buf[0] = '\0';
	*line = 0;
	if (!e)
		return 0;
	if (e->value.type == CONFIG_LIST || strlen(e->value.str) >= size || !e->value.str[0])
		return config_item_error(cf, e->line, key, err, errlen,
					 "expected a string of 1 to %zu characters", size - 1);
	strcpy(buf, e->value.str);
	*line = e->line;
	return 0;
}

/* An IPv4 address in dotted form; a netmask must also be ones, then
 * zeros (inverted: a power of two less one), not 0.0.0.0. */
static int check_ipv4(const char *s, int mask)
{
	struct in_addr a;
	uint32_t inv;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	inv = ~ntohl(a.s_addr);
	return mask && (!~inv || (inv & (inv + 1))) ? -EINVAL : 0;
}

/* A host name: letters, digits, '-' and '.', at most 63 characters. */
static int check_hostname(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") ==
	       strlen(s) && s[0] != '-' && s[0] != '.' ? 0 : -EINVAL;
}

/* An NFS root path: absolute, then Linux's ",OPTIONS" if any; letters, digits and
 * "/._-+=,@~" only (it goes on the kernel's command line, split at spaces). */
static int check_nfs_root(const char *s)
{
	return s[0] == '/' && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "0123456789/._-+=,@~") == strlen(s) ? 0 : -EINVAL;
}

/* root = '/dev/nfs' (without cmdline, which replaces root), nfs_server and
 * nfs_root: all three, and an address for the guest (ip or dhcp), or none. */
static int netboot_nfs(const struct config_file *cf, struct config_netboot *nb, char *err,
		       size_t errlen)
{
	const struct config_entry *root = config_find(cf, "root");
	unsigned int lserver, lpath, lroot = root ? root->line : 0;

	if (net_string(cf, "nfs_server", nb->nfs_server, sizeof(nb->nfs_server), &lserver, err,
		       errlen) ||
	    net_string(cf, "nfs_root", nb->nfs_root, sizeof(nb->nfs_root), &lpath, err, errlen))
		return -EINVAL;
	nb->nfs = root && root->value.type == CONFIG_STRING &&
		  !strcmp(root->value.str, "/dev/nfs") && !config_find(cf, "cmdline");
	if (!nb->nfs && (nb->nfs_server[0] || nb->nfs_root[0]))
		return config_item_error(cf, nb->nfs_server[0] ? lserver : lpath,
					 nb->nfs_server[0] ? "nfs_server" : "nfs_root", err, errlen,
					 "needs root = '/dev/nfs'");
	if (!nb->nfs)
		return 0;
	if (!nb->nfs_server[0] || !nb->nfs_root[0])
		return config_item_error(cf, lroot, "root", err, errlen, "'/dev/nfs' needs %s",
					 nb->nfs_server[0] ? "nfs_root (the exported directory)" :
					 "nfs_server (the NFS server's IPv4 address)");
	if (check_ipv4(nb->nfs_server, 0))
		return config_item_error(cf, lserver, "nfs_server", err, errlen,
					 "'%s': expected an IPv4 address", nb->nfs_server);
	if (check_nfs_root(nb->nfs_root))
		return config_item_error(cf, lpath, "nfs_root", err, errlen,
					 "'%s': expected an absolute path (then ,OPTIONS) of letters, "
					 "digits and /._-+=,@~", nb->nfs_root);
	if (!nb->ip[0] && !nb->dhcp)
		return config_item_error(cf, lroot, "root", err, errlen,
					 "'/dev/nfs' needs an address for the guest: ip, or "
					 "dhcp = 'dhcp'");
	return 0;
}

int config_netboot(const struct config_file *cf, struct domain_config *dc, char *err,
		   size_t errlen)
{
	struct config_netboot *nb = &dc->net;
	unsigned int lip, lmask, lgw, lhost, ldhcp;
	char dhcp[8];

	if (net_string(cf, "ip", nb->ip, sizeof(nb->ip), &lip, err, errlen) ||
	    net_string(cf, "netmask", nb->netmask, sizeof(nb->netmask), &lmask, err, errlen) ||
	    net_string(cf, "gateway", nb->gateway, sizeof(nb->gateway), &lgw, err, errlen) ||
	    net_string(cf, "hostname", nb->hostname, sizeof(nb->hostname), &lhost, err, errlen) ||
	    net_string(cf, "dhcp", dhcp, sizeof(dhcp), &ldhcp, err, errlen))
		return -EINVAL;
	if (config_find(cf, "dhcp") && strcmp(dhcp, "dhcp") && strcmp(dhcp, "off"))
		return config_item_error(cf, ldhcp, "dhcp", err, errlen,
					 "'%s': expected \"dhcp\" or \"off\"", dhcp);
	nb->dhcp = !strcmp(dhcp, "dhcp");
	nb->ip_auto = !strcmp(nb->ip, "auto");
	if (nb->ip[0] && !nb->ip_auto && check_ipv4(nb->ip, 0))
		return config_item_error(cf, lip, "ip", err, errlen,
					 "'%s': expected an IPv4 address or \"auto\"", nb->ip);
	if (nb->ip[0] && nb->dhcp)
		return config_item_error(cf, lip, "ip", err, errlen,
					 "an address and dhcp = \"dhcp\" together");
	if (nb->netmask[0] && check_ipv4(nb->netmask, 1))
		return config_item_error(cf, lmask, "netmask", err, errlen,
					 "'%s': expected a netmask such as 255.255.255.0",
					 nb->netmask);
	if (nb->gateway[0] && check_ipv4(nb->gateway, 0))
		return config_item_error(cf, lgw, "gateway", err, errlen,
					 "'%s': expected an IPv4 address", nb->gateway);
	if ((nb->netmask[0] || nb->gateway[0]) && !nb->ip[0])
		return config_item_error(cf, nb->netmask[0] ? lmask : lgw,
					 nb->netmask[0] ? "netmask" : "gateway", err, errlen,
					 "needs ip");
	if (nb->hostname[0] && check_hostname(nb->hostname))
		return config_item_error(cf, lhost, "hostname", err, errlen,
					 "'%s': expected letters, digits, '-' and '.'",
					 nb->hostname);
	return netboot_nfs(cf, nb, err, errlen);
}

int config_netboot_arg(struct domain_config *dc, char *err, size_t errlen)
{
	const struct config_netboot *nb = &dc->net;
	size_t len = strlen(dc->cmdline), room = sizeof(dc->cmdline) - len;
	int n;

	if (!nb->ip[0] && !nb->dhcp && !nb->hostname[0])
		return 0;
	n = snprintf(dc->cmdline + len, room, "%sip=%s:%s:%s:%s:%s:eth0:%s%s%s%s%s",
		     len ? " " : "", nb->ip, nb->nfs_server, nb->gateway, nb->netmask,
		     nb->hostname, nb->dhcp ? "dhcp" : "off", nb->nfs ? " nfsroot=" : "",
		     nb->nfs_server, nb->nfs ? ":" : "", nb->nfs_root);
	if ((size_t)n >= room) {
		dc->cmdline[len] = '\0';
		snprintf(err, errlen, "ip: the kernel command line is too long with ip=%s (at most "
			 "%zu bytes)", nb->nfs ? " and nfsroot=" : "", sizeof(dc->cmdline) - 1);
		return -EINVAL;
	}
	return 0;
}
