/* bootloader_nbd.c - qcow2 images for pygrub: qemu-nbd by socket activation, libnbd reads, a read-only libext2fs io_manager on top. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ext2fs/ext2fs.h>
#include <libnbd.h>

#include "bootloader_nbd.h"

/* One channel: the connection and where the file system starts on it. */
struct nbd_chan {
	struct bootloader_nbd *n;
	uint64_t offset;		/* io option "offset=N" */
};

static struct bootloader_nbd *nbd_current;	/* for the next open */
static struct struct_io_manager nbd_manager;

/* The last line qemu-nbd wrote to log (its reason), or "". */
static void nbd_last_line(FILE *log, char *buf, size_t len)
{
	char line[512];

	buf[0] = '\0';
	rewind(log);
	while (fgets(line, sizeof(line), log))
		if (line[0] != '\n')
			snprintf(buf, len, "%.*s", (int)strcspn(line, "\n"), line);
}

int bootloader_nbd_open(const char *image, const char *format,
			struct bootloader_nbd *n, char *why, size_t len)
{
	FILE *log = tmpfile();
	int saved = dup(STDERR_FILENO), ret = 0;
	char fmt[32], said[400];
	int64_t size;

	/* qemu-nbd inherits stderr: keep what it says for the one message */
	if (log && saved >= 0)
		dup2(fileno(log), STDERR_FILENO);
	snprintf(fmt, sizeof(fmt), "--format=%s", format);
	n->h = nbd_create();
	if (!n->h ||
	    nbd_connect_systemd_socket_activation(n->h, (char *[]){ "qemu-nbd",
		    "--read-only", fmt, "--", (char *)image, NULL }) < 0 ||
	    (size = nbd_get_size(n->h)) < 0)
		ret = -EIO;
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	said[0] = '\0';
	if (ret && log)
		nbd_last_line(log, said, sizeof(said));
	if (ret)
		snprintf(why, len, "%s", said[0] ? said : nbd_get_error());
	if (log)
		fclose(log);
	if (ret) {
		bootloader_nbd_close(n);
		return ret;
	}
	n->size = (uint64_t)size;
	return 0;
}

void bootloader_nbd_close(struct bootloader_nbd *n)
{
	if (n->h) {
		nbd_shutdown(n->h, 0);
		nbd_close(n->h);
	}
	n->h = NULL;
	for (unsigned int i = 0; i < BOOTLOADER_NBD_WINDOWS; i++) {
		free(n->win[i].data);
		n->win[i].data = NULL;
	}
}

/* The index of the cached window starting at base (aligned), read over
 * NBD into the least recently used slot if none does; *err set on failure. */
static unsigned int nbd_window(struct bootloader_nbd *n, uint64_t base, int *err)
{
	unsigned int i, lru = 0;

	for (i = 0; i < BOOTLOADER_NBD_WINDOWS; i++) {
		if (n->win[i].data && n->win[i].off == base)
			return i;
		if (n->win[i].used < n->win[lru].used)
			lru = i;
	}
	if (!n->win[lru].data)
		n->win[lru].data = malloc(BOOTLOADER_NBD_WINDOW);
	if (!n->win[lru].data) {
		*err = -ENOMEM;
		return lru;
	}
	n->win[lru].off = base;
	n->win[lru].len = n->size - base < BOOTLOADER_NBD_WINDOW ?
			  (size_t)(n->size - base) : BOOTLOADER_NBD_WINDOW;
	n->fetches++;
	if (nbd_pread(n->h, n->win[lru].data, n->win[lru].len, base, 0) < 0) {
		free(n->win[lru].data);
		n->win[lru].data = NULL;
		*err = -EIO;
	}
	return lru;
}

int bootloader_nbd_read(void *ctx, uint64_t off, void *buf, size_t count)
{
	struct bootloader_nbd *n = ctx;
	char *out = buf;
	int err = 0;

	if (off > n->size || count > n->size - off)
		return -EIO;
	n->reads++;
	while (count) {
		uint64_t base = off - off % BOOTLOADER_NBD_WINDOW;
		unsigned int i = nbd_window(n, base, &err);
		size_t at = (size_t)(off - base), part = n->win[i].len - at;

		if (err)
			return err;
		if (part > count)
			part = count;
		n->win[i].used = n->reads;
		memcpy(out, n->win[i].data + at, part);
		out += part;
		off += part;
		count -= part;
	}
	return 0;
}

static errcode_t nbdio_open(const char *name, int flags, io_channel *channel)
{
	io_channel io;
	struct nbd_chan *c;

	if (flags & IO_FLAG_RW)
		return EROFS;
	io = calloc(1, sizeof(*io));
	c = calloc(1, sizeof(*c));
	if (!io || !c || !(io->name = strdup(name))) {
		free(io);
		free(c);
		return ENOMEM;
	}
	c->n = nbd_current;
	io->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	io->manager = &nbd_manager;
	io->block_size = 1024;
	io->refcount = 1;
	io->private_data = c;
	*channel = io;
	return 0;
}

static errcode_t nbdio_close(io_channel io)
{
	if (--io->refcount > 0)
		return 0;
	free(io->private_data);
	free(io->name);
	free(io);
	return 0;
}

static errcode_t nbdio_set_blksize(io_channel io, int blksize)
{
	io->block_size = blksize;
	return 0;
}

/* count blocks, or -count bytes, at block (as the unix manager reads). */
static errcode_t nbdio_read64(io_channel io, unsigned long long block, int count,
			      void *data)
{
	struct nbd_chan *c = io->private_data;
	size_t size = count < 0 ? (size_t)-count : (size_t)count * (size_t)io->block_size;

	if (bootloader_nbd_read(c->n, c->offset + block * (uint64_t)io->block_size,
				data, size))
		return EXT2_ET_SHORT_READ;
	return 0;
}

static errcode_t nbdio_read(io_channel io, unsigned long block, int count, void *data)
{
	return nbdio_read64(io, block, count, data);
}

static errcode_t nbdio_write(io_channel io, unsigned long block, int count,
			     const void *data)
{
	(void)io, (void)block, (void)count, (void)data;
	return EROFS;
}

static errcode_t nbdio_flush(io_channel io)
{
	(void)io;
	return 0;
}

static errcode_t nbdio_set_option(io_channel io, const char *option, const char *arg)
{
	struct nbd_chan *c = io->private_data;
	char *end;

	if (strcmp(option, "offset") || !arg)
		return EXT2_ET_INVALID_ARGUMENT;
	c->offset = strtoull(arg, &end, 10);
	return *end ? EXT2_ET_INVALID_ARGUMENT : 0;
}

static struct struct_io_manager nbd_manager = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "xenoctl nbd I/O manager",
	.open = nbdio_open,
	.close = nbdio_close,
	.set_blksize = nbdio_set_blksize,
	.read_blk = nbdio_read,
	.write_blk = nbdio_write,
	.flush = nbdio_flush,
	.set_option = nbdio_set_option,
	.read_blk64 = nbdio_read64,
};

struct struct_io_manager *bootloader_nbd_io_manager(struct bootloader_nbd *n)
{
	nbd_current = n;
	return &nbd_manager;
}
