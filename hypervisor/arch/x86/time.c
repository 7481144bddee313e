/* Busy-wait delays on PIT channel 2 (gated through port 0x61). */
#include <stdint.h>

#include <arch/x86/io.h>
#include <arch/x86/processor.h>
#include <arch/x86/time.h>

#define PIT_HZ		1193182u
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61

/* One-shot of at most 50 ms: mode 0 on channel 2, wait for OUT2 (bit 5). */
static void time_pit_wait(unsigned int ms)
{
	uint32_t count = PIT_HZ / 1000 * ms;
	uint8_t gate = inb(PIT_GATE);
	unsigned long spins = 0;

	outb(PIT_GATE, (gate & ~0x02) & ~0x01);	/* speaker off, gate low */
	outb(PIT_CMD, 0xb0);			/* ch2, lo/hi, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	outb(PIT_GATE, (gate & ~0x02) | 0x01);	/* gate high: start counting */
	while (!(inb(PIT_GATE) & 0x20) && ++spins < 100000000ul)
		;
	outb(PIT_GATE, gate);
}

void time_mdelay(unsigned int ms)
{
	while (ms) {
		unsigned int step = ms > 50 ? 50 : ms;

		time_pit_wait(step);
		ms -= step;
	}
}

static uint64_t time_tsc_per_ms;
static uint64_t time_tsc_start;

#define TIME_CALIBRATE_MS	10
#define TIME_CALIBRATE_TRIES	5

/*
 * time_init: the TSC's rate, from the shortest of a few 10 ms PIT
 * one-shots. A CPU that is itself emulated or virtualised may be
 * descheduled inside a window, which only ever lengthens it in TSC ticks
 * (under a loaded QEMU one window read 3.3 GHz on a 2.1 GHz host, and
 * every guest's clock then ran at 0.6); the shortest is the truest.
 */
void time_init(void)
{
	uint64_t t0, best = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < TIME_CALIBRATE_TRIES; i++) {
		t0 = rdtsc();
		time_pit_wait(TIME_CALIBRATE_MS);
		t0 = rdtsc() - t0;
		if (t0 < best)
			best = t0;
	}
	time_tsc_per_ms = best / TIME_CALIBRATE_MS;
	if (!time_tsc_per_ms)
		time_tsc_per_ms = 1;
	time_tsc_start = rdtsc();
}

uint64_t time_now_ms(void)
{
	if (!time_tsc_start)
		return 0;
	return (rdtsc() - time_tsc_start) / time_tsc_per_ms;
}

uint64_t time_tsc_khz(void)
{
	return time_tsc_start ? time_tsc_per_ms : 0;
}

uint64_t time_now_ns(void)
{
	uint64_t d;

	if (!time_tsc_start)
		return 0;
	d = rdtsc() - time_tsc_start;
	/* Split so that nothing overflows: the remainder is below one ms. */
	return d / time_tsc_per_ms * 1000000ull + d % time_tsc_per_ms * 1000000ull / time_tsc_per_ms;
}
