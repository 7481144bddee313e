/* test_printk.c - unit tests of printk: levels, prefix, ring, sinks, rate limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "printk.h"

/* A sink that appends to a buffer. */
struct capture {
	struct printk_sink sink;
	char text[8192];
	size_t len;
};

static void capture_write(struct printk_sink *sink, const char *s, size_t len)
{
	struct capture *c = sink->ctx;

	if (c->len + len < sizeof(c->text)) {
		memcpy(c->text + c->len, s, len);
		c->len += len;
		c->text[c->len] = '\0';
	}
}

static struct capture cap1 = { .sink = { .name = "cap1", .write = capture_write,
					 .ctx = &cap1 } };
static struct capture cap2 = { .sink = { .name = "cap2", .write = capture_write,
					 .ctx = &cap2 } };

static uint64_t ring_pos;

/* ring_new: the ring text printed since the last call. */
static const char *ring_new(void)
{
	static char out[PRINTK_RING_SIZE + 1];
	size_t n = 0, got;

	while ((got = printk_ring_read(&ring_pos, out + n, sizeof(out) - 1 - n)) > 0)
		n += got;
	out[n] = '\0';
	return out;
}

static unsigned int fake_cpu;
static unsigned int cpu_hook(void)
{
	return fake_cpu;
}

static uint64_t fake_ms;
static uint64_t clock_hook(void)
{
	return fake_ms;
}

static void test_before_any_sink(void **state)
{
	(void)state;
	printk(PRINTK_INFO, "early %d\n", 1);
	printk(PRINTK_DEBUG, "hidden by default\n");
	assert_string_equal(ring_new(), "[cpu0] early 1\n");
}

static void test_register_replays(void **state)
{
	(void)state;
	assert_int_equal(printk_register_sink(&cap1.sink, true), 0);
	assert_string_equal(cap1.text, "[cpu0] early 1\n");
	assert_int_equal(printk_register_sink(&cap1.sink, true), -EEXIST);
	assert_int_equal(printk_register_sink(&cap2.sink, false), 0);
	assert_int_equal(cap2.len, 0);
	printk(PRINTK_ERR, "both\n");
	assert_string_equal(cap1.text, "[cpu0] early 1\n[cpu0] both\n");
	assert_string_equal(cap2.text, "[cpu0] both\n");
	ring_new();
	{
		struct printk_sink bad = { .name = "bad" };

		assert_int_equal(printk_register_sink(&bad, false), -EINVAL);
	}
}

static void test_prefix_per_line(void **state)
{
	(void)state;
	fake_cpu = 3;
	printk_set_cpu_hook(cpu_hook);
	printk(PRINTK_WARNING, "a\nb\n");
	printk(PRINTK_WARNING, "partial ");
	printk(PRINTK_WARNING, "line\n");
	assert_string_equal(ring_new(),
			    "[cpu3] a\n[cpu3] b\n[cpu3] partial line\n");
	printk_set_cpu_hook(NULL);
	printk(PRINTK_WARNING, "x\n");
	assert_string_equal(ring_new(), "[cpu0] x\n");
}

static void test_levels(void **state)
{
	struct cmdline_loglvl host = { CMDLINE_LOG_WARNING, CMDLINE_LOG_WARNING };
	struct cmdline_loglvl guest = { CMDLINE_LOG_ERROR, CMDLINE_LOG_ERROR };

	(void)state;
	printk_set_loglvl(host, guest);
	printk(PRINTK_ERR, "e\n");
	printk(PRINTK_WARNING, "w\n");
	printk(PRINTK_INFO, "i\n");
	printk(PRINTK_DEBUG, "d\n");
	printk(PRINTK_ERR | PRINTK_GUEST, "ge\n");
	printk(PRINTK_WARNING | PRINTK_GUEST, "gw\n");
	assert_string_equal(ring_new(), "[cpu0] e\n[cpu0] w\n[cpu0] ge\n");

	host.lower = host.upper = CMDLINE_LOG_ALL;
	guest.lower = guest.upper = CMDLINE_LOG_NONE;
	printk_set_loglvl(host, guest);
	printk(PRINTK_DEBUG, "d\n");
	printk(PRINTK_ERR | PRINTK_GUEST, "ge\n");
	assert_string_equal(ring_new(), "[cpu0] d\n");
}

static void test_configure_from_options(void **state)
{
	struct boot_options o;

	(void)state;
	cmdline_parse("loglvl=error guest_loglvl=all", &o);
	printk_configure(&o);
	printk(PRINTK_WARNING, "w\n");
	printk(PRINTK_DEBUG | PRINTK_GUEST, "gd\n");
	assert_string_equal(ring_new(), "[cpu0] gd\n");
}

static void test_ratelimit(void **state)
{
	struct cmdline_loglvl host = { CMDLINE_LOG_ERROR, CMDLINE_LOG_ALL };
	struct cmdline_loglvl guest = { CMDLINE_LOG_NONE, CMDLINE_LOG_WARNING };
	char want[2048] = "";
	size_t at = 0;

	(void)state;
	fake_ms = 1000;
	printk_set_clock(clock_hook);
	printk_set_loglvl(host, guest);
	/* Errors are never limited; info is, after a burst. */
	for (int i = 0; i < PRINTK_RATELIMIT_BURST + 5; i++) {
		printk(PRINTK_INFO, "info %d\n", i);
		printk(PRINTK_ERR, "err %d\n", i);
		if (i < PRINTK_RATELIMIT_BURST)
			at += (size_t)snprintf(want + at, sizeof(want) - at,
					       "[cpu0] info %d\n", i);
		at += (size_t)snprintf(want + at, sizeof(want) - at,
				       "[cpu0] err %d\n", i);
	}
	assert_string_equal(ring_new(), want);
	assert_int_equal(printk_suppressed(), 5);
	/* Next window: a note about the dropped ones, then the message. */
	fake_ms += PRINTK_RATELIMIT_MS;
	printk(PRINTK_DEBUG, "later\n");
	assert_string_equal(ring_new(),
		"[cpu0] printk: 5 messages suppressed\n[cpu0] later\n");
	/* Without a clock nothing is limited. */
	printk_set_clock(NULL);
	for (int i = 0; i < 3 * PRINTK_RATELIMIT_BURST; i++)
		printk(PRINTK_INFO, "x\n");
	assert_int_equal(strlen(ring_new()), 3 * PRINTK_RATELIMIT_BURST * 9);
	assert_int_equal(printk_suppressed(), 5);
}

static void test_sink_disable_and_sync(void **state)
{
	struct cmdline_loglvl host = { CMDLINE_LOG_ALL, CMDLINE_LOG_ALL };
	struct cmdline_loglvl guest = { CMDLINE_LOG_NONE, CMDLINE_LOG_NONE };

	(void)state;
	printk_set_loglvl(host, guest);
	cap1.len = cap2.len = 0;
	cap1.text[0] = cap2.text[0] = '\0';
	printk_sink_enable(&cap2.sink, false);
	printk_set_sync(true);
	printk(PRINTK_INFO, "only one\n");
	assert_string_equal(cap1.text, "[cpu0] only one\n");
	assert_string_equal(cap2.text, "");
	printk_sink_enable(&cap2.sink, true);
	printk_set_sync(false);
	printk(PRINTK_INFO, "again\n");
	printk_flush();
	assert_string_equal(cap2.text, "[cpu0] again\n");
	ring_new();
}

static void test_force_unlock(void **state)
{
	(void)state;
	cap1.len = 0;
	cap1.text[0] = '\0';
	printk_force_unlock();
	printk(PRINTK_ERR, "last words\n");
	assert_string_equal(cap1.text, "[cpu0] last words\n");
	printk_set_sync(false);
	ring_new();
}

static void test_long_message_cut(void **state)
{
	char big[PRINTK_LINE_MAX * 2];
	const char *got;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	printk(PRINTK_INFO, "%s\n", big);
	got = ring_new();
	assert_int_equal(strlen(got), strlen("[cpu0] ") + PRINTK_LINE_MAX - 1);
	assert_int_equal(got[strlen(got) - 1], '\n');
}

static void test_ring_wraps(void **state)
{
	uint64_t pos = 0;
	char first[64];
	size_t n;

	(void)state;
	/* Write three ring sizes of numbered lines; a reader from the start
	 * gets the oldest complete line still held, and the newest is last. */
	for (int i = 0; i < 3 * PRINTK_RING_SIZE / 20; i++)
		printk(PRINTK_INFO, "line %06d\n", i);
	n = printk_ring_read(&pos, first, sizeof(first) - 1);
	first[n] = '\0';
	assert_true(pos > PRINTK_RING_SIZE);
	assert_memory_equal(first, "[cpu0] line ", 12);
	{
		const char *all;

		ring_pos = 0;
		all = ring_new();
		assert_true(strlen(all) <= PRINTK_RING_SIZE);
		assert_true(strlen(all) > PRINTK_RING_SIZE - 40);
		assert_memory_equal(all, "[cpu0] line ", 12);
		snprintf(first, sizeof(first), "[cpu0] line %06d\n",
			 3 * PRINTK_RING_SIZE / 20 - 1);
		assert_string_equal(all + strlen(all) - strlen(first), first);
	}
	/* The console sinks got every line, in order. */
	assert_true(cap1.len > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_before_any_sink),
		cmocka_unit_test(test_register_replays),
		cmocka_unit_test(test_prefix_per_line),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_configure_from_options),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_sink_disable_and_sync),
		cmocka_unit_test(test_force_unlock),
		cmocka_unit_test(test_long_message_cut),
		cmocka_unit_test(test_ring_wraps),
	};

	return cmocka_run_group_tests_name("printk", tests, NULL, NULL);
}
