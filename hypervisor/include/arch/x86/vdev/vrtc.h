/* vrtc.h - emulated MC146818 RTC and 128-byte CMOS RAM at 0x70/0x71, as plain logic. */
#ifndef XENOLITH_ARCH_X86_VDEV_VRTC_H
#define XENOLITH_ARCH_X86_VDEV_VRTC_H

#include <stdbool.h>
#include <stdint.h>

#define VRTC_PORT_INDEX	0x70u	/* write-only: bit 7 NMI mask, bits 6-0 index */
#define VRTC_PORT_DATA	0x71u
#define VRTC_IRQ	8u	/* not raised: see below */

/* Registers (Motorola MC146818A datasheet, "Address Map"). */
#define VRTC_SECONDS	0x00
#define VRTC_SEC_ALARM	0x01
#define VRTC_MINUTES	0x02
#define VRTC_MIN_ALARM	0x03
#define VRTC_HOURS	0x04
#define VRTC_HOUR_ALARM	0x05
#define VRTC_DAY_OF_WEEK 0x06	/* 1-7, Sunday = 1 */
#define VRTC_DAY	0x07
#define VRTC_MONTH	0x08
#define VRTC_YEAR	0x09	/* 0-99 */
#define VRTC_REG_A	0x0a
#define VRTC_REG_B	0x0b
#define VRTC_REG_C	0x0c
#define VRTC_REG_D	0x0d
/* The PC's century byte in CMOS RAM: the FADT CENTURY field names it. */
#define VRTC_REG_CENTURY 0x32
#define VRTC_RAM_SIZE	128u

#define VRTC_A_UIP	0x80u	/* update in progress (read-only) */
#define VRTC_A_DV_MASK	0x70u	/* divider: 0x20 = 32.768 kHz, running */
#define VRTC_B_SET	0x80u	/* updates stop; time registers writable */
#define VRTC_B_UIE	0x10u
#define VRTC_B_DM	0x04u	/* 1 = binary, 0 = BCD */
#define VRTC_B_24H	0x02u
#define VRTC_D_VRT	0x80u	/* valid RAM and time */
/* UIP is set this long before each second's update (MC146818A, "Update
 * Cycle": 244 us with the 32.768 kHz time base). */
#define VRTC_UIP_NS	244000ull
/* Unix time of 9999-12-31 23:59:59: the largest base vrtc_init() keeps. */
#define VRTC_MAX_EPOCH	253402300799ull

struct vrtc_ops {
	/* now_ns: monotonic nanoseconds (the hypervisor's clock). */
	uint64_t (*now_ns)(void *opaque);
};

/*
 * The RTC. The clock is anchor_s (Unix seconds) at now_ns anchor_ns,
 * advancing with now_ns; while stopped (SET, or divider not running) the
 * time registers in ram[] hold the frozen or guest-written time. No
 * periodic, alarm or update-ended interrupts: reg C flags stay 0 and IRQ
 * 8 is never raised (PIE/AIE/UIE are stored only). Guest writes to the
 * day of week are kept only while stopped: it is computed from the date.
 * The caller serialises all calls on one vrtc.
 */
struct vrtc {
	const struct vrtc_ops *ops;
	void *opaque;
	uint8_t index;		/* 0x70 bits 6-0 */
	bool nmi_masked;	/* 0x70 bit 7 as last written */
	uint8_t ram[VRTC_RAM_SIZE];
	int64_t anchor_s;
	uint64_t anchor_ns;
};

/*
 * vrtc_init: r keeping time from base_s, the Unix time (UTC) when now_ns
 * read 0 (the caller reads the physical RTC), clamped to VRTC_MAX_EPOCH.
 * Power-up as a PC BIOS leaves it: A 0x26 (32.768 kHz, 1024 Hz rate),
 * B 0x02 (24-hour, BCD), C 0, D 0x80, CMOS RAM 0. ops->now_ns is
 * required. Returns 0, or -EINVAL.
 */
int vrtc_init(struct vrtc *r, uint64_t base_s, const struct vrtc_ops *ops,
	      void *opaque);

/*
 * vrtc_io: a guest access to 0x70/0x71 of size 1, 2 or 4; wider accesses
 * are byte cycles at port, port+1, ... (outw 0x70 = index then data);
 * 0x70 reads 0xff; other ports read 0xff and ignore writes; other sizes
 * read all ones. Time registers follow B's DM and 24/12-hour bits;
 * writing them (with or without SET) sets the clock from then on.
 */
void vrtc_io(struct vrtc *r, uint16_t port, unsigned int size, bool in,
	     uint32_t *val);

#endif
