/* Busy-wait delays timed by the PIT (no interrupts needed). */
#ifndef XENOLITH_ARCH_X86_TIME_H
#define XENOLITH_ARCH_X86_TIME_H

/* time_mdelay: spin for ms milliseconds. Boot CPU; uses PIT channel 2. */
void time_mdelay(unsigned int ms);

#endif
