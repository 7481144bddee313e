/* common.h - what every test guest kernel shares: ports, serial output, the multiboot info. */
#ifndef GUEST_KERNELS_COMMON_H
#define GUEST_KERNELS_COMMON_H

#include <stdint.h>

/* The part of the multiboot v1 information structure the kernels read. */
struct mb_info {
	uint32_t flags;			/* 0x00 */
	uint32_t mem_lower;		/* 0x04, KiB */
	uint32_t mem_upper;		/* 0x08, KiB above 1 MiB */
	uint32_t boot_device;		/* 0x0c */
	uint32_t cmdline;		/* 0x10, physical address */
};
_Static_assert(sizeof(struct mb_info) == 0x14, "multiboot info prefix");

#define MB_BOOT_MAGIC	0x2BADB002u
#define MBI_MEMORY	(1u << 0)
#define MBI_CMDLINE	(1u << 2)

#define EXIT_PORT	0xf4		/* a byte written ends the domain with it */

/* The image as linked (kernel.ld): code, data, bss and the stack. */
extern char __image_start[], __image_end[];

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void serial_putc(char c);
void serial_puts(const char *s);
void serial_putdec(uint32_t v);
void serial_puthex(uint32_t v);

/*
 * The value of "KEY=N" (decimal) on the multiboot command line, or DEF
 * when the word is missing. KEY is given with its '=' ("status=").
 */
uint32_t cmdline_uint(const struct mb_info *mbi, const char *key, uint32_t def);

/* Write STATUS to the exit port; if the domain still runs, say so and halt. */
void __attribute__((noreturn)) guest_exit(uint8_t status);

/* Each kernel's C entry, on the image's own stack and GDT, interrupts off. */
void kmain(uint32_t magic, const struct mb_info *mbi);

#endif
