/* fake/arch/x86/io.h - port I/O routed to a test's device model (host unit tests). */
#ifndef XENOLITH_ARCH_X86_IO_H
#define XENOLITH_ARCH_X86_IO_H

#include <stdint.h>

/* Provided by the test that links the driver. */
uint8_t fake_io_read(uint16_t port);
void fake_io_write(uint16_t port, uint8_t v);

static inline uint8_t inb(uint16_t port)
{
	return fake_io_read(port);
}

static inline void outb(uint16_t port, uint8_t v)
{
	fake_io_write(port, v);
}

static inline void io_delay(void)
{
}

#endif
