/* multiboot_abi.h - multiboot1 and multiboot2 layouts and constants; for the hypervisor and the tools. */
#ifndef XENOLITH_MULTIBOOT_ABI_H
#define XENOLITH_MULTIBOOT_ABI_H

#include <stdint.h>

/* Multiboot1 header (multiboot spec 0.6.96 §3.1). */
#define MULTIBOOT1_HEADER_MAGIC	0x1badb002u
#define MB1_HEADER_SEARCH	8192	/* the header is in the first 8 KiB ... */
#define MB1_HEADER_LEN		12	/* magic, flags, checksum */
#define MB1_AOUT_HEADER_LEN	32	/* ... then the five address fields */
#define MB1_HEADER_PAGE_ALIGN	(1u << 0)	/* modules page-aligned */
#define MB1_HEADER_MEMINFO	(1u << 1)	/* mem_* and mmap wanted */
#define MB1_HEADER_VIDEO	(1u << 2)	/* a video mode wanted */
#define MB1_HEADER_AOUT_KLUDGE	(1u << 16)	/* the address fields are valid */

#define MULTIBOOT1_BOOT_MAGIC	0x2BADB002
#define MULTIBOOT2_BOOT_MAGIC	0x36d76289

/* Multiboot1 information structure (multiboot spec 0.6.96 §3.3). */
struct mb1_info {
	uint32_t flags;			/* 0x00 */
	uint32_t mem_lower;		/* 0x04: KiB from 0 */
	uint32_t mem_upper;		/* 0x08: KiB from 1 MiB */
	uint32_t boot_device;		/* 0x0c */
	uint32_t cmdline;		/* 0x10 */
	uint32_t mods_count;		/* 0x14 */
	uint32_t mods_addr;		/* 0x18 */
	uint32_t syms[4];		/* 0x1c */
	uint32_t mmap_length;		/* 0x2c */
	uint32_t mmap_addr;		/* 0x30 */
	uint32_t drives_length;		/* 0x34 */
	uint32_t drives_addr;		/* 0x38 */
	uint32_t config_table;		/* 0x3c */
	uint32_t boot_loader_name;	/* 0x40 */
	uint32_t apm_table;		/* 0x44 */
	uint32_t vbe[4];		/* 0x48 */
	uint64_t fb_addr;		/* 0x58 */
	uint32_t fb_pitch;		/* 0x60 */
	uint32_t fb_width;		/* 0x64 */
	uint32_t fb_height;		/* 0x68 */
	uint8_t fb_bpp;			/* 0x6c */
	uint8_t fb_type;		/* 0x6d */
	uint8_t fb_color[6];		/* 0x6e */
} __attribute__((packed));
_Static_assert(sizeof(struct mb1_info) == 0x74, "multiboot1 info size");

#define MB1_INFO_MEM		(1u << 0)
#define MB1_INFO_CMDLINE	(1u << 2)
#define MB1_INFO_MODS		(1u << 3)
#define MB1_INFO_MMAP		(1u << 6)
#define MB1_INFO_LOADER		(1u << 9)
#define MB1_INFO_FB		(1u << 12)

struct mb1_module {
	uint32_t start;			/* 0x0 */
	uint32_t end;			/* 0x4: first byte after */
	uint32_t string;		/* 0x8 */
	uint32_t reserved;		/* 0xc */
};
_Static_assert(sizeof(struct mb1_module) == 16, "multiboot1 module size");

struct mb1_mmap_entry {
	uint32_t size;			/* 0x00: bytes after this field */
	uint64_t addr;			/* 0x04 */
	uint64_t len;			/* 0x0c */
	uint32_t type;			/* 0x14 */
} __attribute__((packed));
_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "multiboot1 mmap entry size");

/* Multiboot2 tags (multiboot2 spec §3.6). */
#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_LOADER		2
#define MB2_TAG_MODULE		3
#define MB2_TAG_MMAP		6
#define MB2_TAG_FB		8
#define MB2_TAG_ACPI_OLD	14
#define MB2_TAG_ACPI_NEW	15
#define MB2_TAG_EFI_MMAP	17

struct mb2_tag {
	uint32_t type;			/* 0x0 */
	uint32_t size;			/* 0x4: including this header */
};
_Static_assert(sizeof(struct mb2_tag) == 8, "multiboot2 tag size");

struct mb2_tag_module {
	struct mb2_tag tag;		/* 0x0 */
	uint32_t start;			/* 0x8 */
	uint32_t end;			/* 0xc */
	char string[];			/* 0x10 */
};
_Static_assert(sizeof(struct mb2_tag_module) == 16, "multiboot2 module tag size");

struct mb2_tag_mmap {
	struct mb2_tag tag;		/* 0x0 */
	uint32_t entry_size;		/* 0x8 */
	uint32_t entry_version;		/* 0xc */
};
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "multiboot2 mmap tag size");

struct mb2_mmap_entry {
	uint64_t addr;			/* 0x00 */
	uint64_t len;			/* 0x08 */
	uint32_t type;			/* 0x10 */
	uint32_t reserved;		/* 0x14 */
};
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "multiboot2 mmap entry size");

struct mb2_tag_fb {
	struct mb2_tag tag;		/* 0x00 */
	uint64_t addr;			/* 0x08 */
	uint32_t pitch;			/* 0x10 */
	uint32_t width;			/* 0x14 */
	uint32_t height;		/* 0x18 */
	uint8_t bpp;			/* 0x1c */
	uint8_t type;			/* 0x1d */
	uint16_t reserved;		/* 0x1e */
	uint8_t color[6];		/* 0x20: RGB: red pos, size, green, blue */
} __attribute__((packed));
_Static_assert(sizeof(struct mb2_tag_fb) == 38, "multiboot2 framebuffer tag size");

/* UEFI memory descriptor (UEFI spec §7.2, GetMemoryMap). */
struct efi_mem_desc {
	uint32_t type;			/* 0x00 */
	uint32_t pad;			/* 0x04 */
	uint64_t phys_start;		/* 0x08 */
	uint64_t virt_start;		/* 0x10 */
	uint64_t pages;			/* 0x18: 4 KiB each */
	uint64_t attribute;		/* 0x20 */
};
_Static_assert(sizeof(struct efi_mem_desc) == 40, "EFI memory descriptor size");

#define MULTIBOOT_FB_INDEXED	0
#define MULTIBOOT_FB_RGB	1
#define MULTIBOOT_FB_TEXT	2

#endif
