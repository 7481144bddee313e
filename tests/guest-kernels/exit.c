/* exit.c - prints a line, then writes the command line's status=N to the exit port. */
#include "common.h"

void kmain(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t status = cmdline_uint(mbi, "status=", 0);

	if (magic != MB_BOOT_MAGIC) {
		serial_puts("exit: FAIL booted without the multiboot magic\n");
		guest_exit(255);
	}
	serial_puts("exit: writing status ");
	serial_putdec(status & 0xff);
	serial_puts(" to port 0xf4\n");
	guest_exit((uint8_t)status);
}
