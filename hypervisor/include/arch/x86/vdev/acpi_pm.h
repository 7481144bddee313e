/* acpi_pm.h - emulated ACPI fixed hardware: PM1a event and control blocks, PM timer, power button and SCI. */
#ifndef XENOLITH_ARCH_X86_VDEV_ACPI_PM_H
#define XENOLITH_ARCH_X86_VDEV_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Port map, for the FADT (ACPI 6.5 §5.2.9): PM1a_EVT_BLK (PM1_EVT_LEN 4),
 * PM1a_CNT_BLK (PM1_CNT_LEN 2), PM_TMR_BLK (PM_TMR_LEN 4). No PM1b, PM2
 * or GPE blocks; SMI_CMD must be 0 (always in ACPI mode: SCI_EN reads 1
 * from power-up, §4.8.2.5); FADT flag TMR_VAL_EXT must be 0 (24-bit timer).
 */
#define ACPI_PM_BASE		0x600u
#define ACPI_PM_PM1A_EVT	0x600u
#define ACPI_PM_PM1_EVT_LEN	4u
#define ACPI_PM_PM1A_CNT	0x604u
#define ACPI_PM_PM1_CNT_LEN	2u
#define ACPI_PM_PM_TMR		0x608u
#define ACPI_PM_PM_TMR_LEN	4u
#define ACPI_PM_IO_LEN		12u	/* 0x600-0x60b; 0x606-0x607 unused */
#define ACPI_PM_SCI_IRQ		9u	/* FADT SCI_INT: ISA IRQ 9, level, active high */
#define ACPI_PM_TMR_HZ		3579545u
#define ACPI_PM_TMR_BITS	24u

/* SLP_TYP written for soft-off: the DSDT's \_S5 package must hold this
 * value (QEMU's DSDT uses the same). */
#define ACPI_PM_SLP_TYP_S5	5u

/* PM1 status/enable bits (ACPI 6.5 §4.8.4.1, tables 4.16-4.17). */
#define ACPI_PM1_TMR		0x0001u	/* TMR_STS/TMR_EN: not implemented */
#define ACPI_PM1_GBL		0x0020u
#define ACPI_PM1_PWRBTN		0x0100u	/* PWRBTN_STS/PWRBTN_EN */
#define ACPI_PM1_SLPBTN		0x0200u
#define ACPI_PM1_RTC		0x0400u
#define ACPI_PM1_WAK_STS	0x8000u
/* PM1 control bits (ACPI 6.5 §4.8.4.2, table 4.18). */
#define ACPI_PM1_CNT_SCI_EN	0x0001u
#define ACPI_PM1_CNT_BM_RLD	0x0002u
#define ACPI_PM1_CNT_GBL_RLS	0x0004u	/* write-only */
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP	0x1c00u
#define ACPI_PM1_CNT_SLP_EN	0x2000u	/* write-only */

/* What the block calls; opaque is the one given to acpi_pm_init(). Both
 * are called from inside acpi_pm_* calls and must not call back in. */
struct acpi_pm_ops {
	/* now_ns: monotonic nanoseconds (the hypervisor's clock). */
	uint64_t (*now_ns)(void *opaque);
	/* set_sci: the SCI line's new level (ACPI_PM_SCI_IRQ); on change only. */
	void (*set_sci)(void *opaque, bool level);
	/* sleep: the guest wrote SLP_EN with slp_typ (0-7). The domain powers
	 * off for ACPI_PM_SLP_TYP_S5; other values name no state our DSDT
	 * offers: the callee ignores them and the guest sees an immediate
	 * wake (WAK_STS set). */
	void (*sleep)(void *opaque, unsigned int slp_typ);
};

/* The block's state; the caller serialises all calls on one acpi_pm. */
struct acpi_pm {
	const struct acpi_pm_ops *ops;
	void *opaque;
	uint16_t sts;		/* PM1_STS */
	uint16_t en;		/* PM1_EN */
	uint16_t cnt;		/* PM1_CNT, write-only bits 0 */
	uint32_t tmr;		/* PM timer value of the access in progress */
	bool sci;		/* the level last given to set_sci */
};

/*
 * acpi_pm_init: p at power-up: status and enables 0, SCI_EN 1, SCI low.
 * All three ops are required. Returns 0, or -EINVAL.
 */
int acpi_pm_init(struct acpi_pm *p, const struct acpi_pm_ops *ops,
		 void *opaque);

/*
 * acpi_pm_io: a guest access to port (absolute) of size 1, 2 or 4 within
 * ACPI_PM_BASE .. +ACPI_PM_IO_LEN-1; wider accesses are byte cycles at
 * port, port+1, ... (a 32-bit PM timer read is one sample); other ports
 * read 0xff and ignore writes, other sizes read all ones. PM1_STS bits
 * are write-1-to-clear; PM_TMR is read-only (bits 24-31 read 0); SLP_EN
 * and GBL_RLS read 0. SCI = (PM1_STS & PM1_EN) != 0 && SCI_EN.
 */
void acpi_pm_io(struct acpi_pm *p, uint16_t port, unsigned int size, bool in,
		uint32_t *val);

/* acpi_pm_press_power_button: the power button was pressed: PWRBTN_STS
 * set, SCI raised if PWRBTN_EN (Linux's ACPI button driver then powers
 * off through \_S5). */
void acpi_pm_press_power_button(struct acpi_pm *p);

#endif
