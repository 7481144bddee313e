/* Guest domains (domUs): build and destroy, and the platform they see. */
#ifndef XENOLITH_ARCH_X86_HVM_DOMU_H
#define XENOLITH_ARCH_X86_HVM_DOMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logring.h"
#include "memmap.h"
#include <arch/x86/vdev/acpi_pm.h>
#include <arch/x86/vdev/sci_line.h>
#include <arch/x86/vdev/vdebug_exit.h>
#include <arch/x86/vdev/vioapic.h>
#include <arch/x86/vdev/vpit.h>
#include <arch/x86/vdev/vreset.h>
#include <arch/x86/vdev/vrtc.h>
#include <arch/x86/vdev/vuart.h>

struct domain;
struct vcpu;
struct hvm_domain_ops;

#define DOMU_CONSOLE_SIZE	16384	/* bytes of UART output kept */
#define DOMU_LOW_RAM_MAX	0xc0000000ull	/* RAM below 4 GiB ends by 3 GiB */
#define DOMU_HIGH_RAM_BASE	0x100000000ull
#define DOMU_IOAPIC_BASE	0xfec00000ull
#define DOMU_IOAPIC_PINS	24
#define DOMU_IOAPIC_ID		32	/* above every LAPIC ID (XL_MAX_VCPUS) */
#define DOMU_PIT_GSI		2	/* the PIT's IRQ 0 (MADT override) */

/* Everything a domU has besides its vCPUs (d->hvm.platform). Devices
 * under lock: any of the domain's vCPUs and dom0's hypercalls use them. */
struct domu_platform {
	int lock;
	struct domain *d;
	struct memmap ram;		/* its RAM, guest-physical */
	struct vioapic ioapic;
	struct vuart uart;
	struct vpit pit;
	struct acpi_pm pm;
	struct sci_line sci;		/* PM1's and the device model's shares */
	struct vreset reset;
	struct vdebug_exit exit;
	struct vrtc rtc;
	struct logring console;		/* the UART's output */
	char console_buf[DOMU_CONSOLE_SIZE];
	unsigned int msr_reports;	/* refused MSRs logged so far */
};

/*
 * domu_create: a paused domain called name with vcpus vCPUs (all waiting
 * for a start state) and memory_bytes of zeroed RAM at [0, 3 GiB) and from
 * 4 GiB up, its platform devices reset, the RTC at wallclock_s (Unix
 * time). 0 and *out, or -errno: -EINVAL (arguments), -EEXIST (name taken),
 * -ENOMEM (not enough free memory); nothing is left behind on failure.
 * domctl lock.
 */
int domu_create(const char *name, unsigned int vcpus, uint64_t memory_bytes,
		uint64_t wallclock_s, struct domain **out);

/* domu_destroy: stop d, take it out of the scheduler and the table, give
 * back every page and every heap byte. 0, or -EBUSY (a CPU did not let
 * go of a vCPU; d stays dying and a second call finishes). domctl lock. */
int domu_destroy(struct domain *d);

/* domu_free_p2m: a domU's nested tables freed with every page they map
 * (its RAM back to the allocator). For tables no vCPU uses any more. */
struct p2m;
void domu_free_p2m(struct p2m *p);

/* domu_power_button: press d's ACPI power button (a shutdown request). */
void domu_power_button(struct domain *d);

/* domu_dm_sci: d's device model asserts (level) or releases its share of
 * the SCI (its GPE0 block, docs/device-model.md "Hotplug"); the IOAPIC pin
 * is the OR of that and PM1's. 0, or -EINVAL (level not 0 or 1). */
int domu_dm_sci(struct domain *d, uint32_t level);

/* domu_console_read: up to len bytes of d's UART output from *pos on
 * (moved past them; *lost: bytes already gone before *pos). */
size_t domu_console_read(struct domain *d, uint64_t *pos, char *buf, size_t len,
			 uint64_t *lost);

/* domu_console_write: type buf into d's UART; how many bytes it took. */
unsigned int domu_console_write(struct domain *d, const uint8_t *buf, unsigned int n);

/* domu_platform_init: reset every device of p (RTC at wallclock_s). 0 or
 * -errno. domu_platform_ops: the hvm_domain_ops of every domU. */
int domu_platform_init(struct domu_platform *p, struct domain *d, uint64_t wallclock_s);
extern const struct hvm_domain_ops domu_platform_ops;

/* domu_cpuid / domu_msr: what a domU's vCPU sees of CPUID, and the MSRs it
 * may use beyond the common ones (hvm_domain_ops.cpuid / .msr). */
void domu_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4]);
int domu_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val);

#endif
