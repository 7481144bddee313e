/* acpi_pm.c - emulated ACPI fixed hardware: PM1a event/control registers, 24-bit PM timer, SCI. */
#include "arch/x86/vdev/acpi_pm.h"
#include "arch/x86/vdev/vdev.h"
#include "errno.h"
#include "lib.h"

/* Status bits the model can set or the guest can clear (table 4.16). */
#define STS_BITS (ACPI_PM1_TMR | 0x0010u | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | \
		  ACPI_PM1_SLPBTN | ACPI_PM1_RTC | 0x4000u | ACPI_PM1_WAK_STS)
/* Enable bits (table 4.17): TMR, GBL, PWRBTN, SLPBTN, RTC, PCIEXP_WAKE_DIS. */
#define EN_BITS (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | \
		 ACPI_PM1_SLPBTN | ACPI_PM1_RTC | 0x4000u)
/* Control bits kept: SCI_EN, BM_RLD, SLP_TYP. */
#define CNT_BITS (ACPI_PM1_CNT_SCI_EN | ACPI_PM1_CNT_BM_RLD | ACPI_PM1_CNT_SLP_TYP)

static void update_sci(struct acpi_pm *p)
{
	bool level = (p->sts & p->en) && (p->cnt & ACPI_PM1_CNT_SCI_EN);

	if (level == p->sci)
		return;
	p->sci = level;
	p->ops->set_sci(p->opaque, level);
}

/* Byte i of a 16-bit register value. */
static uint8_t byte_of(uint32_t v, unsigned int i)
{
	return (uint8_t)(v >> (8 * i));
}

static uint8_t reg_read(void *dev, unsigned int port)
{
	struct acpi_pm *p = dev;
	unsigned int off = port - ACPI_PM_BASE;

	if (port < ACPI_PM_BASE || off >= ACPI_PM_IO_LEN)
		return VDEV_EMPTY_BYTE;
	if (off < 2)
		return byte_of(p->sts, off);
	if (off < 4)
		return byte_of(p->en, off - 2);
	if (off < 6)
		return byte_of(p->cnt, off - 4);
	if (off >= 8)
		return byte_of(p->tmr, off - 8);
	return VDEV_EMPTY_BYTE;
}

/*
 * SLP_EN=1 starts the transition to the state SLP_TYP names (§4.8.4.2.1);
 * a write of both bytes as one 16-bit access carries SLP_TYP and SLP_EN
 * in the same (upper) byte, so the request is taken at that byte.
 */
static void write_cnt_hi(struct acpi_pm *p, uint8_t b)
{
	uint16_t v = (uint16_t)(b << 8);

	p->cnt = (uint16_t)((p->cnt & 0x00ff) | (v & CNT_BITS & 0xff00));
	if (!(v & ACPI_PM1_CNT_SLP_EN))
		return;
	p->ops->sleep(p->opaque, (p->cnt & ACPI_PM1_CNT_SLP_TYP) >>
				 ACPI_PM1_CNT_SLP_TYP_SHIFT);
	/* Still running: the guest's wait for WAK_STS ends at once. */
	p->sts |= ACPI_PM1_WAK_STS;
}

static void reg_write(void *dev, unsigned int port, uint8_t b)
{
	struct acpi_pm *p = dev;
	unsigned int off = port - ACPI_PM_BASE;
	uint16_t v;

	if (port < ACPI_PM_BASE || off >= ACPI_PM_IO_LEN)
		return;
	switch (off) {
	case 0:
	case 1:
		/* PM1_STS: write 1 to clear (§4.8.4.1.1). */
		v = (uint16_t)(b << (8 * off));
		p->sts &= (uint16_t)~(v & STS_BITS);
		break;
	case 2:
	case 3:
		v = (uint16_t)(b << (8 * (off - 2)));
		p->en = (uint16_t)((p->en & ~(0xff << (8 * (off - 2)))) |
				   (v & EN_BITS));
		break;
	case 4:
		p->cnt = (uint16_t)((p->cnt & 0xff00) | (b & CNT_BITS & 0xff));
		break;
	case 5:
		write_cnt_hi(p, b);
		break;
	default:
		/* PM_TMR is read-only; 0x606-0x607 are nothing. */
		break;
	}
}

int acpi_pm_init(struct acpi_pm *p, const struct acpi_pm_ops *ops,
		 void *opaque)
{
	if (!p || !ops || !ops->now_ns || !ops->set_sci || !ops->sleep)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->ops = ops;
	p->opaque = opaque;
	p->cnt = ACPI_PM1_CNT_SCI_EN;
	return 0;
}

void acpi_pm_io(struct acpi_pm *p, uint16_t port, unsigned int size, bool in,
		uint32_t *val)
{
	/* One timer sample per access: a 32-bit read never tears. */
	p->tmr = (uint32_t)vdev_ticks(p->ops->now_ns(p->opaque),
				      ACPI_PM_TMR_HZ) &
		 ((1u << ACPI_PM_TMR_BITS) - 1);
	vdev_io_bytes(p, port, size, in, val, reg_read, reg_write);
	update_sci(p);
}

void acpi_pm_press_power_button(struct acpi_pm *p)
{
	p->sts |= ACPI_PM1_PWRBTN;
	update_sci(p);
}
