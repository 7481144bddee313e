/* guest_mem.c - guest-physical to host address translation over the domU's RAM ranges. */
#include "guest_mem.h"

void *guest_mem_ptr(const struct xl_guest_ram *ram, uint64_t gpa, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < ram->nr && i < XL_GUEST_RAM_RANGES; i++) {
		const struct xl_guest_ram_range *r = &ram->range[i];

		/* Written so that no sum can overflow. */
		if (gpa >= r->gpa && gpa - r->gpa <= r->len && len <= r->len - (gpa - r->gpa))
			return r->host + (gpa - r->gpa);
	}
	return NULL;
}
