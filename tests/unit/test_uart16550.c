/* test_uart16550.c - unit tests of the 16550 driver against a register model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "uart16550.h"

/* A 16550 at BASE: divisor latch, LCR/IER/MCR/FCR/SCR, a TX log, an RX
 * queue. `absent` makes the port float (reads 0xff). */
#define BASE 0x3f8

static struct {
	bool absent;
	uint8_t dll, dlm, lcr, ier, mcr, fcr, scr;
	char tx[256];
	size_t ntx;
	uint8_t rx[16];
	size_t rx_head, rx_len;
} uart;

uint8_t fake_io_read(uint16_t port)
{
	bool dlab = uart.lcr & 0x80;

	if (uart.absent || port < BASE || port > BASE + 7)
		return 0xff;
	switch (port - BASE) {
	case 0:
		if (dlab)
			return uart.dll;
		if (uart.rx_head < uart.rx_len)
			return uart.rx[uart.rx_head++];
		return 0;
	case 1:
		return dlab ? uart.dlm : uart.ier;
	case 3:
		return uart.lcr;
	case 4:
		return uart.mcr;
	case 5:
		return 0x60 | (uart.rx_head < uart.rx_len ? 1 : 0);
	case 7:
		return uart.scr;
	default:
		return 0;
	}
}

void fake_io_write(uint16_t port, uint8_t v)
{
	bool dlab = uart.lcr & 0x80;

	if (uart.absent || port < BASE || port > BASE + 7)
		return;
	switch (port - BASE) {
	case 0:
		if (dlab)
			uart.dll = v;
		else if (uart.ntx < sizeof(uart.tx) - 1)
			uart.tx[uart.ntx++] = (char)v;
		break;
	case 1:
		if (dlab)
			uart.dlm = v;
		else
			uart.ier = v;
		break;
	case 2:
		uart.fcr = v;
		break;
	case 3:
		uart.lcr = v;
		break;
	case 4:
		uart.mcr = v;
		break;
	case 7:
		uart.scr = v;
		break;
	default:
		break;
	}
}

static struct uart16550 u;

static struct cmdline_com com(uint32_t baud)
{
	struct cmdline_com c = {
		.baud = baud, .base_baud = 115200, .data_bits = 8,
		.parity = 'n', .stop_bits = 1, .io_base = BASE, .irq = 4,
	};
	return c;
}

static int setup(void **state)
{
	(void)state;
	memset(&uart, 0, sizeof(uart));
	memset(&u, 0, sizeof(u));
	return 0;
}

static void test_init_programs_divisor_and_format(void **state)
{
	struct cmdline_com c = com(9600);

	(void)state;
	assert_int_equal(uart16550_init(&u, &c), 0);
	assert_true(u.present);
	assert_int_equal(u.baud, 9600);
	assert_int_equal(uart.dll, 12);
	assert_int_equal(uart.dlm, 0);
	assert_int_equal(uart.lcr, 0x03);	/* 8n1, latch closed */
	assert_int_equal(uart.ier, 0);
	assert_int_equal(uart.fcr, 0x07);
	assert_int_equal(uart.mcr, 0x03);

	c = com(115200);
	c.data_bits = 7;
	c.parity = 'e';
	c.stop_bits = 2;
	assert_int_equal(uart16550_init(&u, &c), 0);
	assert_int_equal(uart.dll, 1);
	assert_int_equal(uart.lcr, 0x02 | 0x18 | 0x04);
	c.data_bits = 5;
	c.parity = 's';
	c.stop_bits = 1;
	assert_int_equal(uart16550_init(&u, &c), 0);
	assert_int_equal(uart.lcr, 0x38);
	/* A slow rate through a fast clock needs the high divisor byte. */
	c = com(50);
	c.base_baud = 1843200 / 16 * 4;
	assert_int_equal(uart16550_init(&u, &c), 0);
	assert_int_equal(uart.dll | uart.dlm << 8, 9216);
}

static void test_auto_keeps_firmware_divisor(void **state)
{
	struct cmdline_com c = com(0);

	(void)state;
	uart.dll = 6;			/* firmware set 19200 */
	assert_int_equal(uart16550_init(&u, &c), 0);
	assert_int_equal(uart.dll, 6);
	assert_int_equal(u.baud, 19200);
	/* Nothing programmed: fall back to 115200. */
	setup(NULL);
	assert_int_equal(uart16550_init(&u, &c), 0);
	assert_int_equal(uart.dll, 1);
	assert_int_equal(u.baud, 115200);
}

static void test_unreachable_baud(void **state)
{
	struct cmdline_com c = com(1);

	(void)state;
	assert_int_equal(uart16550_init(&u, &c), -EINVAL);
	assert_int_equal(uart.lcr & 0x80, 0);
	c = com(230400);
	assert_int_equal(uart16550_init(&u, &c), -EINVAL);
}

static void test_absent_port(void **state)
{
	struct cmdline_com c = com(9600);

	(void)state;
	uart.absent = true;
	assert_int_equal(uart16550_init(&u, &c), -ENODEV);
	assert_false(u.present);
	uart16550_write(&u, "x", 1);
	assert_int_equal(uart16550_getc(&u), -EAGAIN);
	assert_int_equal(uart.ntx, 0);
}

static void test_write_crlf(void **state)
{
	struct cmdline_com c = com(115200);

	(void)state;
	uart16550_init(&u, &c);
	uart16550_write(&u, "a\nb\n", 4);
	uart16550_putc(&u, '!');
	assert_int_equal(uart.ntx, 7);
	assert_memory_equal(uart.tx, "a\r\nb\r\n!", 7);
}

static void test_output_with_latch_left_open(void **state)
{
	struct cmdline_com c = com(115200);

	(void)state;
	uart16550_init(&u, &c);
	uart.lcr = 0x83;		/* dom0 is setting the divisor */
	uart16550_write(&u, "hi", 2);
	assert_memory_equal(uart.tx, "hi", 2);
	assert_int_equal(uart.dll, 1);	/* divisor untouched */
	assert_int_equal(uart.lcr, 0x83);	/* and dom0's LCR is back */
	uart.rx[0] = 'z';
	uart.rx_len = 1;
	assert_int_equal(uart16550_getc(&u), -EAGAIN);
	uart.lcr = 0x03;
	assert_int_equal(uart16550_getc(&u), 'z');
}

static void test_getc(void **state)
{
	struct cmdline_com c = com(115200);

	(void)state;
	uart16550_init(&u, &c);
	assert_int_equal(uart16550_getc(&u), -EAGAIN);
	memcpy(uart.rx, "\x01q\xff", 3);
	uart.rx_len = 3;
	assert_int_equal(uart16550_getc(&u), 0x01);
	assert_int_equal(uart16550_getc(&u), 'q');
	assert_int_equal(uart16550_getc(&u), 0xff);
	assert_int_equal(uart16550_getc(&u), -EAGAIN);
}

static void test_rx_irq(void **state)
{
	struct cmdline_com c = com(115200);

	(void)state;
	uart16550_init(&u, &c);
	uart16550_enable_rx_irq(&u, true);
	assert_int_equal(uart.ier, 0x01);
	assert_int_equal(uart.mcr & 0x08, 0x08);
	uart16550_enable_rx_irq(&u, false);
	assert_int_equal(uart.ier, 0);
	assert_int_equal(uart.mcr & 0x08, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_programs_divisor_and_format, setup),
		cmocka_unit_test_setup(test_auto_keeps_firmware_divisor, setup),
		cmocka_unit_test_setup(test_unreachable_baud, setup),
		cmocka_unit_test_setup(test_absent_port, setup),
		cmocka_unit_test_setup(test_write_crlf, setup),
		cmocka_unit_test_setup(test_output_with_latch_left_open, setup),
		cmocka_unit_test_setup(test_getc, setup),
		cmocka_unit_test_setup(test_rx_irq, setup),
	};

	return cmocka_run_group_tests_name("uart16550", tests, NULL, NULL);
}
