/* printk.c - leveled hypervisor log: [cpuN] prefix, log ring, console sinks. */
#include "cmdline.h"
#include "errno.h"
#include "lib.h"
#include "logring.h"
#include "printk.h"

/*
 * Two locks. ring_lock guards the ring, the thresholds, the rate limiter
 * and the line state; it is held only for memory copies. console_lock
 * serialises writing to the (slow) sinks and the sink list; in
 * asynchronous mode a CPU that cannot take it leaves its text to the
 * holder, which keeps draining until the ring is written out.
 */
static volatile int printk_ring_lock;
static volatile int printk_console_lock;

static char printk_ring_buf[PRINTK_RING_SIZE];
static struct logring printk_ring = {
	.buf = printk_ring_buf, .size = PRINTK_RING_SIZE, .head = 0,
};
static bool printk_at_line_start = true;	/* ring_lock */

static struct cmdline_loglvl printk_host_lvl = {
	CMDLINE_LOG_INFO, CMDLINE_LOG_INFO
};
static struct cmdline_loglvl printk_guest_lvl = {
	CMDLINE_LOG_NONE, CMDLINE_LOG_WARNING
};
static bool printk_sync;
static int printk_everything;		/* atomic counter */

static unsigned int (*printk_cpu_hook)(void);
static uint64_t (*printk_clock)(void);

/* Rate limiter state (ring_lock). */
static uint64_t printk_rl_window_start;
static unsigned int printk_rl_count;
static uint64_t printk_rl_missed;	/* in the current window */
static uint64_t printk_rl_total;	/* since boot */

/* Sinks and how far they have been written (console_lock). */
static struct printk_sink *printk_sinks;
static uint64_t printk_console_pos;
static char printk_chunk[256];

/* printk_emit: append text to the ring, "[cpuN] " before each line.
 * Caller holds ring_lock. */
static void printk_emit(const char *s, size_t len)
{
	char prefix[16];
	unsigned int cpu = printk_cpu_hook ? printk_cpu_hook() : 0;
	int plen = snprintf(prefix, sizeof(prefix), "[cpu%u] ", cpu);

	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t seg = nl ? (size_t)(nl - s) + 1 : len;

		if (printk_at_line_start)
			logring_write(&printk_ring, prefix, (size_t)plen);
		logring_write(&printk_ring, s, seg);
		printk_at_line_start = s[seg - 1] == '\n';
		s += seg;
		len -= seg;
	}
}

/*
 * printk_ratelimit_ok: whether a rate-limited message may pass now. A new
 * window first reports how many were dropped in the last one. Caller holds
 * ring_lock.
 */
static bool printk_ratelimit_ok(void)
{
	uint64_t now;

	/* Without a clock there are no windows to count in: no limit. */
	if (!printk_clock)
		return true;
	now = printk_clock();
	if (now - printk_rl_window_start >= PRINTK_RATELIMIT_MS) {
		printk_rl_window_start = now;
		printk_rl_count = 0;
		if (printk_rl_missed) {
			char msg[64];
			int n = snprintf(msg, sizeof(msg),
					 "printk: %llu messages suppressed\n",
					 (unsigned long long)printk_rl_missed);

			if (!printk_at_line_start)
				printk_emit("\n", 1);
			printk_emit(msg, (size_t)LIB_MIN(n, (int)sizeof(msg) - 1));
			printk_rl_missed = 0;
		}
	}
	if (printk_rl_count < PRINTK_RATELIMIT_BURST) {
		printk_rl_count++;
		return true;
	}
	printk_rl_missed++;
	printk_rl_total++;
	return false;
}

/* printk_pass: the loglvl=/guest_loglvl= filter. Caller holds ring_lock. */
static bool printk_pass(unsigned int level)
{
	const struct cmdline_loglvl *t =
		(level & PRINTK_GUEST) ? &printk_guest_lvl : &printk_host_lvl;
	unsigned int l = level & 0xf;

	if (__atomic_load_n(&printk_everything, __ATOMIC_RELAXED) > 0 ||
	    l < t->lower)
		return true;
	if (l < t->upper)
		return printk_ratelimit_ok();
	return false;
}

/* printk_write_sinks: hand len bytes to every enabled sink. Caller holds
 * console_lock. */
static void printk_write_sinks(const char *s, size_t len)
{
	struct printk_sink *sink;

	for (sink = printk_sinks; sink; sink = sink->next)
		if (sink->enabled)
			sink->write(sink, s, len);
}

/*
 * printk_drain: write ring text not yet on the consoles. With wait, spin
 * for console_lock; otherwise give up if another CPU holds it (it will
 * write our text too, as it loops until nothing is pending).
 */
static void printk_drain(bool wait)
{
	for (;;) {
		bool pending;

		if (wait)
			lib_spin_lock(&printk_console_lock);
		else if (!lib_spin_trylock(&printk_console_lock))
			return;
		for (;;) {
			size_t n;

			lib_spin_lock(&printk_ring_lock);
			n = logring_read(&printk_ring, &printk_console_pos,
					 printk_chunk, sizeof(printk_chunk));
			lib_spin_unlock(&printk_ring_lock);
			if (!n)
				break;
			printk_write_sinks(printk_chunk, n);
		}
		lib_spin_unlock(&printk_console_lock);

		lib_spin_lock(&printk_ring_lock);
		pending = printk_console_pos < printk_ring.head;
		lib_spin_unlock(&printk_ring_lock);
		if (!pending)
			return;
	}
}

void vprintk(unsigned int level, const char *fmt, va_list ap)
{
	char line[PRINTK_LINE_MAX];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	uint64_t start, end;
	size_t len;

	if (n < 0)
		return;
	len = (size_t)n;
	if (len >= sizeof(line)) {
		len = sizeof(line) - 1;
		line[len - 1] = '\n';
	}
	lib_spin_lock(&printk_ring_lock);
	if (!printk_pass(level)) {
		lib_spin_unlock(&printk_ring_lock);
		return;
	}
	start = printk_ring.head;
	printk_emit(line, len);
	end = printk_ring.head;
	lib_spin_unlock(&printk_ring_lock);
	/* Log-only text is stepped over when the consoles are up to it (if
	 * another CPU is writing them just now, it goes out after all). */
	if ((level & PRINTK_LOG_ONLY) && lib_spin_trylock(&printk_console_lock)) {
		if (printk_console_pos == start)
			printk_console_pos = end;
		lib_spin_unlock(&printk_console_lock);
	}
	printk_drain(printk_sync);
}

void printk(unsigned int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

void printk_set_loglvl(struct cmdline_loglvl host, struct cmdline_loglvl guest)
{
	lib_spin_lock(&printk_ring_lock);
	printk_host_lvl = host;
	printk_guest_lvl = guest;
	lib_spin_unlock(&printk_ring_lock);
}

void printk_set_sync(bool sync)
{
	printk_sync = sync;
	if (sync)
		printk_drain(true);
}

void printk_configure(const struct boot_options *opts)
{
	printk_set_loglvl(opts->loglvl, opts->guest_loglvl);
	printk_set_sync(opts->sync_console);
}

void printk_set_cpu_hook(unsigned int (*cpu_id)(void))
{
	printk_cpu_hook = cpu_id;
}

void printk_set_clock(uint64_t (*now_ms)(void))
{
	lib_spin_lock(&printk_ring_lock);
	printk_clock = now_ms;
	printk_rl_window_start = now_ms ? now_ms() : 0;
	lib_spin_unlock(&printk_ring_lock);
}

int printk_register_sink(struct printk_sink *sink, bool replay)
{
	struct printk_sink *s;
	uint64_t pos = 0;

	if (!sink || !sink->write)
		return -EINVAL;
	lib_spin_lock(&printk_console_lock);
	for (s = printk_sinks; s; s = s->next) {
		if (s == sink) {
			lib_spin_unlock(&printk_console_lock);
			return -EEXIST;
		}
	}
	while (replay && pos < printk_console_pos) {
		size_t n;

		lib_spin_lock(&printk_ring_lock);
		n = logring_read(&printk_ring, &pos, printk_chunk,
				 (size_t)LIB_MIN((uint64_t)sizeof(printk_chunk),
						 printk_console_pos - pos));
		lib_spin_unlock(&printk_ring_lock);
		if (!n)
			break;
		sink->write(sink, printk_chunk, n);
	}
	sink->enabled = true;
	sink->next = printk_sinks;
	printk_sinks = sink;
	lib_spin_unlock(&printk_console_lock);
	printk_drain(true);
	return 0;
}

void printk_sink_enable(struct printk_sink *sink, bool enabled)
{
	lib_spin_lock(&printk_console_lock);
	sink->enabled = enabled;
	lib_spin_unlock(&printk_console_lock);
}

void printk_force_unlock(void)
{
	lib_spin_unlock(&printk_console_lock);
	lib_spin_unlock(&printk_ring_lock);
	printk_sync = true;
}

void printk_flush(void)
{
	printk_drain(true);
}

size_t printk_ring_read(uint64_t *pos, char *buf, size_t len)
{
	size_t n;

	lib_spin_lock(&printk_ring_lock);
	n = logring_read(&printk_ring, pos, buf, len);
	lib_spin_unlock(&printk_ring_lock);
	return n;
}

void printk_everything_begin(void)
{
	__atomic_add_fetch(&printk_everything, 1, __ATOMIC_RELAXED);
}

void printk_everything_end(void)
{
	__atomic_sub_fetch(&printk_everything, 1, __ATOMIC_RELAXED);
}

uint64_t printk_suppressed(void)
{
	uint64_t n;

	lib_spin_lock(&printk_ring_lock);
	n = printk_rl_total;
	lib_spin_unlock(&printk_ring_lock);
	return n;
}
