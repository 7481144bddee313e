/* guest_mem.h - the domU's RAM as the device model sees it: guest-physical ranges to host pointers. */
#ifndef DEVMODEL_GUEST_MEM_H
#define DEVMODEL_GUEST_MEM_H

#include <stdint.h>

#include "libxenolith/libxenolith.h"

/* The host address of guest-physical [gpa, gpa + len), or NULL unless the
 * whole range lies inside one RAM range of ram (no wrap, no straddling the
 * hole below 4 GiB). len 0 is valid at any address inside a range or at
 * its end. The guest may change the memory at any time: copy what must
 * be checked before checking it. */
void *guest_mem_ptr(const struct xl_guest_ram *ram, uint64_t gpa, uint64_t len);

#endif
