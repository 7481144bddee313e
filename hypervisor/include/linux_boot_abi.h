/* linux_boot_abi.h - the Linux x86 boot protocol's layouts: setup header, zero page; for the hypervisor and the tools. */
#ifndef XENOLITH_LINUX_BOOT_ABI_H
#define XENOLITH_LINUX_BOOT_ABI_H

#include <stdint.h>

#define LINUX_HDR_OFF		0x1f1		/* the setup header, in the file and the zero page */
#define LINUX_HDRS		0x53726448u	/* "HdrS" */
#define LINUX_LOADED_HIGH	0x01		/* loadflags: protected-mode code at 1 MiB+ */

/* Setup header at offset 0x1f1 of a bzImage (Documentation/arch/x86/boot.rst). */
struct linux_setup_header {
	uint8_t setup_sects;		/* 0x1f1: 0 means 4 */
	uint16_t root_flags;		/* 0x1f2 */
	uint32_t syssize;		/* 0x1f4 */
	uint16_t ram_size;		/* 0x1f8 */
	uint16_t vid_mode;		/* 0x1fa */
	uint16_t root_dev;		/* 0x1fc */
	uint16_t boot_flag;		/* 0x1fe: 0xaa55 */
	uint16_t jump;			/* 0x200: header ends at 0x202 + its high byte */
	uint32_t header;		/* 0x202: "HdrS" */
	uint16_t version;		/* 0x206 */
	uint32_t realmode_swtch;	/* 0x208 */
	uint16_t start_sys_seg;		/* 0x20c */
	uint16_t kernel_version;	/* 0x20e */
	uint8_t type_of_loader;		/* 0x210 */
	uint8_t loadflags;		/* 0x211 */
	uint16_t setup_move_size;	/* 0x212 */
	uint32_t code32_start;		/* 0x214 */
	uint32_t ramdisk_image;		/* 0x218 */
	uint32_t ramdisk_size;		/* 0x21c */
	uint32_t bootsect_kludge;	/* 0x220 */
	uint16_t heap_end_ptr;		/* 0x224 */
	uint8_t ext_loader_ver;		/* 0x226 */
	uint8_t ext_loader_type;	/* 0x227 */
	uint32_t cmd_line_ptr;		/* 0x228 */
	uint32_t initrd_addr_max;	/* 0x22c: highest byte an initrd may use */
	uint32_t kernel_alignment;	/* 0x230 */
	uint8_t relocatable_kernel;	/* 0x234 */
	uint8_t min_alignment;		/* 0x235 */
	uint16_t xloadflags;		/* 0x236 */
	uint32_t cmdline_size;		/* 0x238: without the NUL */
	uint32_t hardware_subarch;	/* 0x23c */
	uint64_t hardware_subarch_data;	/* 0x240 */
	uint32_t payload_offset;	/* 0x248 */
	uint32_t payload_length;	/* 0x24c */
	uint64_t setup_data;		/* 0x250 */
	uint64_t pref_address;		/* 0x258 */
	uint32_t init_size;		/* 0x260 */
	uint32_t handover_offset;	/* 0x264 */
	uint32_t kernel_info_offset;	/* 0x268 */
} __attribute__((packed));
_Static_assert(sizeof(struct linux_setup_header) == 0x26c - 0x1f1, "setup header size");

struct linux_e820_entry {
	uint64_t addr;			/* 0x00 */
	uint64_t size;			/* 0x08 */
	uint32_t type;			/* 0x10 */
} __attribute__((packed));
_Static_assert(sizeof(struct linux_e820_entry) == 20, "e820 entry size");

#define LINUX_E820_MAX 128

/* screen_info (include/uapi/linux/screen_info.h): the console's screen. */
struct linux_screen_info {
	uint8_t orig_x;			/* 0x00 */
	uint8_t orig_y;			/* 0x01 */
	uint16_t ext_mem_k;		/* 0x02 */
	uint16_t orig_video_page;	/* 0x04 */
	uint8_t orig_video_mode;	/* 0x06 */
	uint8_t orig_video_cols;	/* 0x07 */
	uint8_t flags;			/* 0x08 */
	uint8_t unused2;		/* 0x09 */
	uint16_t orig_video_ega_bx;	/* 0x0a */
	uint16_t unused3;		/* 0x0c */
	uint8_t orig_video_lines;	/* 0x0e */
	uint8_t orig_video_isVGA;	/* 0x0f: LINUX_VIDEO_TYPE_* */
	uint16_t orig_video_points;	/* 0x10 */
	uint16_t lfb_width;		/* 0x12 */
	uint16_t lfb_height;		/* 0x14 */
	uint16_t lfb_depth;		/* 0x16 */
	uint32_t lfb_base;		/* 0x18 */
	uint32_t lfb_size;		/* 0x1c */
	uint16_t cl_magic, cl_offset;	/* 0x20 */
	uint16_t lfb_linelength;	/* 0x24 */
	uint8_t red_size, red_pos;	/* 0x26 */
	uint8_t green_size, green_pos;	/* 0x28 */
	uint8_t blue_size, blue_pos;	/* 0x2a */
	uint8_t rsvd_size, rsvd_pos;	/* 0x2c */
	uint16_t vesapm_seg, vesapm_off;	/* 0x2e */
	uint16_t pages;			/* 0x32 */
	uint16_t vesa_attributes;	/* 0x34 */
	uint32_t capabilities;		/* 0x36 */
	uint32_t ext_lfb_base;		/* 0x3a */
	uint8_t reserved[2];		/* 0x3e */
} __attribute__((packed));
_Static_assert(sizeof(struct linux_screen_info) == 0x40, "screen_info size");

#define LINUX_VIDEO_TYPE_VGAC	0x22	/* VGA text */
#define LINUX_VIDEO_TYPE_VLFB	0x23	/* VESA linear framebuffer */
#define LINUX_VIDEO_TYPE_EFI	0x70	/* EFI graphics output */
#define LINUX_VIDEO_CAP_64BIT	(1u << 1)

/* The zero page (arch/x86/include/uapi/asm/bootparam.h), fields we set. */
struct linux_boot_params {
	struct linux_screen_info screen;	/* 0x000 */
	uint8_t pad1[0x070 - 0x040];
	uint64_t acpi_rsdp_addr;	/* 0x070 */
	uint8_t pad2[0x0c0 - 0x078];
	uint32_t ext_ramdisk_image;	/* 0x0c0 */
	uint32_t ext_ramdisk_size;	/* 0x0c4 */
	uint32_t ext_cmd_line_ptr;	/* 0x0c8 */
	uint8_t pad3[0x1e8 - 0x0cc];
	uint8_t e820_entries;		/* 0x1e8 */
	uint8_t pad4[0x1ef - 0x1e9];
	uint8_t sentinel;		/* 0x1ef: must stay 0 */
	uint8_t pad5;			/* 0x1f0 */
	struct linux_setup_header hdr;	/* 0x1f1 */
	uint8_t pad6[0x2d0 - 0x26c];
	struct linux_e820_entry e820_table[LINUX_E820_MAX];	/* 0x2d0 */
	uint8_t pad7[0x1000 - 0xcd0];
} __attribute__((packed));
_Static_assert(sizeof(struct linux_boot_params) == 4096, "boot_params size");

#endif
