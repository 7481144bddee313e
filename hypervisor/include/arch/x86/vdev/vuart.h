/* vuart.h - emulated 16550A UART (COM1 at 0x3f8, IRQ 4), as plain logic. */
#ifndef XENOLITH_ARCH_X86_VDEV_VUART_H
#define XENOLITH_ARCH_X86_VDEV_VUART_H

#include <stdbool.h>
#include <stdint.h>

#define VUART_COM1_BASE	0x3f8u
#define VUART_COM1_IRQ	4u
#define VUART_IO_LEN	8u	/* base .. base+7 */
#define VUART_FIFO_SIZE	16u

/* Register offsets (TI PC16550D datasheet, table 2). */
#define VUART_RBR	0	/* read, DLAB=0 */
#define VUART_THR	0	/* write, DLAB=0 */
#define VUART_DLL	0	/* DLAB=1 */
#define VUART_IER	1	/* DLAB=0 */
#define VUART_DLM	1	/* DLAB=1 */
#define VUART_IIR	2	/* read */
#define VUART_FCR	2	/* write */
#define VUART_LCR	3
#define VUART_MCR	4
#define VUART_LSR	5
#define VUART_MSR	6
#define VUART_SCR	7

/* Bits the model and its tests name. */
#define VUART_IER_ERBFI	0x01u	/* received data available */
#define VUART_IER_ETBEI	0x02u	/* THR empty */
#define VUART_IER_ELSI	0x04u	/* receiver line status */
#define VUART_IER_EDSSI	0x08u	/* modem status */
#define VUART_IIR_NO_INT 0x01u
#define VUART_IIR_MSI	0x00u
#define VUART_IIR_THRI	0x02u
#define VUART_IIR_RDI	0x04u
#define VUART_IIR_RLSI	0x06u
#define VUART_IIR_CTI	0x0cu	/* character timeout (FIFO mode) */
#define VUART_IIR_FIFO	0xc0u	/* FIFOs enabled */
#define VUART_FCR_ENABLE 0x01u
#define VUART_FCR_CLR_RX 0x02u
#define VUART_FCR_CLR_TX 0x04u
#define VUART_LCR_DLAB	0x80u
#define VUART_MCR_DTR	0x01u
#define VUART_MCR_RTS	0x02u
#define VUART_MCR_OUT1	0x04u
#define VUART_MCR_OUT2	0x08u
#define VUART_MCR_LOOP	0x10u
#define VUART_LSR_DR	0x01u
#define VUART_LSR_OE	0x02u
#define VUART_LSR_THRE	0x20u
#define VUART_LSR_TEMT	0x40u
#define VUART_MSR_DCTS	0x01u
#define VUART_MSR_DDSR	0x02u
#define VUART_MSR_TERI	0x04u
#define VUART_MSR_DDCD	0x08u
#define VUART_MSR_CTS	0x10u
#define VUART_MSR_DSR	0x20u
#define VUART_MSR_RI	0x40u
#define VUART_MSR_DCD	0x80u

/* What the UART calls; opaque is the one given to vuart_init(). Both are
 * called from inside vuart_io()/vuart_rx() and must not call back into
 * the same vuart. */
struct vuart_ops {
	/* tx: one byte the guest sent (never in loopback mode). */
	void (*tx)(void *opaque, uint8_t byte);
	/* set_irq: the IRQ line's new level; called only on a change. */
	void (*set_irq)(void *opaque, bool level);
};

/*
 * One UART. Fields are the model's; the caller serialises all calls on
 * one vuart (one lock or one thread). The transmitter is infinitely fast:
 * THR and the transmitter are always empty (LSR.THRE = TEMT = 1).
 */
struct vuart {
	const struct vuart_ops *ops;
	void *opaque;
	uint16_t base;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t lsr_err;	/* OE, cleared by reading LSR */
	uint8_t msr_delta;	/* MSR bits 0-3, cleared by reading MSR */
	uint8_t msr_in;		/* modem inputs now: MSR bits 4-7 */
	uint8_t rbr_last;	/* what RBR reads when the FIFO is empty */
	bool thre_pending;	/* THRE interrupt raised, not yet cleared */
	bool irq;		/* the level last given to set_irq */
	uint8_t rx[VUART_FIFO_SIZE];
	unsigned int rx_head, rx_count;
};

/*
 * vuart_init: u as a 16550A at base (VUART_COM1_BASE for COM1) in its
 * power-up state (PC16550D table 4: IER, FCR, LCR, MCR 0; LSR 0x60; IIR
 * 0x01), divisor 1 (115200 baud; the real reset value is undefined),
 * modem inputs CTS, DSR and DCD asserted (a connected terminal), IRQ low.
 * ops->tx and ops->set_irq are required. Returns 0, or -EINVAL.
 */
int vuart_init(struct vuart *u, uint16_t base, const struct vuart_ops *ops,
	       void *opaque);

/*
 * vuart_io: a guest access to port (absolute) of size 1, 2 or 4 bytes;
 * in: *val gets the value, out: *val is the value. Wider accesses are byte
 * cycles at port, port+1, ...; ports outside base..base+7 read 0xff and
 * ignore writes; other sizes read all ones and write nothing.
 */
void vuart_io(struct vuart *u, uint16_t port, unsigned int size, bool in,
	      uint32_t *val);

/*
 * vuart_rx: bytes from the outside world for the guest: as many of buf's n
 * as fit in the receive FIFO (16 bytes, 1 with FIFOs disabled) are queued
 * and the count returned; the caller keeps the rest and retries after the
 * guest read some (vuart_rx_room). Nothing is received in loopback mode
 * (the receiver input is disconnected): returns 0.
 */
unsigned int vuart_rx(struct vuart *u, const uint8_t *buf, unsigned int n);

/* vuart_rx_room: how many bytes vuart_rx() would take now. */
unsigned int vuart_rx_room(const struct vuart *u);

#endif
