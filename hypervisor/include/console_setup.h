/* console_setup.h - bring up the console outputs that console= asks for. */
#ifndef XENOLITH_CONSOLE_SETUP_H
#define XENOLITH_CONSOLE_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "uart16550.h"

/*
 * console_setup: initialise com1/com2 and VGA text as opts->console
 * selects, register them as printk sinks (replaying what was logged
 * before), apply loglvl=/guest_loglvl=/sync_console (printk_configure),
 * conswitch= (console_init) and register 'h' (keyhandler_init). vga_fb is
 * the mapped 0xB8000, or NULL when VGA text is not available. Then prints
 * the command-line warnings. Returns 0 even if a port is missing (it is
 * reported). Boot CPU, once, as early as possible.
 */
int console_setup(const struct boot_options *opts, volatile uint16_t *vga_fb);

/*
 * console_setup_input_port: the UART whose input is the console (the first
 * of com1, com2 in console=), or NULL. The arch code polls or takes its
 * IRQ and feeds each byte to console_rx().
 */
struct uart16550 *console_setup_input_port(void);

/* console_setup_dom0_started: dom0 takes the screen (VGA output stops)
 * and, unless conswitch=..x, the serial input (console_dom0_started). */
void console_setup_dom0_started(void);

#endif
