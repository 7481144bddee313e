/* guest_bzimage.c - load a bzImage by the Linux x86 boot protocol's 32-bit entry. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "guest.h"
#include "../../hypervisor/include/linux_boot_abi.h"

#define BZ_MIN_VERSION		0x020c		/* 2.12: xloadflags, 64-bit kernels */
#define BZ_HDR_MIN_END		0x268		/* protocol 2.12's header ends here */
#define BZ_HDR_MAX_END		0x290		/* the zero page's header space ends here */
#define BZ_TYPE_OF_LOADER	0xff		/* undefined boot loader */

/* Validate the header; copies its protocol 2.12 part into *h (the caller zeroes the rest). */
static int read_header(struct guest_ctx *c, struct linux_setup_header *h, size_t *hdr_end)
{
	const uint8_t *k = c->p->kernel;
	size_t len = c->p->kernel_len, end;

	end = 0x202 + (size_t)k[0x201];
	if (len < end || len < BZ_HDR_MIN_END)
		return guest_fail(c, ENOEXEC, "bzImage truncated in its setup header (%zu bytes)", len);
	memcpy(h, k + LINUX_HDR_OFF, BZ_HDR_MIN_END - LINUX_HDR_OFF);
	if (end < BZ_HDR_MIN_END || h->boot_flag != 0xaa55)
		return guest_fail(c, ENOEXEC, "bzImage setup header is malformed");
	if (h->version < BZ_MIN_VERSION)
		return guest_fail(c, ENOEXEC, "boot protocol %u.%02u is older than 2.12 (Linux 3.8)",
				  h->version >> 8, h->version & 0xff);
	if (!(h->loadflags & LINUX_LOADED_HIGH))
		return guest_fail(c, ENOEXEC, "zImage (not loaded high): only bzImage is supported");
	*hdr_end = end < BZ_HDR_MAX_END ? end : BZ_HDR_MAX_END;
	return 0;
}

/* Where the protected-mode kernel goes, and the RAM it needs ([*load, *need_end)). */
static int place_kernel(struct guest_ctx *c, const struct linux_setup_header *h, uint64_t pm_len,
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

static void fill_e820(struct guest_ctx *c, struct linux_boot_params *bp)
{
	unsigned int i;

	for (i = 0; i < c->nr_e820; i++)
		bp->e820_table[i] = (struct linux_e820_entry){ c->e820[i].addr, c->e820[i].size,
							    c->e820[i].type };
	bp->e820_entries = c->nr_e820;
}

int guest_bzimage_load(struct guest_ctx *c)
{
	const uint8_t *k = c->p->kernel;
	size_t len = c->p->kernel_len, hdr_end = 0;
	struct linux_setup_header h = { 0 };
	struct linux_boot_params *bp;
	uint64_t setup_len, pm_len, load = 0, need_end = 0, initrd, limit, entry;
	char lim[64];
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

	rc = guest_add_borrowed(c, load, pm_len, k + setup_len, pm_len, "kernel");
	if (rc)
		return rc;
	if (need_end > load + pm_len) {
		rc = guest_reserve(c, load + pm_len, need_end, "kernel's init_size");
		if (rc)
			return rc;
	}

	bp = guest_add(c, GUEST_BOOTINFO_GPA, sizeof(*bp), "zero page", 0, &rc);
	if (!bp)
		return rc;
	memcpy((uint8_t *)bp + LINUX_HDR_OFF, k + LINUX_HDR_OFF, hdr_end - LINUX_HDR_OFF);
	bp->hdr.type_of_loader = BZ_TYPE_OF_LOADER;
	bp->hdr.cmd_line_ptr = GUEST_CMDLINE_GPA;
	bp->hdr.code32_start = load;
	bp->hdr.setup_data = 0;		/* a file's pointer is no list of ours */
	bp->hdr.hardware_subarch = 0;	/* a PC */
	bp->hdr.hardware_subarch_data = 0;
	bp->acpi_rsdp_addr = GUEST_ACPI_BASE;
	fill_e820(c, bp);

	rc = guest_add_linux_cmdline(c, h.cmdline_size);
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
