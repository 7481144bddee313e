/* test_uart_share.c - unit tests of the console UART shared with dom0, against a 16550 model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "console.h"
#include "keyhandler.h"
#include "printk.h"
#include <arch/x86/hvm/dom0_ioapic.h>
#include <arch/x86/ioapic.h>
#include <arch/x86/uart_share.h>

#define BASE	0x3f8
#define IRQ	4
#define CTRL_A	0x01

/* Registers (offsets from BASE) and the bits the tests use (PC16550D). */
#define RBR	0	/* THR on write, DLL with DLAB */
#define IER	1
#define IIR	2	/* FCR on write */
#define LCR	3
#define MCR	4
#define LSR	5
#define MSR	6
#define IER_RDI		0x01
#define IER_THRI	0x02
#define IER_RLSI	0x04
#define IER_MSI		0x08
#define LCR_DLAB	0x80
#define MCR_LOOP	0x10
#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_TX_EMPTY	0x60	/* THRE and TEMT: the model sends at once */
#define IIR_FIFO	0xc0
#define IIR_NONE	(IIR_FIFO | 0x01)
#define IIR_MODEM	(IIR_FIFO | 0x00)
#define IIR_THRE	(IIR_FIFO | 0x02)
#define IIR_RX		(IIR_FIFO | 0x04)
#define IIR_LINE	(IIR_FIFO | 0x06)
#define IIR_TIMEOUT	(IIR_FIFO | 0x0c)
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define UART_FIFO	16
#define RX_TRIGGER	8	/* fewer waiting: "timeout" rather than "received data" */

/*
 * The 16550 at BASE, at register level: a 16-byte receive FIFO that
 * overruns, the interrupt conditions the tests raise (thre: transmitter
 * empty; msi: modem status change) and IIR's priorities between them. The
 * transmitter is empty again as soon as THR is written, so "transmitter
 * empty" comes back only when a test sets thre. reads[] counts reads of
 * each register, to tell what the hypervisor touched.
 */
static struct {
	uint8_t ier, lcr, mcr, fcr, dll;
	uint8_t rx[UART_FIFO];
	unsigned int rx_head, rx_len;
	bool oe, thre, msi;
	char tx[64];
	size_t ntx;
	unsigned int reads[8];
} uart;

/* model_rx: one byte into the receive FIFO (from the line, or looped back). */
static void model_rx(uint8_t c)
{
	if (uart.rx_len == UART_FIFO) {
		uart.oe = true;
		return;
	}
	uart.rx[(uart.rx_head + uart.rx_len++) % UART_FIFO] = c;
}

/* model_iir: the pending interrupt of highest priority; reporting
 * "transmitter empty" ends it, as on the chip. */
static uint8_t model_iir(void)
{
	uint8_t fifo = (uart.fcr & FCR_ENABLE) ? IIR_FIFO : 0;

	if ((uart.ier & IER_RLSI) && uart.oe)
		return fifo | (IIR_LINE & 0x0f);
	if ((uart.ier & IER_RDI) && uart.rx_len)
		return fifo | ((uart.rx_len < RX_TRIGGER ? IIR_TIMEOUT : IIR_RX) & 0x0f);
	if ((uart.ier & IER_THRI) && uart.thre) {
		uart.thre = false;
		return fifo | (IIR_THRE & 0x0f);
	}
	if ((uart.ier & IER_MSI) && uart.msi)
		return fifo | (IIR_MODEM & 0x0f);
	return fifo | (IIR_NONE & 0x0f);
}

uint8_t fake_io_read(uint16_t port)
{
	uint8_t c;

	if (port < BASE || port > BASE + 7)
		return 0xff;
	uart.reads[port - BASE]++;
	switch (port - BASE) {
	case RBR:
		if (uart.lcr & LCR_DLAB)
			return uart.dll;
		if (!uart.rx_len)
			return 0;
		c = uart.rx[uart.rx_head];
		uart.rx_head = (uart.rx_head + 1) % UART_FIFO;
		uart.rx_len--;
		return c;
	case IER:
		return uart.ier;
	case IIR:
		return model_iir();
	case LCR:
		return uart.lcr;
	case MCR:
		return uart.mcr;
	case LSR:
		c = LSR_TX_EMPTY | (uart.rx_len ? LSR_DR : 0) | (uart.oe ? LSR_OE : 0);
		uart.oe = false;
		return c;
	case MSR:
		uart.msi = false;
		return 0;
	default:
		return 0;
	}
}

void fake_io_write(uint16_t port, uint8_t v)
{
	if (port < BASE || port > BASE + 7)
		return;
	switch (port - BASE) {
	case RBR:
		if (uart.lcr & LCR_DLAB) {
			uart.dll = v;
			break;
		}
		uart.thre = false;
		if (uart.mcr & MCR_LOOP)
			model_rx(v);
		else if (uart.ntx < sizeof(uart.tx))
			uart.tx[uart.ntx++] = (char)v;
		break;
	case IER:
		if (!(uart.lcr & LCR_DLAB))
			uart.ier = v & 0x0f;
		break;
	case IIR:
		uart.fcr = v & ~(FCR_CLEAR_RX | 0x04);	/* the clear bits self-clear */
		if (v & FCR_CLEAR_RX)
			uart.rx_len = 0;
		break;
	case LCR:
		uart.lcr = v;
		break;
	case MCR:
		uart.mcr = v;
		break;
	default:
		break;
	}
}

/* tx_emptied: dom0 sent with "transmitter empty" enabled, and the
 * transmitter is empty now: the UART raises that interrupt. */
static void tx_emptied(void)
{
	uart.ier |= IER_THRI;
	uart.thre = true;
}

/* line: bytes arriving on the serial line, none read yet. */
static void line(const char *s)
{
	for (; *s; s++)
		model_rx((uint8_t)*s);
}

/* The hypervisor's hooks, as uart_share_attach() gives them. */
static vcpu_io_fn dom0_io;
static void (*uart_irq)(void);
static unsigned int watched_gsi;
static struct vcpu dom0_vcpu;

int vcpu_register_io(struct vcpu *v, uint16_t port, uint16_t count, vcpu_io_fn fn)
{
	assert_ptr_equal(v, &dom0_vcpu);
	assert_int_equal(port, BASE);
	assert_int_equal(count, 8);
	dom0_io = fn;
	return 0;
}

void dom0_ioapic_watch(unsigned int gsi, void (*fn)(void))
{
	watched_gsi = gsi;
	uart_irq = fn;
}

/* irq.c's watch, as dom0 has set it (watch_active) or not; a replay serves
 * the interrupt as the hypervisor would, and counts the vector handed to dom0. */
static bool watch_active;
static unsigned int replays;

bool irq_watch_active(void)
{
	return watch_active;
}

void irq_watch_replay(void)
{
	assert_true(watch_active);
	uart_irq();
	replays++;
}

/* The clock: advanced by hand, for the overrun report's "us after". */
static uint64_t now_ns;

uint64_t time_now_ns(void)
{
	return now_ns;
}

/* ioapic_isa_gsi: an override moves ISA IRQ 4 to GSI 20, to see it used. */
unsigned int ioapic_isa_gsi(unsigned int irq)
{
	return irq == IRQ ? 20 : irq;
}

/* dom0_in / dom0_out: one IN or OUT of dom0 at register reg. */
static uint8_t dom0_in(unsigned int reg)
{
	uint32_t v = 0xffffff00;

	dom0_io(&dom0_vcpu, BASE + reg, 1, true, &v);
	assert_true(v <= 0xff);
	return (uint8_t)v;
}

static void dom0_out(unsigned int reg, uint8_t val)
{
	uint32_t v = val;

	dom0_io(&dom0_vcpu, BASE + reg, 1, false, &v);
}

/* dom0_read_all: what dom0's driver reads while LSR.DR is set (NUL-terminated). */
static const char *dom0_read_all(void)
{
	static char got[512];
	size_t n = 0;

	while ((dom0_in(LSR) & LSR_DR) && n < sizeof(got) - 1)
		got[n++] = (char)dom0_in(RBR);
	got[n] = '\0';
	return got;
}

/* The serial console: what printk wrote since setup (NUL-terminated). */
static char console_text[4096];
static size_t console_len;

static void console_write(struct printk_sink *sink, const char *s, size_t len)
{
	(void)sink;
	for (; len && console_len < sizeof(console_text) - 1; len--)
		console_text[console_len++] = *s++;
	console_text[console_len] = '\0';
}

static struct printk_sink console_sink = { .name = "com1", .write = console_write };

/* key_u_count: the number debug key 'u' prints right before the words
 * label ("overruns", "interrupts served by the backup poll"). */
static unsigned long long key_u_count(const char *label)
{
	const char *s;
	unsigned long long n = ~0ull;

	console_len = 0;
	keyhandler_handle('u');
	s = strstr(console_text, label);
	assert_non_null(s);
	while (s > console_text && s[-1] == ' ')
		s--;
	while (s > console_text && s[-1] >= '0' && s[-1] <= '9')
		s--;
	assert_int_equal(sscanf(s, "%llu", &n), 1);
	return n;
}

static unsigned long long overruns_counted(void)
{
	return key_u_count("overruns (bytes lost)");
}

static unsigned long long backup_polls_counted(void)
{
	return key_u_count("interrupts served by the backup poll");
}

static struct boot_options opts;

static int attach_once(void **state)
{
	struct uart16550 u = { .io_base = BASE, .irq = IRQ, .present = true };

	(void)state;
	cmdline_parse("", &opts);
	keyhandler_init();
	assert_int_equal(printk_register_sink(&console_sink, false), 0);
	assert_int_equal(uart_share_attach(&dom0_vcpu, &u), 0);
	assert_non_null(dom0_io);
	assert_non_null(uart_irq);
	assert_int_equal(watched_gsi, 20);
	return 0;
}

/* setup: a fresh chip in dom0's usual set-up; dom0 resets the port (FIFOs
 * cleared, a byte sent: nothing kept for it from the last test); input
 * goes to dom0. */
static int setup(void **state)
{
	(void)state;
	memset(&uart, 0, sizeof(uart));
	uart.ier = IER_RDI | IER_RLSI;
	uart.lcr = 0x03;
	uart.mcr = 0x0b;
	dom0_out(IIR, FCR_ENABLE | FCR_CLEAR_RX);
	dom0_out(RBR, 0);
	uart.ntx = 0;
	console_init(&opts);
	console_dom0_started();
	console_len = 0;
	watch_active = true;
	replays = 0;
	return 0;
}

/* assert_thre_once: dom0's next IIR reads report "transmitter empty", then nothing. */
static void assert_thre_once(void)
{
	assert_int_equal(dom0_in(IIR), IIR_THRE);
	assert_int_equal(dom0_in(IIR), IIR_NONE);
}

/* assert_irq_reads_nothing: the UART's interrupt, served now, reads neither
 * its bytes nor IIR: the chip still holds rx_len bytes and its pending
 * "transmitter empty". */
static void assert_irq_reads_nothing(unsigned int rx_len)
{
	memset(uart.reads, 0, sizeof(uart.reads));
	uart_irq();
	assert_int_equal(uart.reads[RBR] + uart.reads[IIR] + uart.reads[LSR], 0);
	assert_int_equal(uart.rx_len, rx_len);
	assert_true(uart.thre);
}

static void test_dom0_reads_bytes_in_order_through_lsr_rbr(void **state)
{
	(void)state;
	line("ls -l\r");
	assert_int_equal(dom0_in(IIR), IIR_RX);
	assert_string_equal(dom0_read_all(), "ls -l\r");
	assert_int_equal(dom0_in(LSR), LSR_TX_EMPTY);
	assert_int_equal(dom0_in(IIR), IIR_NONE);
}

static void test_bytes_kept_at_interrupt_while_dom0_waits(void **state)
{
	static const char *bursts[] = {
		"0123456789abcdef", "ghijklmnopqrstuv", "wxyzABCD", "EFGHIJKLMNOPQRST",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bursts) / sizeof(bursts[0]); i++) {
		line(bursts[i]);
		uart_irq();
		assert_int_equal(uart.rx_len, 0);	/* the UART has room again */
	}
	assert_false(uart.oe);
	assert_int_equal(dom0_in(IIR), IIR_RX);
	assert_string_equal(dom0_read_all(),
			    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST");
}

static void test_iir_none_once_kept_and_uart_bytes_read(void **state)
{
	(void)state;
	line("abc");
	uart_irq();
	line("d");
	assert_int_equal(model_iir(), IIR_TIMEOUT);	/* "d" waits in the UART */
	assert_int_equal(dom0_in(IIR), IIR_RX);
	assert_string_equal(dom0_read_all(), "abcd");
	assert_int_equal(dom0_in(IIR), IIR_NONE);
	/* Kept bytes with "received data" masked raise nothing either. */
	line("e");
	uart_irq();
	dom0_out(IER, 0);
	assert_int_equal(dom0_in(IIR), IIR_NONE);
	assert_true(dom0_in(LSR) & LSR_DR);
}

static void test_thre_at_interrupt_cleared_on_uart_reported_once(void **state)
{
	(void)state;
	tx_emptied();
	line("xy");
	uart_irq();
	/* The UART's line can rise again for the next byte received. */
	assert_false(uart.thre);
	assert_int_equal(model_iir(), IIR_NONE);
	assert_int_equal(dom0_in(IIR), IIR_RX);
	assert_int_equal(dom0_in(IIR), IIR_RX);
	assert_string_equal(dom0_read_all(), "xy");
	assert_thre_once();
}

static void test_kept_thre_only_with_dom0_thri(void **state)
{
	(void)state;
	tx_emptied();
	uart_irq();
	assert_false(uart.thre);
	dom0_out(IER, IER_RDI);
	assert_int_equal(dom0_in(IIR), IIR_NONE);
	/* Enabled again with the transmitter still empty: reported now. */
	dom0_out(IER, IER_RDI | IER_THRI);
	assert_thre_once();
}

static void test_thre_raised_behind_kept_bytes_not_lost(void **state)
{
	(void)state;
	line("ok");
	uart_irq();
	tx_emptied();	/* dom0's last byte left after the interrupt */
	assert_int_equal(dom0_in(IIR), IIR_RX);
	assert_string_equal(dom0_read_all(), "ok");
	assert_thre_once();
}

static void test_kept_thre_above_modem_status(void **state)
{
	(void)state;
	uart.ier |= IER_MSI;
	tx_emptied();
	uart_irq();
	uart.msi = true;
	assert_int_equal(dom0_in(IIR), IIR_THRE);
	assert_int_equal(dom0_in(IIR), IIR_MODEM);
	dom0_in(MSR);
	assert_int_equal(dom0_in(IIR), IIR_NONE);
}

static void test_thr_write_drops_kept_thre(void **state)
{
	(void)state;
	tx_emptied();
	uart_irq();
	dom0_out(RBR, 'z');
	assert_int_equal(uart.ntx, 1);
	assert_int_equal(uart.tx[0], 'z');
	assert_int_equal(dom0_in(IIR), IIR_NONE);
	/* With DLAB set the write is the divisor's: the THRE stays kept. */
	uart.thre = true;
	uart_irq();
	dom0_out(LCR, 0x83);
	dom0_out(RBR, 1);
	dom0_out(LCR, 0x03);
	assert_int_equal(uart.dll, 1);
	assert_int_equal(uart.ntx, 1);
	assert_int_equal(dom0_in(IIR), IIR_THRE);
}

static void test_fcr_clear_rx_drops_kept_bytes(void **state)
{
	(void)state;
	line("stale");
	uart_irq();
	dom0_out(IIR, FCR_ENABLE);	/* no clear bit: kept */
	assert_true(dom0_in(LSR) & LSR_DR);
	line("more");
	dom0_out(IIR, FCR_ENABLE | FCR_CLEAR_RX);
	assert_int_equal(dom0_in(LSR), LSR_TX_EMPTY);
	assert_int_equal(dom0_in(IIR), IIR_NONE);
	line("new");
	assert_string_equal(dom0_read_all(), "new");
}

static void test_loopback_unfiltered_and_interrupt_reads_nothing(void **state)
{
	(void)state;
	line("k");
	uart_irq();
	dom0_out(MCR, 0x1b);
	/* Raw LSR: the kept "k" is not the chip's. */
	assert_int_equal(dom0_in(LSR), LSR_TX_EMPTY);
	dom0_out(RBR, 'L');
	assert_int_equal(uart.ntx, 0);
	tx_emptied();
	assert_irq_reads_nothing(1);
	assert_int_equal(dom0_in(IIR), IIR_TIMEOUT);
	assert_int_equal(dom0_in(LSR), LSR_TX_EMPTY | LSR_DR);
	assert_int_equal(dom0_in(RBR), 'L');
	assert_int_equal(dom0_in(IIR), IIR_THRE);
	assert_false(uart.thre);
	dom0_out(MCR, 0x0b);
	assert_string_equal(dom0_read_all(), "k");
}

static void test_dlab_interrupt_reads_nothing(void **state)
{
	(void)state;
	dom0_out(LCR, 0x83);
	dom0_out(RBR, 12);	/* dom0 sets the divisor; meanwhile: */
	line("ab");
	tx_emptied();
	assert_irq_reads_nothing(2);
	assert_int_equal(dom0_in(RBR), 12);	/* the divisor, passed through */
	dom0_out(LCR, 0x03);
	assert_string_equal(dom0_read_all(), "ab");
	assert_int_equal(dom0_in(IIR), IIR_THRE);
}

static void test_overrun_counted_first_bytes_kept(void **state)
{
	unsigned long long before = overruns_counted();

	(void)state;
	line("z");	/* the last byte read: now */
	uart_irq();
	assert_string_equal(dom0_read_all(), "z");
	now_ns += 2500000;
	line("0123456789abcdefX");	/* 17 bytes, no interrupt served */
	assert_true(uart.oe);
	console_len = 0;
	uart_irq();
	assert_non_null(strstr(console_text, "console UART: input lost (overrun), 2500 us "
				"after the last byte read"));
	assert_string_equal(dom0_read_all(), "0123456789abcdef");
	assert_int_equal(overruns_counted(), before + 1);
}

static void test_console_switch_keeps_hypervisor_bytes(void **state)
{
	(void)state;
	/* One Ctrl-A then a key: both for dom0, as typed. */
	line("l\001s");
	uart_irq();
	line("\001\001\001u\001\001\001\r");
	uart_irq();
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
	assert_string_equal(dom0_read_all(), "l\001s\r");
	assert_non_null(strstr(console_text, "Serial input now goes to Xenolith"));
	assert_non_null(strstr(console_text, "console UART 0x3f8: 3 bytes waiting for dom0"));
	assert_non_null(strstr(console_text, "Serial input now goes to dom0"));
}

static void test_backup_poll_serves_a_line_left_up(void **state)
{
	unsigned long long before = backup_polls_counted();

	(void)state;
	/* "Transmitter empty" and bytes came while the edge was lost: the
	 * line stays up and no interrupt follows. */
	tx_emptied();
	line("ok\r");
	uart_share_backup_poll();
	assert_int_equal(replays, 1);
	assert_int_equal(uart.rx_len, 0);
	assert_false(uart.thre);
	assert_int_equal(dom0_in(IIR), IIR_RX);
	assert_string_equal(dom0_read_all(), "ok\r");
	assert_thre_once();
	assert_int_equal(backup_polls_counted(), before + 1);
}

/* Linux turns IER off around each console write: bytes kept meanwhile
 * owe dom0 the interrupt when it turns input interrupts on again. */
static void test_ier_rdi_on_with_bytes_kept_gives_the_interrupt(void **state)
{
	(void)state;
	dom0_out(IER, 0);
	line("x\r");
	uart_irq();
	assert_int_equal(dom0_in(IIR), IIR_NONE);	/* its handler finds nothing */
	assert_int_equal(replays, 0);
	dom0_out(IER, IER_RDI | IER_RLSI);
	assert_int_equal(replays, 1);
	assert_int_equal(dom0_in(IIR), IIR_RX);
	assert_string_equal(dom0_read_all(), "x\r");
	dom0_out(IER, 0);
	dom0_out(IER, IER_RDI | IER_RLSI);	/* nothing waits: nothing owed */
	assert_int_equal(replays, 1);
}

static void test_backup_poll_leaves_a_quiet_line_alone(void **state)
{
	(void)state;
	tx_emptied();
	uart.thre = false;
	memset(uart.reads, 0, sizeof(uart.reads));
	uart_share_backup_poll();
	assert_int_equal(replays, 0);
	assert_int_equal(uart.reads[RBR] + uart.reads[LSR], 0);
	assert_int_equal(dom0_in(IIR), IIR_NONE);
}

static void test_backup_poll_reads_keys_before_dom0_takes_irq(void **state)
{
	(void)state;
	watch_active = false;
	uart.ier = 0;	/* dom0's driver has not enabled interrupts yet */
	line("\001\001\001");
	uart_share_backup_poll();
	assert_int_equal(console_input_target(), CONSOLE_INPUT_HYPERVISOR);
	line("\001\001\001ls");
	uart_share_backup_poll();
	assert_int_equal(console_input_target(), CONSOLE_INPUT_DOM0);
	assert_int_equal(replays, 0);
	assert_string_equal(dom0_read_all(), "ls");
}

static void test_backup_poll_leaves_loopback_alone(void **state)
{
	(void)state;
	uart.mcr |= MCR_LOOP;
	tx_emptied();
	model_rx('x');
	memset(uart.reads, 0, sizeof(uart.reads));
	uart_share_backup_poll();
	assert_int_equal(uart.reads[RBR] + uart.reads[IIR] + uart.reads[LSR], 0);
	assert_int_equal(replays, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_dom0_reads_bytes_in_order_through_lsr_rbr, setup),
		cmocka_unit_test_setup(test_bytes_kept_at_interrupt_while_dom0_waits, setup),
		cmocka_unit_test_setup(test_iir_none_once_kept_and_uart_bytes_read, setup),
		cmocka_unit_test_setup(test_thre_at_interrupt_cleared_on_uart_reported_once, setup),
		cmocka_unit_test_setup(test_kept_thre_only_with_dom0_thri, setup),
		cmocka_unit_test_setup(test_thre_raised_behind_kept_bytes_not_lost, setup),
		cmocka_unit_test_setup(test_kept_thre_above_modem_status, setup),
		cmocka_unit_test_setup(test_thr_write_drops_kept_thre, setup),
		cmocka_unit_test_setup(test_fcr_clear_rx_drops_kept_bytes, setup),
		cmocka_unit_test_setup(test_loopback_unfiltered_and_interrupt_reads_nothing, setup),
		cmocka_unit_test_setup(test_dlab_interrupt_reads_nothing, setup),
		cmocka_unit_test_setup(test_overrun_counted_first_bytes_kept, setup),
		cmocka_unit_test_setup(test_console_switch_keeps_hypervisor_bytes, setup),
		cmocka_unit_test_setup(test_backup_poll_serves_a_line_left_up, setup),
		cmocka_unit_test_setup(test_backup_poll_leaves_a_quiet_line_alone, setup),
		cmocka_unit_test_setup(test_ier_rdi_on_with_bytes_kept_gives_the_interrupt, setup),
		cmocka_unit_test_setup(test_backup_poll_reads_keys_before_dom0_takes_irq, setup),
		cmocka_unit_test_setup(test_backup_poll_leaves_loopback_alone, setup),
	};

	return cmocka_run_group_tests(tests, attach_once, NULL);
}
