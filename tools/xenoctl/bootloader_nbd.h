/* bootloader_nbd.h - a qcow2 image seen as a plain disk through qemu-nbd and libnbd, for pygrub only. */
#ifndef XENOCTL_BOOTLOADER_NBD_H
#define XENOCTL_BOOTLOADER_NBD_H

#include <stddef.h>
#include <stdint.h>

struct nbd_handle;
struct struct_io_manager;

#define BOOTLOADER_NBD_WINDOWS	8		/* cached pieces of the disk ... */
#define BOOTLOADER_NBD_WINDOW	(256u << 10)	/* ... of this size, aligned to it */

/* A connection to a qemu-nbd serving one image read-only, and a cache of
 * whole windows: libext2fs reads a file one block (1 KiB on a small file
 * system) at a time, each an NBD round trip without it. */
struct bootloader_nbd {
	struct nbd_handle *h;
	uint64_t size;			/* of the disk it shows */
	struct {
		char *data;		/* NULL: empty */
		uint64_t off;		/* where it starts on the disk */
		size_t len;		/* BOOTLOADER_NBD_WINDOW, less at the disk's end */
		unsigned long used;	/* the read that last hit it (LRU) */
	} win[BOOTLOADER_NBD_WINDOWS];
	unsigned long reads;		/* bootloader_nbd_read calls */
	unsigned long fetches;		/* windows read over NBD */
};

/* Start qemu-nbd (socket activation) on image in format ("qcow2") and
 * connect. 0, or -EIO with libnbd's reason in why. */
int bootloader_nbd_open(const char *image, const char *format,
			struct bootloader_nbd *n, char *why, size_t len);
/* Disconnect; qemu-nbd exits. */
void bootloader_nbd_close(struct bootloader_nbd *n);
/* n bytes at off of the disk through the cache; ctx is the struct
 * bootloader_nbd. 0 or -EIO (-ENOMEM). */
int bootloader_nbd_read(void *ctx, uint64_t off, void *buf, size_t n);
/* A libext2fs io_manager reading from n (read-only), for ext2fs_open2;
 * one connection at a time. */
struct struct_io_manager *bootloader_nbd_io_manager(struct bootloader_nbd *n);

#endif
