/* logring.c - fixed-size text ring that drops its oldest bytes first. */
#include "lib.h"
#include "logring.h"

void logring_init(struct logring *ring, char *buf, size_t size)
{
	ring->buf = buf;
	ring->size = size;
	ring->head = 0;
}

void logring_write(struct logring *ring, const char *s, size_t len)
{
	if (len > ring->size) {
		ring->head += len - ring->size;
		s += len - ring->size;
		len = ring->size;
	}
	while (len) {
		size_t at = (size_t)(ring->head % ring->size);
		size_t chunk = LIB_MIN(len, ring->size - at);

		memcpy(ring->buf + at, s, chunk);
		ring->head += chunk;
		s += chunk;
		len -= chunk;
	}
}

uint64_t logring_oldest(const struct logring *ring)
{
	return ring->head > ring->size ? ring->head - ring->size : 0;
}

/* logring_line_start: first position at or after from that starts a line
 * (follows a '\n'), or from itself when no '\n' is held after it. */
static uint64_t logring_line_start(const struct logring *ring, uint64_t from)
{
	uint64_t p;

	for (p = from + 1; p <= ring->head; p++)
		if (ring->buf[(p - 1) % ring->size] == '\n')
			return p;
	return from;
}

size_t logring_read(const struct logring *ring, uint64_t *pos, char *out,
		    size_t len)
{
	uint64_t oldest = logring_oldest(ring);
	uint64_t p = *pos;
	size_t done = 0;

	if (p < oldest)
		p = logring_line_start(ring, oldest);
	if (p > ring->head)
		p = ring->head;
	while (done < len && p < ring->head) {
		size_t at = (size_t)(p % ring->size);
		size_t chunk = LIB_MIN(len - done, ring->size - at);

		chunk = (size_t)LIB_MIN((uint64_t)chunk, ring->head - p);
		memcpy(out + done, ring->buf + at, chunk);
		done += chunk;
		p += chunk;
	}
	*pos = p;
	return done;
}
