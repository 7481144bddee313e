/* dom0's ACPI tables: new RSDP/XSDT/RSDT and MADT; IOMMU tables hidden. */
#include <stdbool.h>
#include <stdint.h>

#include "acpi.h"
#include "errno.h"
#include "lib.h"
#include "page_alloc.h"
#include "printk.h"

#define ACPI_MAX_TABLES 64

/* Physical memory is identity-mapped; hide the constant from the compiler,
 * which takes low fixed addresses for NULL-based pointers. */
static void *acpi_ptr(uint64_t pa)
{
	uintptr_t a = pa;

	__asm__("" : "+r"(a));
	return (void *)a;
}

static uint8_t acpi_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s += *b++;
	return s;
}

static bool acpi_rsdp_valid(const struct acpi_rsdp *r)
{
	return !memcmp(r->signature, "RSD PTR ", 8) && acpi_sum(r, 20) == 0;
}

static const struct acpi_rsdp *acpi_scan(uint64_t start, uint64_t end)
{
	for (; start + sizeof(struct acpi_rsdp) <= end; start += 16)
		if (acpi_rsdp_valid(acpi_ptr(start)))
			return acpi_ptr(start);
	return NULL;
}

int acpi_find_rsdp(const uint8_t *loader_copy, struct acpi_rsdp *out)
{
	const struct acpi_rsdp *r = NULL;
	uint64_t ebda = (uint64_t)*(const uint16_t *)acpi_ptr(0x40e) << 4;

	memset(out, 0, sizeof(*out));
	if (loader_copy && acpi_rsdp_valid((const void *)loader_copy)) {
		const struct acpi_rsdp *c = (const void *)loader_copy;

		memcpy(out, c, c->revision >= 2 ? sizeof(*out) : 20);
		return 0;
	}
	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = acpi_scan(ebda, ebda + 1024);
	if (!r)
		r = acpi_scan(0xe0000, 0x100000);
	if (!r)
		return -ENOENT;
	memcpy(out, r, r->revision >= 2 ? sizeof(*out) : 20);
	return 0;
}

/* The firmware's table list, from the XSDT when there is one. */
static unsigned int acpi_fw_tables(const struct acpi_rsdp *fw, uint64_t *tables)
{
	const struct acpi_header *h;
	unsigned int i, n = 0, count;

	if (fw->revision >= 2 && fw->xsdt) {
		h = acpi_ptr(fw->xsdt);
		count = (h->length - sizeof(*h)) / 8;
		for (i = 0; i < count && n < ACPI_MAX_TABLES; i++) {
			uint64_t a;

			memcpy(&a, (const uint8_t *)(h + 1) + 8 * i, 8);
			tables[n++] = a;
		}
		return n;
	}
	if (!fw->rsdt)
		return 0;
	h = acpi_ptr(fw->rsdt);
	count = (h->length - sizeof(*h)) / 4;
	for (i = 0; i < count && n < ACPI_MAX_TABLES; i++) {
		uint32_t a;

		memcpy(&a, (const uint8_t *)(h + 1) + 4 * i, 4);
		tables[n++] = a;
	}
	return n;
}

const struct acpi_madt *acpi_find_madt(const struct acpi_rsdp *fw)
{
	static uint64_t tables[ACPI_MAX_TABLES];
	unsigned int n = acpi_fw_tables(fw, tables), i;

	for (i = 0; i < n; i++) {
		const struct acpi_header *h = acpi_ptr(tables[i]);

		if (tables[i] && !memcmp(h->signature, "APIC", 4) &&
		    h->length >= sizeof(struct acpi_madt))
			return (const struct acpi_madt *)h;
	}
	return NULL;
}

/* Build our MADT at dst from the firmware's, with nr_cpus LAPICs of APIC
 * IDs 0..nr_cpus-1; returns its length or 0. */
static size_t acpi_build_madt(const struct acpi_madt *fw, void *dst, size_t room,
			      unsigned int nr_cpus)
{
	struct acpi_madt *m = dst;
	struct acpi_madt_lapic *cpu;
	const uint8_t *p = (const uint8_t *)(fw + 1);
	const uint8_t *end = (const uint8_t *)fw + fw->hdr.length;
	uint8_t uids[ACPI_DOM0_MAX_CPUS];
	unsigned int nr_uids = 0, i;
	uint8_t *out;

	if (nr_cpus > ACPI_DOM0_MAX_CPUS ||
	    room < sizeof(*m) + nr_cpus * sizeof(*cpu) ||
	    fw->hdr.length > room - nr_cpus * sizeof(*cpu))
		return 0;
	memcpy(m, fw, sizeof(*m));
	cpu = (void *)(m + 1);
	out = (uint8_t *)(cpu + nr_cpus);
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		switch (p[0]) {
		case 0:		/* processor local APIC: ours instead, below */
			if (p[1] >= 8 && (p[4] & 1) && nr_uids < ACPI_DOM0_MAX_CPUS)
				uids[nr_uids++] = p[2];
			break;
		case 1:		/* I/O APIC */
		case 2:		/* interrupt source override */
		case 3:		/* NMI source */
		case 4:		/* local APIC NMI */
		case 5:		/* local APIC address override */
			memcpy(out, p, p[1]);
			out += p[1];
			break;
		default:	/* x2APIC and others name CPUs dom0 must not see */
			break;
		}
	}
	/* vCPU n: the firmware's n-th processor UID (its ACPI processor
	 * object), or n beyond the physical CPUs. */
	for (i = 0; i < nr_cpus; i++) {
		cpu[i].type = 0;
		cpu[i].length = sizeof(*cpu);
		cpu[i].processor_uid = i < nr_uids ? uids[i] : (uint8_t)i;
		cpu[i].apic_id = (uint8_t)i;	/* vCPU i's virtual LAPIC */
		cpu[i].flags = 1;
	}
	m->hdr.length = out - (uint8_t *)m;
	m->hdr.checksum = 0;
	m->hdr.checksum = -acpi_sum(m, m->hdr.length);
	return m->hdr.length;
}

int acpi_build_dom0(const struct acpi_rsdp *fw, uint64_t area, unsigned int nr_cpus,
		    uint64_t *rsdp_pa)
{
	static uint64_t tables[ACPI_MAX_TABLES];
	uint64_t keep[ACPI_MAX_TABLES + 1];
	unsigned int n = acpi_fw_tables(fw, tables), k = 0, i;
	uint8_t *base = acpi_ptr(area);
	struct acpi_rsdp *rsdp = (void *)base;
	struct acpi_header *xsdt, *rsdt;
	uint64_t madt_pa = area + 0x800;
	const struct acpi_header *madt_fw = NULL;
	size_t madt_len = 0;

	if (!n)
		return -ENOENT;
	memset(base, 0, ACPI_DOM0_AREA_SIZE);
	for (i = 0; i < n; i++) {
		const struct acpi_header *h = acpi_ptr(tables[i]);

		if (!tables[i])
			continue;
		if (!memcmp(h->signature, "APIC", 4)) {
			madt_fw = h;
			continue;
		}
		if (!memcmp(h->signature, "DMAR", 4) || !memcmp(h->signature, "IVRS", 4)) {
			printk(PRINTK_INFO, "ACPI: %.4s hidden from dom0\n", h->signature);
			continue;
		}
		keep[k++] = tables[i];
	}
	if (madt_fw) {
		madt_len = acpi_build_madt((const void *)madt_fw, acpi_ptr(madt_pa),
					   ACPI_DOM0_AREA_SIZE - 0x800, nr_cpus);
		if (!madt_len)
			return -ENOSPC;
		keep[k++] = madt_pa;
	}
	if (sizeof(*rsdp) + 2 * sizeof(*xsdt) + k * 12 > 0x800)
		return -ENOSPC;

	xsdt = (void *)(base + 0x40);
	memcpy(xsdt, acpi_ptr(fw->revision >= 2 && fw->xsdt ? fw->xsdt : fw->rsdt),
	       sizeof(*xsdt));
	memcpy(xsdt->signature, "XSDT", 4);
	xsdt->length = sizeof(*xsdt) + 8 * k;
	xsdt->revision = 1;
	memcpy(xsdt + 1, keep, 8 * k);
	xsdt->checksum = 0;
	xsdt->checksum = -acpi_sum(xsdt, xsdt->length);

	rsdt = (void *)((uint8_t *)xsdt + ((xsdt->length + 15) & ~15u));
	memcpy(rsdt, xsdt, sizeof(*rsdt));
	memcpy(rsdt->signature, "RSDT", 4);
	rsdt->length = sizeof(*rsdt) + 4 * k;
	for (i = 0; i < k; i++) {
		uint32_t a = keep[i];

		memcpy((uint8_t *)(rsdt + 1) + 4 * i, &a, 4);
	}
	rsdt->checksum = 0;
	rsdt->checksum = -acpi_sum(rsdt, rsdt->length);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, fw->oem_id, 6);
	rsdp->revision = 2;
	rsdp->rsdt = (uint32_t)(area + ((uint8_t *)rsdt - base));
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt = area + 0x40;
	rsdp->checksum = -acpi_sum(rsdp, 20);
	rsdp->ext_checksum = -acpi_sum(rsdp, sizeof(*rsdp));
	*rsdp_pa = area;
	printk(PRINTK_INFO, "ACPI: dom0 tables at %#llx: %u tables, MADT with %u CPU%s "
	       "(APIC ids 0-%u)\n", (unsigned long long)area, k, nr_cpus,
	       nr_cpus == 1 ? "" : "s", nr_cpus - 1);
	return 0;
}

static bool acpi_page_has_pointer(const uint8_t *page)
{
	unsigned int off;

	for (off = 0; off < 4096; off += 16)
		if (!memcmp(page + off, "_MP_", 4) || !memcmp(page + off, "RSD PTR ", 8))
			return true;
	return false;
}

static int acpi_shadow_page(uint64_t gpa, int (*map)(uint64_t, uint64_t, void *),
			    void *ctx)
{
	uint8_t *copy;
	uint64_t pa;
	unsigned int off;
	int ret;

	if (!acpi_page_has_pointer(acpi_ptr(gpa)))
		return 0;
	ret = page_alloc_pages(0, &pa);
	if (ret)
		return ret;
	copy = page_alloc_virt(pa);
	memcpy(copy, acpi_ptr(gpa), 4096);
	for (off = 0; off < 4096; off += 16) {
		if (!memcmp(copy + off, "_MP_", 4))
			memset(copy + off, 0, 4);
		if (!memcmp(copy + off, "RSD PTR ", 8))
			memset(copy + off, 0, 8);
	}
	ret = map(gpa, pa, ctx);
	return ret ? ret : 1;
}

int acpi_shadow_legacy(int (*map)(uint64_t gpa, uint64_t hpa, void *ctx), void *ctx)
{
	uint64_t ebda = (uint64_t)*(const uint16_t *)acpi_ptr(0x40e) << 4;
	uint64_t pages[2 + 32];
	unsigned int n = 0, i;
	int ret, total = 0;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		pages[n++] = ebda & ~0xfffull;
	if (!n || pages[0] != 0x9f000)
		pages[n++] = 0x9f000;
	for (i = 0; i < 32; i++)
		pages[n++] = 0xe0000 + i * 0x1000ull;
	for (i = 0; i < n; i++) {
		ret = acpi_shadow_page(pages[i], map, ctx);
		if (ret < 0)
			return ret;
		total += ret;
	}
	return total;
}
