/* panic.h - fatal errors of the hypervisor: message, then reboot or halt. */
#ifndef XENOLITH_PANIC_H
#define XENOLITH_PANIC_H

#include <stdbool.h>

/* panic_set_noreboot: from the noreboot boot option (default: reboot). */
void panic_set_noreboot(bool noreboot);

/*
 * panic: print "*** Xenolith: <message>" and stop: reboot after a 5 s
 * countdown, or halt forever with noreboot. Never returns. Any context.
 */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* panic_reboot: the countdown/halt part of panic(), after a report. */
void panic_reboot(void) __attribute__((noreturn));

/* panic_machine_reboot: reset the machine now (0xcf9, keyboard controller,
 * triple fault, in that order). */
void panic_machine_reboot(void) __attribute__((noreturn));

#endif
