/* guest_e820.c - a domU's memory map (docs/guest-platform.md "Memory map"). */
#include <stdint.h>

#include "guest.h"

/* RAM below 3 GiB, the rest from 4 GiB; the PC's holes below 1 MiB. */
unsigned int guest_e820(uint64_t mem, struct guest_e820_entry *e)
{
	uint64_t low = mem < GUEST_LOW_RAM_MAX ? mem : GUEST_LOW_RAM_MAX;
	unsigned int n = 0;

	e[n++] = (struct guest_e820_entry){ 0, GUEST_BASE_RAM_END, GUEST_E820_RAM };
	e[n++] = (struct guest_e820_entry){ GUEST_BASE_RAM_END,
		GUEST_EBDA_END - GUEST_BASE_RAM_END, GUEST_E820_RESERVED };
	e[n++] = (struct guest_e820_entry){ GUEST_BIOS_BASE,
		GUEST_EXT_RAM_BASE - GUEST_BIOS_BASE, GUEST_E820_RESERVED };
	e[n++] = (struct guest_e820_entry){ GUEST_EXT_RAM_BASE,
		low - GUEST_EXT_RAM_BASE, GUEST_E820_RAM };
	if (mem > low)
		e[n++] = (struct guest_e820_entry){ GUEST_HIGH_RAM_BASE, mem - low, GUEST_E820_RAM };
	return n;
}
