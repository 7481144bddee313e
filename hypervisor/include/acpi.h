/* acpi.h - dom0's view of the firmware tables: our MADT, no IOMMU tables. */
#ifndef XENOLITH_ACPI_H
#define XENOLITH_ACPI_H

#include <stddef.h>
#include <stdint.h>

struct acpi_rsdp {
	char signature[8];		/* 0x00: "RSD PTR " */
	uint8_t checksum;		/* 0x08: first 20 bytes */
	char oem_id[6];			/* 0x09 */
	uint8_t revision;		/* 0x0f: 0 = ACPI 1.0, 2 = 2.0+ */
	uint32_t rsdt;			/* 0x10 */
	uint32_t length;		/* 0x14 */
	uint64_t xsdt;			/* 0x18 */
	uint8_t ext_checksum;		/* 0x20: all 36 bytes */
	uint8_t reserved[3];		/* 0x21 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP size");

struct acpi_header {
	char signature[4];		/* 0x00 */
	uint32_t length;		/* 0x04 */
	uint8_t revision;		/* 0x08 */
	uint8_t checksum;		/* 0x09 */
	char oem_id[6];			/* 0x0a */
	char oem_table_id[8];		/* 0x10 */
	uint32_t oem_revision;		/* 0x18 */
	uint32_t creator_id;		/* 0x1c */
	uint32_t creator_revision;	/* 0x20 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI header size");

struct acpi_madt {
	struct acpi_header hdr;		/* 0x00: "APIC" */
	uint32_t lapic_addr;		/* 0x24 */
	uint32_t flags;			/* 0x28 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT size");

struct acpi_madt_lapic {
	uint8_t type;			/* 0x0: 0 */
	uint8_t length;			/* 0x1: 8 */
	uint8_t processor_uid;		/* 0x2 */
	uint8_t apic_id;		/* 0x3 */
	uint32_t flags;			/* 0x4: bit 0 enabled */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT LAPIC entry size");

/* Bytes acpi_build_dom0() needs at most. */
#define ACPI_DOM0_AREA_SIZE 0x2000
/* Most CPUs in dom0's MADT (APIC IDs fit 8 bits, 0xff is broadcast). */
#define ACPI_DOM0_MAX_CPUS 64

/*
 * acpi_find_rsdp: the firmware's RSDP, from the copy the loader gave
 * (multiboot2 ACPI tags; may be NULL) or found in the EBDA / BIOS area.
 * Copies it into *out. Returns 0 or -ENOENT.
 */
int acpi_find_rsdp(const uint8_t *loader_copy, struct acpi_rsdp *out);

/* acpi_find_madt: the firmware's MADT ("APIC"), or NULL. */
const struct acpi_madt *acpi_find_madt(const struct acpi_rsdp *fw);

/*
 * acpi_build_dom0: write at area (physical, ACPI_DOM0_AREA_SIZE bytes,
 * identity-mapped for dom0) a new RSDP, XSDT and RSDT listing the
 * firmware's tables except MADT, DMAR and IVRS, plus a MADT with nr_cpus
 * enabled LAPICs, APIC ids 0 to nr_cpus-1 (dom0's vCPUs and their
 * virtual LAPICs; processor UIDs the firmware's, in its order), the
 * IOAPIC, interrupt-override and NMI entries. *rsdp_pa receives the new
 * RSDP's address. Returns 0, -ENOENT (no usable RSDT/XSDT) or -ENOSPC
 * (also nr_cpus above ACPI_DOM0_MAX_CPUS). Boot CPU.
 */
int acpi_build_dom0(const struct acpi_rsdp *fw, uint64_t area, unsigned int nr_cpus,
		    uint64_t *rsdp_pa);

/*
 * acpi_shadow_legacy: for each 4 KiB page of the EBDA and the BIOS area
 * (0xe0000-0xfffff) holding an MP floating pointer ("_MP_") or an RSDP,
 * make a copy with those signatures erased and call map(gpa, copy_pa, ctx)
 * so dom0 sees the copy: it finds neither the MP table (which lists every
 * CPU) nor the firmware's RSDP. Returns the number of pages shadowed or
 * -errno. Boot CPU.
 */
int acpi_shadow_legacy(int (*map)(uint64_t gpa, uint64_t hpa, void *ctx), void *ctx);

#endif
