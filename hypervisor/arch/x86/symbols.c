/* Address to function name, from the table the second link embeds. */
#include <stddef.h>
#include <stdint.h>

#include <arch/x86/symbols.h>

extern char _start[], _etext[];

const char *symbols_lookup(uint64_t addr, uint64_t *offset)
{
	const struct symbols_entry *e, *best = NULL;

	if (addr < (uint64_t)(uintptr_t)_start || addr >= (uint64_t)(uintptr_t)_etext)
		return NULL;
	for (e = symbols_table; e->name; e++) {
		if (e->addr > addr)
			break;
		best = e;
	}
	if (!best)
		return NULL;
	*offset = addr - best->addr;
	return best->name;
}
