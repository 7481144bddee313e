/* guest_elf.c - ELF images: program headers and notes, and the PVH entry of an ELF vmlinux. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "guest.h"

/* The ELF fields we read, by offset (System V gABI, ELF32 and ELF64). */
#define EI_CLASS	4
#define EI_DATA		5
#define ELFCLASS32	1
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EM_386		3
#define EM_X86_64	62
#define ELF32_EHDR	52
#define ELF64_EHDR	64
#define ELF32_PHDR	32
#define ELF64_PHDR	56

/* PVH (xen/include/public/elfnote.h, arch-x86/hvm/start_info.h). */
#define XEN_ELFNOTE_PHYS32_ENTRY	18
#define HVM_START_MAGIC			0x336ec578u

struct hvm_start_info {
	uint32_t magic;			/* 0x00 */
	uint32_t version;		/* 0x04: 1, with the memory map */
	uint32_t flags;			/* 0x08 */
	uint32_t nr_modules;		/* 0x0c */
	uint64_t modlist_paddr;		/* 0x10 */
	uint64_t cmdline_paddr;		/* 0x18 */
	uint64_t rsdp_paddr;		/* 0x20 */
	uint64_t memmap_paddr;		/* 0x28 */
	uint32_t memmap_entries;	/* 0x30 */
	uint32_t reserved;		/* 0x34 */
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info size");

struct hvm_modlist_entry {
	uint64_t paddr;			/* 0x00 */
	uint64_t size;			/* 0x08 */
	uint64_t cmdline_paddr;		/* 0x10 */
	uint64_t reserved;		/* 0x18 */
};
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry size");

struct hvm_memmap_table_entry {
	uint64_t addr;			/* 0x00 */
	uint64_t size;			/* 0x08 */
	uint32_t type;			/* 0x10: e820 type */
	uint32_t reserved;		/* 0x14 */
};
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm memmap entry size");

static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Does [off, off + size) lie inside a file of len bytes? */
static int in_file(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

int guest_elf_is_elf(const void *data, size_t len)
{
	return len >= 4 && !memcmp(data, "\177ELF", 4);
}

int guest_elf_parse(struct guest_ctx *c, struct guest_elf *e)
{
	const uint8_t *d = c->p->kernel;
	size_t len = c->p->kernel_len;
	uint16_t machine;

	memset(e, 0, sizeof(*e));
	e->data = d;
	e->len = len;
	if (len < ELF32_EHDR || (d[EI_CLASS] != ELFCLASS32 && d[EI_CLASS] != ELFCLASS64))
		return guest_fail(c, ENOEXEC, "ELF header truncated or of an unknown class");
	e->is64 = d[EI_CLASS] == ELFCLASS64;
	if (e->is64 && len < ELF64_EHDR)
		return guest_fail(c, ENOEXEC, "ELF header truncated");
	machine = rd16(d + 18);
	if (d[EI_DATA] != ELFDATA2LSB || (machine != EM_386 && machine != EM_X86_64))
		return guest_fail(c, ENOEXEC, "ELF file for another machine (e_machine %u)", machine);
	if (e->is64) {
		e->entry = rd64(d + 24);
		e->phoff = rd64(d + 32);
		e->phentsize = rd16(d + 54);
		e->phnum = rd16(d + 56);
	} else {
		e->entry = rd32(d + 24);
		e->phoff = rd32(d + 28);
		e->phentsize = rd16(d + 42);
		e->phnum = rd16(d + 44);
	}
	if (e->phentsize < (e->is64 ? ELF64_PHDR : ELF32_PHDR) ||
	    !in_file(e->phoff, (uint64_t)e->phnum * e->phentsize, len))
		return guest_fail(c, ENOEXEC, "ELF program headers lie outside the file");
	if (!e->phnum)
		return guest_fail(c, ENOEXEC, "ELF file without program headers");
	return 0;
}

void guest_elf_phdr(const struct guest_elf *e, unsigned int i, struct guest_elf_phdr *ph)
{
	const uint8_t *p = e->data + e->phoff + (uint64_t)i * e->phentsize;

	ph->type = rd32(p);
	if (e->is64) {
		ph->offset = rd64(p + 8);
		ph->vaddr = rd64(p + 16);
		ph->paddr = rd64(p + 24);
		ph->filesz = rd64(p + 32);
		ph->memsz = rd64(p + 40);
		ph->align = rd64(p + 48);
	} else {
		ph->offset = rd32(p + 4);
		ph->vaddr = rd32(p + 8);
		ph->paddr = rd32(p + 12);
		ph->filesz = rd32(p + 16);
		ph->memsz = rd32(p + 20);
		ph->align = rd32(p + 28);
	}
}

int guest_elf_load(struct guest_ctx *c, const struct guest_elf *e)
{
	struct guest_elf_phdr ph;
	unsigned int i, loaded = 0;
	int rc;

	for (i = 0; i < e->phnum; i++) {
		guest_elf_phdr(e, i, &ph);
		if (ph.type != GUEST_ELF_PT_LOAD || !ph.memsz)
			continue;
		if (!in_file(ph.offset, ph.filesz, e->len) || ph.filesz > ph.memsz)
			return guest_fail(c, ENOEXEC, "ELF segment %u lies outside the file", i);
		rc = guest_add_borrowed(c, ph.paddr, ph.memsz, e->data + ph.offset,
					ph.filesz, "kernel");
		if (rc)
			return rc;
		loaded++;
	}
	if (!loaded)
		return guest_fail(c, ENOEXEC, "ELF file without a segment to load");
	return 0;
}

int guest_elf_find_note(const struct guest_elf *e, const char *name, uint32_t type,
			const uint8_t **desc, uint32_t *desc_len)
{
	uint64_t namelen = strlen(name) + 1, off, end, align, nsz, dsz;
	struct guest_elf_phdr ph;
	unsigned int i;

	for (i = 0; i < e->phnum; i++) {
		guest_elf_phdr(e, i, &ph);
		if (ph.type != GUEST_ELF_PT_NOTE || !in_file(ph.offset, ph.filesz, e->len))
			continue;
		align = ph.align == 8 ? 8 : 4;
		off = ph.offset;
		end = ph.offset + ph.filesz;
		while (end - off >= 12) {
			nsz = rd32(e->data + off);
			dsz = rd32(e->data + off + 4);
			off += 12;
			if (nsz > end - off)
				break;
			if (nsz == namelen && !memcmp(e->data + off, name, namelen) &&
			    rd32(e->data + off - 4) == type) {
				off += (nsz + align - 1) & ~(align - 1);
				if (off > end || dsz > end - off)
					break;
				*desc = e->data + off;
				*desc_len = dsz;
				return 0;
			}
			off += (nsz + align - 1) & ~(align - 1);
			off += (dsz + align - 1) & ~(align - 1);
			if (off > end)
				break;
		}
	}
	return -ENOENT;
}

/* Is paddr inside a segment that e loads? */
static int in_segment(const struct guest_elf *e, uint64_t paddr)
{
	struct guest_elf_phdr ph;
	unsigned int i;

	for (i = 0; i < e->phnum; i++) {
		guest_elf_phdr(e, i, &ph);
		if (ph.type == GUEST_ELF_PT_LOAD && paddr >= ph.paddr && paddr - ph.paddr < ph.memsz)
			return 1;
	}
	return 0;
}

/* hvm_start_info at GUEST_BOOTINFO_GPA; memory map and module list at GUEST_BOOTDATA_GPA. */
static int add_start_info(struct guest_ctx *c, uint64_t initrd)
{
	struct hvm_memmap_table_entry *mm;
	struct hvm_modlist_entry *mod;
	struct hvm_start_info *si;
	uint8_t *data;
	unsigned int i;
	int rc;

	si = guest_add(c, GUEST_BOOTINFO_GPA, sizeof(*si), "hvm_start_info", 0, &rc);
	if (!si)
		return rc;
	data = guest_add(c, GUEST_BOOTDATA_GPA, sizeof(*mod) + c->nr_e820 * sizeof(*mm),
			 "PVH memory map", 0, &rc);
	if (!data)
		return rc;
	mod = (struct hvm_modlist_entry *)data;
	mm = (struct hvm_memmap_table_entry *)(data + sizeof(*mod));
	for (i = 0; i < c->nr_e820; i++)
		mm[i] = (struct hvm_memmap_table_entry){ c->e820[i].addr, c->e820[i].size,
							 c->e820[i].type, 0 };
	si->magic = HVM_START_MAGIC;
	si->version = 1;
	si->cmdline_paddr = GUEST_CMDLINE_GPA;
	si->rsdp_paddr = GUEST_ACPI_BASE;
	si->memmap_paddr = GUEST_BOOTDATA_GPA + sizeof(*mod);
	si->memmap_entries = c->nr_e820;
	if (initrd) {
		mod->paddr = initrd;
		mod->size = c->p->ramdisk_len;
		si->nr_modules = 1;
		si->modlist_paddr = GUEST_BOOTDATA_GPA;
	}
	return 0;
}

int guest_pvh_load(struct guest_ctx *c)
{
	struct guest_elf e;
	const uint8_t *desc;
	uint32_t desc_len;
	uint64_t entry, initrd;
	int rc;

	rc = guest_elf_parse(c, &e);
	if (rc)
		return rc;
	if (guest_elf_find_note(&e, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &desc, &desc_len))
		return -ENOENT;
	if (desc_len != 4 && desc_len != 8)
		return guest_fail(c, ENOEXEC, "PVH entry note of %u bytes", desc_len);
	entry = desc_len == 4 ? rd32(desc) : rd64(desc);
	rc = guest_elf_load(c, &e);
	if (rc)
		return rc;
	if (!in_segment(&e, entry))
		return guest_fail(c, ENOEXEC, "PVH entry 0x%" PRIx64 " is outside the segments loaded", entry);
	rc = guest_add_linux_cmdline(c, GUEST_CMDLINE_MAX - 1);
	if (rc)
		return rc;
	rc = guest_add_initrd(c, GUEST_LOW_RAM_MAX, "3 GiB", &initrd);
	if (rc)
		return rc;
	rc = add_start_info(c, initrd);
	if (rc)
		return rc;
	/* PVH boot ABI (xen/include/public/arch-x86/hvm/start_info.h): EBX = start info. */
	c->img->boot.rip = entry;
	c->img->boot.rbx = GUEST_BOOTINFO_GPA;
	c->img->boot.rsp = GUEST_BOOT_STACK;
	c->img->format = "ELF (PVH entry)";
	return 0;
}
