/* rate.h - a token bucket: a NIC's transmit rate limit (the vif's rate=, docs/networking.md "Rate limits"). */
#ifndef DEVMODEL_NET_RATE_H
#define DEVMODEL_NET_RATE_H

#include <stdbool.h>
#include <stdint.h>

/* Credit comes in every interval_ns, bytes_per_interval at a time; a
 * frame goes while the credit is positive and may take it below zero, so
 * that a frame bigger than one interval's credit passes too and the
 * average holds. The credit saved up never exceeds burst. All fields
 * belong to the event loop. */
struct net_rate {
	uint64_t bytes_per_interval;	/* 0: no limit */
	uint64_t interval_ns;
	int64_t credit;
	int64_t burst;
	uint64_t next_ns;		/* when credit is next added (CLOCK_MONOTONIC) */
};

/* Limit r to bytes_per_s, credited every interval_us (bytes_per_s 0: no
 * limit), starting full at now_ns. */
void net_rate_init(struct net_rate *r, uint64_t bytes_per_s, uint32_t interval_us,
		   uint64_t now_ns);
/* Whether a frame may go at now_ns (credit added for the intervals past first). */
bool net_rate_may_send(struct net_rate *r, uint64_t now_ns);
/* A frame of len bytes went. */
void net_rate_charge(struct net_rate *r, uint64_t len);
/* Milliseconds (rounded up) from now_ns until more credit comes. */
int net_rate_wait_ms(const struct net_rate *r, uint64_t now_ns);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t net_rate_now(void);

#endif
