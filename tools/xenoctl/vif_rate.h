/* vif_rate.h - the `rate` key of a vif: Xen's RATE/s[@INTERVAL] limit on what the guest sends. */
#ifndef XENOCTL_VIF_RATE_H
#define XENOCTL_VIF_RATE_H

#include <stddef.h>
#include <stdint.h>

#define VIF_RATE_INTERVAL_US	50000	/* xl's default replenish interval, 50 ms */

/* A rate limit; bytes_per_s 0: none. */
struct vif_rate {
	uint64_t bytes_per_s;
	uint32_t interval_us;		/* credit is added every interval */
};

/* Parse s as xl does: NUMBER UNIT "/s" [ "@" NUMBER [s|ms|us] ], UNIT one
 * of B, KB, MB, GB (bytes) or b, Kb, Mb, Gb (bits), K M G being powers of
 * 1000 (10Mb/s = 1250000 bytes a second), the interval in microseconds
 * without a suffix. 0, or -EINVAL with the reason in why ("rate '10Mb':
 * ..."), naming the field. */
int vif_rate_parse(const char *s, struct vif_rate *r, char *why, size_t len);

#endif
