/* Busy-wait delays timed by the PIT, and a millisecond clock from the TSC. */
#ifndef XENOLITH_ARCH_X86_TIME_H
#define XENOLITH_ARCH_X86_TIME_H

#include <stdint.h>

/* time_mdelay: spin for ms milliseconds. Boot CPU; uses PIT channel 2. */
void time_mdelay(unsigned int ms);

/* time_init: measure the TSC against the PIT (10 ms). Boot CPU, once. */
void time_init(void);

/* time_now_ms: milliseconds since time_init() (0 before). Any CPU. */
uint64_t time_now_ms(void);

/* time_now_ns: nanoseconds since time_init() (0 before), from the TSC.
 * Any CPU (the TSC is assumed invariant and synchronised). */
uint64_t time_now_ns(void);

/* time_tsc_khz: the measured TSC frequency in kHz (0 before time_init). */
uint64_t time_tsc_khz(void);

#endif
