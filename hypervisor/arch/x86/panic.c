/* Fatal errors: report, then a 5 s countdown and a machine reset (or halt). */
#include <stdarg.h>
#include <stdbool.h>

#include "panic.h"
#include "printk.h"
#include "lib.h"
#include <arch/x86/io.h>
#include <arch/x86/processor.h>
#include <arch/x86/time.h>

static bool panic_noreboot;

void panic_set_noreboot(bool noreboot)
{
	panic_noreboot = noreboot;
}

void panic_machine_reboot(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) null_idt = { 0, 0 };

	printk_flush();
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);
	time_mdelay(50);
	outb(0x64, 0xfe);
	time_mdelay(50);
	__asm__ volatile("lidt %0; int3" : : "m"(null_idt));
	cpu_halt_forever();
}

void panic_reboot(void)
{
	int s;

	printk_set_sync(true);
	if (panic_noreboot) {
		printk(PRINTK_ERR, "*** Xenolith: system halted (noreboot).\n");
		printk_flush();
		cpu_halt_forever();
	}
	printk(PRINTK_ERR, "*** Xenolith: rebooting in 5 seconds (boot with noreboot to halt instead)\n");
	for (s = 5; s > 0; s--) {
		printk(PRINTK_ERR, "%d...\n", s);
		time_mdelay(1000);
	}
	panic_machine_reboot();
}

void panic(const char *fmt, ...)
{
	va_list ap;
	char buf[256];

	__asm__ volatile("cli");
	printk_set_sync(true);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(PRINTK_ERR, "*** Xenolith: %s\n", buf);
	panic_reboot();
}
