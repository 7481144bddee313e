/* uart16550.h - polled 16550 serial port driver. */
#ifndef XENOLITH_UART16550_H
#define XENOLITH_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"

struct uart16550 {
	uint16_t io_base;
	uint8_t irq;
	bool present;		/* a UART answered at io_base */
	uint32_t baud;		/* programmed or found (auto); 0 if unknown */
};

/*
 * uart16550_init: program the port from com1=/com2= settings: line format,
 * FIFOs, divisor base_baud/baud (auto keeps the firmware's divisor),
 * interrupts off. Returns 0, or -ENODEV (no UART at io_base; u->present is
 * false and putc/getc do nothing) or -EINVAL (baud not reachable).
 */
int uart16550_init(struct uart16550 *u, const struct cmdline_com *cfg);

/* uart16550_putc: send one byte, polling THRE (with a bounded wait so a
 * dead port cannot hang the hypervisor). If dom0, sharing the port, left
 * the divisor latch open, it is closed around the byte and reopened. */
void uart16550_putc(struct uart16550 *u, uint8_t c);

/* uart16550_write: send s[0..len), turning "\n" into "\r\n". */
void uart16550_write(struct uart16550 *u, const char *s, size_t len);

/* uart16550_getc: a received byte (0..255), or -EAGAIN if none waits or
 * the divisor latch is open (dom0 is reprogramming the port). */
int uart16550_getc(struct uart16550 *u);

/* uart16550_enable_rx_irq: raise u->irq on received data (IER bit 0 and
 * MCR OUT2); the arch code routes and acknowledges the IRQ. */
void uart16550_enable_rx_irq(struct uart16550 *u, bool enable);

#endif
