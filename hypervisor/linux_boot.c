/* Linux x86 boot protocol loader: bzImage, initrd, command line, zero page. */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "linux_boot.h"

#define LINUX_ZERO_PAGE		0x8000u
#define LINUX_CMDLINE		0x9000u
#define LINUX_CMDLINE_MAX	0x1000u
#define LINUX_DEFAULT_LOAD	0x1000000ull	/* LOAD_PHYSICAL_ADDR */
#define LINUX_4G		0x100000000ull

static void *linux_ptr(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

/* linux_ram_contains: [start, end) lies inside one RAM range of map. */
static bool linux_ram_contains(const struct memmap *map, uint64_t start, uint64_t end)
{
	unsigned int i;

	for (i = 0; i < map->nr; i++) {
		const struct memmap_range *r = &map->range[i];

		if (r->type == MEMMAP_RAM && start >= r->start && end <= r->end)
			return true;
	}
	return false;
}

static bool linux_overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 < b1 && b0 < a1;
}

/* Highest page-aligned spot for size bytes in RAM below limit, above floor. */
static uint64_t linux_place_high(const struct memmap *map, uint64_t size,
				 uint64_t floor, uint64_t limit)
{
	int i;

	for (i = (int)map->nr - 1; i >= 0; i--) {
		const struct memmap_range *r = &map->range[i];
		uint64_t top = LIB_MIN(r->end, limit), base;

		if (r->type != MEMMAP_RAM || top < size)
			continue;
		base = (top - size) & ~0xfffull;
		if (base >= r->start && base >= floor)
			return base;
	}
	return 0;
}

/*
 * linux_place_kernel: the load address: the kernel's preferred address
 * (16 MiB) if [it, it + size) is RAM, else for a relocatable kernel the
 * lowest suitably aligned RAM above it that holds size bytes. 0: none.
 */
static uint64_t linux_place_kernel(const struct memmap *map,
				   const struct linux_setup_header *h, uint64_t size)
{
	uint64_t pref = h->relocatable_kernel ? LIB_MAX(h->pref_address, LINUX_DEFAULT_LOAD)
					      : 0x100000;
	uint64_t align = h->kernel_alignment ? h->kernel_alignment : 0x200000;
	unsigned int i;

	if (linux_ram_contains(map, pref, pref + size))
		return pref;
	if (!h->relocatable_kernel)
		return 0;
	for (i = 0; i < map->nr; i++) {
		const struct memmap_range *r = &map->range[i];
		uint64_t base = (LIB_MAX(r->start, pref) + align - 1) & ~(align - 1);

		if (r->type == MEMMAP_RAM && base + size <= r->end && base + size <= LINUX_4G)
			return base;
	}
	return 0;
}

/* The screen dom0's console finds: the loader's linear framebuffer (GOP
 * under UEFI, VESA otherwise), or 80x25 VGA text. */
static void linux_screen(struct linux_screen_info *si, const struct linux_boot_request *req)
{
	const struct boot_framebuffer *fb = req->fb;

	if (!fb || !fb->addr || fb->type != MULTIBOOT_FB_RGB) {
		si->orig_video_mode = 3;
		si->orig_video_cols = 80;
		si->orig_video_lines = 25;
		si->orig_video_isVGA = 1;
		si->orig_video_points = 16;
		return;
	}
	si->orig_video_isVGA = req->efi ? LINUX_VIDEO_TYPE_EFI : LINUX_VIDEO_TYPE_VLFB;
	si->lfb_width = fb->width;
	si->lfb_height = fb->height;
	si->lfb_depth = fb->bpp;
	si->lfb_base = (uint32_t)fb->addr;
	si->ext_lfb_base = fb->addr >> 32;
	if (fb->addr >> 32)
		si->capabilities |= LINUX_VIDEO_CAP_64BIT;
	si->lfb_linelength = fb->pitch;
	/* Bytes for EFI, 64 KiB units for VESA (as the kernel reads them). */
	si->lfb_size = (uint64_t)fb->pitch * fb->height;
	if (!req->efi)
		si->lfb_size = (si->lfb_size + 0xffff) >> 16;
	si->red_size = fb->red_size;
	si->red_pos = fb->red_pos;
	si->green_size = fb->green_size;
	si->green_pos = fb->green_pos;
	si->blue_size = fb->blue_size;
	si->blue_pos = fb->blue_pos;
	if (fb->bpp == 32) {
		si->rsvd_size = 8;
		si->rsvd_pos = 24;
	}
	si->pages = 1;
}

static int linux_fail(char *err, size_t errlen, int ret, const char *msg)
{
	lib_strlcpy(err, msg, errlen);
	return ret;
}

int linux_boot_load(const struct linux_boot_request *req,
		    struct linux_boot_result *res, char *err, size_t errlen)
{
	const uint8_t *image = linux_ptr(req->kernel_start);
	uint64_t image_size = req->kernel_end - req->kernel_start;
	static struct linux_setup_header hdr;	/* the modules may be overwritten */
	const struct linux_setup_header *h = &hdr;
	struct linux_boot_params *bp;
	uint64_t setup_size, pm_size, kdest, ksize, isize, idest = 0, ilimit;
	uint64_t psrc, isrc = req->initrd_start;
	unsigned int i, n;
	size_t clen;

	memset(res, 0, sizeof(*res));
	if (image_size < 0x1000)
		return linux_fail(err, errlen, -EINVAL, "the dom0 kernel module is too small to be a bzImage");
	memcpy(&hdr, image + 0x1f1, LIB_MIN(sizeof(hdr), (size_t)(0x202 + image[0x201] - 0x1f1)));
	if (h->boot_flag != 0xaa55 || h->header != LINUX_HDRS)
		return linux_fail(err, errlen, -EINVAL, "the dom0 kernel module is not a Linux bzImage (no HdrS header)");
	if (h->version < 0x020a || !(h->loadflags & LINUX_LOADED_HIGH))
		return linux_fail(err, errlen, -EINVAL, "the dom0 kernel uses a boot protocol older than 2.10");
	setup_size = ((uint64_t)(h->setup_sects ? h->setup_sects : 4) + 1) * 512;
	if (setup_size >= image_size)
		return linux_fail(err, errlen, -EINVAL, "the dom0 kernel's setup header is inconsistent");
	pm_size = image_size - setup_size;
	psrc = req->kernel_start + setup_size;

	ksize = LIB_MAX((uint64_t)h->init_size, pm_size);
	kdest = linux_place_kernel(req->e820, h, ksize);
	if (!kdest)
		return linux_fail(err, errlen, -ENOSPC, "no RAM for the dom0 kernel above 16 MiB (its init_size does not fit)");
	if (!linux_ram_contains(req->e820, LINUX_ZERO_PAGE, LINUX_CMDLINE + LINUX_CMDLINE_MAX))
		return linux_fail(err, errlen, -ENOSPC, "no RAM at 0x8000 for the zero page");

	isize = req->initrd_end - req->initrd_start;
	if (isize) {
		ilimit = LIB_MIN((uint64_t)h->initrd_addr_max + 1, LINUX_4G);
		idest = linux_place_high(req->e820, isize, kdest + ksize, ilimit);
		if (!idest)
			return linux_fail(err, errlen, -ENOSPC, "the initrd does not fit in dom0's memory below 4 GiB above the kernel");
	}

	/* Move in an order that never overwrites a source still needed. */
	if (isize && linux_overlap(idest, idest + isize, psrc, psrc + pm_size)) {
		if (linux_overlap(kdest, kdest + pm_size, isrc, isrc + isize))
			return linux_fail(err, errlen, -ENOSPC, "the kernel and initrd modules overlap their destinations");
		memmove(linux_ptr(kdest), linux_ptr(psrc), pm_size);
		memmove(linux_ptr(idest), linux_ptr(isrc), isize);
	} else {
		if (isize)
			memmove(linux_ptr(idest), linux_ptr(isrc), isize);
		memmove(linux_ptr(kdest), linux_ptr(psrc), pm_size);
	}

	bp = linux_ptr(LINUX_ZERO_PAGE);
	memset(bp, 0, sizeof(*bp));
	memcpy(&bp->hdr, h, sizeof(bp->hdr));
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.loadflags = (h->loadflags & LINUX_LOADED_HIGH);
	bp->hdr.code32_start = kdest;
	bp->hdr.ramdisk_image = idest;
	bp->hdr.ramdisk_size = isize;
	bp->ext_ramdisk_image = idest >> 32;
	bp->ext_ramdisk_size = isize >> 32;
	bp->hdr.vid_mode = 0xffff;	/* "normal" */
	linux_screen(&bp->screen, req);
	bp->acpi_rsdp_addr = req->acpi_rsdp;

	clen = strlen(req->cmdline);
	if (clen >= LINUX_CMDLINE_MAX)
		clen = LINUX_CMDLINE_MAX - 1;
	if (h->cmdline_size && clen > h->cmdline_size)
		clen = h->cmdline_size;
	memcpy(linux_ptr(LINUX_CMDLINE), req->cmdline, clen);
	((char *)linux_ptr(LINUX_CMDLINE))[clen] = '\0';
	bp->hdr.cmd_line_ptr = LINUX_CMDLINE;

	for (i = 0, n = 0; i < req->e820->nr && n < LINUX_E820_MAX; i++, n++) {
		bp->e820_table[n].addr = req->e820->range[i].start;
		bp->e820_table[n].size = req->e820->range[i].end - req->e820->range[i].start;
		bp->e820_table[n].type = req->e820->range[i].type;
	}
	bp->e820_entries = n;

	res->entry = kdest;
	res->boot_params = LINUX_ZERO_PAGE;
	res->kernel_addr = kdest;
	res->kernel_size = ksize;
	res->initrd_addr = idest;
	res->version = h->version;
	return 0;
}
