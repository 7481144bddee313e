/* console.c - serial console input: switching between dom0 and the hypervisor. */
#include "console.h"
#include "keyhandler.h"
#include "printk.h"

/*
 * State of the input switch. Fed one byte at a time by the single reader
 * of the console UART (the arch code serialises calls), so no lock.
 */
static uint8_t console_code = 'a' & 0x1f;	/* 0 = switching disabled */
static char console_letter = 'a';
static bool console_auto = true;
static int console_target = CONSOLE_INPUT_HYPERVISOR;
static unsigned int console_held;	/* switch presses held back */

void console_init(const struct boot_options *opts)
{
	console_letter = opts->conswitch_char;
	console_code = (uint8_t)(opts->conswitch_char & 0x1f);
	console_auto = opts->conswitch_auto;
	console_target = CONSOLE_INPUT_HYPERVISOR;
	console_held = 0;
}

/* console_announce: say where input goes now and how to switch. */
static void console_announce(void)
{
	const char *who = console_target == CONSOLE_INPUT_DOM0 ?
			  "dom0" : "Xenolith ('h' lists debug keys)";
	char upper = (char)(console_letter - 'a' + 'A');

	printk_everything_begin();
	if (console_code)
		printk(PRINTK_INFO,
		       "*** Serial input now goes to %s; press Ctrl-%c three times to switch\n",
		       who, upper);
	else
		printk(PRINTK_INFO, "*** Serial input now goes to %s\n", who);
	printk_everything_end();
}

/* console_deliver: one byte to the current target; returns bytes stored
 * in out (0 or 1). */
static size_t console_deliver(uint8_t c, uint8_t *out)
{
	if (console_target == CONSOLE_INPUT_DOM0) {
		*out = c;
		return 1;
	}
	keyhandler_handle(c);
	return 0;
}

size_t console_rx(uint8_t c, uint8_t to_dom0[CONSOLE_RX_MAX])
{
	size_t n = 0;

	if (console_code && c == console_code) {
		if (++console_held == CONSOLE_SWITCH_PRESSES) {
			console_held = 0;
			console_target = console_target == CONSOLE_INPUT_DOM0 ?
					 CONSOLE_INPUT_HYPERVISOR :
					 CONSOLE_INPUT_DOM0;
			console_announce();
		}
		return 0;
	}
	/* Fewer than three presses were an ordinary key for the target. */
	for (; console_held; console_held--)
		n += console_deliver(console_code, to_dom0 + n);
	/* At most CONSOLE_SWITCH_PRESSES - 1 held, plus this byte. */
	n += console_deliver(c, to_dom0 + n);
	return n;
}

void console_dom0_started(void)
{
	if (console_auto && console_target != CONSOLE_INPUT_DOM0) {
		console_target = CONSOLE_INPUT_DOM0;
		console_held = 0;
		console_announce();
	}
}

int console_input_target(void)
{
	return console_target;
}

uint8_t console_switch_code(void)
{
	return console_code;
}
