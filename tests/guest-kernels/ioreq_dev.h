/* ioreq_dev.h - the scratch device `xenolith-bench ioreq` serves (tools/bench/bench_ioreq.c has the same numbers). */
#ifndef GUEST_KERNELS_IOREQ_DEV_H
#define GUEST_KERNELS_IOREQ_DEV_H

#define DEV_PORT	0x5000u		/* 16 scratch bytes: what is written reads back */
#define DEV_PORT_RAM	0x5010u		/* out: gpa of a 4 KiB pattern; in: 1 if dom0 saw it */
#define DEV_PORT_MSI	0x5014u		/* out: an MSI's data for APIC ID 0 (physical) */
#define DEV_PORT_BENCH	0x5018u		/* out: 1 starts the round-trip clock, 2 stops it,
					 * 3 is never answered */
#define DEV_PORT_READY	0x501cu		/* in: DEV_READY once the server runs */
#define DEV_PORTS	0x20u
#define DEV_MMIO	0xd0000000u	/* one page of scratch bytes */
#define DEV_MMIO_LEN	0x1000u
#define DEV_READY	0x10e0u

/* Byte i of the pattern the guest leaves in its RAM for dom0 to read. */
#define DEV_PATTERN(i)	((uint8_t)((i) * 7 + 3))

#endif
