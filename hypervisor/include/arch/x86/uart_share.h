/* Sharing the console UART between the hypervisor and dom0's ttyS0. */
#ifndef XENOLITH_ARCH_X86_UART_SHARE_H
#define XENOLITH_ARCH_X86_UART_SHARE_H

#include "uart16550.h"
#include <arch/x86/hvm/vcpu.h>

/*
 * uart_share_attach: trap v's accesses to u's eight ports. Writes and the
 * other registers pass through; every received byte is read by the
 * hypervisor first and given to console_rx(), and dom0 reads (RBR, LSR.DR,
 * IIR) see only the bytes console_rx() hands back for it. Returns 0 or
 * -errno. Boot CPU, before v first runs.
 */
int uart_share_attach(struct vcpu *v, struct uart16550 *u);

/* uart_share_poll: read and dispatch waiting input while no guest runs
 * (bytes for dom0 are kept for it). */
void uart_share_poll(void);

/* uart_share_backup_poll: serve an interrupt the UART shows pending but
 * whose edge never came (a line left up); before dom0 takes the IRQ, read
 * the input for the debug keys. CPU 0, every few ms (vcpu_sched poll hook). */
void uart_share_backup_poll(void);

#endif
