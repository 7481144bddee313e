/* guest_multiboot.c - load a multiboot v1 kernel: ELF or the a.out kludge, with the mbi. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "guest.h"
#include "../../hypervisor/include/multiboot_abi.h"

/* The header flags this loader honours: modules are page-aligned and
 * mem_* and mmap given anyway; a video mode is ignored. */
#define MB_F_KNOWN_LOW		(MB1_HEADER_PAGE_ALIGN | MB1_HEADER_MEMINFO | MB1_HEADER_VIDEO)
#define MB_LOADER_NAME		"xenolith"

/* The multiboot header's file offset, or -1. */
static long find_header(const uint8_t *k, size_t len)
{
	size_t off, end = len < MB1_HEADER_SEARCH ? len : MB1_HEADER_SEARCH;
	uint32_t w[3];

	for (off = 0; off + MB1_HEADER_LEN <= end; off += 4) {
		memcpy(w, k + off, sizeof(w));
		if (w[0] == MULTIBOOT1_HEADER_MAGIC && (uint32_t)(w[0] + w[1] + w[2]) == 0)
			return (long)off;
	}
	return -1;
}

/* The a.out kludge (flag 16): load [load_addr, load_end_addr) from the file, zero to bss_end. */
static int load_aout(struct guest_ctx *c, size_t hoff, uint64_t *entry)
{
	const uint8_t *k = c->p->kernel;
	size_t len = c->p->kernel_len;
	uint32_t a[5], header_addr, load_addr, load_end, bss_end;
	uint64_t file_off, file_len, mem_len;
	uint8_t *dst;
	int rc;

	if (len - hoff < MB1_AOUT_HEADER_LEN)
		return guest_fail(c, ENOEXEC, "multiboot header truncated");
	memcpy(a, k + hoff + MB1_HEADER_LEN, sizeof(a));
	header_addr = a[0];
	load_addr = a[1];
	load_end = a[2];
	bss_end = a[3];
	*entry = a[4];
	if (header_addr < load_addr || header_addr - load_addr > hoff)
		return guest_fail(c, ENOEXEC, "multiboot header_addr 0x%x is before load_addr 0x%x "
				  "or the file's start", header_addr, load_addr);
	file_off = hoff - (header_addr - load_addr);
	file_len = load_end ? (uint64_t)load_end - load_addr : len - file_off;
	if (load_end && (load_end <= load_addr || file_len > len - file_off))
		return guest_fail(c, ENOEXEC, "multiboot load_end_addr 0x%x is outside the file", load_end);
	mem_len = file_len;
	if (bss_end) {
		if (bss_end < load_addr + file_len)
			return guest_fail(c, ENOEXEC, "multiboot bss_end_addr 0x%x is below the image's end", bss_end);
		mem_len = (uint64_t)bss_end - load_addr;
	}
	if (*entry < load_addr || *entry - load_addr >= mem_len)
		return guest_fail(c, ENOEXEC, "multiboot entry_addr 0x%" PRIx64 " is outside the image", *entry);
	dst = guest_add(c, load_addr, mem_len, "kernel", 0, &rc);
	if (!dst)
		return rc;
	memcpy(dst, k + file_off, file_len);
	return 0;
}

/* An ELF multiboot kernel: segments at their paddr; e_entry made physical (as GRUB does). */
static int load_elf(struct guest_ctx *c, uint64_t *entry)
{
	struct guest_elf_phdr ph;
	struct guest_elf e;
	unsigned int i;
	int rc;

	if (!guest_elf_is_elf(c->p->kernel, c->p->kernel_len))
		return guest_fail(c, ENOEXEC, "multiboot kernel neither ELF nor with the a.out kludge (flag 16)");
	rc = guest_elf_parse(c, &e);
	if (rc)
		return rc;
	rc = guest_elf_load(c, &e);
	if (rc)
		return rc;
	for (i = 0; i < e.phnum; i++) {
		guest_elf_phdr(&e, i, &ph);
		if (ph.type == GUEST_ELF_PT_LOAD && e.entry >= ph.vaddr && e.entry - ph.vaddr < ph.memsz) {
			*entry = e.entry - ph.vaddr + ph.paddr;
			return 0;
		}
	}
	return guest_fail(c, ENOEXEC, "ELF entry 0x%" PRIx64 " is outside the segments loaded", e.entry);
}

/* The mbi at GUEST_BOOTINFO_GPA; mmap, module, names at GUEST_BOOTDATA_GPA. */
static int add_mbi(struct guest_ctx *c, uint64_t initrd)
{
	const char *modname = c->p->ramdisk_name ? c->p->ramdisk_name : "initrd";
	size_t namelen = strnlen(modname, 256);
	size_t mmap_len = c->nr_e820 * sizeof(struct mb1_mmap_entry);
	size_t mod_off = mmap_len, str_off = mod_off + sizeof(struct mb1_module);
	size_t mod_str_off = str_off + sizeof(MB_LOADER_NAME);
	struct mb1_mmap_entry *mm;
	struct mb1_module *mod;
	struct mb1_info *mbi;
	uint8_t *data;
	unsigned int i;
	int rc;

	mbi = guest_add(c, GUEST_BOOTINFO_GPA, sizeof(*mbi), "multiboot info", 0, &rc);
	if (!mbi)
		return rc;
	data = guest_add(c, GUEST_BOOTDATA_GPA, mod_str_off + namelen + 1, "multiboot data", 0, &rc);
	if (!data)
		return rc;
	mm = (struct mb1_mmap_entry *)data;
	for (i = 0; i < c->nr_e820; i++)
		mm[i] = (struct mb1_mmap_entry){ 20, c->e820[i].addr, c->e820[i].size, c->e820[i].type };
	memcpy(data + str_off, MB_LOADER_NAME, sizeof(MB_LOADER_NAME));
	memcpy(data + mod_str_off, modname, namelen);

	mbi->flags = MB1_INFO_MEM | MB1_INFO_CMDLINE | MB1_INFO_MMAP | MB1_INFO_LOADER;
	mbi->mem_lower = GUEST_BASE_RAM_END >> 10;
	mbi->mem_upper = (c->low_end - GUEST_EXT_RAM_BASE) >> 10;
	mbi->cmdline = GUEST_CMDLINE_GPA;
	mbi->mmap_addr = GUEST_BOOTDATA_GPA;
	mbi->mmap_length = mmap_len;
	mbi->boot_loader_name = GUEST_BOOTDATA_GPA + str_off;
	if (initrd) {
		mod = (struct mb1_module *)(data + mod_off);
		mod->start = initrd;
		mod->end = initrd + c->p->ramdisk_len;
		mod->string = GUEST_BOOTDATA_GPA + mod_str_off;
		mbi->flags |= MB1_INFO_MODS;
		mbi->mods_count = 1;
		mbi->mods_addr = GUEST_BOOTDATA_GPA + mod_off;
	}
	return 0;
}

int guest_multiboot_load(struct guest_ctx *c)
{
	const uint8_t *k = c->p->kernel;
	uint64_t entry = 0, initrd;
	uint32_t flags;
	long hoff;
	int rc;

	hoff = find_header(k, c->p->kernel_len);
	if (hoff < 0)
		return -ENOENT;
	memcpy(&flags, k + hoff + 4, 4);
	if (flags & 0xffff & ~MB_F_KNOWN_LOW)
		return guest_fail(c, ENOEXEC, "multiboot header asks for features 0x%x this loader lacks",
				  flags & 0xffff & ~MB_F_KNOWN_LOW);
	rc = flags & MB1_HEADER_AOUT_KLUDGE ? load_aout(c, hoff, &entry) : load_elf(c, &entry);
	if (rc)
		return rc;
	/* GRUB's convention: the command line starts with the kernel's name. */
	rc = guest_add_cmdline(c, c->name, GUEST_CMDLINE_MAX - 1);
	if (rc)
		return rc;
	/* mod_end is 32 bits: the module stays below 3 GiB anyway. */
	rc = guest_add_initrd(c, GUEST_LOW_RAM_MAX, "3 GiB", &initrd);
	if (rc)
		return rc;
	rc = add_mbi(c, initrd);
	if (rc)
		return rc;
	c->img->boot.rip = entry;
	c->img->boot.rax = MULTIBOOT1_BOOT_MAGIC;
	c->img->boot.rbx = GUEST_BOOTINFO_GPA;
	c->img->boot.rsp = GUEST_BOOT_STACK;
	c->img->format = "multiboot";
	return 0;
}
