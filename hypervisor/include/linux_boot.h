/* linux_boot.h - the Linux x86 boot protocol: bzImage header, zero page. */
#ifndef XENOLITH_LINUX_BOOT_H
#define XENOLITH_LINUX_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "linux_boot_abi.h"
#include "memmap.h"
#include "multiboot.h"

/* What to boot and where the loader may put it. */
struct linux_boot_request {
	uint64_t kernel_start, kernel_end;	/* bzImage module */
	uint64_t initrd_start, initrd_end;	/* 0, 0: no initrd */
	const char *cmdline;
	const struct memmap *e820;	/* the map the kernel gets; RAM there is
					   what the kernel may be placed in */
	uint64_t acpi_rsdp;		/* 0: let the kernel search */
	const struct boot_framebuffer *fb;	/* NULL or no RGB mode: VGA text */
	bool efi;			/* booted by UEFI (framebuffer is GOP) */
};

struct linux_boot_result {
	uint32_t entry;			/* 32-bit entry (code32_start) */
	uint32_t boot_params;		/* physical address of the zero page */
	uint64_t kernel_addr, kernel_size;	/* load address, init_size */
	uint64_t initrd_addr;
	uint16_t version;		/* boot protocol version */
};

/*
 * linux_boot_load: check the bzImage, copy its protected-mode part to its
 * preferred address (16 MiB; for a relocatable kernel the next aligned RAM
 * above it if that is taken), move the initrd to
 * the top of RAM below 4 GiB / initrd_addr_max, write the command line and
 * the zero page (e820 from req->e820, ACPI RSDP) at 0x8000-0xa000. Memory
 * outside req->e820's RAM is never written. Returns 0, or -EINVAL (not a
 * bzImage, or protocol < 2.10) / -ENOSPC (kernel or initrd do not fit;
 * err says which) with a sentence in err. Boot CPU.
 */
int linux_boot_load(const struct linux_boot_request *req,
		    struct linux_boot_result *res, char *err, size_t errlen);

#endif
