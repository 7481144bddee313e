/* vdev.h - what the emulated platform devices share: byte lanes of a port access on the ISA bus, clock ticks from nanoseconds. */
#ifndef XENOLITH_ARCH_X86_VDEV_VDEV_H
#define XENOLITH_ARCH_X86_VDEV_VDEV_H

#include <stdbool.h>
#include <stdint.h>

/* A byte nobody drives reads as all ones (the ISA bus floats high). */
#define VDEV_EMPTY_BYTE	0xffu
#define VDEV_NS_PER_S	1000000000ull

/*
 * vdev_io_bytes: one port access of size bytes at port, split into byte
 * cycles at port, port+1, ... as the ISA bus does for 8-bit devices (a
 * 16/32-bit access to an 8-bit device is several byte cycles in address
 * order). rd/wr handle one byte of dev; rd returns VDEV_EMPTY_BYTE for a
 * port that is not the device's. For in, *val gets the bytes little-endian
 * in its low size bytes (upper bytes 0); for out, *val's low size bytes
 * are written. A size other than 1, 2 or 4 touches nothing and reads as
 * all ones. val NULL does nothing.
 */
static inline void vdev_io_bytes(void *dev, uint16_t port, unsigned int size,
				 bool in, uint32_t *val,
				 uint8_t (*rd)(void *dev, unsigned int port),
				 void (*wr)(void *dev, unsigned int port, uint8_t b))
{
	unsigned int i;
	uint32_t v = 0;

	if (!val)
		return;
	if (size != 1 && size != 2 && size != 4) {
		if (in)
			*val = 0xffffffffu;
		return;
	}
	for (i = 0; i < size; i++) {
		if (in)
			v |= (uint32_t)rd(dev, (unsigned int)port + i) << (8 * i);
		else
			wr(dev, (unsigned int)port + i, (uint8_t)(*val >> (8 * i)));
	}
	if (in)
		*val = v;
}

/* vdev_ticks: whole periods of a hz clock in ns nanoseconds (floor), for
 * any ns without overflow (hz < 2^32). */
static inline uint64_t vdev_ticks(uint64_t ns, uint32_t hz)
{
	return ns / VDEV_NS_PER_S * hz + ns % VDEV_NS_PER_S * hz / VDEV_NS_PER_S;
}

/* vdev_ticks_ns: the first ns at which vdev_ticks(ns, hz) >= ticks, i.e.
 * when tick number ticks happens (ceiling). Saturates at UINT64_MAX. */
static inline uint64_t vdev_ticks_ns(uint64_t ticks, uint32_t hz)
{
	uint64_t whole = ticks / hz, part = ticks % hz;

	if (whole >= UINT64_MAX / VDEV_NS_PER_S)
		return UINT64_MAX;
	return whole * VDEV_NS_PER_S + (part * VDEV_NS_PER_S + hz - 1) / hz;
}

#endif
