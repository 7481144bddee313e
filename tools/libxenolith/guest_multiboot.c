/* guest_multiboot.c - load a multiboot v1 kernel: ELF or the a.out kludge, with the mbi. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "guest.h"

/* Multiboot Specification 0.6.96, §3.1 (header) and §3.3 (boot information). */
#define MB_HEADER_MAGIC		0x1badb002u
#define MB_BOOT_MAGIC		0x2badb002u
#define MB_SEARCH		8192	/* the header is in the first 8 KiB ... */
#define MB_HEADER_LEN		12	/* magic, flags, checksum */
#define MB_AOUT_HEADER_LEN	32	/* ... then the five address fields */
#define MB_F_PAGE_ALIGN		(1u << 0)	/* modules page-aligned: always */
#define MB_F_MEMINFO		(1u << 1)	/* mem_* and mmap: always */
#define MB_F_VIDEO		(1u << 2)	/* a video mode: none, ignored */
#define MB_F_AOUT_KLUDGE	(1u << 16)
#define MB_F_KNOWN_LOW		(MB_F_PAGE_ALIGN | MB_F_MEMINFO | MB_F_VIDEO)

#define MBI_MEMORY		(1u << 0)
#define MBI_CMDLINE		(1u << 2)
#define MBI_MODS		(1u << 3)
#define MBI_MMAP		(1u << 6)
#define MBI_LOADER_NAME		(1u << 9)

struct mb_info {
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
	uint8_t vbe_fb[0x74 - 0x48];	/* 0x48: VBE and framebuffer: none */
};
_Static_assert(sizeof(struct mb_info) == 0x74, "multiboot info size");

struct mb_mmap_entry {
	uint32_t size;			/* 0x00: 20, the bytes after this field */
	uint64_t addr;			/* 0x04 */
	uint64_t len;			/* 0x0c */
	uint32_t type;			/* 0x14 */
} __attribute__((packed));
_Static_assert(sizeof(struct mb_mmap_entry) == 24, "multiboot mmap entry size");

struct mb_module {
	uint32_t mod_start;		/* 0x00 */
	uint32_t mod_end;		/* 0x04: first byte after */
	uint32_t string;		/* 0x08 */
	uint32_t reserved;		/* 0x0c */
};

#define MB_LOADER_NAME		"xenolith"

/* The multiboot header's file offset, or -1. */
static long find_header(const uint8_t *k, size_t len)
{
	size_t off, end = len < MB_SEARCH ? len : MB_SEARCH;
	uint32_t w[3];

	for (off = 0; off + MB_HEADER_LEN <= end; off += 4) {
		memcpy(w, k + off, sizeof(w));
		if (w[0] == MB_HEADER_MAGIC && (uint32_t)(w[0] + w[1] + w[2]) == 0)
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

	if (len - hoff < MB_AOUT_HEADER_LEN)
		return guest_fail(c, ENOEXEC, "multiboot header truncated");
	memcpy(a, k + hoff + MB_HEADER_LEN, sizeof(a));
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
	size_t mmap_len = c->nr_e820 * sizeof(struct mb_mmap_entry);
	size_t mod_off = mmap_len, str_off = mod_off + sizeof(struct mb_module);
	size_t mod_str_off = str_off + sizeof(MB_LOADER_NAME);
	struct mb_mmap_entry *mm;
	struct mb_module *mod;
	struct mb_info *mbi;
	uint8_t *data;
	unsigned int i;
	int rc;

	mbi = guest_add(c, GUEST_BOOTINFO_GPA, sizeof(*mbi), "multiboot info", 0, &rc);
	if (!mbi)
		return rc;
	data = guest_add(c, GUEST_BOOTDATA_GPA, mod_str_off + namelen + 1, "multiboot data", 0, &rc);
	if (!data)
		return rc;
	mm = (struct mb_mmap_entry *)data;
	for (i = 0; i < c->nr_e820; i++)
		mm[i] = (struct mb_mmap_entry){ 20, c->e820[i].addr, c->e820[i].size, c->e820[i].type };
	memcpy(data + str_off, MB_LOADER_NAME, sizeof(MB_LOADER_NAME));
	memcpy(data + mod_str_off, modname, namelen);

	mbi->flags = MBI_MEMORY | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
	mbi->mem_lower = GUEST_BASE_RAM_END >> 10;
	mbi->mem_upper = (c->low_end - GUEST_EXT_RAM_BASE) >> 10;
	mbi->cmdline = GUEST_CMDLINE_GPA;
	mbi->mmap_addr = GUEST_BOOTDATA_GPA;
	mbi->mmap_length = mmap_len;
	mbi->boot_loader_name = GUEST_BOOTDATA_GPA + str_off;
	if (initrd) {
		mod = (struct mb_module *)(data + mod_off);
		mod->mod_start = initrd;
		mod->mod_end = initrd + c->p->ramdisk_len;
		mod->string = GUEST_BOOTDATA_GPA + mod_str_off;
		mbi->flags |= MBI_MODS;
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
	rc = flags & MB_F_AOUT_KLUDGE ? load_aout(c, hoff, &entry) : load_elf(c, &entry);
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
	c->img->boot.rax = MB_BOOT_MAGIC;
	c->img->boot.rbx = GUEST_BOOTINFO_GPA;
	c->img->boot.rsp = GUEST_BOOT_STACK;
	c->img->format = "multiboot";
	return 0;
}
