/* netboot_auto.c - ip = "auto": the next free address after dom0's on the domain's bridge, claimed in RUN/NAME.ip. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "xenoctl.h"
#include "config.h"

/* dom0's first IPv4 address and netmask on interface dev (host order). */
static int dom0_address(const char *dev, uint32_t *addr, uint32_t *mask)
{
	struct ifaddrs *list, *i;
	int ret = -ENOENT;

	if (getifaddrs(&list))
		return -errno;
	for (i = list; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_netmask && i->ifa_addr->sa_family == AF_INET &&
		    !strcmp(i->ifa_name, dev)) {
			*addr = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
			*mask = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
			ret = 0;
			break;
		}
	freeifaddrs(list);
	return ret;
}

/* The gateway of dom0's default route through dev (host order), or 0. */
static uint32_t dom0_gateway(const char *dev)
{
	char line[256], ifname[IFNAMSIZ + 1];
	unsigned int dst, gw, flags;
	FILE *f = fopen("/proc/net/route", "r");
	uint32_t found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%16s %x %x %x", ifname, &dst, &gw, &flags) == 4 && !dst && gw &&
		    !strcmp(ifname, dev)) {
			found = ntohl(gw);	/* the file holds it in network order, as hex */
			break;
		}
	fclose(f);
	return found;
}

/* The address claimed in file path (host order), or 0. */
static uint32_t read_claim(const char *path)
{
	char buf[32] = "";
	struct in_addr a;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return inet_pton(AF_INET, buf, &a) == 1 ? ntohl(a.s_addr) : 0;
}

/* Whether a domain other than name claims addr (RUN/OTHER.ip). */
static int claimed_by_other(const char *name, uint32_t addr)
{
	char path[1024], own[64];
	struct dirent *d;
	DIR *dir = opendir(saved_run_dir());
	int found = 0;

	if (!dir)
		return 0;
	snprintf(own, sizeof(own), "%s.ip", name);
	while (!found && (d = readdir(dir))) {
		size_t n = strlen(d->d_name);

		if (n < 4 || strcmp(d->d_name + n - 3, ".ip") || !strcmp(d->d_name, own))
			continue;
		snprintf(path, sizeof(path), "%s/%s", saved_run_dir(), d->d_name);
		found = read_claim(path) == addr;
	}
	closedir(dir);
	return found;
}

static void dotted(uint32_t a, char *buf, size_t len)
{
	struct in_addr in = { htonl(a) };

	inet_ntop(AF_INET, &in, buf, (socklen_t)len);
}

int netboot_auto(struct domain_config *dc, char *err, size_t errlen)
{
	struct config_netboot *nb = &dc->net;
	const char *dev = dc->nvifs ? dc->vifs[0].bridge : VIF_DEFAULT_BRIDGE;
	uint32_t addr = 0, mask = 0, cand, gw;
	char path[1024];
	FILE *f;

	if (!nb->ip_auto)
		return 0;
	if (dom0_address(dev, &addr, &mask)) {
		snprintf(err, errlen, "ip: auto: %s has no IPv4 address in dom0 to count from", dev);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.ip", saved_run_dir(), dc->name);
	cand = read_claim(path);	/* a restart keeps its address */
	if ((cand & mask) != (addr & mask) || cand == addr || claimed_by_other(dc->name, cand))
		for (cand = addr + 1; (cand & mask) == (addr & mask) && (~mask & ~cand); cand++)
			if (!claimed_by_other(dc->name, cand))
				break;
	if ((cand & mask) != (addr & mask) || !(~mask & ~cand)) {
		snprintf(err, errlen, "ip: auto: no free address left after dom0's on %s", dev);
		return -1;
	}
	dotted(cand, nb->ip, sizeof(nb->ip));
	mkdir(saved_run_dir(), 0755);
	f = fopen(path, "w");
	if (!f || (fprintf(f, "%s\n", nb->ip) < 0) + fclose(f)) {
		snprintf(err, errlen, "ip: auto: %s: %s", path, strerror(errno));
		return -1;
	}
	if (!nb->netmask[0])
		dotted(mask, nb->netmask, sizeof(nb->netmask));
	gw = dom0_gateway(dev);
	if (!nb->gateway[0])
		dotted(gw ? gw : addr, nb->gateway, sizeof(nb->gateway));
	nb->ip_auto = false;
	return 0;
}

void netboot_auto_release(const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s.ip", saved_run_dir(), name);
	unlink(path);
}
