/* The physical IOAPICs: found in the MADT, every pin masked, then programmed on request. */
#include <stdbool.h>
#include <stdint.h>

#include "acpi.h"
#include "errno.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/ioapic.h>

#define IOAPIC_MADT_ENTRY	1	/* MADT I/O APIC structure (ACPI §5.2.12.3) */
#define IOAPIC_MADT_OVERRIDE	2	/* Interrupt Source Override (§5.2.12.5) */
#define IOAPIC_ISA_IRQS		16
#define IOAPIC_REG_SEL		0	/* in 32-bit words of the window */
#define IOAPIC_REG_WIN		4
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_REDIR	0x10	/* pin n: 0x10 + 2n (low), +1 (high) */
#define IOAPIC_MAX_PINS		120u

static struct ioapic_chip ioapic_chips[IOAPIC_MAX];
static unsigned int ioapic_nr;
/* GSI + 1 of each ISA IRQ the MADT overrides; 0: the GSI is the IRQ. */
static unsigned int ioapic_isa_override[IOAPIC_ISA_IRQS];

static volatile uint32_t *ioapic_window(const struct ioapic_chip *c)
{
	return (volatile uint32_t *)(uintptr_t)c->base;
}

static uint32_t ioapic_read(const struct ioapic_chip *c, uint32_t reg)
{
	ioapic_window(c)[IOAPIC_REG_SEL] = reg;
	return ioapic_window(c)[IOAPIC_REG_WIN];
}

static void ioapic_write(const struct ioapic_chip *c, uint32_t reg, uint32_t val)
{
	ioapic_window(c)[IOAPIC_REG_SEL] = reg;
	ioapic_window(c)[IOAPIC_REG_WIN] = val;
}

void ioapic_program(unsigned int chip, unsigned int pin, uint64_t e)
{
	const struct ioapic_chip *c = &ioapic_chips[chip];
	uint32_t reg = IOAPIC_REG_REDIR + 2 * pin;

	if (chip >= ioapic_nr || pin >= c->pins)
		return;
	ioapic_write(c, reg, (uint32_t)e | (uint32_t)IOAPIC_RTE_MASK);
	ioapic_write(c, reg + 1, (uint32_t)(e >> 32));
	ioapic_write(c, reg, (uint32_t)e);
}

unsigned int ioapic_isa_gsi(unsigned int irq)
{
	if (irq < IOAPIC_ISA_IRQS && ioapic_isa_override[irq])
		return ioapic_isa_override[irq] - 1;
	return irq;
}

unsigned int ioapic_count(void)
{
	return ioapic_nr;
}

const struct ioapic_chip *ioapic_chip(unsigned int i)
{
	return i < ioapic_nr ? &ioapic_chips[i] : NULL;
}

/* ioapic_add: the IOAPIC at base, its pins counted and masked. */
static void ioapic_add(uint8_t id, uint64_t base, unsigned int gsi_base)
{
	struct ioapic_chip *c = &ioapic_chips[ioapic_nr];
	unsigned int pin;

	c->id = id;
	c->base = base;
	c->gsi_base = gsi_base;
	c->pins = LIB_MIN(((ioapic_read(c, IOAPIC_REG_VER) >> 16) & 0xff) + 1, IOAPIC_MAX_PINS);
	ioapic_nr++;
	for (pin = 0; pin < c->pins; pin++)
		ioapic_program(ioapic_nr - 1, pin, IOAPIC_RTE_MASK);
	printk(PRINTK_INFO, "IOAPIC: id %u at %#llx, GSIs %u-%u: owned by the hypervisor, "
	       "dom0 programs a virtual one\n", id, (unsigned long long)base, gsi_base,
	       gsi_base + c->pins - 1);
}

int ioapic_init(const struct acpi_madt *madt, int (*unmap)(uint64_t gpa, void *ctx), void *ctx)
{
	const uint8_t *p = (const uint8_t *)(madt + 1);
	const uint8_t *end = (const uint8_t *)madt + madt->hdr.length;
	uint32_t addr, gsi;
	int ret;

	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		/* An override: bus 0 (ISA), source IRQ, GSI. */
		if (p[0] == IOAPIC_MADT_OVERRIDE && p[1] >= 10 && p[2] == 0 &&
		    p[3] < IOAPIC_ISA_IRQS) {
			memcpy(&gsi, p + 4, 4);
			ioapic_isa_override[p[3]] = gsi + 1;
			continue;
		}
		if (p[0] != IOAPIC_MADT_ENTRY || p[1] < 12)
			continue;
		memcpy(&addr, p + 4, 4);
		memcpy(&gsi, p + 8, 4);
		if (ioapic_nr == IOAPIC_MAX || addr & (IOAPIC_WINDOW - 1)) {
			printk(PRINTK_WARNING, "IOAPIC: id %u at %#x left out (%s)\n", p[2], addr,
			       ioapic_nr == IOAPIC_MAX ? "too many" : "window not page-aligned");
			continue;
		}
		ret = unmap(addr, ctx);
		if (ret)
			return ret;
		ioapic_add(p[2], addr, gsi);
	}
	return 0;
}
