/* vpci.h - a virtio-pci function driven by hand from user space in a Linux guest (sysfs, the BAR mapped, pages found in /proc/self/pagemap). */
#ifndef GUEST_TOOLS_VPCI_H
#define GUEST_TOOLS_VPCI_H

#include <stdint.h>

/* Device status bits (virtio 1.x §2.1). */
#define VPCI_ACKNOWLEDGE	1
#define VPCI_DRIVER		2
#define VPCI_DRIVER_OK		4
#define VPCI_FEATURES_OK	8
#define VPCI_NEEDS_RESET	0x40

#define VPCI_F_INDIRECT_DESC	28
#define VPCI_F_VERSION_1	32

/* The split virtqueue's rings (§2.7). */
struct vpci_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
struct vpci_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};
struct vpci_used {
	uint16_t flags;
	uint16_t idx;
	struct { uint32_t id, len; } ring[];
};

/* One locked page of our memory and its guest-physical address. */
struct vpci_page {
	void *va;
	uint64_t pa;
};

/* The function: its BAR mapped, where the capabilities put each structure. */
struct vpci {
	char bdf[32];
	volatile uint8_t *bar;		/* the BAR of the common configuration */
	uint64_t bar_pa, bar_len;
	uint32_t common, notify, notify_mult;	/* offsets in the BAR; the multiplier */
	uint32_t msix_table;		/* offset of the MSI-X table in the BAR */
	unsigned int msix_cap;		/* its capability in config space */
};

/* Take function bdf from its driver, enable memory space and bus
 * mastering, map the BAR and find common cfg and notify. 0, or -1 with a
 * message on stderr. */
int vpci_open(struct vpci *v, const char *bdf);
/* A zeroed, locked page and its physical address; -1 with a message. */
int vpci_page(struct vpci_page *p);

/* Accesses to the common configuration structure at off (§4.1.4.3). */
uint8_t vpci_r8(struct vpci *v, uint32_t off);
uint16_t vpci_r16(struct vpci *v, uint32_t off);
void vpci_w8(struct vpci *v, uint32_t off, uint8_t val);
void vpci_w16(struct vpci *v, uint32_t off, uint16_t val);
void vpci_w32(struct vpci *v, uint32_t off, uint32_t val);
/* A 64-bit field as two 32-bit writes, low half first (as Linux does). */
void vpci_w64(struct vpci *v, uint32_t off, uint64_t val);

/* Reset, negotiate features (VERSION_1 and those asked), and set up queue
 * 0 with size and the three rings at the guest-physical addresses given,
 * then DRIVER_OK. Returns the device status read back. */
uint8_t vpci_setup(struct vpci *v, uint64_t features, uint16_t size, uint64_t desc,
		   uint64_t avail, uint64_t used);
/* Enable MSI-X with vector 0 sending (addr, data), unmasked, and make
 * it queue 0's vector. 0, or -1 with a message. */
int vpci_msix(struct vpci *v, uint64_t addr, uint32_t data);
/* Kick queue 0. */
void vpci_kick(struct vpci *v);
/* device_status now. */
uint8_t vpci_status(struct vpci *v);

#endif
