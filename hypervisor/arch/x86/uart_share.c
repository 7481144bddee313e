/* Console UART shared with dom0: every received byte passes console_rx(). */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "keyhandler.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/io.h>
#include <arch/x86/irq.h>
#include <arch/x86/ioapic.h>
#include <arch/x86/hvm/dom0_ioapic.h>
#include <arch/x86/time.h>
#include <arch/x86/uart_share.h>

#define UART_RBR	0	/* receive buffer (DLAB=0) */
#define UART_IER	1
#define UART_IIR	2	/* read; FCR on write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MCR_LOOP	0x10
#define UART_LCR_DLAB	0x80
#define UART_IER_RDI	0x01
#define UART_IER_THRI	0x02
#define UART_LSR_DR	0x01
#define UART_LSR_OE	0x02	/* overrun: a byte was lost */
#define UART_IIR_NONE	0x01
#define UART_IIR_THRE	0x02	/* transmitter empty; reading IIR clears it */
#define UART_IIR_RX	0x04
#define UART_IIR_LINE	0x06	/* receiver line status: above all others */
#define UART_IIR_TIMEOUT 0x0c
#define UART_FCR_CLEAR_RX 0x02

#define UART_SHARE_FIFO	256

static uint16_t uart_share_base;
static uint8_t uart_share_fifo[UART_SHARE_FIFO];	/* bytes for dom0 */
static unsigned int uart_share_head, uart_share_count;
static volatile int uart_share_lock;	/* dom0's vCPUs run on several CPUs */
/* Statistics (lock): most bytes ever waiting for dom0, overruns seen,
 * reads done at the UART's interrupt. */
static unsigned int uart_share_peak;
static uint64_t uart_share_overruns, uart_share_irqs, uart_share_replays;
static uint64_t uart_share_ier_replays;	/* interrupts owed at an IER write */
static uint64_t uart_share_last_read_ns;	/* of a byte off the UART */
/* The UART's "transmitter empty" interrupt, taken off the UART at its
 * interrupt (lock) and kept for dom0's next read of IIR. */
static bool uart_share_thre;

static void uart_share_push(uint8_t c)
{
	if (uart_share_count == UART_SHARE_FIFO)
		return;	/* dom0 stopped and the FIFO full: drop, as an overrun would */
	uart_share_fifo[(uart_share_head + uart_share_count++) % UART_SHARE_FIFO] = c;
	uart_share_peak = LIB_MAX(uart_share_peak, uart_share_count);
}

/* uart_share_lsr: the UART's line status; an overrun it reports is counted. */
static uint8_t uart_share_lsr(void)
{
	uint8_t lsr = inb(uart_share_base + UART_LSR);

	if (lsr & UART_LSR_OE) {
		uart_share_overruns++;
		printk(PRINTK_WARNING, "console UART: input lost (overrun), %llu us after "
		       "the last byte read\n",
		       (unsigned long long)((time_now_ns() - uart_share_last_read_ns) / 1000));
	}
	return lsr;
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
	       (uart_share_lsr() & UART_LSR_DR)) {
		uint8_t c = inb(uart_share_base + UART_RBR);
		size_t n = console_rx(c, out), i;

		uart_share_last_read_ns = time_now_ns();
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

/*
 * uart_share_irq: the UART's interrupt (the vector dom0 gave its IRQ): what
 * it received is read now, into the bytes kept for dom0. The UART holds
 * only 16 bytes, 1.4 ms at 115200 baud, and dom0's vCPU may wait longer
 * than that for a CPU (a domU running its time slice); the FIFO here holds
 * 256. Not in loopback mode (dom0 probing the chip: its bytes are its own).
 */
static void uart_share_irq(void)
{
	lib_spin_lock(&uart_share_lock);
	if (!(inb(uart_share_base + UART_MCR) & UART_MCR_LOOP) &&
	    !(inb(uart_share_base + UART_LCR) & UART_LCR_DLAB)) {
		uart_share_irqs++;
		uart_share_drain(false);
		/* An unserved "transmitter empty" would hold the edge-triggered
		 * line up, and bytes received while dom0 waits for the CPU would
		 * raise no interrupt of their own: read it off the UART (which
		 * clears it) and keep it for dom0. */
		if ((inb(uart_share_base + UART_IIR) & 0x0f) == UART_IIR_THRE)
			uart_share_thre = true;
	}
	lib_spin_unlock(&uart_share_lock);
}

/*
 * uart_share_backup_poll: CPU 0 runs this every few milliseconds, busy or
 * idle. The UART's interrupt is an edge: a line that rose while the pin
 * was masked (dom0 reprogramming its IOAPIC entry), or that a condition
 * nobody served holds up, never gives another, and the console would stay
 * deaf and mute for good, to dom0 and to the debug keys alike. An
 * interrupt the UART shows pending is served here as if its edge had come
 * (the next edge then comes as usual). Before dom0 takes the IRQ, or while
 * it has the pin masked, what arrived is read for the debug keys.
 */
void uart_share_backup_poll(void)
{
	bool stuck = false;
	uint8_t iir;

	if (!uart_share_base)
		return;
	lib_spin_lock(&uart_share_lock);
	if (!(inb(uart_share_base + UART_MCR) & UART_MCR_LOOP) &&
	    !(inb(uart_share_base + UART_LCR) & UART_LCR_DLAB)) {
		if (!irq_watch_active()) {
			uart_share_drain(false);
		} else {
			iir = inb(uart_share_base + UART_IIR);
			if ((iir & 0x0f) == UART_IIR_THRE)
				uart_share_thre = true;	/* the read ended it */
			stuck = !(iir & UART_IIR_NONE);
			uart_share_replays += stuck;
		}
	}
	lib_spin_unlock(&uart_share_lock);
	if (stuck)
		irq_watch_replay();
}

/* Debug key 'u': the shared console UART's input statistics (read
 * unlocked: keys are run by console_rx(), under the lock already). */
static void uart_share_key(uint8_t key)
{
	printk(PRINTK_INFO, "console UART %#x: %u bytes waiting for dom0 (at most %u), "
	       "%llu reads at its interrupt, %llu interrupts served by the backup poll, "
	       "%llu overruns (bytes lost)\n", uart_share_base,
	       uart_share_count, uart_share_peak, (unsigned long long)uart_share_irqs,
	       (unsigned long long)uart_share_replays, (unsigned long long)uart_share_overruns);
}

/*
 * uart_share_iir: dom0's view of IIR, from iir just read off the UART and
 * ier: received data while bytes are kept for it (and none from the UART,
 * whose bytes were just drained), then the kept "transmitter empty", in the
 * UART's priorities (line status, data, transmitter empty, modem status).
 * The read of iir ended a "transmitter empty" it reported: kept when data
 * is reported instead, else it was lost. Reporting the kept one ends it.
 */
static uint8_t uart_share_iir(uint8_t iir, uint8_t ier)
{
	uint8_t id = iir & 0x0f, fifo = iir & 0xc0;

	if (id == UART_IIR_THRE)
		uart_share_thre = true;
	if (id == UART_IIR_LINE)
		return iir;
	if (uart_share_count && (ier & UART_IER_RDI))
		return fifo | UART_IIR_RX;
	if (uart_share_thre && (ier & UART_IER_THRI)) {
		uart_share_thre = false;
		return fifo | UART_IIR_THRE;
	}
	if (id == UART_IIR_RX || id == UART_IIR_TIMEOUT)
		return fifo | UART_IIR_NONE;
	return iir;
}

/*
 * uart_share_access: one dom0 access to the UART's ports. Writes pass
 * through; reads of RBR, LSR and IIR are answered from the bytes
 * console_rx() left for dom0. Returns true when dom0 is owed an interrupt
 * the UART will not raise: it turned the data interrupt on (as Linux does
 * after each console write) while bytes wait here, which a real UART would
 * signal at once, and ours, drained, does not.
 */
static bool uart_share_access(struct vcpu *v, uint16_t port, unsigned int size,
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
		return false;
	}
	if (!in) {
		outb(port, *val);
		if (reg == UART_IIR && (*val & UART_FCR_CLEAR_RX))
			uart_share_count = 0;
		if (reg == UART_RBR && !dlab)
			uart_share_thre = false;	/* a write of THR ends it */
		return reg == UART_IER && !dlab && (*val & UART_IER_RDI) && uart_share_count;
	}
	if (reg == UART_RBR && !dlab) {
		uart_share_drain(false);
		*val = uart_share_pop();
	} else if (reg == UART_LSR) {
		uart_share_drain(false);
		lsr = uart_share_lsr() & ~UART_LSR_DR;
		*val = lsr | (uart_share_count ? UART_LSR_DR : 0);
	} else if (reg == UART_IIR) {
		uart_share_drain(false);
		iir = inb(port);
		*val = uart_share_iir(iir, inb(uart_share_base + UART_IER));
	} else {
		*val = inb(port);
	}
	return false;
}

/* uart_share_io: uart_share_access for one vCPU at a time (vcpu_io_fn),
 * then the interrupt it owes dom0, if any (exits run with interrupts off). */
static void uart_share_io(struct vcpu *v, uint16_t port, unsigned int size,
			  bool in, uint32_t *val)
{
	bool owed;

	lib_spin_lock(&uart_share_lock);
	owed = uart_share_access(v, port, size, in, val);
	if (owed)
		uart_share_ier_replays++;
	lib_spin_unlock(&uart_share_lock);
	if (owed)
		irq_watch_replay();
}

int uart_share_attach(struct vcpu *v, struct uart16550 *u)
{
	if (!u || !u->present)
		return -ENODEV;
	if (!uart_share_base) {
		uart_share_base = u->io_base;
		dom0_ioapic_watch(ioapic_isa_gsi(u->irq), uart_share_irq);
		keyhandler_register('u', "console UART input: bytes waiting for dom0, overruns",
				    uart_share_key);
	}
	return vcpu_register_io(v, u->io_base, 8, uart_share_io);
}
