/* A domU's platform: its devices wired to ports, IRQs, timers and the console ring. */
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "errno.h"
#include "lib.h"
#include "printk.h"
#include <arch/x86/time.h>
#include <arch/x86/emul/mmio_emulate.h>
#include <arch/x86/hvm/domu.h>
#include <arch/x86/hvm/hvm_domain.h>
#include <arch/x86/hvm/vcpu.h>

static struct domu_platform *domu_of(struct domain *d)
{
	return d->hvm.platform;
}

static uint64_t domu_now(void *opaque)
{
	return time_now_ns();
}

/* IOAPIC messages go to the domain's vLAPICs. */
static int domu_ioapic_deliver(void *opaque, uint8_t dest, bool dest_mode,
			       unsigned int delivery_mode, uint8_t vector, bool level)
{
	struct domu_platform *p = opaque;

	return vlapic_group_deliver(&p->d->hvm.lapic_group, dest, dest_mode, false,
				    delivery_mode, vector, level) ? 0 : -ENODEV;
}

static const struct vioapic_ops domu_ioapic_ops = {
	.deliver = domu_ioapic_deliver,
};

/* The UART's bytes go to the console ring; its IRQ line to GSI 4. */
static void domu_uart_tx(void *opaque, uint8_t byte)
{
	struct domu_platform *p = opaque;

	logring_write(&p->console, (const char *)&byte, 1);
}

static void domu_uart_irq(void *opaque, bool level)
{
	struct domu_platform *p = opaque;

	vioapic_set_irq(&p->ioapic, VUART_COM1_IRQ, level);
}

static const struct vuart_ops domu_uart_ops = {
	.tx = domu_uart_tx,
	.set_irq = domu_uart_irq,
};

/* One rising edge of the PIT's OUT0 on GSI 2. */
static void domu_pit_irq0(void *opaque)
{
	struct domu_platform *p = opaque;

	vioapic_set_irq(&p->ioapic, DOMU_PIT_GSI, true);
	vioapic_set_irq(&p->ioapic, DOMU_PIT_GSI, false);
}

static const struct vpit_ops domu_pit_ops = {
	.now_ns = domu_now,
	.irq0 = domu_pit_irq0,
};

/* PM1's share of the SCI changed; the pin is shared with the device model. */
static void domu_pm_sci(void *opaque, bool level)
{
	struct domu_platform *p = opaque;

	vioapic_set_irq(&p->ioapic, ACPI_PM_SCI_IRQ, sci_line_set(&p->sci, SCI_SHARE_PM1, level));
}

/* SLP_EN with \_S5's SLP_TYP: the guest powered itself off. */
static void domu_pm_sleep(void *opaque, unsigned int slp_typ)
{
	struct domu_platform *p = opaque;

	if (slp_typ == ACPI_PM_SLP_TYP_S5)
		domain_shutdown(p->d, XL_SHUTDOWN_POWEROFF, 0);
}

static const struct acpi_pm_ops domu_pm_ops = {
	.now_ns = domu_now,
	.set_sci = domu_pm_sci,
	.sleep = domu_pm_sleep,
};

static void domu_reset(void *opaque)
{
	struct domu_platform *p = opaque;

	domain_shutdown(p->d, XL_SHUTDOWN_REBOOT, 0);
}

static const struct vreset_ops domu_reset_ops = {
	.reset = domu_reset,
};

static void domu_exit(void *opaque, uint8_t status)
{
	struct domu_platform *p = opaque;

	domain_shutdown(p->d, XL_SHUTDOWN_EXIT, status);
}

static const struct vdebug_exit_ops domu_exit_ops = {
	.exit = domu_exit,
};

static const struct vrtc_ops domu_rtc_ops = {
	.now_ns = domu_now,
};

int domu_platform_init(struct domu_platform *p, struct domain *d, uint64_t wallclock_s)
{
	struct vioapic_config io = {
		.base = DOMU_IOAPIC_BASE, .pins = DOMU_IOAPIC_PINS, .id = DOMU_IOAPIC_ID,
		.ops = &domu_ioapic_ops, .opaque = p,
	};
	uint64_t up_s = time_now_ns() / 1000000000ull;
	int ret;

	p->d = d;
	logring_init(&p->console, p->console_buf, sizeof(p->console_buf));
	ret = vioapic_init(&p->ioapic, &io);
	if (!ret)
		ret = vuart_init(&p->uart, VUART_COM1_BASE, &domu_uart_ops, p);
	if (!ret)
		ret = vpit_init(&p->pit, &domu_pit_ops, p);
	if (!ret)
		ret = acpi_pm_init(&p->pm, &domu_pm_ops, p);
	if (!ret)
		ret = vreset_init(&p->reset, &domu_reset_ops, p);
	if (!ret)
		ret = vdebug_exit_init(&p->exit, VDEBUG_EXIT_PORT, &domu_exit_ops, p);
	if (!ret)
		ret = vrtc_init(&p->rtc, wallclock_s > up_s ? wallclock_s - up_s : 0,
				&domu_rtc_ops, p);
	return ret;
}

/* Port I/O: each device its ports; the rest of the board is empty (reads
 * all ones, writes vanish). */
static void domu_io(struct vcpu *v, uint16_t port, unsigned int size, bool in, uint32_t *val)
{
	struct domu_platform *p = domu_of(v->domain);

	lib_spin_lock(&p->lock);
	if (port >= VUART_COM1_BASE && port < VUART_COM1_BASE + 8)
		vuart_io(&p->uart, port, size, in, val);
	else if ((port >= VPIT_BASE && port <= VPIT_CONTROL) || port == VPIT_PORT_B)
		vpit_io(&p->pit, port, size, in, val);
	else if (port >= ACPI_PM_PM1A_EVT && port < ACPI_PM_PM1A_EVT + ACPI_PM_IO_LEN)
		acpi_pm_io(&p->pm, port, size, in, val);
	else if (port == VRESET_PORT_CF9 || port == VRESET_PORT_KBD_DATA ||
		 port == VRESET_PORT_KBD_CMD || port == VRESET_PORT_92)
		vreset_io(&p->reset, port, size, in, val);
	else if (port == VDEBUG_EXIT_PORT)
		vdebug_exit_io(&p->exit, port, size, in, val);
	else if (port == VRTC_PORT_INDEX || port == VRTC_PORT_DATA)
		vrtc_io(&p->rtc, port, size, in, val);
	else if (in)
		*val = 0xffffffffu;
	lib_spin_unlock(&p->lock);
}

static int domu_ioapic_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	struct domu_platform *p = opaque;
	int ret;

	lib_spin_lock(&p->lock);
	ret = vioapic_mmio_read(&p->ioapic, gpa, size, val);
	lib_spin_unlock(&p->lock);
	return ret;
}

static int domu_ioapic_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val)
{
	struct domu_platform *p = opaque;
	int ret;

	lib_spin_lock(&p->lock);
	ret = vioapic_mmio_write(&p->ioapic, gpa, size, val);
	lib_spin_unlock(&p->lock);
	return ret;
}

static const struct mmio_ops domu_ioapic_mmio = {
	.read = domu_ioapic_read,
	.write = domu_ioapic_write,
};

/* Where nothing is: reads see all ones, writes vanish. */
static int domu_empty_read(void *opaque, uint64_t gpa, unsigned int size, uint64_t *val)
{
	*val = ~0ull;
	return 0;
}

static int domu_empty_write(void *opaque, uint64_t gpa, unsigned int size, uint64_t val)
{
	return 0;
}

static const struct mmio_ops domu_empty_mmio = {
	.read = domu_empty_read,
	.write = domu_empty_write,
};

/* A nested page fault outside RAM and the vLAPIC: the vIOAPIC's window,
 * or the empty board. */
static bool domu_npf(struct vcpu *v, uint64_t gpa, bool write)
{
	struct domu_platform *p = domu_of(v->domain);

	if (gpa >= DOMU_IOAPIC_BASE && gpa < DOMU_IOAPIC_BASE + VIOAPIC_WINDOW) {
		v->npf_by_target[VCPU_NPF_IOAPIC]++;
		vcpu_emulate_mmio(v, gpa, write, &domu_ioapic_mmio, p, "IOAPIC");
	} else if (vcpu_ioreq_mmio(v, gpa, write)) {
		v->npf_by_target[VCPU_NPF_IOREQ]++;
	} else {
		v->npf_by_target[VCPU_NPF_OTHER]++;
		vcpu_emulate_mmio(v, gpa, write, &domu_empty_mmio, p, "empty");
	}
	return true;
}

static void domu_eoi_level(struct domain *d, unsigned int vcpu, uint8_t vector)
{
	struct domu_platform *p = domu_of(d);

	lib_spin_lock(&p->lock);
	vioapic_eoi(&p->ioapic, vector);
	lib_spin_unlock(&p->lock);
}

static uint64_t domu_timer_deadline(struct domain *d)
{
	struct domu_platform *p = domu_of(d);
	uint64_t t;

	lib_spin_lock(&p->lock);
	t = vpit_next_event(&p->pit);
	lib_spin_unlock(&p->lock);
	return t;
}

static void domu_timer(struct domain *d)
{
	struct domu_platform *p = domu_of(d);

	lib_spin_lock(&p->lock);
	vpit_timer(&p->pit);
	lib_spin_unlock(&p->lock);
}

/* The 'q' dump's lines of a domU: its device model, UART, IOAPIC pins in use. */
static void domu_dump(struct domain *d)
{
	struct domu_platform *p = domu_of(d);
	unsigned int pin;

	if (d->ioreq.active)
		printk(PRINTK_INFO, "    device model: %u ranges, ioreq page at dom0 %#llx\n",
		       d->ioreq.ranges.nr, (unsigned long long)d->ioreq.page_gpa);
	printk(PRINTK_INFO, "    console %llu bytes; UART IER %02x IIR-source pending THRE %d, "
	       "IRQ line %d\n", (unsigned long long)p->console.head, p->uart.ier,
	       p->uart.thre_pending, p->uart.irq);
	for (pin = 0; pin < DOMU_IOAPIC_PINS; pin++) {
		uint64_t e = vioapic_entry(&p->ioapic, pin);

		if (!(e & VIOAPIC_RTE_MASK) || p->ioapic.asserted[pin])
			printk(PRINTK_INFO, "    IOAPIC pin %u: %016llx%s\n", pin,
			       (unsigned long long)e, p->ioapic.asserted[pin] ? " asserted" : "");
	}
}

/* [start, end) overlaps [base, base + len). */
static bool domu_overlaps(uint64_t start, uint64_t end, uint64_t base, uint64_t len)
{
	return start < base + len && base < end;
}

/* What a device model may not take: the ports of the devices above, the
 * IOAPIC and LAPIC pages, and RAM. */
static bool domu_ioreq_reserved(struct domain *d, uint32_t type, uint64_t start, uint64_t end)
{
	static const uint16_t ports[][2] = {
		{ VUART_COM1_BASE, 8 }, { VPIT_BASE, VPIT_CONTROL - VPIT_BASE + 1 },
		{ VPIT_PORT_B, 1 }, { ACPI_PM_PM1A_EVT, ACPI_PM_IO_LEN },
		{ VRESET_PORT_CF9, 1 }, { VRESET_PORT_KBD_DATA, 1 }, { VRESET_PORT_KBD_CMD, 1 },
		{ VRESET_PORT_92, 1 }, { VDEBUG_EXIT_PORT, 1 }, { VRTC_PORT_INDEX, 1 },
		{ VRTC_PORT_DATA, 1 },
	};
	const struct memmap *ram = d->hvm.ram;
	unsigned int i;

	if (type == XL_IOREQ_PIO) {
		for (i = 0; i < LIB_ARRAY_SIZE(ports); i++)
			if (domu_overlaps(start, end, ports[i][0], ports[i][1]))
				return true;
		return false;
	}
	for (i = 0; i < ram->nr; i++)
		if (domu_overlaps(start, end, ram->range[i].start,
				  ram->range[i].end - ram->range[i].start))
			return true;
	return domu_overlaps(start, end, DOMU_IOAPIC_BASE, VIOAPIC_WINDOW) ||
	       domu_overlaps(start, end, VLAPIC_DEFAULT_BASE, 0x1000);
}

const struct hvm_domain_ops domu_platform_ops = {
	.ioreq_reserved = domu_ioreq_reserved,
	.dump = domu_dump,
	.npf = domu_npf,
	.io = domu_io,
	.eoi_level = domu_eoi_level,
	.timer_deadline = domu_timer_deadline,
	.timer = domu_timer,
	.msr = domu_msr,
	.cpuid = domu_cpuid,
};

void domu_power_button(struct domain *d)
{
	struct domu_platform *p = domu_of(d);

	lib_spin_lock(&p->lock);
	acpi_pm_press_power_button(&p->pm);
	lib_spin_unlock(&p->lock);
}

int domu_dm_sci(struct domain *d, uint32_t level)
{
	struct domu_platform *p = domu_of(d);

	if (level > 1)
		return -EINVAL;
	lib_spin_lock(&p->lock);
	vioapic_set_irq(&p->ioapic, ACPI_PM_SCI_IRQ, sci_line_set(&p->sci, SCI_SHARE_DM, level));
	lib_spin_unlock(&p->lock);
	return 0;
}

size_t domu_console_read(struct domain *d, uint64_t *pos, char *buf, size_t len,
			 uint64_t *lost)
{
	struct domu_platform *p = domu_of(d);
	uint64_t want = *pos;
	size_t n;

	lib_spin_lock(&p->lock);
	n = logring_read(&p->console, pos, buf, len);
	lib_spin_unlock(&p->lock);
	*lost = *pos - n > want ? *pos - n - want : 0;
	return n;
}

unsigned int domu_console_write(struct domain *d, const uint8_t *buf, unsigned int n)
{
	struct domu_platform *p = domu_of(d);
	unsigned int done;

	lib_spin_lock(&p->lock);
	done = vuart_rx(&p->uart, buf, n);
	lib_spin_unlock(&p->lock);
	return done;
}
