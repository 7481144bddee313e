/* acpi.h - dom0's view of the firmware tables: our MADT, no IOMMU tables. */
#ifndef XENOLITH_ACPI_H
#define XENOLITH_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "acpi_tables.h"

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
