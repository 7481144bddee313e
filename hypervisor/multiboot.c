/* Parse the multiboot1/multiboot2 information into struct boot_info. */
#include <stdint.h>

#include "errno.h"
#include "lib.h"
#include "memmap.h"
#include "multiboot.h"

static void *multiboot_ptr(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

static void multiboot_copy_string(char *dst, size_t size, uint64_t pa)
{
	if (!pa) {
		dst[0] = '\0';
		return;
	}
	lib_strlcpy(dst, multiboot_ptr(pa), size);
}

static void multiboot_fb_colors(struct boot_framebuffer *fb, const uint8_t *c)
{
	if (fb->type != MULTIBOOT_FB_RGB)
		return;
	fb->red_pos = c[0];
	fb->red_size = c[1];
	fb->green_pos = c[2];
	fb->green_size = c[3];
	fb->blue_pos = c[4];
	fb->blue_size = c[5];
}

static void multiboot_add_module(struct boot_info *bi, uint64_t start, uint64_t end,
				 const char *string)
{
	struct boot_module *m;

	if (bi->nr_modules >= MULTIBOOT_MAX_MODULES)
		return;
	m = &bi->modules[bi->nr_modules++];
	m->start = start;
	m->end = end > start ? end : start;
	lib_strlcpy(m->string, string ? string : "", sizeof(m->string));
}

/* UEFI memory types (UEFI spec §7.2) to e820 types. Boot services memory is
 * free: GRUB has called ExitBootServices() before jumping to us. */
static uint32_t multiboot_efi_type(uint32_t type)
{
	switch (type) {
	case 1: case 2: case 3: case 4: case 7:
		return MEMMAP_RAM;
	case 9:
		return MEMMAP_ACPI;
	case 10:
		return MEMMAP_NVS;
	case 8:
		return MEMMAP_UNUSABLE;
	default:
		return MEMMAP_RESERVED;
	}
}

/* multiboot1_parse: the fixed info structure (multiboot spec §3.3); each
 * part only when its flag bit says it is there. */
static int multiboot1_parse(uint64_t info, struct boot_info *bi)
{
	const struct mb1_info *mbi = multiboot_ptr(info);
	uint32_t i;

	bi->flavour = 1;
	bi->info_start = info;
	bi->info_end = info + sizeof(*mbi);
	if (mbi->flags & MB1_INFO_CMDLINE)
		multiboot_copy_string(bi->cmdline, sizeof(bi->cmdline), mbi->cmdline);
	if (mbi->flags & MB1_INFO_LOADER)
		multiboot_copy_string(bi->loader, sizeof(bi->loader), mbi->boot_loader_name);
	if (mbi->flags & MB1_INFO_MODS) {
		const struct mb1_module *mod = multiboot_ptr(mbi->mods_addr);

		for (i = 0; i < mbi->mods_count; i++)
			multiboot_add_module(bi, mod[i].start, mod[i].end,
					     mod[i].string ? multiboot_ptr(mod[i].string) : "");
	}
	if (mbi->flags & MB1_INFO_MMAP) {
		uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;

		while (p + sizeof(struct mb1_mmap_entry) <= end) {
			const struct mb1_mmap_entry *e = multiboot_ptr(p);

			if (e->len)
				memmap_add(&bi->map, e->addr, e->len, e->type);
			p += e->size + 4;
		}
		bi->map_source = "e820";
	} else if (mbi->flags & MB1_INFO_MEM) {
		memmap_add(&bi->map, 0, (uint64_t)mbi->mem_lower << 10, MEMMAP_RAM);
		memmap_add(&bi->map, 0x100000, (uint64_t)mbi->mem_upper << 10, MEMMAP_RAM);
		bi->map_source = "mem_lower/upper";
	}
	if (mbi->flags & MB1_INFO_FB) {
		bi->fb.addr = mbi->fb_addr;
		bi->fb.pitch = mbi->fb_pitch;
		bi->fb.width = mbi->fb_width;
		bi->fb.height = mbi->fb_height;
		bi->fb.bpp = mbi->fb_bpp;
		bi->fb.type = mbi->fb_type;
		multiboot_fb_colors(&bi->fb, mbi->fb_color);
	}
	return 0;
}

static void multiboot2_mmap(struct boot_info *bi, const struct mb2_tag *tag)
{
	const struct mb2_tag_mmap *t = (const void *)tag;
	const uint8_t *p = (const uint8_t *)(t + 1);
	const uint8_t *end = (const uint8_t *)tag + tag->size;

	if (t->entry_size < sizeof(struct mb2_mmap_entry))
		return;
	for (; p + t->entry_size <= end; p += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;

		if (e->len)
			memmap_add(&bi->map, e->addr, e->len, e->type);
	}
}

static void multiboot2_efi_mmap(struct memmap *map, const struct mb2_tag *tag)
{
	const uint32_t *hdr = (const uint32_t *)(tag + 1);
	uint32_t desc_size = hdr[0];
	const uint8_t *p = (const uint8_t *)(hdr + 2);
	const uint8_t *end = (const uint8_t *)tag + tag->size;

	if (desc_size < sizeof(struct efi_mem_desc))
		return;
	for (; p + desc_size <= end; p += desc_size) {
		const struct efi_mem_desc *d = (const void *)p;

		if (d->pages)
			memmap_add(map, d->phys_start, d->pages << 12,
				   multiboot_efi_type(d->type));
	}
}

/* multiboot2_parse: walk the tags (multiboot2 spec §3.6), 8-byte aligned,
 * up to the end tag or total_size. */
static int multiboot2_parse(uint64_t info, struct boot_info *bi)
{
	uint32_t total = *(const uint32_t *)multiboot_ptr(info);
	uint64_t p = info + 8, end = info + total;
	static struct memmap efi_map;
	bool have_efi = false;

	bi->flavour = 2;
	bi->info_start = info;
	bi->info_end = end;
	memmap_init(&efi_map);
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = multiboot_ptr(p);

		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag))
			break;
		switch (tag->type) {
		case MB2_TAG_CMDLINE:
			lib_strlcpy(bi->cmdline, (const char *)(tag + 1), sizeof(bi->cmdline));
			break;
		case MB2_TAG_LOADER:
			lib_strlcpy(bi->loader, (const char *)(tag + 1), sizeof(bi->loader));
			break;
		case MB2_TAG_MODULE: {
			const struct mb2_tag_module *m = (const void *)tag;

			multiboot_add_module(bi, m->start, m->end, m->string);
			break;
		}
		case MB2_TAG_MMAP:
			multiboot2_mmap(bi, tag);
			bi->map_source = "e820";
			break;
		case MB2_TAG_EFI_MMAP:
			multiboot2_efi_mmap(&efi_map, tag);
			have_efi = efi_map.nr > 0;
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW: {
			size_t len = tag->size - sizeof(*tag);

			/* Prefer the ACPI 2.0 copy (XSDT) when both come. */
			if (bi->have_rsdp && tag->type == MB2_TAG_ACPI_OLD)
				break;
			memset(bi->rsdp, 0, sizeof(bi->rsdp));
			memcpy(bi->rsdp, tag + 1, LIB_MIN(len, sizeof(bi->rsdp)));
			bi->have_rsdp = true;
			break;
		}
		case MB2_TAG_FB: {
			const struct mb2_tag_fb *fb = (const void *)tag;

			bi->fb.addr = fb->addr;
			bi->fb.pitch = fb->pitch;
			bi->fb.width = fb->width;
			bi->fb.height = fb->height;
			bi->fb.bpp = fb->bpp;
			bi->fb.type = fb->type;
			if (tag->size >= sizeof(*fb))
				multiboot_fb_colors(&bi->fb, fb->color);
			break;
		}
		default:
			break;
		}
		p += (tag->size + 7) & ~7u;
	}
	/* Under UEFI the EFI map is the authority (GRUB's e820-style one is
	 * derived from it and loses the runtime-services distinctions). */
	if (have_efi) {
		bi->map = efi_map;
		bi->map_source = "EFI";
	}
	return 0;
}

int multiboot_parse(uint32_t magic, uint64_t info, struct boot_info *bi)
{
	int ret;

	memset(bi, 0, sizeof(*bi));
	memmap_init(&bi->map);
	if (magic == MULTIBOOT1_BOOT_MAGIC)
		ret = multiboot1_parse(info, bi);
	else if (magic == MULTIBOOT2_BOOT_MAGIC)
		ret = multiboot2_parse(info, bi);
	else
		return -EINVAL;
	if (ret)
		return ret;
	if (!bi->map.nr)
		return -EINVAL;
	return memmap_sanitize(&bi->map);
}

const char *multiboot_module_cmdline(const char *string)
{
	const char *p = string, *word;
	bool slash = false, equals = false;

	while (*p == ' ')
		p++;
	word = p;
	for (; *p && *p != ' '; p++) {
		slash |= *p == '/';
		equals |= *p == '=';
	}
	if (!slash || equals)
		return word;
	while (*p == ' ')
		p++;
	return p;
}
