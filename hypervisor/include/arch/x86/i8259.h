/* The legacy 8259 PIC pair: quieted at boot, before dom0 programs it. */
#ifndef XENOLITH_ARCH_X86_I8259_H
#define XENOLITH_ARCH_X86_I8259_H

/*
 * i8259_quiet: re-initialise both PICs with their vectors at 0x20-0x2f
 * (never the exception vectors the firmware's 0x08-0x0f mapping shares)
 * and every line masked. The firmware leaves the PIT's IRQ 0 unmasked;
 * where the emulated CPU takes the PIC's INTR whatever LINT0 says
 * (Bochs), that interrupt would reach the hypervisor's IDT as a "#DF" the
 * first time interrupts open. dom0 re-programs the PICs as it likes
 * (it owns their ports). Boot CPU, interrupts off.
 */
void i8259_quiet(void);

#endif
