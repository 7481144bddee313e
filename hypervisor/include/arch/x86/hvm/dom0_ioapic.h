/* dom0's virtual IOAPICs: its view of each physical one, mirrored onto it. */
#ifndef XENOLITH_ARCH_X86_HVM_DOM0_IOAPIC_H
#define XENOLITH_ARCH_X86_HVM_DOM0_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* dom0_ioapic_init: a virtual IOAPIC at each physical one's address, in
 * its reset state (every pin masked). 0 or -errno. Boot CPU, after
 * ioapic_init(). */
int dom0_ioapic_init(void);

/* dom0_ioapic_watch: whatever vector dom0 gives GSI gsi, fn runs first
 * when it arrives (irq_set_watch). Boot CPU, before dom0 runs. */
void dom0_ioapic_watch(unsigned int gsi, void (*fn)(void));

/* dom0_ioapic_npf: a nested page fault of dom0 at gpa: if it is an IOAPIC
 * window, the access is emulated on dom0's view and true returned. */
bool dom0_ioapic_npf(struct vcpu *v, uint64_t gpa, bool write);

#endif
