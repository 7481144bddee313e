/* tap.c - the tap backend: a vifDOMID.N tap device with virtio-net headers, left down or enslaved to a bridge. */
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net.h"

static int tap_send(struct net *nb, const struct iovec *iov, unsigned int n)
{
	/* A tap takes a whole frame per write, or none of it. */
	return writev(nb->fd, iov, (int)n) < 0 ? -errno : 0;
}

static ssize_t tap_recv(struct net *nb, void *buf, size_t len)
{
	ssize_t r = read(nb->fd, buf, len);

	return r < 0 ? -errno : r;
}

static int tap_set_offload(struct net *nb, unsigned int offload)
{
	unsigned int f = (offload & NET_OFFLOAD_CSUM ? TUN_F_CSUM : 0) |
			 (offload & NET_OFFLOAD_TSO4 ? TUN_F_TSO4 : 0) |
			 (offload & NET_OFFLOAD_TSO6 ? TUN_F_TSO6 : 0);

	return ioctl(nb->fd, TUNSETOFFLOAD, f) ? -errno : 0;
}

static void tap_close(struct net *nb)
{
	close(nb->fd);		/* the tap is not persistent: it goes with its last fd */
	free(nb);
}

static const struct net_ops tap_ops = {
	.send = tap_send,
	.recv = tap_recv,
	.set_offload = tap_set_offload,
	.close = tap_close,
};

/* ifr cleared and naming interface name (shorter than IFNAMSIZ). */
static void ifr_for(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, name, strlen(name));
}

/* The bridge must exist and be one: its driver (ethtool's, which sees
 * this process's network namespace, as sysfs may not) is "bridge". */
static int check_bridge(const char *name, const char *bridge, char *err, size_t errlen)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;
	int s, ret;

	if (strlen(bridge) >= NET_NAME_MAX || !if_nametoindex(bridge)) {
		snprintf(err, errlen, "%s: bridge %s: no such bridge", name, bridge);
		return -ENODEV;
	}
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: socket: %s", name, strerror(errno));
		return ret;
	}
	ifr_for(&ifr, bridge);
	ifr.ifr_data = (void *)&info;
	ret = ioctl(s, SIOCETHTOOL, &ifr);
	close(s);
	if (ret || strcmp(info.driver, "bridge")) {
		snprintf(err, errlen, "%s: bridge %s: not a bridge", name, bridge);
		return -EINVAL;
	}
	return 0;
}

/* The tap itself: IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, a 12-byte header,
 * no offloads until the guest asks for them. Returns its fd or -errno. */
static int create_tap(const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd, hdr = NET_HDR_LEN, ret;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: /dev/net/tun: %s", name, strerror(errno));
		return ret;
	}
	ifr_for(&ifr, name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETVNETHDRSZ, &hdr) ||
	    ioctl(fd, TUNSETOFFLOAD, 0)) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot create the tap: %s", name, strerror(errno));
		close(fd);
		return ret;
	}
	return fd;
}

/* The tap's MTU into nb->mtu, or with a bridge: give the tap the
 * bridge's MTU, add it to the bridge, bring it up. */
static int plug(struct net *nb, const char *bridge, char *err, size_t errlen)
{
	struct ifreq ifr;
	const char *step = "MTU";
	int s, ret;

	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: socket: %s", nb->name, strerror(errno));
		return ret;
	}
	ifr_for(&ifr, bridge[0] ? bridge : nb->name);
	if (ioctl(s, SIOCGIFMTU, &ifr))
		goto fail;
	nb->mtu = (unsigned int)ifr.ifr_mtu;
	if (!bridge[0]) {
		close(s);
		return 0;
	}
	ifr_for(&ifr, nb->name);
	ifr.ifr_mtu = (int)nb->mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr))
		goto fail;
	step = "add to bridge";
	ifr_for(&ifr, bridge);
	ifr.ifr_ifindex = (int)if_nametoindex(nb->name);
	if (!ifr.ifr_ifindex || ioctl(s, SIOCBRADDIF, &ifr))
		goto fail;
	step = "up";
	ifr_for(&ifr, nb->name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		goto fail;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		goto fail;
	close(s);
	return 0;
fail:
	ret = errno ? -errno : -ENODEV;
	snprintf(err, errlen, "%s: bridge %s: %s: %s", nb->name, bridge[0] ? bridge : "(none)",
		 step, strerror(-ret));
	close(s);
	return ret;
}

int net_tap_open(const char *name, const char *bridge, struct net **out, char *err,
		 size_t errlen)
{
	struct net *nb;
	int fd, ret;

	if (!name[0] || strlen(name) >= NET_NAME_MAX) {
		snprintf(err, errlen, "%s: not an interface name (1 to %d characters)", name,
			 NET_NAME_MAX - 1);
		return -EINVAL;
	}
	ret = bridge[0] ? check_bridge(name, bridge, err, errlen) : 0;
	if (ret)
		return ret;
	if (if_nametoindex(name)) {
		snprintf(err, errlen, "%s: an interface of that name exists already", name);
		return -EEXIST;
	}
	nb = calloc(1, sizeof(*nb));
	if (!nb) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	memcpy(nb->name, name, strlen(name) + 1);
	nb->ops = &tap_ops;
	fd = create_tap(name, err, errlen);
	if (fd < 0) {
		free(nb);
		return fd;
	}
	nb->fd = fd;
	ret = plug(nb, bridge, err, errlen);
	if (ret) {
		tap_close(nb);		/* the tap leaves the bridge as it goes */
		return ret;
	}
	*out = nb;
	return 0;
}
