/* net.h - the network backends' interface: whole Ethernet frames, each behind a 12-byte virtio_net_hdr, in and out. */
#ifndef DEVMODEL_NET_NET_H
#define DEVMODEL_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#define NET_HDR_LEN		12	/* struct virtio_net_hdr of virtio 1.x (§5.1.6) */
#define NET_MAX_FRAME		65536	/* bytes of one frame the guest may send, after the header */
#define NET_MAX_RX_FRAME	(NET_MAX_FRAME + 64)	/* ... and receive: a 64 KiB packet, its Ethernet and VLAN headers */

/* Offloads of set_offload: what frames handed to recv may be. */
#define NET_OFFLOAD_CSUM	1	/* with a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM) */
#define NET_OFFLOAD_TSO4	2	/* TCP/IPv4 segments still to be split (needs CSUM) */
#define NET_OFFLOAD_TSO6	4	/* TCP/IPv6 likewise */
#define NET_NAME_MAX		16	/* an interface name with its NUL (IFNAMSIZ) */

struct net;
struct net_ops {
	/* Send one frame: the header then the frame, in n buffers. 0 or
	 * -errno (the frame is dropped either way; nothing is queued). */
	int (*send)(struct net *nb, const struct iovec *iov, unsigned int n);
	/* Receive one frame, header first, into buf of len bytes: its length,
	 * -EAGAIN if none waits, or another -errno. */
	ssize_t (*recv)(struct net *nb, void *buf, size_t len);
	/* What frames handed to recv may be (NET_OFFLOAD_*): only what the
	 * guest takes. Frames sent may always use them. 0 or -errno. */
	int (*set_offload)(struct net *nb, unsigned int offload);
	void (*close)(struct net *nb);
};

struct net {
	const struct net_ops *ops;
	int fd;				/* poll it for POLLIN when ready to receive */
	unsigned int mtu;		/* the link's MTU (the bridge's, or the tap's own) */
	char name[NET_NAME_MAX];	/* e.g. vif3.0 */
};

/* A tap device called name (vifDOMID.N or the configured vifname) with
 * virtio-net headers, non-blocking. With a bridge (not ""): brought up
 * with the bridge's MTU and added to it; without: left down, for the
 * vif's script to plug in (docs/networking.md). On failure nothing is
 * left behind and err says which vif and bridge, e.g. "vif3.0: bridge
 * xenbr0: no such bridge". */
int net_tap_open(const char *name, const char *bridge, struct net **out, char *err,
		 size_t errlen);

#endif
