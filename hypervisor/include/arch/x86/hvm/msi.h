/* Message-signalled interrupts: the address and data a device writes, decoded. */
#ifndef XENOLITH_ARCH_X86_HVM_MSI_H
#define XENOLITH_ARCH_X86_HVM_MSI_H

#include <stdbool.h>
#include <stdint.h>

/* One MSI as the local APICs see it. */
struct msi_msg {
	uint8_t dest;			/* APIC ID, or logical destination */
	bool logical;			/* destination mode */
	bool lowest;			/* lowest-priority delivery, else fixed */
	uint8_t vector;
};

/*
 * msi_decode: addr and data of an MSI or MSI-X entry (Intel SDM vol. 3
 * §10.11.1, §10.11.2): address bits 31:20 0xFEE, 19:12 destination ID,
 * bit 2 destination mode; data bits 7:0 vector, 10:8 delivery mode.
 * Only fixed and lowest-priority edge messages with a vector of 16 or
 * more are accepted; reserved bits must be 0 (address bits 63:32 and
 * 11:4 apart from RH/DM, data bits 31:16 and 13:11). 0 or -EINVAL.
 */
int msi_decode(uint64_t addr, uint32_t data, struct msi_msg *m);

#endif
