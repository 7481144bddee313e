/* console.h - serial console input: switching between dom0 and the hypervisor. */
#ifndef XENOLITH_CONSOLE_H
#define XENOLITH_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"

/* Switch presses needed in a row (Ctrl-<switch-char> three times). */
#define CONSOLE_SWITCH_PRESSES 3
/* Most bytes console_rx() can hand back for dom0 at once. */
#define CONSOLE_RX_MAX CONSOLE_SWITCH_PRESSES

/* Where serial input goes. */
#define CONSOLE_INPUT_HYPERVISOR 0
#define CONSOLE_INPUT_DOM0 1

/*
 * console_init: apply conswitch= (switch key, auto-switch). Input starts at
 * the hypervisor (debug keys), or at dom0 when switching is disabled and
 * dom0 runs. Boot CPU, before input is read.
 */
void console_init(const struct boot_options *opts);

/*
 * console_rx: feed one byte read from the serial port. Switch keys are held
 * back; the third in a row swaps the input target (and prints which one
 * is now active). Held switch keys followed by another byte are delivered
 * to the current target first, as typed. In hypervisor mode, bytes go to
 * keyhandler_handle(). Bytes for dom0 are stored in to_dom0 (room for
 * CONSOLE_RX_MAX); returns how many (0 = nothing for dom0). Called by the
 * arch code for every byte from the UART, one caller at a time.
 */
size_t console_rx(uint8_t c, uint8_t to_dom0[CONSOLE_RX_MAX]);

/*
 * console_dom0_started: dom0 is about to run. Unless conswitch= ends with
 * 'x', input moves to dom0. The caller prints nothing; this does.
 */
void console_dom0_started(void);

/* console_input_target: CONSOLE_INPUT_HYPERVISOR or CONSOLE_INPUT_DOM0. */
int console_input_target(void);

/* console_switch_code: the control code of the switch key (Ctrl-A = 1),
 * or 0 when switching is disabled. */
uint8_t console_switch_code(void);

#endif
