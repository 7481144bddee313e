/* gone.c - the backend of a disk detached by force while the guest still holds it: every request fails. */
#include <errno.h>

#include "disk.h"

static int gone_submit(struct disk *d, struct disk_io *io)
{
	(void)d;
	(void)io;
	return -EIO;
}

static short gone_events(struct disk *d)
{
	(void)d;
	return 0;
}

static void gone_complete(struct disk *d, short revents)
{
	(void)d;
	(void)revents;
}

static int gone_read_now(struct disk *d, void *buf, size_t n, uint64_t off)
{
	(void)d;
	(void)buf;
	(void)n;
	(void)off;
	return -EIO;
}

static void gone_close(struct disk *d)
{
	(void)d;
}

static const struct disk_ops gone_ops = {
	.submit = gone_submit,
	.events = gone_events,
	.complete = gone_complete,
	.read_now = gone_read_now,
	.close = gone_close,
};

void disk_gone_init(struct disk *d, uint64_t size, bool ro)
{
	*d = (struct disk){ .ops = &gone_ops, .size = size, .ro = ro, .fd = -1 };
}
