/* drivers/uart16550.c - polled 16550 serial port driver. */
#include "arch/x86/io.h"
#include "errno.h"
#include "uart16550.h"

/* Register offsets from io_base (PC16550D datasheet, "Register Summary"). */
#define UART_RBR 0	/* receive buffer (read, DLAB=0) */
#define UART_THR 0	/* transmit holding (write, DLAB=0) */
#define UART_DLL 0	/* divisor latch low (DLAB=1) */
#define UART_IER 1	/* interrupt enable (DLAB=0) */
#define UART_DLM 1	/* divisor latch high (DLAB=1) */
#define UART_FCR 2	/* FIFO control (write) */
#define UART_LCR 3	/* line control */
#define UART_MCR 4	/* modem control */
#define UART_LSR 5	/* line status */
#define UART_SCR 7	/* scratch */

#define UART_LCR_DLAB 0x80
#define UART_LCR_STOP2 0x04
#define UART_IER_RDA 0x01
#define UART_FCR_ENABLE_CLEAR 0x07	/* enable FIFOs, clear RX and TX */
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT2 0x08		/* gates the IRQ line on PCs */
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20

/* Polls of LSR before a byte is sent regardless: about 100 ms at 115200
 * baud on ISA timing, so a missing or stuck port cannot hang us. */
#define UART_TX_SPIN 200000

/* uart16550_lcr: LCR bits (without DLAB) for the data/parity/stop fields. */
static uint8_t uart16550_lcr(const struct cmdline_com *cfg)
{
	uint8_t lcr = (uint8_t)((cfg->data_bits - 5) & 3);

	if (cfg->stop_bits == 2)
		lcr |= UART_LCR_STOP2;
	switch (cfg->parity) {
	case 'o':
		lcr |= 0x08;
		break;
	case 'e':
		lcr |= 0x18;
		break;
	case 'm':
		lcr |= 0x28;
		break;
	case 's':
		lcr |= 0x38;
		break;
	default:
		break;
	}
	return lcr;
}

/* uart16550_probe: the scratch register holds what is written to it on a
 * real 16450/16550; an empty port reads back 0xff. */
static bool uart16550_probe(uint16_t base)
{
	outb(base + UART_SCR, 0x5a);
	if (inb(base + UART_SCR) != 0x5a)
		return false;
	outb(base + UART_SCR, 0xa5);
	return inb(base + UART_SCR) == 0xa5;
}

int uart16550_init(struct uart16550 *u, const struct cmdline_com *cfg)
{
	uint16_t base = cfg->io_base;
	uint32_t base_baud = cfg->base_baud ? cfg->base_baud : 115200;
	uint32_t divisor;
	uint8_t lcr = uart16550_lcr(cfg);

	u->io_base = base;
	u->irq = cfg->irq;
	u->baud = 0;
	u->present = uart16550_probe(base);
	if (!u->present)
		return -ENODEV;

	outb(base + UART_LCR, UART_LCR_DLAB);
	if (cfg->baud) {
		divisor = base_baud / cfg->baud;
		if (divisor == 0 || divisor > 0xffff) {
			outb(base + UART_LCR, lcr);
			return -EINVAL;
		}
	} else {
		/* auto: keep what the firmware or boot loader programmed. */
		divisor = inb(base + UART_DLL) | (uint32_t)inb(base + UART_DLM) << 8;
		if (divisor == 0)
			divisor = base_baud / 115200 ? base_baud / 115200 : 1;
	}
	outb(base + UART_DLL, (uint8_t)divisor);
	outb(base + UART_DLM, (uint8_t)(divisor >> 8));
	outb(base + UART_LCR, lcr);
	outb(base + UART_IER, 0);
	outb(base + UART_FCR, UART_FCR_ENABLE_CLEAR);
	outb(base + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	u->baud = base_baud / divisor;
	return 0;
}

/* uart16550_tx: poll THRE (bounded), then send c. */
static void uart16550_tx(struct uart16550 *u, uint8_t c)
{
	unsigned int spin;

	for (spin = 0; spin < UART_TX_SPIN; spin++)
		if (inb(u->io_base + UART_LSR) & UART_LSR_THRE)
			break;
	outb(u->io_base + UART_THR, c);
}

/*
 * uart16550_dlab_off: dom0 drives the same port and may have left the
 * divisor latch open (DLAB set), where a write to offset 0 would change
 * the baud rate instead of sending. Close it for our output; returns the
 * LCR value to restore afterwards.
 */
static uint8_t uart16550_dlab_off(struct uart16550 *u)
{
	uint8_t lcr = inb(u->io_base + UART_LCR);

	if (lcr & UART_LCR_DLAB)
		outb(u->io_base + UART_LCR, lcr & ~UART_LCR_DLAB);
	return lcr;
}

static void uart16550_dlab_restore(struct uart16550 *u, uint8_t lcr)
{
	if (lcr & UART_LCR_DLAB)
		outb(u->io_base + UART_LCR, lcr);
}

void uart16550_putc(struct uart16550 *u, uint8_t c)
{
	uint8_t lcr;

	if (!u->present)
		return;
	lcr = uart16550_dlab_off(u);
	uart16550_tx(u, c);
	uart16550_dlab_restore(u, lcr);
}

void uart16550_write(struct uart16550 *u, const char *s, size_t len)
{
	uint8_t lcr;

	if (!u->present)
		return;
	lcr = uart16550_dlab_off(u);
	while (len--) {
		if (*s == '\n')
			uart16550_tx(u, '\r');
		uart16550_tx(u, (uint8_t)*s++);
	}
	uart16550_dlab_restore(u, lcr);
}

int uart16550_getc(struct uart16550 *u)
{
	/* With the divisor latch open (dom0 programming the port), offset 0
	 * is the divisor, not received data. */
	if (!u->present || (inb(u->io_base + UART_LCR) & UART_LCR_DLAB) ||
	    !(inb(u->io_base + UART_LSR) & UART_LSR_DR))
		return -EAGAIN;
	return inb(u->io_base + UART_RBR);
}

void uart16550_enable_rx_irq(struct uart16550 *u, bool enable)
{
	uint8_t mcr = UART_MCR_DTR | UART_MCR_RTS;

	if (!u->present)
		return;
	if (enable)
		mcr |= UART_MCR_OUT2;
	outb(u->io_base + UART_MCR, mcr);
	outb(u->io_base + UART_IER, enable ? UART_IER_RDA : 0);
}
