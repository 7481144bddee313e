/* Console UART shared with dom0: every received byte passes console_rx(). */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "lib.h"
#include <arch/x86/io.h>
#include <arch/x86/uart_share.h>

#define UART_RBR	0	/* receive buffer (DLAB=0) */
#define UART_IER	1
#define UART_IIR	2	/* read; FCR on write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MCR_LOOP	0x10
#define UART_LCR_DLAB	0x80
#define UART_LSR_DR	0x01
#define UART_IIR_NONE	0x01
#define UART_IIR_RX	0x04
#define UART_IIR_TIMEOUT 0x0c
#define UART_FCR_CLEAR_RX 0x02

#define UART_SHARE_FIFO	256

static uint16_t uart_share_base;
static uint8_t uart_share_fifo[UART_SHARE_FIFO];	/* bytes for dom0 */
static unsigned int uart_share_head, uart_share_count;
static volatile int uart_share_lock;	/* dom0's vCPUs run on several CPUs */

static void uart_share_push(uint8_t c)
{
	if (uart_share_count == UART_SHARE_FIFO)
		return;	/* dom0 stopped and the FIFO full: drop, as an overrun would */
	uart_share_fifo[(uart_share_head + uart_share_count++) % UART_SHARE_FIFO] = c;
}

static uint8_t uart_share_pop(void)
{
	uint8_t c;

	if (!uart_share_count)
		return 0;
	c = uart_share_fifo[uart_share_head];
	uart_share_head = (uart_share_head + 1) % UART_SHARE_FIFO;
	uart_share_count--;
	return c;
}

/*
 * Pull what the UART holds through console_rx(). For a running dom0 only
 * while the FIFO has room: the rest waits in the UART, so a long line
 * typed (or pasted) while dom0 is busy is delayed, never cut. With dom0
 * stopped (for_idle) everything is read, for the debug keys.
 */
static void uart_share_drain(bool for_idle)
{
	uint8_t out[CONSOLE_RX_MAX];
	int guard = 64;

	if (inb(uart_share_base + UART_LCR) & UART_LCR_DLAB)
		return;
	while (guard-- && (for_idle || uart_share_count + CONSOLE_RX_MAX <= UART_SHARE_FIFO) &&
	       (inb(uart_share_base + UART_LSR) & UART_LSR_DR)) {
		uint8_t c = inb(uart_share_base + UART_RBR);
		size_t n = console_rx(c, out), i;

		for (i = 0; i < n; i++)
			uart_share_push(out[i]);
	}
}

void uart_share_poll(void)
{
	if (!uart_share_base)
		return;
	lib_spin_lock(&uart_share_lock);
	uart_share_drain(true);
	lib_spin_unlock(&uart_share_lock);
}

/* uart_share_access: one dom0 access to the UART's ports. Writes pass
 * through; reads of RBR, LSR and IIR are answered from the bytes
 * console_rx() left for dom0. */
static void uart_share_access(struct vcpu *v, uint16_t port, unsigned int size,
			  bool in, uint32_t *val)
{
	unsigned int reg = port - uart_share_base;
	bool dlab = inb(uart_share_base + UART_LCR) & UART_LCR_DLAB;
	bool loop = inb(uart_share_base + UART_MCR) & UART_MCR_LOOP;
	uint8_t iir, lsr;

	/* In loopback mode (the driver probing the chip) nothing comes from
	 * the line: let dom0 talk to the UART unfiltered. */
	if (loop) {
		if (in)
			*val = inb(port);
		else
			outb(port, *val);
		return;
	}
	if (!in) {
		outb(port, *val);
		if (reg == UART_IIR && (*val & UART_FCR_CLEAR_RX))
			uart_share_count = 0;
		return;
	}
	if (reg == UART_RBR && !dlab) {
		uart_share_drain(false);
		*val = uart_share_pop();
	} else if (reg == UART_LSR) {
		uart_share_drain(false);
		lsr = inb(port) & ~UART_LSR_DR;
		*val = lsr | (uart_share_count ? UART_LSR_DR : 0);
	} else if (reg == UART_IIR) {
		uart_share_drain(false);
		iir = inb(port);
		if (uart_share_count && (inb(uart_share_base + UART_IER) & 1))
			iir = (iir & 0xc0) | UART_IIR_RX;
		else if ((iir & 0x0f) == UART_IIR_RX || (iir & 0x0f) == UART_IIR_TIMEOUT)
			iir = (iir & 0xc0) | UART_IIR_NONE;
		*val = iir;
	} else {
		*val = inb(port);
	}
}

/* uart_share_io: uart_share_access for one vCPU at a time (vcpu_io_fn). */
static void uart_share_io(struct vcpu *v, uint16_t port, unsigned int size,
			  bool in, uint32_t *val)
{
	lib_spin_lock(&uart_share_lock);
	uart_share_access(v, port, size, in, val);
	lib_spin_unlock(&uart_share_lock);
}

int uart_share_attach(struct vcpu *v, struct uart16550 *u)
{
	if (!u || !u->present)
		return -ENODEV;
	uart_share_base = u->io_base;
	return vcpu_register_io(v, u->io_base, 8, uart_share_io);
}
