/* guest_bzimage.c - load a bzImage by the Linux x86 boot protocol's 32-bit entry. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "guest.h"

/* Setup header at 0x1f1 of the file and of the zero page
 * (Documentation/arch/x86/boot.rst, "The real-mode kernel header"). */
struct bz_setup_header {
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
} __attribute__((packed));
_Static_assert(sizeof(struct bz_setup_header) == 0x268 - 0x1f1, "setup header size");

struct bz_e820_entry {
	uint64_t addr;			/* 0x00 */
	uint64_t size;			/* 0x08 */
	uint32_t type;			/* 0x10 */
} __attribute__((packed));
_Static_assert(sizeof(struct bz_e820_entry) == 20, "e820 entry size");

/* The zero page (arch/x86/include/uapi/asm/bootparam.h), fields we set. */
struct bz_boot_params {
	uint8_t screen_info[0x40];	/* 0x000: zero, no video */
	uint8_t pad1[0x070 - 0x040];
	uint64_t acpi_rsdp_addr;	/* 0x070 */
	uint8_t pad2[0x1e8 - 0x078];
	uint8_t e820_entries;		/* 0x1e8 */
	uint8_t pad3[0x1ef - 0x1e9];
	uint8_t sentinel;		/* 0x1ef: 0 */
	uint8_t pad4;			/* 0x1f0 */
	struct bz_setup_header hdr;	/* 0x1f1 */
	uint8_t hdr_rest[0x290 - 0x268];	/* later header fields, copied */
	uint8_t pad5[0x2d0 - 0x290];
	struct bz_e820_entry e820_table[128];	/* 0x2d0 */
	uint8_t pad6[0x1000 - 0xcd0];
} __attribute__((packed));
_Static_assert(sizeof(struct bz_boot_params) == 4096, "zero page size");

#define BZ_HDRS			0x53726448u	/* "HdrS" */
#define BZ_MIN_VERSION		0x020c		/* 2.12: xloadflags, 64-bit kernels */
#define BZ_LOADED_HIGH		0x01
#define BZ_HDR_OFF		0x1f1
#define BZ_HDR_MAX_END		0x290		/* the zero page's header space ends here */
#define BZ_TYPE_OF_LOADER	0xff		/* undefined boot loader */

/* Validate the header; copies it into *h (zeroes past the file's header end). */
static int read_header(struct guest_ctx *c, struct bz_setup_header *h, size_t *hdr_end)
{
	const uint8_t *k = c->p->kernel;
	size_t len = c->p->kernel_len, end;

	end = 0x202 + (size_t)k[0x201];
	if (len < end || len < 0x1f1 + sizeof(*h))
		return guest_fail(c, ENOEXEC, "bzImage truncated in its setup header (%zu bytes)", len);
	memcpy(h, k + BZ_HDR_OFF, sizeof(*h));
	if (end < 0x268 || h->boot_flag != 0xaa55)
		return guest_fail(c, ENOEXEC, "bzImage setup header is malformed");
	if (h->version < BZ_MIN_VERSION)
		return guest_fail(c, ENOEXEC, "boot protocol %u.%02u is older than 2.12 (Linux 3.8)",
				  h->version >> 8, h->version & 0xff);
	if (!(h->loadflags & BZ_LOADED_HIGH))
		return guest_fail(c, ENOEXEC, "zImage (not loaded high): only bzImage is supported");
	*hdr_end = end < BZ_HDR_MAX_END ? end : BZ_HDR_MAX_END;
	return 0;
}

/* Where the protected-mode kernel goes, and the RAM it needs ([*load, *need_end)). */
static int place_kernel(struct guest_ctx *c, const struct bz_setup_header *h, uint64_t pm_len,
			uint64_t *load, uint64_t *need_end)
{
	uint64_t align = h->kernel_alignment, runtime, end;
	char a[32], b[32];

	if (h->relocatable_kernel) {
		if (align < GUEST_PAGE_SIZE || (align & (align - 1)) || align > (1u << 30))
			return guest_fail(c, ENOEXEC, "bad kernel_alignment 0x%" PRIx64, align);
		*load = h->pref_address < GUEST_EXT_RAM_BASE ? GUEST_EXT_RAM_BASE : h->pref_address;
		if (*load > GUEST_LOW_RAM_MAX)
			return guest_fail(c, ENOEXEC, "pref_address 0x%" PRIx64 " is above 3 GiB", *load);
		*load = (*load + align - 1) & ~(align - 1);
		runtime = *load;
	} else {
		*load = GUEST_EXT_RAM_BASE;
		runtime = h->pref_address;
		if (runtime > GUEST_LOW_RAM_MAX)
			return guest_fail(c, ENOEXEC, "pref_address 0x%" PRIx64 " is above 3 GiB", runtime);
	}
	end = runtime + h->init_size;
	if (*load + pm_len > end)
		end = *load + pm_len;
	if (end > c->low_end)
		return guest_fail(c, ENOSPC, "needs RAM up to %s (loaded at 0x%" PRIx64 ", init_size %s); "
				  "the domain has %s below 4 GiB",
				  guest_size_str((end + 0xfffff) & ~0xfffffull, a, sizeof(a)), *load,
				  guest_size_str(h->init_size, b, sizeof(b)),
				  guest_size_str(c->low_end, (char[32]){ 0 }, 32));
	*need_end = end;
	return 0;
}

static void fill_e820(struct guest_ctx *c, struct bz_boot_params *bp)
{
	unsigned int i;

	for (i = 0; i < c->nr_e820; i++)
		bp->e820_table[i] = (struct bz_e820_entry){ c->e820[i].addr, c->e820[i].size,
							    c->e820[i].type };
	bp->e820_entries = c->nr_e820;
}

int guest_bzimage_load(struct guest_ctx *c)
{
	const uint8_t *k = c->p->kernel;
	size_t len = c->p->kernel_len, hdr_end = 0;
	struct bz_setup_header h = { 0 };
	struct bz_boot_params *bp;
	uint64_t setup_len, pm_len, load = 0, need_end = 0, initrd, limit, entry;
	char lim[64];
	void *kern;
	int rc;

	rc = read_header(c, &h, &hdr_end);
	if (rc)
		return rc;
	setup_len = ((uint64_t)(h.setup_sects ? h.setup_sects : 4) + 1) * 512;
	if (setup_len >= len)
		return guest_fail(c, ENOEXEC, "bzImage truncated: %zu bytes, setup alone is %" PRIu64,
				  len, setup_len);
	pm_len = len - setup_len;
	rc = place_kernel(c, &h, pm_len, &load, &need_end);
	if (rc)
		return rc;
	/* A relocated kernel starts at its load address (boot.rst, code32_start). */
	entry = h.relocatable_kernel ? load : h.code32_start;
	if (entry < load || entry >= load + pm_len)
		return guest_fail(c, ENOEXEC, "code32_start 0x%" PRIx64 " is outside the kernel", entry);

	kern = guest_add(c, load, pm_len, "kernel", 0, &rc);
	if (!kern)
		return rc;
	memcpy(kern, k + setup_len, pm_len);
	if (need_end > load + pm_len) {
		rc = guest_reserve(c, load + pm_len, need_end, "kernel's init_size");
		if (rc)
			return rc;
	}

	bp = guest_add(c, GUEST_BOOTINFO_GPA, sizeof(*bp), "zero page", 0, &rc);
	if (!bp)
		return rc;
	memcpy((uint8_t *)bp + BZ_HDR_OFF, k + BZ_HDR_OFF, hdr_end - BZ_HDR_OFF);
	bp->hdr.type_of_loader = BZ_TYPE_OF_LOADER;
	bp->hdr.cmd_line_ptr = GUEST_CMDLINE_GPA;
	bp->hdr.code32_start = load;
	bp->hdr.setup_data = 0;		/* a file's pointer is no list of ours */
	bp->hdr.hardware_subarch = 0;	/* a PC */
	bp->hdr.hardware_subarch_data = 0;
	bp->acpi_rsdp_addr = GUEST_ACPI_BASE;
	fill_e820(c, bp);

	rc = guest_add_cmdline(c, NULL, h.cmdline_size);
	if (rc)
		return rc;

	limit = (uint64_t)h.initrd_addr_max + 1;
	snprintf(lim, sizeof(lim), "the kernel's initrd limit (0x%" PRIx64 ")", limit);
	rc = guest_add_initrd(c, limit, lim, &initrd);
	if (rc)
		return rc;
	bp->hdr.ramdisk_image = initrd;
	bp->hdr.ramdisk_size = c->p->ramdisk_len;

	/* boot.rst "32-bit boot protocol": ESI = zero page; EBP, EDI, EBX = 0. */
	c->img->boot.rip = entry;
	c->img->boot.rsi = GUEST_BOOTINFO_GPA;
	c->img->format = "bzImage";
	return 0;
}
