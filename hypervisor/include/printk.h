/* printk.h - leveled hypervisor log: [cpuN] prefix, log ring, console sinks. */
#ifndef XENOLITH_PRINTK_H
#define XENOLITH_PRINTK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"

/* Message levels, most severe first (Xen's loglvl names). */
#define PRINTK_ERR     0
#define PRINTK_WARNING 1
#define PRINTK_INFO    2
#define PRINTK_DEBUG   3
/* OR into the level for messages about a guest: guest_loglvl applies. */
#define PRINTK_GUEST   0x10
/* OR into the level for text that goes to the log ring (xenoctl dmesg)
 * but not onto the consoles: the serial line is dom0's while it runs. */
#define PRINTK_LOG_ONLY 0x20

/* Size of the log ring dom0 reads (xenoctl dmesg); the oldest text is
 * dropped first. */
#define PRINTK_RING_SIZE (64 * 1024)
/* Longest single printk() after formatting; the rest is cut. */
#define PRINTK_LINE_MAX 512
/* Rate limiting: at most BURST messages per window of MS milliseconds. */
#define PRINTK_RATELIMIT_BURST 10
#define PRINTK_RATELIMIT_MS 5000

/*
 * A console output: serial port, VGA screen. The owner keeps the storage
 * (static), fills name/write/ctx and registers it once; printk owns the
 * other fields afterwards. write() receives whole lines or fragments, '\n'
 * as line end (serial sinks add the '\r' themselves); it is called with
 * the console lock held, one CPU at a time.
 */
struct printk_sink {
	const char *name;
	void (*write)(struct printk_sink *sink, const char *s, size_t len);
	void *ctx;
	bool enabled;			/* printk; see printk_sink_enable() */
	struct printk_sink *next;	/* printk, under the console lock */
};

/*
 * printk: format like snprintf and log at level (PRINTK_* | PRINTK_GUEST).
 * Messages that pass loglvl= (guest_loglvl= for PRINTK_GUEST) go to the log
 * ring and the console sinks, each line prefixed by "[cpuN] ". Messages
 * between the two thresholds are rate limited. Any CPU, any context that
 * may spin briefly; not from an NMI that interrupted printk itself.
 */
void printk(unsigned int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vprintk(unsigned int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * printk_configure: apply loglvl=, guest_loglvl= and sync_console= from
 * the boot options. Until called, thresholds are info/info and
 * none/warning and output is asynchronous.
 */
void printk_configure(const struct boot_options *opts);
void printk_set_loglvl(struct cmdline_loglvl host, struct cmdline_loglvl guest);

/*
 * printk_set_sync: synchronous mode makes every printk wait until its text
 * has reached every sink (used by sync_console and on crash paths). In the
 * default asynchronous mode a CPU that finds another CPU printing leaves
 * its text in the ring for that CPU to write out, instead of waiting.
 */
void printk_set_sync(bool sync);

/*
 * Hooks from the arch code: the current CPU's number for the prefix, and a
 * millisecond clock for rate limiting. NULL restores the default: cpu 0,
 * and no rate limiting at all (messages between the loglvl= thresholds
 * are all printed) until a clock is given.
 */
void printk_set_cpu_hook(unsigned int (*cpu_id)(void));
void printk_set_clock(uint64_t (*now_ms)(void));

/*
 * printk_register_sink: add an enabled sink. With replay, the text already
 * in the ring (messages from before the console existed) is written to it
 * first. Returns 0, or -EINVAL (no write function) / -EEXIST (registered).
 */
int printk_register_sink(struct printk_sink *sink, bool replay);
/* printk_sink_enable: stop or resume output to one sink (e.g. VGA once dom0
 * owns the screen). */
void printk_sink_enable(struct printk_sink *sink, bool enabled);

/*
 * printk_force_unlock: for the path that stops the machine. Releases the
 * ring and console locks whatever holds them (perhaps this CPU, which
 * faulted inside printk) and makes output synchronous, so the last words
 * get out; output of other CPUs may interleave from then on.
 */
void printk_force_unlock(void);

/* printk_flush: write any text still pending in the ring to the sinks,
 * waiting for the console lock. For panic and reboot paths. */
void printk_flush(void);

/*
 * printk_ring_read: copy log text starting at *pos (a byte count since
 * boot; start with 0) into buf, at most len bytes, and advance *pos. If
 * *pos has been overwritten, reading restarts at the oldest complete line
 * still held. Returns the number of bytes copied; 0 means caught up.
 */
size_t printk_ring_read(uint64_t *pos, char *buf, size_t len);

/*
 * printk_everything_begin/end: while any begin is not yet ended, every
 * message passes loglvl=/guest_loglvl= and rate limiting (debug-key output
 * the user asked for). Nest freely; any CPU.
 */
void printk_everything_begin(void);
void printk_everything_end(void);

/* printk_suppressed: messages dropped by rate limiting since boot. */
uint64_t printk_suppressed(void);

#endif
