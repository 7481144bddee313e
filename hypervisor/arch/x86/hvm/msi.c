/* Message-signalled interrupts: the address and data a device writes, decoded and checked. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "arch/x86/hvm/msi.h"

#define MSI_ADDR_BASE		0xfee00000ull
#define MSI_ADDR_BASE_MASK	0xfff00000ull
#define MSI_ADDR_DEST_SHIFT	12
#define MSI_ADDR_RH		(1u << 3)	/* redirection hint: lowest priority among dest */
#define MSI_ADDR_DM		(1u << 2)	/* destination mode: logical */
#define MSI_ADDR_RESERVED	0x3ull		/* bits 1:0 (x2APIC's 11:4 unused here) */
#define MSI_DATA_VECTOR		0xffu
#define MSI_DATA_MODE_SHIFT	8
#define MSI_DATA_MODE_MASK	7u
#define MSI_DATA_LEVEL_TRIGGER	(1u << 15)
#define MSI_DATA_RESERVED	0xffff3800u	/* bits 31:16 and 13:11 */
#define MSI_MODE_FIXED		0u
#define MSI_MODE_LOWEST		1u

int msi_decode(uint64_t addr, uint32_t data, struct msi_msg *m)
{
	unsigned int mode = (data >> MSI_DATA_MODE_SHIFT) & MSI_DATA_MODE_MASK;

	if ((addr & ~0xffffffffull) || (addr & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE ||
	    (addr & MSI_ADDR_RESERVED) || (data & MSI_DATA_RESERVED) ||
	    (data & MSI_DATA_LEVEL_TRIGGER) ||
	    (mode != MSI_MODE_FIXED && mode != MSI_MODE_LOWEST) || (data & MSI_DATA_VECTOR) < 16)
		return -EINVAL;
	m->dest = (uint8_t)(addr >> MSI_ADDR_DEST_SHIFT);
	m->logical = addr & MSI_ADDR_DM;
	m->lowest = mode == MSI_MODE_LOWEST;
	m->vector = data & MSI_DATA_VECTOR;
	return 0;
}
