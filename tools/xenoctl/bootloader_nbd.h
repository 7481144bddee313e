/* bootloader_nbd.h - a qcow2 image seen as a plain disk through qemu-nbd and libnbd, for pygrub only. */
#ifndef XENOCTL_BOOTLOADER_NBD_H
#define XENOCTL_BOOTLOADER_NBD_H

#include <stddef.h>
#include <stdint.h>

struct nbd_handle;
struct struct_io_manager;

/* A connection to a qemu-nbd serving one image read-only. */
struct bootloader_nbd {
	struct nbd_handle *h;
	uint64_t size;			/* of the disk it shows */
};

/* Start qemu-nbd (socket activation) on image in format ("qcow2") and
 * connect. 0, or -EIO with libnbd's reason in why. */
int bootloader_nbd_open(const char *image, const char *format,
			struct bootloader_nbd *n, char *why, size_t len);
/* Disconnect; qemu-nbd exits. */
void bootloader_nbd_close(struct bootloader_nbd *n);
/* n bytes at off of the disk; ctx is the struct bootloader_nbd. 0 or -EIO. */
int bootloader_nbd_read(void *ctx, uint64_t off, void *buf, size_t n);
/* A libext2fs io_manager reading from n (read-only), for ext2fs_open2;
 * one connection at a time. */
struct struct_io_manager *bootloader_nbd_io_manager(struct bootloader_nbd *n);

#endif
