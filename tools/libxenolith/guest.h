/* guest.h - the domain builder: a kernel, initrd and command line laid out in a new domU's RAM. */
#ifndef LIBXENOLITH_GUEST_H
#define LIBXENOLITH_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "../../hypervisor/include/public/xenolith.h"

/*
 * The builder does not talk to the hypervisor: it returns the bytes to
 * write into the domain's RAM (XL_DOMCTL_WRITE_MEMORY, chunk by chunk, at
 * most XL_BUF_MAX bytes a call) and vCPU 0's start state
 * (XL_DOMCTL_SET_VCPU). RAM not covered by a chunk is expected to read as
 * zero. docs/guest-platform.md is the guest's side of this file.
 */

/*
 * The guest platform: what the hypervisor emulates for every domU. These
 * numbers are the contract between the builder (e820 map, ACPI tables)
 * and the hypervisor's device models; both sides use these values.
 */
#define GUEST_MEM_MIN		(16ull << 20)	/* smallest domain */
#define GUEST_MEM_MAX		(1ull << 40)	/* largest domain: 1 TiB */
#define GUEST_LOW_RAM_MAX	0xc0000000ull	/* RAM below 4 GiB: [0, min(mem, 3 GiB)) */
#define GUEST_HIGH_RAM_BASE	0x100000000ull	/* the rest of RAM: [4 GiB, 4 GiB + mem - 3 GiB) */

/* e820 map (types as in the ACPI spec's address range types). */
#define GUEST_E820_RAM		1
#define GUEST_E820_RESERVED	2
#define GUEST_BASE_RAM_END	0x9fc00ull	/* [0, 0x9fc00): RAM */
#define GUEST_EBDA_END		0xa0000ull	/* [0x9fc00, 0xa0000): reserved */
#define GUEST_BIOS_BASE		0xe0000ull	/* [0xe0000, 0x100000): reserved, ACPI */
#define GUEST_EXT_RAM_BASE	0x100000ull	/* [1 MiB, low RAM end): RAM */
#define GUEST_E820_MAX		5

/* ACPI: RSDP (revision 2) at the base, then XSDT, RSDT, FADT, FACS, DSDT, MADT. */
#define GUEST_ACPI_BASE		GUEST_BIOS_BASE
#define GUEST_ACPI_END		0x100000ull
#define GUEST_ACPI_OEM_ID	"XENOLI"	/* 6 characters */
#define GUEST_ACPI_OEM_TABLE_ID	"XLGUEST "	/* 8 characters */

/* Interrupt controllers (MADT). PCAT_COMPAT is clear: no 8259 PIC. */
#define GUEST_LAPIC_BASE	0xfee00000u	/* vCPU n has LAPIC ID n */
#define GUEST_IOAPIC_BASE	0xfec00000u
#define GUEST_IOAPIC_ID		XL_MAX_VCPUS	/* distinct from every LAPIC ID */
#define GUEST_IOAPIC_PINS	24		/* GSI 0..23; ISA IRQ n = GSI n ... */
#define GUEST_PIT_GSI		2		/* ... except IRQ 0 -> GSI 2, edge, high */
#define GUEST_SCI_IRQ		9		/* level, active high (override) */

/* Fixed ACPI hardware (FADT), all I/O ports. */
#define GUEST_PM1A_EVT_BLK	0x600	/* 4 bytes: PM1_STS, PM1_EN */
#define GUEST_PM1A_CNT_BLK	0x604	/* 2 bytes: SCI_EN always set, SLP_TYP, SLP_EN */
#define GUEST_PM_TMR_BLK	0x608	/* 4 bytes: 24-bit 3.579545 MHz timer */
#define GUEST_GPE0_BLK		0xafe0	/* 4 bytes: GPE0_STS, GPE0_EN, in the device model */
#define GUEST_RESET_PORT	0xcf9	/* RESET_REG ... */
#define GUEST_RESET_VALUE	0x06	/* ... and the value that resets */
#define GUEST_SLP_TYP_S5	5	/* \_S5 in the DSDT: SLP_TYP 5 + SLP_EN = power off */
#define GUEST_SLP_TYP_S0	0
#define GUEST_RTC_CENTURY	0x32	/* CMOS index of the century */

/* Legacy devices. */
#define GUEST_UART_PORT		0x3f8	/* 16550, 8 ports */
#define GUEST_UART_IRQ		4
#define GUEST_PIT_PORT		0x40	/* 8254, 0x40-0x43, and port 0x61 */
#define GUEST_PORT61		0x61
#define GUEST_RTC_PORT		0x70	/* index 0x70, data 0x71 */
#define GUEST_EXIT_PORT		0xf4	/* a byte written here ends the domain */
#define GUEST_KBD_RESET_PORT	0x64	/* only the 0xfe reset command: no 8042 */

/* Where the builder puts things in low RAM (all formats). */
#define GUEST_BOOT_STACK	0x7000ull	/* ESP for PVH and multiboot (grows down) */
#define GUEST_BOOTINFO_GPA	0x7000ull	/* zero page / hvm_start_info / mbi: 1 page */
#define GUEST_BOOTDATA_GPA	0x8000ull	/* memory map, module list, names: 1 page */
#define GUEST_CMDLINE_GPA	0x20000ull	/* the command line ... */
#define GUEST_CMDLINE_MAX	0x10000u	/* ... at most this many bytes with its NUL */
#define GUEST_PAGE_SIZE		4096u

/* Public API. */
struct guest_params {
	const void *kernel; size_t kernel_len; const char *kernel_name;  /* for messages */
	const void *ramdisk; size_t ramdisk_len;                         /* may be NULL/0 */
	const char *cmdline;                                             /* may be "" */
	uint64_t memory_bytes;                                           /* multiple of 4 KiB, >= 16 MiB */
	unsigned int vcpus;                                              /* 1..XL_MAX_VCPUS */
	const char *ramdisk_name;	/* for messages; NULL: "initrd" */
	uint32_t tsc_khz;		/* a Linux guest is told its TSC rate
					 * (tsc_early_khz=, unless the command line
					 * has it): 0 = not */
	int pci_hotplug;		/* a device model serves the PCI bus and
					 * its hotplug GPE: the FADT has GPE0_BLK */
};

/* A piece of the image: len bytes for gpa. data is the image's own, or,
 * when borrowed, points into the caller's kernel or ramdisk buffer, which
 * must then outlive the image. */
struct guest_chunk { uint64_t gpa; void *data; size_t len; int borrowed; };

struct guest_image {
	struct guest_chunk *chunks; unsigned int nr_chunks;
	struct xl_vcpu_context boot;     /* vCPU 0's start (vcpu = 0, mode FLAT32) */
	const char *format;              /* "bzImage", "ELF (PVH entry)", "multiboot" */
};

/*
 * guest_build: lay out a new domain. 0, or -errno with one line in err
 * naming the file (kernel_name, or ramdisk_name for the initrd) and what
 * is wrong ("vmlinuz: not a kernel: no bzImage, ELF or multiboot header",
 * "initrd.gz: 300 MiB does not fit below the kernel's initrd limit in
 * 128 MiB", ...). Every length and offset in the files is checked: a
 * hostile file gets an error, never an out-of-bounds read. The image
 * holds copies: the caller's buffers may go once this returns. Chunks
 * never overlap; each lies in the domain's e820 RAM or the ACPI area.
 * On error img is empty (guest_image_free is harmless on it).
 */
int guest_build(const struct guest_params *p, struct guest_image *img, char *err, size_t errlen);

/* guest_image_free: free the chunks of an image from guest_build; it is left empty. */
void guest_image_free(struct guest_image *img);

/* ---- Builder internals: shared by guest_*.c and their unit tests only. ---- */

/* One e820 / PVH memmap / multiboot mmap entry, before each format's encoding. */
struct guest_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;			/* GUEST_E820_* */
};

/* An address range the layout has taken (a chunk, or memory a kernel needs). */
struct guest_range {
	uint64_t start, end;		/* [start, end) */
	const char *what;		/* for messages: "kernel", "initrd", ... */
};

#define GUEST_RANGES_MAX	64

/* One guest_build call. */
struct guest_ctx {
	const struct guest_params *p;
	struct guest_image *img;
	char *err;
	size_t errlen;
	const char *name;		/* kernel_name, or "kernel" */
	uint64_t low_end;		/* end of RAM below 4 GiB */
	struct guest_e820_entry e820[GUEST_E820_MAX];
	unsigned int nr_e820;
	struct guest_range ranges[GUEST_RANGES_MAX];
	unsigned int nr_ranges;
	unsigned int chunk_cap;
};

/* guest_e820: the map of a domain with mem bytes of RAM; returns the entry count. */
unsigned int guest_e820(uint64_t mem, struct guest_e820_entry *e);

/* guest_acpi_build: the tables for vcpus vCPUs, as placed at GUEST_ACPI_BASE,
 * with the GPE0 block in the FADT if gpe0 (a device model serves it);
 * returns their length, or 0 if size is too small. */
size_t guest_acpi_build(void *buf, size_t size, unsigned int vcpus, int gpe0);
#define GUEST_ACPI_SIZE		0x1000u	/* what guest_acpi_build needs at most */

/* guest_fail: write "<name>: <message>" to the caller's err; returns -errnum. */
int guest_fail(struct guest_ctx *c, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* guest_size_str: "300 MiB", "4 KiB", "12 bytes" for messages. */
const char *guest_size_str(uint64_t bytes, char *buf, size_t len);

/*
 * guest_reserve: take [start, end) of RAM for what (a kernel's working
 * memory). guest_add: take it and return a zeroed buffer of len bytes
 * that becomes a chunk at gpa. Both fail with a message if the range is
 * not RAM (guest_add with acpi set: not the ACPI area) or overlaps a
 * range taken before. guest_add returns NULL with *rc = -errno.
 * guest_add_borrowed: take [gpa, gpa + len) and load it with the first
 * data_len bytes of data (a piece of p->kernel or p->ramdisk, not
 * copied); the rest stays zero, as a new domain's RAM reads.
 */
int guest_reserve(struct guest_ctx *c, uint64_t start, uint64_t end, const char *what);
void *guest_add(struct guest_ctx *c, uint64_t gpa, uint64_t len, const char *what, int acpi, int *rc);
int guest_add_borrowed(struct guest_ctx *c, uint64_t gpa, uint64_t len, const void *data,
		       size_t data_len, const char *what);

/* guest_add_initrd: place the ramdisk as high as possible below limit
 * (page-aligned, in RAM, clear of every range taken); *gpa = 0 if there
 * is none. limit_what names the limit in the error message. */
int guest_add_initrd(struct guest_ctx *c, uint64_t limit, const char *limit_what, uint64_t *gpa);

/* guest_add_cmdline: the command line (prefix and a space before it, if
 * prefix) at GUEST_CMDLINE_GPA, at most max bytes without its NUL. */
int guest_add_cmdline(struct guest_ctx *c, const char *prefix, size_t max);

/* guest_add_linux_cmdline: the same for a Linux kernel, led by
 * tsc_early_khz= and GUEST_LINUX_TSC_RELIABLE when p->tsc_khz is set
 * (under load, a guest's PIT calibration, every read an exit, can fail
 * and leave it without a clock; its tick-counted watchdog, late under
 * load, would otherwise swap the TSC for the ACPI PM timer, every read an
 * exit) and by GUEST_LINUX_NO_EARLY_PCI, each unless the line sets that
 * parameter itself (docs/guest-platform.md). */
#define GUEST_LINUX_TSC_RELIABLE "tsc=reliable"	/* the TSC runs at a constant rate */
#define GUEST_LINUX_NO_EARLY_PCI "pci=noearly"	/* no early PCI quirk scans */
int guest_add_linux_cmdline(struct guest_ctx *c, size_t max);

/* Each loader: 0 with img->boot and img->format set, or -errno with a message. */
int guest_bzimage_load(struct guest_ctx *c);
int guest_pvh_load(struct guest_ctx *c);	/* -ENOENT (no message): no PVH note */
int guest_multiboot_load(struct guest_ctx *c);	/* -ENOENT (no message): no header */

/* ELF images (guest_elf.c), shared by the PVH and multiboot loaders. */
struct guest_elf {
	const uint8_t *data;
	size_t len;
	int is64;
	uint64_t entry;
	uint64_t phoff;
	unsigned int phnum, phentsize;
};

struct guest_elf_phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define GUEST_ELF_PT_LOAD	1
#define GUEST_ELF_PT_NOTE	4

int guest_elf_is_elf(const void *data, size_t len);
int guest_elf_parse(struct guest_ctx *c, struct guest_elf *e);
void guest_elf_phdr(const struct guest_elf *e, unsigned int i, struct guest_elf_phdr *ph);
int guest_elf_load(struct guest_ctx *c, const struct guest_elf *e);
int guest_elf_find_note(const struct guest_elf *e, const char *name, uint32_t type,
			const uint8_t **desc, uint32_t *desc_len);

#endif
