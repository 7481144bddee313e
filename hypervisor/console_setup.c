/* console_setup.c - bring up the console outputs that console= asks for. */
#include "cmdline.h"
#include "console.h"
#include "console_setup.h"
#include "keyhandler.h"
#include "printk.h"
#include "uart16550.h"
#include "vga_text.h"

static struct uart16550 console_setup_uart[2];
static struct printk_sink console_setup_serial_sink[2];
static struct printk_sink console_setup_vga_sink;
static struct uart16550 *console_setup_input;

static void console_setup_serial_write(struct printk_sink *sink,
				       const char *s, size_t len)
{
	uart16550_write(sink->ctx, s, len);
}

static void console_setup_vga_write(struct printk_sink *sink, const char *s,
				    size_t len)
{
	(void)sink;
	vga_text_write(s, len);
}

/* console_setup_com: bring up com<idx+1> as a sink; 0 or -errno. */
static int console_setup_com(const struct boot_options *opts, unsigned int idx)
{
	static const char *const names[2] = { "com1", "com2" };
	struct uart16550 *u = &console_setup_uart[idx];
	struct printk_sink *sink = &console_setup_serial_sink[idx];
	int rc = uart16550_init(u, &opts->com[idx]);

	if (rc)
		return rc;
	sink->name = names[idx];
	sink->write = console_setup_serial_write;
	sink->ctx = u;
	printk_register_sink(sink, true);
	if (!console_setup_input)
		console_setup_input = u;
	return 0;
}

int console_setup(const struct boot_options *opts, volatile uint16_t *vga_fb)
{
	int com_rc[2] = { 0, 0 };
	int vga_rc = 0;

	printk_configure(opts);
	for (unsigned int i = 0; i < 2; i++)
		if (opts->console & (CMDLINE_CONSOLE_COM1 << i))
			com_rc[i] = console_setup_com(opts, i);
	if (opts->console & CMDLINE_CONSOLE_VGA) {
		vga_rc = vga_text_init(vga_fb);
		if (!vga_rc) {
			console_setup_vga_sink.name = "vga";
			console_setup_vga_sink.write = console_setup_vga_write;
			printk_register_sink(&console_setup_vga_sink, true);
		}
	}
	console_init(opts);
	keyhandler_init();

	for (unsigned int i = 0; i < 2; i++) {
		const struct uart16550 *u = &console_setup_uart[i];

		if (!(opts->console & (CMDLINE_CONSOLE_COM1 << i)))
			continue;
		if (com_rc[i])
			printk(PRINTK_WARNING,
			       "console: com%u: no usable UART at %#x (error %d)\n",
			       i + 1, opts->com[i].io_base, com_rc[i]);
		else
			printk(PRINTK_INFO,
			       "console: com%u at %#x, irq %u, %u baud%s\n",
			       i + 1, u->io_base, u->irq, u->baud,
			       opts->com[i].baud ? "" : " (kept from firmware)");
	}
	if ((opts->console & CMDLINE_CONSOLE_VGA) && vga_rc)
		printk(PRINTK_INFO, "console: no VGA text mode; not using vga\n");
	cmdline_log_warnings(opts);
	return 0;
}

struct uart16550 *console_setup_input_port(void)
{
	return console_setup_input;
}

void console_setup_dom0_started(void)
{
	if (console_setup_vga_sink.write)
		printk_sink_enable(&console_setup_vga_sink, false);
	console_dom0_started();
}
