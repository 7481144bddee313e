/* multiboot.h - what the boot loader handed over (multiboot1 or multiboot2). */
#ifndef XENOLITH_MULTIBOOT_H
#define XENOLITH_MULTIBOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "memmap.h"
#include "multiboot_abi.h"

#define MULTIBOOT_MAX_MODULES	16
#define MULTIBOOT_STRING_MAX	1024

struct boot_module {
	uint64_t start;			/* physical, first byte */
	uint64_t end;			/* one past the last byte */
	char string[MULTIBOOT_STRING_MAX];	/* as given by the loader */
};

struct boot_framebuffer {
	uint64_t addr;			/* 0: none reported */
	uint32_t pitch, width, height;
	uint8_t bpp, type;		/* type: MULTIBOOT_FB_* */
	uint8_t red_pos, red_size;	/* RGB only */
	uint8_t green_pos, green_size;
	uint8_t blue_pos, blue_size;
};

/*
 * Everything the hypervisor keeps from the loader's structures. Filled by
 * multiboot_parse() on the boot CPU; the loader's own memory may be reused
 * afterwards (the modules' contents excepted).
 */
struct boot_info {
	unsigned int flavour;		/* 1 or 2 */
	char cmdline[MULTIBOOT_STRING_MAX];	/* raw; may start with the file name */
	char loader[64];
	struct memmap map;		/* sanitized; from the EFI map if one came */
	const char *map_source;		/* "e820", "EFI", "mem_lower/upper" */
	unsigned int nr_modules;
	struct boot_module modules[MULTIBOOT_MAX_MODULES];
	bool have_rsdp;			/* rsdp[] holds a copy from an ACPI tag */
	uint8_t rsdp[36];
	uint64_t info_start, info_end;	/* the loader's info structure */
	struct boot_framebuffer fb;
};

/*
 * multiboot_parse: read the loader's information at physical address info
 * given the magic from EAX into *bi. Returns 0, or -EINVAL when the magic
 * is unknown or no memory map came. Boot CPU, before anything else is
 * allocated (it reads the loader's memory in place).
 */
int multiboot_parse(uint32_t magic, uint64_t info, struct boot_info *bi);

/*
 * multiboot_module_cmdline: the command line a module string carries. A
 * first word that looks like a path (contains '/' and no '=') is the file
 * name GRUB legacy, GRUB's multiboot1 `module` and QEMU put there: it is
 * skipped, as Xen does. Returns a pointer into string.
 */
const char *multiboot_module_cmdline(const char *string);

#endif
