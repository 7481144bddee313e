/* test_vuart.c - unit tests of the emulated 16550A: Linux's 8250 probing, THRE interrupt, FIFOs, loopback, IRQ line, hostile accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/vdev/vuart.h"

#define B VUART_COM1_BASE

static struct vuart u;
static uint8_t txbuf[256];
static unsigned int ntx, nirq;
static bool irq_level;

static void fake_tx(void *opaque, uint8_t b)
{
	assert_ptr_equal(opaque, &u);
	if (ntx < sizeof(txbuf))
		txbuf[ntx] = b;
	ntx++;
}

static void fake_irq(void *opaque, bool level)
{
	assert_ptr_equal(opaque, &u);
	assert_true(level != irq_level);	/* only on a change */
	irq_level = level;
	nirq++;
}

static const struct vuart_ops ops = { .tx = fake_tx, .set_irq = fake_irq };

static int setup(void **state)
{
	(void)state;
	ntx = nirq = 0;
	irq_level = false;
	assert_int_equal(vuart_init(&u, B, &ops, &u), 0);
	return 0;
}

static uint8_t in8(unsigned int off)
{
	uint32_t v = 0xdeadbeef;

	vuart_io(&u, (uint16_t)(B + off), 1, true, &v);
	assert_true(v <= 0xff);
	return (uint8_t)v;
}

static void out8(unsigned int off, uint8_t v)
{
	uint32_t x = v;

	vuart_io(&u, (uint16_t)(B + off), 1, false, &x);
}

static void test_init(void **state)
{
	struct vuart o;
	struct vuart_ops half = { .tx = fake_tx };

	(void)state;
	assert_int_equal(vuart_init(&o, B, NULL, NULL), -EINVAL);
	assert_int_equal(vuart_init(&o, B, &half, NULL), -EINVAL);
	assert_int_equal(vuart_init(&o, 0xfffc, &ops, NULL), -EINVAL);
	assert_int_equal(vuart_init(&o, 0xfff8, &ops, NULL), 0);
	/* Power-up values, PC16550D table 4. */
	assert_int_equal(in8(VUART_IER), 0);
	assert_int_equal(in8(VUART_IIR), 0x01);
	assert_int_equal(in8(VUART_LCR), 0);
	assert_int_equal(in8(VUART_MCR), 0);
	assert_int_equal(in8(VUART_LSR), 0x60);
	assert_int_equal(in8(VUART_MSR), 0xb0);
	assert_int_equal(nirq, 0);
}

/* Linux 8250 autoconfig(): IER scratch test, loopback test, FIFO type. */
static void test_linux_autoconfig(void **state)
{
	(void)state;
	out8(VUART_IER, 0);
	assert_int_equal(in8(VUART_IER) & 0x0f, 0);
	out8(VUART_IER, 0x0f);
	assert_int_equal(in8(VUART_IER) & 0x0f, 0x0f);
	out8(VUART_IER, 0xff);
	assert_int_equal(in8(VUART_IER), 0x0f);	/* no UUE bit (XScale) */
	out8(VUART_IER, 0);
	out8(VUART_MCR, VUART_MCR_LOOP | 0x0a);
	assert_int_equal(in8(VUART_MSR) & 0xf0, 0x90);
	out8(VUART_MCR, 0);
	out8(VUART_FCR, VUART_FCR_ENABLE);
	assert_int_equal(in8(VUART_IIR) >> 6, 3);	/* 16550A */
	out8(VUART_LCR, 0xbf);				/* EFR probe */
	assert_int_not_equal(in8(VUART_IIR), 0);
	out8(VUART_LCR, 0xe0);				/* NS EXCR1 probe */
	assert_int_equal(in8(VUART_IIR) & 0x10, 0);
	out8(VUART_LCR, 0);
	out8(VUART_FCR, VUART_FCR_ENABLE | 0x20);	/* 16750 64-byte probe */
	assert_int_equal(in8(VUART_IIR) >> 5, 6);
	out8(VUART_LCR, 0xbf);
	out8(VUART_FCR, VUART_FCR_ENABLE | 0x20);
	assert_int_equal(in8(VUART_IIR) >> 5, 6);
	out8(VUART_LCR, 0);
	assert_int_equal(in8(VUART_MCR) & 0xe0, 0);
	out8(VUART_MCR, 0xff);
	assert_int_equal(in8(VUART_MCR), 0x1f);
	out8(VUART_SCR, 0xa5);
	assert_int_equal(in8(VUART_SCR), 0xa5);
}

/* serial8250_do_startup()'s UART_BUG_THRE and UART_BUG_TXEN tests. */
static void test_thre_interrupt(void **state)
{
	uint8_t iir1, iir;

	(void)state;
	out8(VUART_FCR, VUART_FCR_ENABLE);
	out8(VUART_IER, VUART_IER_ETBEI);
	iir1 = in8(VUART_IIR);
	assert_int_equal(iir1, 0xc2);
	assert_int_equal(in8(VUART_IIR), 0xc1);		/* the read cleared it */
	out8(VUART_IER, 0);
	out8(VUART_IER, VUART_IER_ETBEI);
	iir = in8(VUART_IIR);
	out8(VUART_IER, 0);
	assert_false(!(iir1 & 1) && (iir & 1));		/* no UART_BUG_THRE */
	/* TXEN test: LSR says empty and IIR has an interrupt. */
	out8(VUART_IER, VUART_IER_ETBEI);
	assert_true(in8(VUART_LSR) & VUART_LSR_TEMT);
	assert_int_equal(in8(VUART_IIR) & 1, 0);
	/* Writing ETBEI again (no change) does not re-raise it. */
	out8(VUART_IER, VUART_IER_ETBEI);
	assert_int_equal(in8(VUART_IIR), 0xc1);
	/* Writing THR: the byte leaves and THRE interrupts again. */
	out8(VUART_THR, 'x');
	assert_int_equal(ntx, 1);
	assert_int_equal(txbuf[0], 'x');
	assert_int_equal(in8(VUART_IIR), 0xc2);
	assert_int_equal(in8(VUART_IIR), 0xc1);
}

/* The IRQ line: needs OUT2, never in loopback, set_irq only on change. */
static void test_irq_line(void **state)
{
	(void)state;
	out8(VUART_IER, VUART_IER_ETBEI);
	assert_int_equal(nirq, 0);			/* OUT2 off */
	out8(VUART_MCR, VUART_MCR_OUT2);
	assert_true(irq_level);
	assert_int_equal(nirq, 1);
	out8(VUART_MCR, VUART_MCR_OUT2 | VUART_MCR_LOOP);
	assert_false(irq_level);
	out8(VUART_MCR, VUART_MCR_OUT2);
	assert_true(irq_level);
	assert_int_equal(in8(VUART_IIR), 0x02);
	assert_false(irq_level);
	assert_int_equal(nirq, 4);
	out8(VUART_THR, 'a');
	assert_true(irq_level);
	out8(VUART_IER, 0);
	assert_false(irq_level);
	out8(VUART_IER, 0);
	assert_int_equal(nirq, 6);
}

static void test_rx_fifo(void **state)
{
	uint8_t data[20];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)('A' + i);
	/* Without FIFOs: one byte. */
	assert_int_equal(vuart_rx_room(&u), 1);
	assert_int_equal(vuart_rx(&u, data, 20), 1);
	assert_int_equal(vuart_rx(&u, data + 1, 19), 0);
	assert_int_equal(vuart_rx(&u, NULL, 19), 0);
	out8(VUART_MCR, VUART_MCR_OUT2);
	out8(VUART_IER, VUART_IER_ERBFI);
	assert_true(irq_level);
	assert_int_equal(in8(VUART_IIR), 0x04);
	assert_int_equal(in8(VUART_LSR), 0x61);
	assert_int_equal(in8(VUART_RBR), 'A');
	assert_false(irq_level);
	assert_int_equal(in8(VUART_LSR), 0x60);
	assert_int_equal(in8(VUART_RBR), 'A');		/* empty: last byte */
	/* FIFO, trigger 8: 16 fit; RDI at >= 8, timeout below. */
	out8(VUART_FCR, VUART_FCR_ENABLE | 0x80);
	assert_int_equal(vuart_rx(&u, data, 3), 3);
	assert_int_equal(in8(VUART_IIR), 0xcc);
	assert_int_equal(vuart_rx(&u, data + 3, 17), 13);
	assert_int_equal(vuart_rx_room(&u), 0);
	assert_int_equal(in8(VUART_IIR), 0xc4);
	for (i = 0; i < 8; i++)
		assert_int_equal(in8(VUART_RBR), 'A' + i);
	assert_int_equal(in8(VUART_IIR), 0xc4);		/* 8 left */
	assert_int_equal(in8(VUART_RBR), 'I');
	assert_int_equal(in8(VUART_IIR), 0xcc);		/* 7 left */
	assert_int_equal(vuart_rx_room(&u), 9);
	out8(VUART_FCR, VUART_FCR_ENABLE | VUART_FCR_CLR_RX);
	assert_int_equal(in8(VUART_LSR) & VUART_LSR_DR, 0);
	assert_int_equal(in8(VUART_IIR), 0xc1);
	assert_false(irq_level);
	/* Turning FIFOs off empties them; FCR bits need bit 0. */
	assert_int_equal(vuart_rx(&u, data, 5), 5);
	out8(VUART_FCR, 0xc0);
	assert_int_equal(in8(VUART_LSR) & VUART_LSR_DR, 0);
	assert_int_equal(in8(VUART_IIR), 0x01);
	assert_int_equal(vuart_rx_room(&u), 1);
}

/* Loopback: THR goes to the receiver; overrun and line-status priority. */
static void test_loopback(void **state)
{
	unsigned int i;

	(void)state;
	out8(VUART_MCR, VUART_MCR_LOOP);
	assert_int_equal(vuart_rx_room(&u), 0);
	assert_int_equal(vuart_rx(&u, (const uint8_t *)"z", 1), 0);
	out8(VUART_THR, 0x55);
	assert_int_equal(ntx, 0);
	assert_int_equal(in8(VUART_LSR), 0x61);
	assert_int_equal(in8(VUART_RBR), 0x55);
	/* Non-FIFO overrun overwrites RBR. */
	out8(VUART_THR, 1);
	out8(VUART_THR, 2);
	out8(VUART_IER, VUART_IER_ERBFI | VUART_IER_ELSI | VUART_IER_ETBEI);
	assert_int_equal(in8(VUART_IIR), 0x06);		/* line status first */
	assert_int_equal(in8(VUART_LSR), 0x63);
	assert_int_equal(in8(VUART_LSR), 0x61);		/* OE cleared by read */
	assert_int_equal(in8(VUART_IIR), 0x04);
	assert_int_equal(in8(VUART_RBR), 2);
	assert_int_equal(in8(VUART_IIR), 0x02);		/* then THRE */
	assert_int_equal(in8(VUART_IIR), 0x01);
	/* FIFO overrun keeps the first 16. */
	out8(VUART_FCR, VUART_FCR_ENABLE | 0xc0);
	for (i = 0; i < 17; i++)
		out8(VUART_THR, (uint8_t)i);
	assert_int_equal(in8(VUART_IIR), 0xc6);
	assert_int_equal(in8(VUART_LSR), 0x63);
	for (i = 0; i < 16; i++)
		assert_int_equal(in8(VUART_RBR), i);
	assert_int_equal(in8(VUART_LSR), 0x60);
	assert_false(irq_level);			/* loopback: line off */
	/* Leaving loopback: bytes arrive again and nothing is sent twice. */
	out8(VUART_MCR, 0);
	assert_int_equal(vuart_rx(&u, (const uint8_t *)"z", 1), 1);
	assert_int_equal(ntx, 0);
}

/* MSR: loopback wiring, delta bits, trailing edge of RI, modem interrupt. */
static void test_modem_status(void **state)
{
	(void)state;
	out8(VUART_IER, VUART_IER_EDSSI);
	out8(VUART_MCR, VUART_MCR_LOOP);
	/* CTS, DSR and DCD dropped. */
	assert_int_equal(in8(VUART_IIR), 0x00);
	assert_int_equal(in8(VUART_MSR), 0x0b);
	assert_int_equal(in8(VUART_MSR), 0x00);
	assert_int_equal(in8(VUART_IIR), 0x01);
	out8(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_DTR);
	assert_int_equal(in8(VUART_MSR), 0x22);
	out8(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_OUT1);
	assert_int_equal(in8(VUART_MSR), 0x42);		/* DSR fell, RI rose */
	out8(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_OUT2 | VUART_MCR_RTS);
	assert_int_equal(in8(VUART_MSR), 0x9d);		/* TERI, DDCD, DCTS */
	out8(VUART_MCR, 0);
	assert_int_equal(in8(VUART_MSR), 0xb2);
}

static void test_dlab(void **state)
{
	(void)state;
	out8(VUART_LCR, VUART_LCR_DLAB | 0x03);
	assert_int_equal(in8(VUART_DLL), 1);
	out8(VUART_DLL, 0x0c);
	out8(VUART_DLM, 0x34);
	assert_int_equal(in8(VUART_DLL), 0x0c);
	assert_int_equal(in8(VUART_DLM), 0x34);
	assert_int_equal(ntx, 0);
	out8(VUART_LCR, 0x03);
	assert_int_equal(in8(VUART_IER), 0);
	assert_int_equal(in8(VUART_LCR), 0x03);
	out8(VUART_THR, 'q');
	assert_int_equal(ntx, 1);
}

/* Any size, any port: byte lanes, 0xff off the device, odd sizes. */
static void test_hostile(void **state)
{
	uint32_t v;
	unsigned int size, port;

	(void)state;
	v = 0x0b03;			/* outw base+3: LCR=3, MCR=0x0b */
	vuart_io(&u, B + 3, 2, false, &v);
	assert_int_equal(in8(VUART_LCR), 3);
	assert_int_equal(in8(VUART_MCR), 0x0b);
	out8(VUART_SCR, 0x77);
	vuart_io(&u, B + 6, 4, true, &v);
	assert_int_equal(v, 0xffff77b0);	/* MSR, SCR, then nothing */
	vuart_io(&u, B - 1, 2, true, &v);
	assert_int_equal(v & 0xff, 0xff);
	vuart_io(&u, B + 8, 1, true, &v);
	assert_int_equal(v, 0xff);
	for (size = 0; size < 9; size++) {
		if (size == 1 || size == 2 || size == 4)
			continue;
		v = 0x41;
		vuart_io(&u, B, size, false, &v);
		vuart_io(&u, B, size, true, &v);
		assert_int_equal(v, 0xffffffff);
	}
	assert_int_equal(ntx, 0);
	vuart_io(&u, B, 4, true, NULL);
	vuart_io(&u, B, 4, false, NULL);
	/* Every port and size, both directions, with junk: still sane. */
	for (port = B - 4; port < B + 12; port++)
		for (size = 1; size <= 4; size++) {
			v = 0xffffffff;
			vuart_io(&u, (uint16_t)port, size, false, &v);
			vuart_io(&u, (uint16_t)port, size, true, &v);
		}
	out8(VUART_LCR, 0);
	assert_true(in8(VUART_MCR) <= 0x1f);
	assert_true(in8(VUART_IER) <= 0x0f);
	assert_true(vuart_rx_room(&u) <= VUART_FIFO_SIZE);
	/* The top of the port space wraps harmlessly. */
	vuart_io(&u, 0xffff, 4, true, &v);
	assert_int_equal(v, 0xffffffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init, setup),
		cmocka_unit_test_setup(test_linux_autoconfig, setup),
		cmocka_unit_test_setup(test_thre_interrupt, setup),
		cmocka_unit_test_setup(test_irq_line, setup),
		cmocka_unit_test_setup(test_rx_fifo, setup),
		cmocka_unit_test_setup(test_loopback, setup),
		cmocka_unit_test_setup(test_modem_status, setup),
		cmocka_unit_test_setup(test_dlab, setup),
		cmocka_unit_test_setup(test_hostile, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
