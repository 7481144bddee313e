/* The legacy 8259 PIC pair: remapped away from the exception vectors and masked at boot. */
#include <stdint.h>

#include <arch/x86/i8259.h>
#include <arch/x86/io.h>

#define I8259_MASTER_CMD	0x20
#define I8259_MASTER_DATA	0x21
#define I8259_SLAVE_CMD		0xa0
#define I8259_SLAVE_DATA	0xa1
#define I8259_ICW1_INIT_ICW4	0x11	/* edge, cascade, ICW4 follows (8259A data sheet) */
#define I8259_ICW4_8086		0x01
#define I8259_VECTOR_BASE	0x20

void i8259_quiet(void)
{
	outb(I8259_MASTER_CMD, I8259_ICW1_INIT_ICW4);
	io_delay();
	outb(I8259_SLAVE_CMD, I8259_ICW1_INIT_ICW4);
	io_delay();
	outb(I8259_MASTER_DATA, I8259_VECTOR_BASE);		/* ICW2: vectors */
	io_delay();
	outb(I8259_SLAVE_DATA, I8259_VECTOR_BASE + 8);
	io_delay();
	outb(I8259_MASTER_DATA, 1u << 2);			/* ICW3: slave on IRQ 2 */
	io_delay();
	outb(I8259_SLAVE_DATA, 2);				/* ICW3: its cascade id */
	io_delay();
	outb(I8259_MASTER_DATA, I8259_ICW4_8086);
	io_delay();
	outb(I8259_SLAVE_DATA, I8259_ICW4_8086);
	io_delay();
	outb(I8259_MASTER_DATA, 0xff);				/* OCW1: all masked */
	outb(I8259_SLAVE_DATA, 0xff);
}
