/* vuart.c - emulated 16550A UART: registers, FIFOs, loopback, interrupt identification. */
#include "arch/x86/vdev/vuart.h"
#include "arch/x86/vdev/vdev.h"
#include "errno.h"
#include "lib.h"

/* Modem inputs of a connected terminal outside loopback. */
#define MODEM_CONNECTED	(VUART_MSR_CTS | VUART_MSR_DSR | VUART_MSR_DCD)

static bool fifo_on(const struct vuart *u)
{
	return u->fcr & VUART_FCR_ENABLE;
}

static unsigned int rx_capacity(const struct vuart *u)
{
	return fifo_on(u) ? VUART_FIFO_SIZE : 1;
}

/* FCR bits 7:6 select the receive trigger level (PC16550D, FCR6-7). */
static unsigned int rx_trigger(const struct vuart *u)
{
	static const uint8_t level[4] = { 1, 4, 8, 14 };

	return level[u->fcr >> 6];
}

/*
 * The interrupt IIR reports now, by the priorities of PC16550D table 5:
 * line status, received data (or character timeout), THR empty, modem
 * status. The character timeout is indicated as soon as the FIFO holds
 * data below the trigger level: bytes arrive in bursts from vuart_rx(),
 * so waiting four character times would only delay them.
 */
static uint8_t iir_source(const struct vuart *u)
{
	if ((u->ier & VUART_IER_ELSI) && u->lsr_err)
		return VUART_IIR_RLSI;
	if ((u->ier & VUART_IER_ERBFI) && u->rx_count) {
		if (fifo_on(u) && u->rx_count < rx_trigger(u))
			return VUART_IIR_CTI;
		return VUART_IIR_RDI;
	}
	if ((u->ier & VUART_IER_ETBEI) && u->thre_pending)
		return VUART_IIR_THRI;
	if ((u->ier & VUART_IER_EDSSI) && u->msr_delta)
		return VUART_IIR_MSI;
	return VUART_IIR_NO_INT;
}

/*
 * The PC wires INTRPT to the IRQ line through a driver that MCR.OUT2
 * enables; in loopback the OUT pins are forced inactive (PC16550D, MCR4),
 * so the line is off there too.
 */
static void update_irq(struct vuart *u)
{
	bool level = iir_source(u) != VUART_IIR_NO_INT &&
		     (u->mcr & VUART_MCR_OUT2) && !(u->mcr & VUART_MCR_LOOP);

	if (level == u->irq)
		return;
	u->irq = level;
	u->ops->set_irq(u->opaque, level);
}

/* Loopback connects DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD (PC16550D, MCR4). */
static uint8_t modem_inputs(const struct vuart *u)
{
	uint8_t m = u->mcr, in = 0;

	if (!(m & VUART_MCR_LOOP))
		return MODEM_CONNECTED;
	if (m & VUART_MCR_DTR)
		in |= VUART_MSR_DSR;
	if (m & VUART_MCR_RTS)
		in |= VUART_MSR_CTS;
	if (m & VUART_MCR_OUT1)
		in |= VUART_MSR_RI;
	if (m & VUART_MCR_OUT2)
		in |= VUART_MSR_DCD;
	return in;
}

/* New modem inputs: delta bits for changed CTS/DSR/DCD, trailing edge of RI. */
static void set_modem_inputs(struct vuart *u, uint8_t in)
{
	uint8_t changed = u->msr_in ^ in;

	if (changed & VUART_MSR_CTS)
		u->msr_delta |= VUART_MSR_DCTS;
	if (changed & VUART_MSR_DSR)
		u->msr_delta |= VUART_MSR_DDSR;
	if (changed & VUART_MSR_DCD)
		u->msr_delta |= VUART_MSR_DDCD;
	if ((u->msr_in & VUART_MSR_RI) && !(in & VUART_MSR_RI))
		u->msr_delta |= VUART_MSR_TERI;
	u->msr_in = in;
}

static void rx_clear(struct vuart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/*
 * One received character. A full FIFO is an overrun: OE is set and the
 * character is lost in FIFO mode; without FIFOs it overwrites RBR
 * (PC16550D, LSR1).
 */
static void rx_push(struct vuart *u, uint8_t b)
{
	if (u->rx_count < rx_capacity(u)) {
		u->rx[(u->rx_head + u->rx_count) % VUART_FIFO_SIZE] = b;
		u->rx_count++;
		return;
	}
	u->lsr_err |= VUART_LSR_OE;
	if (!fifo_on(u))
		u->rx[u->rx_head] = b;
}

static uint8_t read_rbr(struct vuart *u)
{
	if (u->rx_count) {
		u->rbr_last = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % VUART_FIFO_SIZE;
		u->rx_count--;
	}
	return u->rbr_last;
}

/* The transmitter empties THR at once, so THRE rises again: the THR-empty
 * interrupt is raised after every write (PC16550D table 5). */
static void write_thr(struct vuart *u, uint8_t b)
{
	if (u->mcr & VUART_MCR_LOOP)
		rx_push(u, b);
	else
		u->ops->tx(u->opaque, b);
	u->thre_pending = true;
}

/*
 * Setting ETBEI while THR is empty raises the THR-empty interrupt even if
 * an IIR read had cleared it: Linux's 8250 startup test (UART_BUG_THRE)
 * and Windows toggle IER to see it come back.
 */
static void write_ier(struct vuart *u, uint8_t v)
{
	uint8_t changed = (u->ier ^ v) & VUART_IER_ETBEI;

	u->ier = v & 0x0f;
	if (changed)
		u->thre_pending = (u->ier & VUART_IER_ETBEI) != 0;
}

/*
 * FCR: bit 0 must be 1 for the other bits to be programmed; changing it
 * empties both FIFOs (PC16550D, FCR0). Bits 1-2 clear the FIFOs and
 * self-clear; bit 3 (DMA mode) and 6-7 (trigger) are kept.
 */
static void write_fcr(struct vuart *u, uint8_t v)
{
	if (!(v & VUART_FCR_ENABLE)) {
		if (fifo_on(u))
			rx_clear(u);
		u->fcr = 0;
		return;
	}
	if (!fifo_on(u) || (v & VUART_FCR_CLR_RX))
		rx_clear(u);
	u->fcr = v & 0xc9;
}

static uint8_t read_iir(struct vuart *u)
{
	uint8_t src = iir_source(u);

	/* Reading IIR clears a THR-empty interrupt it reports (table 5). */
	if (src == VUART_IIR_THRI)
		u->thre_pending = false;
	return (uint8_t)(src | (fifo_on(u) ? VUART_IIR_FIFO : 0));
}

static uint8_t read_lsr(struct vuart *u)
{
	uint8_t v = VUART_LSR_THRE | VUART_LSR_TEMT | u->lsr_err;

	if (u->rx_count)
		v |= VUART_LSR_DR;
	u->lsr_err = 0;
	return v;
}

static uint8_t read_msr(struct vuart *u)
{
	uint8_t v = u->msr_in | u->msr_delta;

	u->msr_delta = 0;
	return v;
}

static uint8_t reg_read(void *dev, unsigned int port)
{
	struct vuart *u = dev;
	bool dlab = u->lcr & VUART_LCR_DLAB;
	uint8_t v;

	if (port < u->base || port >= u->base + VUART_IO_LEN)
		return VDEV_EMPTY_BYTE;
	switch (port - u->base) {
	case VUART_RBR:
		v = dlab ? u->dll : read_rbr(u);
		break;
	case VUART_IER:
		v = dlab ? u->dlm : u->ier;
		break;
	case VUART_IIR:
		v = read_iir(u);
		break;
	case VUART_LCR:
		v = u->lcr;
		break;
	case VUART_MCR:
		v = u->mcr;
		break;
	case VUART_LSR:
		v = read_lsr(u);
		break;
	case VUART_MSR:
		v = read_msr(u);
		break;
	default:
		v = u->scr;
		break;
	}
	update_irq(u);
	return v;
}

static void reg_write(void *dev, unsigned int port, uint8_t v)
{
	struct vuart *u = dev;
	bool dlab = u->lcr & VUART_LCR_DLAB;

	if (port < u->base || port >= u->base + VUART_IO_LEN)
		return;
	switch (port - u->base) {
	case VUART_THR:
		if (dlab)
			u->dll = v;
		else
			write_thr(u, v);
		break;
	case VUART_IER:
		if (dlab)
			u->dlm = v;
		else
			write_ier(u, v);
		break;
	case VUART_FCR:
		write_fcr(u, v);
		break;
	case VUART_LCR:
		u->lcr = v;
		break;
	case VUART_MCR:
		/* Bits 5-7 are always 0 on the 16550A. */
		u->mcr = v & 0x1f;
		set_modem_inputs(u, modem_inputs(u));
		break;
	case VUART_SCR:
		u->scr = v;
		break;
	default:
		/* LSR and MSR writes are for factory testing: ignored. */
		break;
	}
	update_irq(u);
}

int vuart_init(struct vuart *u, uint16_t base, const struct vuart_ops *ops,
	       void *opaque)
{
	if (!u || !ops || !ops->tx || !ops->set_irq ||
	    base > 0x10000u - VUART_IO_LEN)
		return -EINVAL;
	memset(u, 0, sizeof(*u));
	u->ops = ops;
	u->opaque = opaque;
	u->base = base;
	u->dll = 1;
	u->msr_in = MODEM_CONNECTED;
	return 0;
}

void vuart_io(struct vuart *u, uint16_t port, unsigned int size, bool in,
	      uint32_t *val)
{
	vdev_io_bytes(u, port, size, in, val, reg_read, reg_write);
}

unsigned int vuart_rx_room(const struct vuart *u)
{
	if (u->mcr & VUART_MCR_LOOP)
		return 0;
	return rx_capacity(u) - u->rx_count;
}

unsigned int vuart_rx(struct vuart *u, const uint8_t *buf, unsigned int n)
{
	unsigned int room = vuart_rx_room(u), i;

	if (!buf)
		return 0;
	if (n > room)
		n = room;
	for (i = 0; i < n; i++)
		rx_push(u, buf[i]);
	update_irq(u);
	return n;
}
