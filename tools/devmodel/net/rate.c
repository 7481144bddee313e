/* rate.c - the token bucket behind a NIC's transmit rate limit. */
#include <time.h>

#include "net/rate.h"

void net_rate_init(struct net_rate *r, uint64_t bytes_per_s, uint32_t interval_us,
		   uint64_t now_ns)
{
	*r = (struct net_rate){ 0 };
	if (!bytes_per_s || !interval_us)
		return;
	r->interval_ns = interval_us * 1000ull;
	r->bytes_per_interval = bytes_per_s * interval_us / 1000000;
	if (!r->bytes_per_interval)		/* below a byte an interval: longer intervals */
		r->bytes_per_interval = 1;
	r->burst = (int64_t)r->bytes_per_interval;
	r->credit = r->burst;
	r->next_ns = now_ns + r->interval_ns;
}

bool net_rate_may_send(struct net_rate *r, uint64_t now_ns)
{
	uint64_t k;

	if (!r->bytes_per_interval)
		return true;
	if (now_ns >= r->next_ns) {
		k = (now_ns - r->next_ns) / r->interval_ns + 1;
		r->credit += (int64_t)(k * r->bytes_per_interval);
		if (r->credit > r->burst)
			r->credit = r->burst;
		r->next_ns += k * r->interval_ns;
	}
	return r->credit > 0;
}

void net_rate_charge(struct net_rate *r, uint64_t len)
{
	if (r->bytes_per_interval)
		r->credit -= (int64_t)len;
}

int net_rate_wait_ms(const struct net_rate *r, uint64_t now_ns)
{
	return now_ns >= r->next_ns ? 0 : (int)((r->next_ns - now_ns + 999999) / 1000000);
}

uint64_t net_rate_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
