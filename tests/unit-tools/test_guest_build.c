/* test_guest_build.c - the domain builder on synthetic bzImage, ELF PVH and multiboot kernels, good and hostile. */
#include "libxenolith/guest.h"

#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define MiB (1ull << 20)
#define KERNEL_PM_LEN 0x3000	/* the synthetic bzImage's protected-mode part */

static uint8_t initrd_data[3 * 4096 + 5];

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* A file of len bytes in its own heap block (ASan sees a read past its end). */
static uint8_t *file_copy(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, src, len);
	return p;
}

/* A relocatable 64-bit-era bzImage: setup_sects 4, pref_address 16 MiB, init_size 8 MiB. */
static uint8_t *make_bzimage(size_t *len)
{
	size_t setup = 5 * 512;
	uint8_t *k = calloc(1, setup + KERNEL_PM_LEN);
	size_t i;

	assert_non_null(k);
	k[0x1f1] = 4;
	put16(k + 0x1fe, 0xaa55);
	k[0x200] = 0xeb;
	k[0x201] = 0x268 - 0x202;
	memcpy(k + 0x202, "HdrS", 4);
	put16(k + 0x206, 0x020f);
	k[0x211] = 0x01;			/* LOADED_HIGH */
	put32(k + 0x214, 0x100000);
	put32(k + 0x22c, 0x7fffffff);		/* initrd_addr_max */
	put32(k + 0x230, 0x200000);		/* kernel_alignment */
	k[0x234] = 1;				/* relocatable */
	put32(k + 0x238, 2047);			/* cmdline_size */
	put64(k + 0x250, 0xdeadbeef);		/* setup_data: must not reach the guest */
	put64(k + 0x258, 0x1000000);		/* pref_address */
	put32(k + 0x260, 8 * MiB);		/* init_size */
	for (i = 0; i < KERNEL_PM_LEN; i++)
		k[setup + i] = (uint8_t)(i * 7 + 1);
	*len = setup + KERNEL_PM_LEN;
	return k;
}

static struct guest_params params(const void *k, size_t len)
{
	return (struct guest_params){
		.kernel = k, .kernel_len = len, .kernel_name = "vmlinuz",
		.ramdisk = initrd_data, .ramdisk_len = sizeof(initrd_data),
		.cmdline = "console=ttyS0 quiet", .memory_bytes = 128 * MiB, .vcpus = 2,
		.ramdisk_name = "initrd.gz",
	};
}

static const struct guest_chunk *chunk_at(const struct guest_image *img, uint64_t gpa)
{
	unsigned int i;

	for (i = 0; i < img->nr_chunks; i++)
		if (img->chunks[i].gpa == gpa)
			return &img->chunks[i];
	return NULL;
}

/* What every image must satisfy: chunks apart, each in RAM or the ACPI area. */
static void check_image(const struct guest_image *img, uint64_t mem)
{
	struct guest_e820_entry e[GUEST_E820_MAX];
	unsigned int n = guest_e820(mem, e), i, j, ok;

	assert_int_equal(img->boot.vcpu, 0);
	assert_int_equal(img->boot.mode, XL_VCPU_MODE_FLAT32);
	assert_non_null(img->format);
	assert_non_null(chunk_at(img, GUEST_ACPI_BASE));
	for (i = 0; i < img->nr_chunks; i++) {
		const struct guest_chunk *c = &img->chunks[i];

		assert_non_null(c->data);
		assert_true(c->len > 0);
		ok = c->gpa >= GUEST_ACPI_BASE && c->gpa + c->len <= GUEST_ACPI_END;
		for (j = 0; j < n; j++)
			if (e[j].type == GUEST_E820_RAM && c->gpa >= e[j].addr &&
			    c->gpa + c->len <= e[j].addr + e[j].size)
				ok = 1;
		if (!ok)
			fail_msg("chunk 0x%llx+0x%zx is outside RAM", (unsigned long long)c->gpa, c->len);
		for (j = 0; j < i; j++)
			if (c->gpa < img->chunks[j].gpa + img->chunks[j].len &&
			    img->chunks[j].gpa < c->gpa + c->len)
				fail_msg("chunks 0x%llx and 0x%llx overlap", (unsigned long long)c->gpa,
					 (unsigned long long)img->chunks[j].gpa);
	}
}

/* guest_build must fail with -errno, a message containing want, and an empty image. */
static void expect_error(const struct guest_params *p, const char *want)
{
	struct guest_image img;
	char err[256];
	int rc = guest_build(p, &img, err, sizeof(err));

	if (rc == 0)
		fail_msg("expected an error with \"%s\", got success (%s)", want, img.format);
	assert_true(rc < 0);
	if (!strstr(err, want))
		fail_msg("expected \"%s\" in the error, saw \"%s\"", want, err);
	assert_int_equal(img.nr_chunks, 0);
	assert_null(img.chunks);
	guest_image_free(&img);
}

/* guest_build on any file: success with a sound image, or an error with a message. */
static void build_any(const struct guest_params *p)
{
	struct guest_image img;
	char err[256] = "";
	int rc = guest_build(p, &img, err, sizeof(err));

	if (rc == 0)
		check_image(&img, p->memory_bytes);
	else
		assert_true(err[0] != 0 && strchr(err, '\n') == NULL);
	guest_image_free(&img);
}

static void test_bzimage(void **state)
{
	size_t len;
	uint8_t *k = make_bzimage(&len);
	struct guest_params p = params(k, len);
	const struct guest_chunk *zp, *kc, *cl, *rd;
	struct guest_image img;
	char err[256];
	uint32_t rd_addr;
	(void)state;

	assert_int_equal(guest_build(&p, &img, err, sizeof(err)), 0);
	check_image(&img, p.memory_bytes);
	assert_string_equal(img.format, "bzImage");
	assert_int_equal(img.boot.rip, 0x1000000);
	assert_int_equal(img.boot.rsi, GUEST_BOOTINFO_GPA);
	assert_int_equal(img.boot.rbx | img.boot.rbp | img.boot.rdi, 0);

	kc = chunk_at(&img, 0x1000000);
	assert_non_null(kc);
	assert_int_equal(kc->len, KERNEL_PM_LEN);
	assert_memory_equal(kc->data, k + 5 * 512, KERNEL_PM_LEN);

	zp = chunk_at(&img, GUEST_BOOTINFO_GPA);
	assert_non_null(zp);
	assert_int_equal(zp->len, 4096);
	const uint8_t *b = zp->data;
	assert_memory_equal(b + 0x202, "HdrS", 4);
	assert_int_equal(b[0x210], 0xff);
	assert_int_equal(get32(b + 0x228), GUEST_CMDLINE_GPA);
	assert_int_equal(get64(b + 0x250), 0);		/* setup_data */
	assert_int_equal(get64(b + 0x070), GUEST_ACPI_BASE);
	assert_int_equal(b[0x1ef], 0);			/* sentinel */
	assert_int_equal(b[0x1e8], 4);			/* e820 entries */
	assert_int_equal(get64(b + 0x2d0 + 3 * 20), 0x100000);
	assert_int_equal(get64(b + 0x2d0 + 3 * 20 + 8), 127 * MiB);
	assert_int_equal(get32(b + 0x2d0 + 1 * 20 + 16), GUEST_E820_RESERVED);

	rd_addr = get32(b + 0x218);
	assert_int_equal(get32(b + 0x21c), sizeof(initrd_data));
	assert_int_equal(rd_addr % 4096, 0);
	assert_true(rd_addr + sizeof(initrd_data) <= 128 * MiB);
	assert_true(rd_addr >= 0x1000000 + 8 * MiB);	/* clear of init_size */
	assert_true(rd_addr + sizeof(initrd_data) > 128 * MiB - 8192);	/* as high as it goes */
	rd = chunk_at(&img, rd_addr);
	assert_non_null(rd);
	assert_memory_equal(rd->data, initrd_data, sizeof(initrd_data));

	cl = chunk_at(&img, GUEST_CMDLINE_GPA);
	assert_non_null(cl);
	assert_string_equal(cl->data, "pci=noearly console=ttyS0 quiet");
	guest_image_free(&img);
	assert_int_equal(img.nr_chunks, 0);
	free(k);
}

/* A Linux guest is told its TSC rate, that the TSC is reliable and to skip
 * the early PCI quirks first on its command line, unless the line sets
 * these or the rate is unknown; a multiboot kernel never is. */
static void test_tsc_rate_on_command_line(void **state)
{
	static const struct { uint32_t khz; const char *line, *want; } cases[] = {
		{ 2100000, "console=ttyS0 quiet",
		  "tsc_early_khz=2100000 tsc=reliable pci=noearly console=ttyS0 quiet" },
		{ 2100000, "tsc_early_khz=5 console=ttyS0",
		  "tsc=reliable pci=noearly tsc_early_khz=5 console=ttyS0" },
		{ 2100000, "tsc=unstable pci=off",
		  "tsc_early_khz=2100000 tsc=unstable pci=off" },
		{ 2100000, "", "tsc_early_khz=2100000 tsc=reliable pci=noearly" },
		{ 0, "", "pci=noearly" },
		{ 0, "console=ttyS0 pci=off", "console=ttyS0 pci=off" },
		{ 0, "xpci=1 notsc_early_khz=1", "pci=noearly xpci=1 notsc_early_khz=1" },
		{ 7, "pci=off", "tsc_early_khz=7 tsc=reliable pci=off" },
	};
	size_t len;
	uint8_t *k = make_bzimage(&len);
	struct guest_params p = params(k, len);
	struct guest_image img;
	char err[256];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p.tsc_khz = cases[i].khz;
		p.cmdline = cases[i].line;
		assert_int_equal(guest_build(&p, &img, err, sizeof(err)), 0);
		assert_string_equal(chunk_at(&img, GUEST_CMDLINE_GPA)->data, cases[i].want);
		guest_image_free(&img);
	}
	free(k);
}

static void test_bzimage_variants(void **state)
{
	size_t len;
	uint8_t *k = make_bzimage(&len);
	struct guest_params p = params(k, len);
	struct guest_image img;
	const uint8_t *zp;
	char err[256];
	(void)state;

	/* Not relocatable: at 1 MiB, entered at code32_start. */
	k[0x234] = 0;
	put64(k + 0x258, 0x100000);
	put32(k + 0x214, 0x100010);
	if (guest_build(&p, &img, err, sizeof(err)))
		fail_msg("not relocatable: %s", err);
	check_image(&img, p.memory_bytes);
	assert_non_null(chunk_at(&img, 0x100000));
	assert_int_equal(img.boot.rip, 0x100010);
	guest_image_free(&img);
	free(k);

	/* An initrd limit below the kernel: the initrd goes under it. */
	k = make_bzimage(&len);
	p = params(k, len);
	put32(k + 0x22c, 0x17fffff);		/* 24 MiB - 1 */
	if (guest_build(&p, &img, err, sizeof(err)))
		fail_msg("initrd below the kernel: %s", err);
	check_image(&img, p.memory_bytes);
	zp = chunk_at(&img, GUEST_BOOTINFO_GPA)->data;
	assert_true(get32(zp + 0x218) + sizeof(initrd_data) <= 0x1000000);
	guest_image_free(&img);

	/* More than 3 GiB: RAM above 4 GiB, five e820 entries; no initrd, no cmdline. */
	p = params(k, len);
	p.memory_bytes = 4096 * MiB;
	p.ramdisk = NULL;
	p.ramdisk_len = 0;
	p.cmdline = NULL;
	assert_int_equal(guest_build(&p, &img, err, sizeof(err)), 0);
	check_image(&img, p.memory_bytes);
	zp = chunk_at(&img, GUEST_BOOTINFO_GPA)->data;
	assert_int_equal(zp[0x1e8], 5);
	assert_int_equal(get64(zp + 0x2d0 + 4 * 20), GUEST_HIGH_RAM_BASE);
	assert_int_equal(get64(zp + 0x2d0 + 4 * 20 + 8), 1024 * MiB);
	assert_int_equal(get32(zp + 0x218), 0);
	assert_string_equal(chunk_at(&img, GUEST_CMDLINE_GPA)->data, "pci=noearly");
	guest_image_free(&img);
	free(k);
}

static void test_bzimage_errors(void **state)
{
	static char longcmd[3000];
	size_t len;
	uint8_t *k = make_bzimage(&len), *t;
	struct guest_params p = params(k, len);
	(void)state;

	k[0x206] = 0x01;			/* version 2.01 */
	expect_error(&p, "vmlinuz: boot protocol 2.01 is older than 2.12");
	k[0x206] = 0x0f;
	k[0x211] = 0;
	expect_error(&p, "zImage");
	k[0x211] = 1;
	put16(k + 0x1fe, 0);
	expect_error(&p, "malformed");
	put16(k + 0x1fe, 0xaa55);
	k[0x201] = 0x10;			/* header ends before init_size */
	expect_error(&p, "malformed");
	k[0x201] = 0x66;
	k[0x1f1] = 200;				/* setup larger than the file */
	expect_error(&p, "truncated");
	k[0x1f1] = 4;
	put32(k + 0x230, 3);
	expect_error(&p, "kernel_alignment");
	put32(k + 0x230, 0x200000);
	put64(k + 0x258, 0xfffffffff0000000ull);
	expect_error(&p, "pref_address");
	put64(k + 0x258, 0x1000000);
	put32(k + 0x260, 0xfff00000);
	expect_error(&p, "vmlinuz: needs RAM up to");
	put32(k + 0x260, 8 * MiB);

	/* Memory too small for init_size: 16 MiB + 8 MiB needed. */
	p.memory_bytes = 16 * MiB;
	expect_error(&p, "init_size 8 MiB");
	p.memory_bytes = 128 * MiB;

	/* A huge initrd: the builder must not read it before it fits. */
	p.ramdisk_len = 300 * MiB;
	expect_error(&p, "initrd.gz: 300 MiB does not fit below the kernel's initrd limit");
	p.ramdisk_len = sizeof(initrd_data);
	p.ramdisk_name = NULL;
	put32(k + 0x22c, 0x100fff);		/* no room below 1 MiB + 4 KiB */
	expect_error(&p, "initrd: ");
	put32(k + 0x22c, 0x7fffffff);

	memset(longcmd, 'a', sizeof(longcmd) - 1);
	p.cmdline = longcmd;
	expect_error(&p, "command line of 2999 bytes (with 'pci=noearly' added) is longer "
		     "than the 2047");
	p.cmdline = "";

	/* Parameters. */
	p.memory_bytes = 16 * MiB - 4096;
	expect_error(&p, "memory of 16380 KiB");
	p.memory_bytes = 128 * MiB + 1;
	expect_error(&p, "memory of");
	p.memory_bytes = 128 * MiB;
	p.vcpus = 0;
	expect_error(&p, "0 vCPUs");
	p.vcpus = XL_MAX_VCPUS + 1;
	expect_error(&p, "33 vCPUs");
	p.vcpus = 1;
	p.kernel_len = 0;
	expect_error(&p, "vmlinuz: empty file");

	/* Every truncation of the file, each in a block of its exact size. */
	for (size_t n = 1; n <= len; n++) {
		t = file_copy(k, n);
		p.kernel = t;
		p.kernel_len = n;
		build_any(&p);
		free(t);
	}
	free(k);
}

/* ---- ELF ---- */

/* An ELF64 vmlinux: one PT_LOAD at 16 MiB (bss after the file bytes), a
 * PT_NOTE with a GNU note and then Xen's PHYS32_ENTRY. */
static uint8_t *make_elf64(size_t *len, int with_pvh)
{
	uint8_t *e = calloc(1, 0x3000);
	uint8_t *ph, *n;
	size_t i;

	assert_non_null(e);
	memcpy(e, "\177ELF", 4);
	e[4] = 2;
	e[5] = 1;
	e[6] = 1;
	put16(e + 16, 2);
	put16(e + 18, 62);
	put64(e + 24, 0xffffffff81000000ull);
	put64(e + 32, 64);			/* phoff */
	put16(e + 54, 56);
	put16(e + 56, 2);
	ph = e + 64;				/* PT_LOAD */
	put32(ph, 1);
	put64(ph + 8, 0x1000);
	put64(ph + 16, 0xffffffff81000000ull);
	put64(ph + 24, 0x1000000);
	put64(ph + 32, 0x2000);
	put64(ph + 40, 0x5000);
	ph += 56;				/* PT_NOTE */
	put32(ph, 4);
	put64(ph + 8, 0x200);
	put64(ph + 32, 16 + 4 + 16 + 8);
	put64(ph + 48, 4);
	n = e + 0x200;
	put32(n, 4);				/* "GNU", build id of 4 bytes */
	put32(n + 4, 4);
	put32(n + 8, 3);
	memcpy(n + 12, "GNU", 4);
	put32(n + 16, 0x12345678);
	n += 20;
	put32(n, 4);
	put32(n + 4, 8);
	put32(n + 8, with_pvh ? 18 : 17);
	memcpy(n + 12, "Xen", 4);
	put64(n + 16, 0x1000040);
	for (i = 0x1000; i < 0x3000; i++)
		e[i] = (uint8_t)i;
	*len = 0x3000;
	return e;
}

static void test_elf_pvh(void **state)
{
	size_t len;
	uint8_t *e = make_elf64(&len, 1);
	struct guest_params p = params(e, len);
	const struct guest_chunk *si, *kc;
	struct guest_image img;
	const uint8_t *b, *mod, *mm;
	char err[256];
	(void)state;

	p.kernel_name = "vmlinux";
	p.memory_bytes = 4096 * MiB;
	assert_int_equal(guest_build(&p, &img, err, sizeof(err)), 0);
	check_image(&img, p.memory_bytes);
	assert_string_equal(img.format, "ELF (PVH entry)");
	assert_int_equal(img.boot.rip, 0x1000040);
	assert_int_equal(img.boot.rbx, GUEST_BOOTINFO_GPA);
	kc = chunk_at(&img, 0x1000000);
	assert_non_null(kc);
	/* p_filesz is loaded from the file itself; the rest of p_memsz is
	 * taken but left to the new domain's zeroed RAM. */
	assert_int_equal(kc->len, 0x2000);
	assert_true(kc->borrowed);
	assert_ptr_equal(kc->data, e + 0x1000);
	assert_null(chunk_at(&img, 0x1002000));

	si = chunk_at(&img, GUEST_BOOTINFO_GPA);
	assert_non_null(si);
	b = si->data;
	assert_int_equal(get32(b), 0x336ec578);
	assert_int_equal(get32(b + 4), 1);
	assert_int_equal(get32(b + 12), 1);			/* nr_modules */
	assert_int_equal(get64(b + 0x18), GUEST_CMDLINE_GPA);
	assert_int_equal(get64(b + 0x20), GUEST_ACPI_BASE);
	assert_int_equal(get32(b + 0x30), 5);			/* memmap entries */
	mod = (const uint8_t *)chunk_at(&img, GUEST_BOOTDATA_GPA)->data +
	      (get64(b + 0x10) - GUEST_BOOTDATA_GPA);
	assert_int_equal(get64(mod + 8), sizeof(initrd_data));
	assert_non_null(chunk_at(&img, get64(mod)));
	assert_true(get64(mod) + sizeof(initrd_data) <= GUEST_LOW_RAM_MAX);
	mm = (const uint8_t *)chunk_at(&img, GUEST_BOOTDATA_GPA)->data +
	     (get64(b + 0x28) - GUEST_BOOTDATA_GPA);
	assert_int_equal(get64(mm + 4 * 24), GUEST_HIGH_RAM_BASE);
	assert_int_equal(get64(mm + 4 * 24 + 8), 1024 * MiB);
	assert_int_equal(get32(mm + 4 * 24 + 16), GUEST_E820_RAM);
	assert_string_equal(chunk_at(&img, GUEST_CMDLINE_GPA)->data,
			    "pci=noearly console=ttyS0 quiet");
	guest_image_free(&img);
	free(e);
}

static void test_elf_errors(void **state)
{
	size_t len;
	uint8_t *e = make_elf64(&len, 0), *t;
	struct guest_params p = params(e, len);
	static char longcmd[GUEST_CMDLINE_MAX + 10];
	(void)state;

	p.kernel_name = "vmlinux";
	expect_error(&p, "vmlinux: ELF file without a PVH entry note");
	free(e);
	e = make_elf64(&len, 1);
	p = params(e, len);
	put64(e + 64 + 24, 0x40000000);		/* segment above 128 MiB of RAM */
	expect_error(&p, "kernel at 0x40000000-0x40004fff is not in the domain's RAM");
	put64(e + 64 + 24, 0x5000);		/* over the boot info at 0x7000 */
	put64(e + 0x200 + 20 + 16, 0x5040);
	expect_error(&p, "overlaps the kernel");
	put64(e + 0x200 + 20 + 16, 0x1000040);
	put64(e + 64 + 24, 0x1000000);
	put64(e + 64 + 32, 0x6000);		/* filesz > memsz, past the file */
	expect_error(&p, "segment 0 lies outside the file");
	put64(e + 64 + 32, 0x2000);
	put64(e + 32, 0xffffffffffffff00ull);	/* phoff */
	expect_error(&p, "program headers lie outside the file");
	put64(e + 32, 64);
	put64(e + 0x200 + 20 + 16, 0x900000);	/* entry outside the segments */
	expect_error(&p, "PVH entry 0x900000 is outside");
	put64(e + 0x200 + 20 + 16, 0x1000040);
	put16(e + 18, 40);			/* ARM */
	expect_error(&p, "another machine");
	put16(e + 18, 62);
	memset(longcmd, 'x', sizeof(longcmd) - 1);
	p.cmdline = longcmd;
	expect_error(&p, "command line of over 65536 bytes (with 'pci=noearly' added) is "
		     "longer than the 65535");
	longcmd[GUEST_CMDLINE_MAX] = 0;
	expect_error(&p, "command line of 65536 bytes (with 'pci=noearly' added) is longer "
		     "than the 65535");
	longcmd[GUEST_CMDLINE_MAX - 1] = 0;
	memcpy(longcmd, "pci=off ", 8);		/* nothing added: the line fits exactly */
	struct guest_image img;
	char err[256];
	assert_int_equal(guest_build(&p, &img, err, sizeof(err)), 0);
	assert_int_equal(strlen(chunk_at(&img, GUEST_CMDLINE_GPA)->data), GUEST_CMDLINE_MAX - 1);
	guest_image_free(&img);
	p.cmdline = "";

	/* Note sizes that run past the note segment. */
	put32(e + 0x200, 0xfffffff0);
	build_any(&p);
	put32(e + 0x200, 4);
	put32(e + 0x200 + 20 + 4, 0xfffffff0);
	build_any(&p);
	put32(e + 0x200 + 20 + 4, 8);

	for (size_t n = 1; n <= len; n++) {
		t = file_copy(e, n);
		p.kernel = t;
		p.kernel_len = n;
		build_any(&p);
		free(t);
	}
	free(e);
}

/* ---- multiboot ---- */

static void put_mb_header(uint8_t *h, uint32_t flags)
{
	put32(h, 0x1badb002);
	put32(h + 4, flags);
	put32(h + 8, -(0x1badb002u + flags));
}

/* An ELF32 multiboot kernel linked at 0xc0100000, loaded at 1 MiB. */
static uint8_t *make_mb_elf(size_t *len)
{
	uint8_t *e = calloc(1, 0x2000), *ph;

	assert_non_null(e);
	memcpy(e, "\177ELF", 4);
	e[4] = 1;
	e[5] = 1;
	e[6] = 1;
	put16(e + 16, 2);
	put16(e + 18, 3);
	put32(e + 24, 0xc0100010);
	put32(e + 28, 52);
	put16(e + 42, 32);
	put16(e + 44, 1);
	ph = e + 52;
	put32(ph, 1);
	put32(ph + 4, 0x1000);
	put32(ph + 8, 0xc0100000);
	put32(ph + 12, 0x100000);
	put32(ph + 16, 0x1000);
	put32(ph + 20, 0x1800);
	put_mb_header(e + 0x1000, 0x3);
	*len = 0x2000;
	return e;
}

/* A flat binary with the a.out kludge: loaded at 1 MiB, bss to 1 MiB + 64 KiB. */
static uint8_t *make_mb_aout(size_t *len)
{
	uint8_t *b = calloc(1, 0x800);

	assert_non_null(b);
	put_mb_header(b + 0x40, 0x10003);
	put32(b + 0x4c, 0x100040);		/* header_addr */
	put32(b + 0x50, 0x100000);		/* load_addr */
	put32(b + 0x54, 0);			/* load_end_addr: the whole file */
	put32(b + 0x58, 0x110000);		/* bss_end_addr */
	put32(b + 0x5c, 0x100080);		/* entry_addr */
	memset(b + 0x80, 0x90, 0x10);
	*len = 0x800;
	return b;
}

static void test_multiboot(void **state)
{
	size_t len;
	uint8_t *k = make_mb_elf(&len);
	struct guest_params p = params(k, len);
	const struct guest_chunk *kc;
	struct guest_image img;
	const uint8_t *mbi, *data, *mod;
	char err[256];
	(void)state;

	p.kernel_name = "/boot/test.elf";
	assert_int_equal(guest_build(&p, &img, err, sizeof(err)), 0);
	check_image(&img, p.memory_bytes);
	assert_string_equal(img.format, "multiboot");
	assert_int_equal(img.boot.rip, 0x100010);
	assert_int_equal(img.boot.rax, 0x2badb002);
	assert_int_equal(img.boot.rbx, GUEST_BOOTINFO_GPA);
	kc = chunk_at(&img, 0x100000);
	assert_non_null(kc);
	assert_int_equal(kc->len, 0x1000);		/* p_filesz; p_memsz 0x1800 */
	mbi = chunk_at(&img, GUEST_BOOTINFO_GPA)->data;
	data = chunk_at(&img, GUEST_BOOTDATA_GPA)->data;
	assert_int_equal(get32(mbi) & 0x24d, 0x24d);		/* mem, cmdline, mods, mmap, name */
	assert_int_equal(get32(mbi + 4), 639);
	assert_int_equal(get32(mbi + 8), 127 * 1024);
	assert_string_equal(chunk_at(&img, get32(mbi + 16))->data, "/boot/test.elf console=ttyS0 quiet");
	assert_int_equal(get32(mbi + 20), 1);
	mod = data + (get32(mbi + 24) - GUEST_BOOTDATA_GPA);
	assert_int_equal(get32(mod + 4) - get32(mod), sizeof(initrd_data));
	assert_int_equal(get32(mod) % 4096, 0);
	assert_string_equal(data + (get32(mod + 8) - GUEST_BOOTDATA_GPA), "initrd.gz");
	assert_int_equal(get32(mbi + 44), 4 * 24);		/* mmap_length */
	assert_int_equal(get32(data + 3 * 24), 20);
	assert_int_equal(get64(data + 3 * 24 + 4), 0x100000);
	assert_string_equal(data + (get32(mbi + 64) - GUEST_BOOTDATA_GPA), "xenolith");
	guest_image_free(&img);
	free(k);

	k = make_mb_aout(&len);
	p = params(k, len);
	p.cmdline = "";
	assert_int_equal(guest_build(&p, &img, err, sizeof(err)), 0);
	check_image(&img, p.memory_bytes);
	assert_int_equal(img.boot.rip, 0x100080);
	kc = chunk_at(&img, 0x100000);
	assert_non_null(kc);
	assert_int_equal(kc->len, 0x10000);
	assert_memory_equal(kc->data, k, 0x800);
	assert_int_equal(((uint8_t *)kc->data)[0xffff], 0);
	assert_string_equal(chunk_at(&img, GUEST_CMDLINE_GPA)->data, "vmlinuz");
	guest_image_free(&img);
	free(k);
}

static void test_multiboot_errors(void **state)
{
	size_t len;
	uint8_t *k = make_mb_aout(&len), *t;
	struct guest_params p = params(k, len);
	(void)state;

	put_mb_header(k + 0x40, 0x10003 | 0x8);
	expect_error(&p, "features 0x8");
	put_mb_header(k + 0x40, 0x3);
	expect_error(&p, "neither ELF nor with the a.out kludge");
	put_mb_header(k + 0x40, 0x10003);
	put32(k + 0x4c, 0x100800);		/* header_addr past the file's start */
	expect_error(&p, "header_addr");
	put32(k + 0x4c, 0x100040);
	put32(k + 0x54, 0x200000);		/* load_end past the file */
	expect_error(&p, "load_end_addr");
	put32(k + 0x54, 0);
	put32(k + 0x58, 0x100100);		/* bss_end inside the image */
	expect_error(&p, "bss_end_addr");
	put32(k + 0x58, 0x110000);
	put32(k + 0x5c, 0x200000);
	expect_error(&p, "entry_addr");
	put32(k + 0x5c, 0x100080);
	put32(k + 0x50, 0xc0000);		/* load_addr in the ACPI area */
	put32(k + 0x4c, 0xc0040);
	put32(k + 0x58, 0);
	put32(k + 0x5c, 0xc0080);
	expect_error(&p, "not in the domain's RAM");
	free(k);

	k = make_mb_aout(&len);
	p = params(k, len);
	for (size_t n = 1; n <= len; n++) {
		t = file_copy(k, n);
		p.kernel = t;
		p.kernel_len = n;
		build_any(&p);
		free(t);
	}
	free(k);
	k = make_mb_elf(&len);
	p = params(k, len);
	for (size_t n = 1; n <= len; n += 7) {
		t = file_copy(k, n);
		p.kernel = t;
		p.kernel_len = n;
		build_any(&p);
		free(t);
	}
	p = params(k, len);
	put32(k + 24, 0x12345678);
	expect_error(&p, "ELF entry 0x12345678 is outside");
	free(k);

	const char junk[] = "#!/bin/sh\necho not a kernel\n";
	p = params(junk, sizeof(junk));
	expect_error(&p, "vmlinuz: not a kernel: no bzImage, ELF or multiboot header");
}

/* Random corruption of each format's headers: an error or a sound image, never a crash. */
static void test_corrupt(void **state)
{
	uint8_t *(*make[])(size_t *) = { make_bzimage, make_mb_elf, make_mb_aout };
	unsigned int seed = 12345, i, j, f;
	size_t len;
	(void)state;

	for (f = 0; f < 4; f++) {
		uint8_t *orig = f == 3 ? make_elf64(&len, 1) : make[f](&len);

		for (i = 0; i < 3000; i++) {
			uint8_t *k = file_copy(orig, len);
			struct guest_params p = params(k, len);

			for (j = 0; j < 1 + i % 4; j++) {
				seed = seed * 1103515245 + 12345;
				size_t off = (seed >> 8) % (len < 0x300 ? len : 0x300);
				if (f == 2 || (f == 1 && i % 2))
					off = 0x40 + (seed >> 8) % 0x40 + (f == 1 ? 0xfc0 : 0);
				seed = seed * 1103515245 + 12345;
				k[off] = (uint8_t)(seed >> 16);
			}
			build_any(&p);
			free(k);
		}
		free(orig);
	}
}

/* The live root's kernel, when the ISO build has left it in build/root/boot. */
static void test_real_vmlinuz(void **state)
{
	const char *env = getenv("GUEST_TEST_VMLINUZ");
	struct guest_image img;
	glob_t g = { 0 };
	char err[256];
	uint8_t *k;
	long len;
	FILE *f;
	(void)state;

	if (!env && (glob(TOP_DIR "/build/root/boot/vmlinuz-*", 0, NULL, &g) || !g.gl_pathc)) {
		printf("test_real_vmlinuz: no build/root/boot/vmlinuz-* (run make iso), nothing to check\n");
		globfree(&g);
		return;
	}
	f = fopen(env ? env : g.gl_pathv[0], "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	k = malloc(len);
	assert_non_null(k);
	assert_int_equal(fread(k, 1, len, f), (size_t)len);
	fclose(f);

	struct guest_params p = params(k, len);
	assert_int_equal(guest_build(&p, &img, err, sizeof(err)), 0);
	check_image(&img, p.memory_bytes);
	assert_string_equal(img.format, "bzImage");
	assert_int_equal(img.boot.rip, get64(k + 0x258));	/* pref_address */
	printf("test_real_vmlinuz: %s: protocol %u.%02u, entry 0x%llx, init_size %u KiB, %u chunks\n",
	       env ? env : g.gl_pathv[0], k[0x207], k[0x206], (unsigned long long)img.boot.rip,
	       get32(k + 0x260) >> 10, img.nr_chunks);
	guest_image_free(&img);

	p.memory_bytes = 16 * MiB;			/* too small for a distribution kernel */
	expect_error(&p, "needs RAM up to");
	free(k);
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bzimage),
		cmocka_unit_test(test_tsc_rate_on_command_line),
		cmocka_unit_test(test_bzimage_variants),
		cmocka_unit_test(test_bzimage_errors),
		cmocka_unit_test(test_elf_pvh),
		cmocka_unit_test(test_elf_errors),
		cmocka_unit_test(test_multiboot),
		cmocka_unit_test(test_multiboot_errors),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_real_vmlinuz),
	};
	size_t i;

	for (i = 0; i < sizeof(initrd_data); i++)
		initrd_data[i] = (uint8_t)(i * 13);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
