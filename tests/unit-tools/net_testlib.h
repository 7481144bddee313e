/* net_testlib.h - a virtio-net test's kick of the TX queue, served as the event loop serves it. */
#ifndef NET_TESTLIB_H
#define NET_TESTLIB_H

#include "dm_testlib.h"
#include "virtio/net.h"

/* The driver's TX notify, then the event loop's run of the kicked queue
 * (after it answered the notify). */
static inline void net_kick_tx(struct virtio_net *n)
{
	fake_kick(&n->vp, VIRTIO_NET_TXQ);
	virtio_net_tx_kicked(n);
}

#endif
