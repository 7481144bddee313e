/* Function names for addresses in the hypervisor image (stack traces). */
#ifndef XENOLITH_ARCH_X86_SYMBOLS_H
#define XENOLITH_ARCH_X86_SYMBOLS_H

#include <stdint.h>

/* One function; the table, sorted by address, ends with { 0, NULL }.
 * Generated at link time (hypervisor/Makefile). */
struct symbols_entry {
	uint64_t addr;
	const char *name;
};
_Static_assert(sizeof(struct symbols_entry) == 16, "symbol entry size");

extern const struct symbols_entry symbols_table[];

/*
 * symbols_lookup: the function containing addr, with *offset set to addr
 * minus its start; NULL when addr is outside the image's code. Any context.
 */
const char *symbols_lookup(uint64_t addr, uint64_t *offset);

#endif
