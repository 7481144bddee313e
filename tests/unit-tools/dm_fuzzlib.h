/* dm_fuzzlib.h - the fuzz harnesses' random numbers: a seeded xorshift, guest addresses, lengths and descriptors worth trying. */
#ifndef DM_FUZZLIB_H
#define DM_FUZZLIB_H

#include <stdint.h>
#include <stdlib.h>

#include "dm_testlib.h"

#define FUZZ_AREA	0x20000		/* headers, tables and data: [FUZZ_AREA, + 64 KiB) */

static uint64_t rng;

/* xorshift64*: the same seed, the same run. */
static inline uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static inline uint64_t pick(const uint64_t *v, unsigned int n)
{
	return v[rnd() % n];
}

/* An address: mostly in the data area, sometimes at the edges of RAM,
 * in the hole, or anywhere. */
static inline uint64_t rnd_addr(void)
{
	static const uint64_t edges[] = { 0, FAKE_LOW - 1, FAKE_LOW - 16, FAKE_LOW,
		FAKE_HIGH_GPA - 8, FAKE_HIGH_GPA, FAKE_HIGH_GPA + FAKE_HIGH - 1, ~0ull, ~0ull - 15 };

	switch (rnd() % 8) {
	case 0:
		return pick(edges, sizeof(edges) / 8);
	case 1:
		return rnd();
	default:
		return FUZZ_AREA + rnd() % 0x10000;
	}
}

static inline uint32_t rnd_len(void)
{
	static const uint64_t lens[] = { 0, 1, 15, 16, 17, 512, 513, 4096, 0x10000, 0xffffffff };

	return rnd() % 2 ? pick(lens, sizeof(lens) / 8) : rnd() % 8192;
}

static inline void rnd_desc(struct fake_desc *d, unsigned int n)
{
	d->addr = rnd_addr();
	d->len = rnd_len();
	d->flags = rnd() % 4 ? rnd() & 3 : rnd() & 7;
	d->next = rnd() % 8 ? rnd() % n : rnd();
}

/* Start from $DM_FUZZ_SEED (seed, may be NULL: a fixed one). */
static inline void fuzz_seed(const char *seed)
{
	rng = seed ? strtoull(seed, NULL, 0) : 0x9e3779b97f4a7c15ull;
	if (!rng)
		rng = 1;
}

#endif
