/* logring.h - fixed-size text ring that drops its oldest bytes first. */
#ifndef XENOLITH_LOGRING_H
#define XENOLITH_LOGRING_H

#include <stddef.h>
#include <stdint.h>

/*
 * Positions are byte counts since the ring was created, so a reader can
 * tell how much it missed. The ring holds bytes [head - size, head). No
 * locking: the caller serialises writers and readers (printk does).
 */
struct logring {
	char *buf;
	size_t size;
	uint64_t head;		/* bytes ever written */
};

/* logring_init: use buf[0..size) (size > 0) as an empty ring. */
void logring_init(struct logring *ring, char *buf, size_t size);

/* logring_write: append s[0..len); if len > size only the last size bytes
 * are kept. */
void logring_write(struct logring *ring, const char *s, size_t len);

/* logring_oldest: position of the oldest byte still held. */
uint64_t logring_oldest(const struct logring *ring);

/*
 * logring_read: copy up to len bytes from position *pos, advancing *pos.
 * A *pos older than the ring skips to the oldest complete line held (the
 * byte after the first '\n', or the oldest byte if none); a *pos beyond
 * head is clamped to head. Returns bytes copied.
 */
size_t logring_read(const struct logring *ring, uint64_t *pos, char *out,
		    size_t len);

#endif
