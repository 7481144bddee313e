/* test_dm_rate.c - unit tests of the token bucket behind a NIC's rate limit (tools/devmodel/net/rate.c), with a clock of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "net/rate.h"

#define MS	1000000ull

/* Bytes that go in total over seconds s, sending frames of len as fast
 * as the bucket lets them, the clock stepping step_ns. */
static uint64_t send_for(struct net_rate *r, uint64_t *now, uint64_t s, uint64_t len,
			 uint64_t step_ns)
{
	uint64_t end = *now + s * 1000 * MS, sent = 0;

	for (; *now < end; *now += step_ns)
		while (net_rate_may_send(r, *now)) {
			net_rate_charge(r, len);
			sent += len;
		}
	return sent;
}

/* 10Mb/s (1250000 B/s) at 50 ms: over 10 s about 12.5 MB go, whether the
 * frames are small or bigger than one interval's credit. */
static void test_average_holds(void **state)
{
	static const uint64_t lens[] = { 60, 1514, 65536 };
	struct net_rate r;
	uint64_t now = 5 * 1000 * MS, sent;
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		net_rate_init(&r, 1250000, 50000, now);
		sent = send_for(&r, &now, 10, lens[i], MS);
		assert_true(sent >= 12500000 && sent <= 12500000 + 62500 + lens[i]);
	}
}

/* Unlimited: always; limited: stops when the credit is gone, and waits
 * until the next interval. */
static void test_stops_and_waits(void **state)
{
	struct net_rate r;

	(void)state;
	net_rate_init(&r, 0, 50000, 0);
	net_rate_charge(&r, 1u << 30);
	assert_true(net_rate_may_send(&r, 0));
	net_rate_init(&r, 1000000, 20000, 100 * MS);	/* 20000 bytes each 20 ms */
	assert_true(net_rate_may_send(&r, 100 * MS));
	net_rate_charge(&r, 19999);
	assert_true(net_rate_may_send(&r, 101 * MS));
	net_rate_charge(&r, 10000);			/* 9999 bytes in debt */
	assert_false(net_rate_may_send(&r, 101 * MS));
	assert_int_equal(net_rate_wait_ms(&r, 101 * MS), 19);
	assert_false(net_rate_may_send(&r, 119 * MS));
	assert_true(net_rate_may_send(&r, 120 * MS));	/* +20000: 10001 */
	assert_int_equal(net_rate_wait_ms(&r, 120 * MS), 20);
	/* An idle second saves up one interval's credit, no more. */
	assert_true(net_rate_may_send(&r, 1200 * MS));
	net_rate_charge(&r, 20000);
	assert_false(net_rate_may_send(&r, 1200 * MS));
}

/* A rate below a byte an interval still lets a byte an interval through. */
static void test_tiny(void **state)
{
	struct net_rate r;

	(void)state;
	net_rate_init(&r, 1, 1000, 0);
	assert_int_equal(r.bytes_per_interval, 1);
	assert_true(net_rate_may_send(&r, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_average_holds),
		cmocka_unit_test(test_stops_and_waits),
		cmocka_unit_test(test_tiny),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
