/* Leaving long mode to start a kernel on the bare machine. */
#ifndef XENOLITH_ARCH_X86_NATIVE_BOOT_H
#define XENOLITH_ARCH_X86_NATIVE_BOOT_H

#include <stdint.h>

/*
 * native_boot_jump: drop to 32-bit protected mode with paging off and jump
 * to entry with ESI = boot_params, CS/DS = 0x10/0x18 (the Linux 32-bit boot
 * protocol). Interrupts stay off. Never returns. Boot CPU, last act.
 */
void native_boot_jump(uint32_t entry, uint32_t boot_params) __attribute__((noreturn));

#endif
