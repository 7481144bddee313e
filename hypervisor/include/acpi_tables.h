/* acpi_tables.h - ACPI table layouts (ACPI 6.x chapter 5.2); for the hypervisor and the tools. */
#ifndef XENOLITH_ACPI_TABLES_H
#define XENOLITH_ACPI_TABLES_H

#include <stdint.h>

struct acpi_rsdp {
	char signature[8];		/* 0x00: "RSD PTR " */
	uint8_t checksum;		/* 0x08: first 20 bytes */
	char oem_id[6];			/* 0x09 */
	uint8_t revision;		/* 0x0f: 0 = ACPI 1.0, 2 = 2.0+ */
	uint32_t rsdt;			/* 0x10 */
	uint32_t length;		/* 0x14: 36 */
	uint64_t xsdt;			/* 0x18 */
	uint8_t ext_checksum;		/* 0x20: all 36 bytes */
	uint8_t reserved[3];		/* 0x21 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP size");

struct acpi_header {
	char signature[4];		/* 0x00 */
	uint32_t length;		/* 0x04 */
	uint8_t revision;		/* 0x08 */
	uint8_t checksum;		/* 0x09: the whole table sums to 0 */
	char oem_id[6];			/* 0x0a */
	char oem_table_id[8];		/* 0x10 */
	uint32_t oem_revision;		/* 0x18 */
	char creator_id[4];		/* 0x1c */
	uint32_t creator_revision;	/* 0x20 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI header size");

/* Generic Address Structure (ACPI 6.x §5.2.3.2). */
struct acpi_gas {
	uint8_t space_id;		/* 0x00: 1 = system I/O */
	uint8_t bit_width;		/* 0x01 */
	uint8_t bit_offset;		/* 0x02 */
	uint8_t access_size;		/* 0x03: 1 = byte */
	uint64_t address;		/* 0x04 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS size");

/* FADT, revision 6 (ACPI 6.0 §5.2.9). */
struct acpi_fadt {
	struct acpi_header hdr;		/* 0x00: "FACP" */
	uint32_t firmware_ctrl;		/* 0x24: FACS */
	uint32_t dsdt;			/* 0x28 */
	uint8_t reserved1;		/* 0x2c */
	uint8_t pm_profile;		/* 0x2d */
	uint16_t sci_int;		/* 0x2e */
	uint32_t smi_cmd;		/* 0x30: 0 = no SMI, ACPI always enabled */
	uint8_t acpi_enable;		/* 0x34 */
	uint8_t acpi_disable;		/* 0x35 */
	uint8_t s4bios_req;		/* 0x36 */
	uint8_t pstate_cnt;		/* 0x37 */
	uint32_t pm1a_evt_blk;		/* 0x38 */
	uint32_t pm1b_evt_blk;		/* 0x3c */
	uint32_t pm1a_cnt_blk;		/* 0x40 */
	uint32_t pm1b_cnt_blk;		/* 0x44 */
	uint32_t pm2_cnt_blk;		/* 0x48 */
	uint32_t pm_tmr_blk;		/* 0x4c */
	uint32_t gpe0_blk;		/* 0x50 */
	uint32_t gpe1_blk;		/* 0x54 */
	uint8_t pm1_evt_len;		/* 0x58 */
	uint8_t pm1_cnt_len;		/* 0x59 */
	uint8_t pm2_cnt_len;		/* 0x5a */
	uint8_t pm_tmr_len;		/* 0x5b */
	uint8_t gpe0_blk_len;		/* 0x5c */
	uint8_t gpe1_blk_len;		/* 0x5d */
	uint8_t gpe1_base;		/* 0x5e */
	uint8_t cst_cnt;		/* 0x5f */
	uint16_t p_lvl2_lat;		/* 0x60: > 100: no C2 */
	uint16_t p_lvl3_lat;		/* 0x62: > 1000: no C3 */
	uint16_t flush_size;		/* 0x64 */
	uint16_t flush_stride;		/* 0x66 */
	uint8_t duty_offset;		/* 0x68 */
	uint8_t duty_width;		/* 0x69 */
	uint8_t day_alrm;		/* 0x6a */
	uint8_t mon_alrm;		/* 0x6b */
	uint8_t century;		/* 0x6c */
	uint16_t iapc_boot_arch;	/* 0x6d */
	uint8_t reserved2;		/* 0x6f */
	uint32_t flags;			/* 0x70 */
	struct acpi_gas reset_reg;	/* 0x74 */
	uint8_t reset_value;		/* 0x80 */
	uint16_t arm_boot_arch;		/* 0x81 */
	uint8_t minor_revision;		/* 0x83 */
	uint64_t x_firmware_ctrl;	/* 0x84 */
	uint64_t x_dsdt;		/* 0x8c */
	struct acpi_gas x_blocks[8];	/* 0x94: X_PM1a_EVT_BLK .. X_GPE1_BLK: 0,
					 * the OS takes the 32-bit blocks */
	struct acpi_gas sleep_control;	/* 0xf4 */
	struct acpi_gas sleep_status;	/* 0x100 */
	uint64_t hypervisor_id;		/* 0x10c */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT size");

#define ACPI_FADT_WBINVD		(1u << 0)
#define ACPI_FADT_PROC_C1		(1u << 2)
#define ACPI_FADT_PWR_BUTTON		(1u << 4)	/* set: no fixed-feature power button */
#define ACPI_FADT_SLP_BUTTON		(1u << 5)	/* set: no fixed-feature sleep button */
#define ACPI_FADT_FIX_RTC		(1u << 6)	/* set: no RTC wake status in PM1 */
#define ACPI_FADT_TMR_VAL_EXT		(1u << 8)	/* set: 32-bit PM timer */
#define ACPI_FADT_RESET_REG_SUP		(1u << 10)
#define ACPI_FADT_HW_REDUCED		(1u << 20)

/* IAPC_BOOT_ARCH (ACPI 6.x table 5-35). */
#define ACPI_BOOT_ARCH_LEGACY_DEVICES	(1u << 0)
#define ACPI_BOOT_ARCH_8042		(1u << 1)	/* set: an 8042 is present */
#define ACPI_BOOT_ARCH_NO_VGA		(1u << 2)
#define ACPI_BOOT_ARCH_NO_MSI		(1u << 3)
#define ACPI_BOOT_ARCH_NO_CMOS_RTC	(1u << 5)

struct acpi_facs {
	char signature[4];		/* 0x00: "FACS" */
	uint32_t length;		/* 0x04: 64 */
	uint32_t hw_signature;		/* 0x08 */
	uint32_t waking_vector;		/* 0x0c */
	uint32_t global_lock;		/* 0x10 */
	uint32_t flags;			/* 0x14 */
	uint64_t x_waking_vector;	/* 0x18 */
	uint8_t version;		/* 0x20: 2 */
	uint8_t reserved[31];		/* 0x21 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS size");

/* MADT (ACPI 6.x §5.2.12) and its entries. */
struct acpi_madt {
	struct acpi_header hdr;		/* 0x00: "APIC" */
	uint32_t lapic_addr;		/* 0x24 */
	uint32_t flags;			/* 0x28: bit 0 PCAT_COMPAT */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT size");

struct acpi_madt_lapic {
	uint8_t type;			/* 0x0: 0 */
	uint8_t length;			/* 0x1: 8 */
	uint8_t processor_uid;		/* 0x2: ACPI processor UID */
	uint8_t apic_id;		/* 0x3 */
	uint32_t flags;			/* 0x4: bit 0 enabled */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT LAPIC entry size");

struct acpi_madt_ioapic {
	uint8_t type;			/* 0x0: 1 */
	uint8_t length;			/* 0x1: 12 */
	uint8_t id;			/* 0x2 */
	uint8_t reserved;		/* 0x3 */
	uint32_t addr;			/* 0x4 */
	uint32_t gsi_base;		/* 0x8 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT IOAPIC entry size");

struct acpi_madt_iso {
	uint8_t type;			/* 0x0: 2 */
	uint8_t length;			/* 0x1: 10 */
	uint8_t bus;			/* 0x2: 0, ISA */
	uint8_t source;			/* 0x3: ISA IRQ */
	uint32_t gsi;			/* 0x4 */
	uint16_t flags;			/* 0x8: ACPI_MPS_* */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_iso) == 10, "MADT interrupt source override size");

/* MPS INTI flags of an interrupt source override (ACPI 6.x §5.2.12.5). */
#define ACPI_MPS_ACTIVE_HIGH	0x1
#define ACPI_MPS_EDGE		(0x1 << 2)
#define ACPI_MPS_LEVEL		(0x3 << 2)

#endif
