/* guest_build.c - the domain builder's frame: checks, format dispatch, RAM ranges and chunks. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"

int guest_fail(struct guest_ctx *c, int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->errlen) {
		n = snprintf(c->err, c->errlen, "%s: ", c->name);
		if (n >= 0 && (size_t)n < c->errlen) {
			va_start(ap, fmt);
			vsnprintf(c->err + n, c->errlen - n, fmt, ap);
			va_end(ap);
		}
	}
	return -errnum;
}

const char *guest_size_str(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	if (bytes % 1024 == 0 && bytes) {
		while (u < 4 && bytes % 1024 == 0) {
			bytes >>= 10;
			u++;
		}
		snprintf(buf, len, "%" PRIu64 " %s", bytes, unit[u]);
	} else if (bytes < (1u << 20)) {
		snprintf(buf, len, "%" PRIu64 " bytes", bytes);
	} else {
		for (u = 2; u < 4 && bytes >> (10 * u) >= 1024; u++)
			;
		snprintf(buf, len, "%.1f %s", (double)bytes / (1ull << (10 * u)), unit[u]);
	}
	return buf;
}

/* Is [start, end) inside one e820 entry of type type? */
static int in_e820(const struct guest_ctx *c, uint64_t start, uint64_t end, uint32_t type)
{
	unsigned int i;

	for (i = 0; i < c->nr_e820; i++)
		if (c->e820[i].type == type && start >= c->e820[i].addr &&
		    end <= c->e820[i].addr + c->e820[i].size)
			return 1;
	return 0;
}

/* Take [start, end) for what, after the checks guest_reserve promises. */
static int take(struct guest_ctx *c, uint64_t start, uint64_t end, const char *what, int acpi)
{
	char a[32], b[32];
	unsigned int i;

	if (end <= start || end - start > GUEST_MEM_MAX)
		return guest_fail(c, EINVAL, "%s at 0x%" PRIx64 " has a bad size", what, start);
	if (acpi ? start < GUEST_ACPI_BASE || end > GUEST_ACPI_END
		 : !in_e820(c, start, end, GUEST_E820_RAM))
		return guest_fail(c, ENOSPC, "%s at 0x%" PRIx64 "-0x%" PRIx64
				  " is not in the domain's RAM (%s, %s below 4 GiB)",
				  what, start, end - 1,
				  guest_size_str(c->p->memory_bytes, a, sizeof(a)),
				  guest_size_str(c->low_end, b, sizeof(b)));
	for (i = 0; i < c->nr_ranges; i++)
		if (start < c->ranges[i].end && c->ranges[i].start < end)
			return guest_fail(c, EINVAL, "%s at 0x%" PRIx64 "-0x%" PRIx64
					  " overlaps the %s at 0x%" PRIx64 "-0x%" PRIx64,
					  what, start, end - 1, c->ranges[i].what,
					  c->ranges[i].start, c->ranges[i].end - 1);
	if (c->nr_ranges == GUEST_RANGES_MAX)
		return guest_fail(c, E2BIG, "more than %u pieces to load", GUEST_RANGES_MAX);
	c->ranges[c->nr_ranges++] = (struct guest_range){ start, end, what };
	return 0;
}

int guest_reserve(struct guest_ctx *c, uint64_t start, uint64_t end, const char *what)
{
	return take(c, start, end, what, 0);
}

/* Append a chunk to the image; -ENOMEM with a message naming what. */
static int add_chunk(struct guest_ctx *c, struct guest_chunk chunk, const char *what)
{
	struct guest_image *img = c->img;
	struct guest_chunk *chunks;

	if (img->nr_chunks == c->chunk_cap) {
		unsigned int cap = c->chunk_cap ? 2 * c->chunk_cap : 8;

		chunks = realloc(img->chunks, cap * sizeof(*chunks));
		if (!chunks)
			return guest_fail(c, ENOMEM, "out of memory for the %s", what);
		c->chunk_cap = cap;
		img->chunks = chunks;
	}
	img->chunks[img->nr_chunks++] = chunk;
	return 0;
}

void *guest_add(struct guest_ctx *c, uint64_t gpa, uint64_t len, const char *what, int acpi, int *rc)
{
	void *data;

	*rc = take(c, gpa, gpa + len, what, acpi);
	if (*rc)
		return NULL;
	data = calloc(1, len);
	if (!data) {
		*rc = guest_fail(c, ENOMEM, "out of memory for the %s", what);
		return NULL;
	}
	*rc = add_chunk(c, (struct guest_chunk){ gpa, data, len, 0 }, what);
	if (*rc) {
		free(data);
		return NULL;
	}
	return data;
}

int guest_add_borrowed(struct guest_ctx *c, uint64_t gpa, uint64_t len, const void *data,
		       size_t data_len, const char *what)
{
	int rc = take(c, gpa, gpa + len, what, 0);

	if (rc || !data_len)
		return rc;
	return add_chunk(c, (struct guest_chunk){ gpa, (void *)data, data_len, 1 }, what);
}

int guest_add_initrd(struct guest_ctx *c, uint64_t limit, const char *limit_what, uint64_t *gpa)
{
	uint64_t size = c->p->ramdisk_len, top = limit < c->low_end ? limit : c->low_end;
	uint64_t a, lowest;
	const char *name;
	char s[32], m[32];
	unsigned int i;
	int rc;

	*gpa = 0;
	if (!size)
		return 0;
	for (;;) {
		if (top < size + GUEST_EXT_RAM_BASE)
			goto err_nospace;
		a = (top - size) & ~(uint64_t)(GUEST_PAGE_SIZE - 1);
		/* Below the lowest range in the way, if any: top only falls. */
		lowest = UINT64_MAX;
		for (i = 0; i < c->nr_ranges; i++)
			if (a < c->ranges[i].end && c->ranges[i].start < a + size &&
			    c->ranges[i].start < lowest)
				lowest = c->ranges[i].start;
		if (lowest == UINT64_MAX)
			break;
		top = lowest;
	}
	rc = guest_add_borrowed(c, a, size, c->p->ramdisk, size, "initrd");
	if (rc)
		return rc;
	*gpa = a;
	return 0;

err_nospace:
	name = c->p->ramdisk_name ? c->p->ramdisk_name : "initrd";
	if (c->errlen)
		snprintf(c->err, c->errlen, "%s: %s does not fit below %s in %s of RAM beside the kernel",
			 name, guest_size_str(size, s, sizeof(s)), limit_what,
			 guest_size_str(c->p->memory_bytes, m, sizeof(m)));
	return -ENOSPC;
}

int guest_add_cmdline(struct guest_ctx *c, const char *prefix, size_t max)
{
	const char *cmd = c->p->cmdline ? c->p->cmdline : "";
	size_t plen = prefix ? strlen(prefix) + (*cmd ? 1 : 0) : 0;
	size_t own = strnlen(cmd, GUEST_CMDLINE_MAX + 1), len = own + plen;
	char *dst;
	int rc;

	if (max > GUEST_CMDLINE_MAX - 1)
		max = GUEST_CMDLINE_MAX - 1;
	if (len > max)
		return guest_fail(c, E2BIG, "command line of %s%zu bytes%s%s%s is longer than the %zu "
				  "the kernel takes", own > GUEST_CMDLINE_MAX ? "over " : "",
				  own - (own > GUEST_CMDLINE_MAX), plen ? " (with '" : "",
				  plen ? prefix : "", plen ? "' added)" : "", max);
	dst = guest_add(c, GUEST_CMDLINE_GPA, len + 1, "command line", 0, &rc);
	if (!dst)
		return rc;
	if (prefix)
		snprintf(dst, len + 1, "%s%s%s", prefix, *cmd ? " " : "", cmd);
	else
		memcpy(dst, cmd, len);
	return 0;
}

/* Whether the command line sets parameter `name` (given with its '='). */
static int has_param(const char *cmdline, const char *name)
{
	size_t len = strlen(name);

	for (const char *at = cmdline; at && (at = strstr(at, name)); at += len)
		if (at == cmdline || at[-1] == ' ')
			return 1;
	return 0;
}

/* Append " param" (no space first on an empty prefix) unless cmdline sets name. */
static void add_param(char *prefix, size_t size, const char *cmdline, const char *name,
		      const char *param)
{
	size_t used = strlen(prefix);

	if (!has_param(cmdline, name))
		snprintf(prefix + used, size - used, "%s%s", used ? " " : "", param);
}

int guest_add_linux_cmdline(struct guest_ctx *c, size_t max)
{
	char prefix[96] = "", khz[32];
	const char *cmd = c->p->cmdline;

	if (c->p->tsc_khz) {
		snprintf(khz, sizeof(khz), "tsc_early_khz=%u", c->p->tsc_khz);
		add_param(prefix, sizeof(prefix), cmd, "tsc_early_khz=", khz);
		add_param(prefix, sizeof(prefix), cmd, "tsc=", GUEST_LINUX_TSC_RELIABLE);
	}
	add_param(prefix, sizeof(prefix), cmd, "pci=", GUEST_LINUX_NO_EARLY_PCI);
	return guest_add_cmdline(c, prefix[0] ? prefix : NULL, max);
}

/* Check the parameters that do not come from a file. */
static int check_params(struct guest_ctx *c)
{
	const struct guest_params *p = c->p;
	char s[32];

	if (!p->kernel || !p->kernel_len)
		return guest_fail(c, ENOEXEC, "empty file");
	if (p->ramdisk_len && !p->ramdisk)
		return guest_fail(c, EINVAL, "initrd length without its data");
	if (p->vcpus < 1 || p->vcpus > XL_MAX_VCPUS)
		return guest_fail(c, EINVAL, "%u vCPUs: a domain has 1 to %u", p->vcpus, XL_MAX_VCPUS);
	if (p->memory_bytes < GUEST_MEM_MIN || p->memory_bytes > GUEST_MEM_MAX ||
	    p->memory_bytes % GUEST_PAGE_SIZE)
		return guest_fail(c, EINVAL, "memory of %s: a domain has 16 MiB to 1 TiB, in 4 KiB pages",
				  guest_size_str(p->memory_bytes, s, sizeof(s)));
	return 0;
}

/* The ACPI tables, the same for every boot format. */
static int add_acpi(struct guest_ctx *c)
{
	uint8_t tables[GUEST_ACPI_SIZE];
	size_t len = guest_acpi_build(tables, sizeof(tables), c->p->vcpus, c->p->pci_hotplug);
	void *data;
	int rc;

	if (!len)
		return guest_fail(c, EINVAL, "ACPI tables do not fit");
	data = guest_add(c, GUEST_ACPI_BASE, len, "ACPI tables", 1, &rc);
	if (!data)
		return rc;
	memcpy(data, tables, len);
	return 0;
}

static int dispatch(struct guest_ctx *c)
{
	const uint8_t *k = c->p->kernel;
	size_t len = c->p->kernel_len;
	int rc;

	if (len >= 0x206 && !memcmp(k + 0x202, "HdrS", 4))
		return guest_bzimage_load(c);
	if (guest_elf_is_elf(k, len)) {
		rc = guest_pvh_load(c);
		if (rc != -ENOENT)
			return rc;
		rc = guest_multiboot_load(c);
		if (rc != -ENOENT)
			return rc;
		return guest_fail(c, ENOEXEC, "ELF file without a PVH entry note "
				  "(XEN_ELFNOTE_PHYS32_ENTRY, CONFIG_PVH) or multiboot header");
	}
	rc = guest_multiboot_load(c);
	if (rc != -ENOENT)
		return rc;
	return guest_fail(c, ENOEXEC, "not a kernel: no bzImage, ELF or multiboot header");
}

int guest_build(const struct guest_params *p, struct guest_image *img, char *err, size_t errlen)
{
	struct guest_ctx *c;
	int rc;

	memset(img, 0, sizeof(*img));
	if (errlen)
		err[0] = 0;
	c = calloc(1, sizeof(*c));
	if (!c) {
		if (errlen)
			snprintf(err, errlen, "%s: out of memory", p->kernel_name ? p->kernel_name : "kernel");
		return -ENOMEM;
	}
	c->p = p;
	c->img = img;
	c->err = err;
	c->errlen = errlen;
	c->name = p->kernel_name ? p->kernel_name : "kernel";
	rc = check_params(c);
	if (rc)
		goto out;
	c->low_end = p->memory_bytes < GUEST_LOW_RAM_MAX ? p->memory_bytes : GUEST_LOW_RAM_MAX;
	c->nr_e820 = guest_e820(p->memory_bytes, c->e820);
	rc = add_acpi(c);
	if (rc)
		goto out;
	img->boot.vcpu = 0;
	img->boot.mode = XL_VCPU_MODE_FLAT32;
	rc = dispatch(c);
out:
	if (rc)
		guest_image_free(img);
	free(c);
	return rc;
}

void guest_image_free(struct guest_image *img)
{
	unsigned int i;

	for (i = 0; i < img->nr_chunks; i++)
		if (!img->chunks[i].borrowed)
			free(img->chunks[i].data);
	free(img->chunks);
	img->chunks = NULL;
	img->nr_chunks = 0;
}
