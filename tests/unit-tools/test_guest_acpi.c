/* test_guest_acpi.c - a domU's ACPI tables: checksums, pointers, FADT and MADT values, the DSDT from iasl. */
#define _GNU_SOURCE	/* memmem */
#include "libxenolith/guest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static uint8_t buf[GUEST_ACPI_SIZE];
static size_t len;

static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* The table at guest-physical gpa, checked: inside the tables, signature, checksum. */
static const uint8_t *table(uint64_t gpa, const char *sig)
{
	const uint8_t *t;

	assert_true(gpa >= GUEST_ACPI_BASE && gpa + 36 <= GUEST_ACPI_BASE + len);
	t = buf + (gpa - GUEST_ACPI_BASE);
	if (memcmp(t, sig, 4))
		fail_msg("expected %s at 0x%llx, saw %.4s", sig, (unsigned long long)gpa, (const char *)t);
	assert_true(gpa + get32(t + 4) <= GUEST_ACPI_BASE + len);
	if (strcmp(sig, "FACS")) {
		if (sum(t, get32(t + 4)))
			fail_msg("%s checksum is off by %u", sig, sum(t, get32(t + 4)));
		assert_memory_equal(t + 10, GUEST_ACPI_OEM_ID, 6);
	}
	return t;
}

/* The tables of a domain with a device model (GPE0 block) unless gpe0 is 0. */
static void build_with(unsigned int vcpus, int gpe0)
{
	memset(buf, 0xa5, sizeof(buf));
	len = guest_acpi_build(buf, sizeof(buf), vcpus, gpe0);
	assert_true(len > 0 && len <= GUEST_ACPI_END - GUEST_ACPI_BASE);
}

static void build(unsigned int vcpus)
{
	build_with(vcpus, 1);
}

static void test_no_gpe0_block_without_a_device_model(void **state)
{
	const uint8_t *f;
	(void)state;

	build_with(2, 0);
	f = table(get64(table(get64(buf + 24), "XSDT") + 36), "FACP");
	assert_int_equal(get32(f + 80), 0);		/* GPE0_BLK */
	assert_int_equal(f[92], 0);			/* GPE0_BLK_LEN */
	assert_int_equal(get32(f + 56), 0x600);		/* PM1a is there still */
}

static void test_rsdp_xsdt(void **state)
{
	const uint8_t *xsdt, *rsdt;
	(void)state;

	build(1);
	assert_memory_equal(buf, "RSD PTR ", 8);
	assert_int_equal(sum(buf, 20), 0);
	assert_int_equal(sum(buf, 36), 0);
	assert_int_equal(buf[15], 2);
	assert_int_equal(get32(buf + 20), 36);
	xsdt = table(get64(buf + 24), "XSDT");
	rsdt = table(get32(buf + 16), "RSDT");
	assert_int_equal(get32(xsdt + 4), 36 + 2 * 8);
	assert_int_equal(get32(rsdt + 4), 36 + 2 * 4);
	table(get64(xsdt + 36), "FACP");
	table(get64(xsdt + 44), "APIC");
	assert_int_equal(get32(rsdt + 36), get64(xsdt + 36));
	assert_int_equal(get32(rsdt + 40), get64(xsdt + 44));
}

static void test_fadt(void **state)
{
	const uint8_t *f, *xsdt, *dsdt, *facs;
	(void)state;

	build(4);
	xsdt = table(get64(buf + 24), "XSDT");
	f = table(get64(xsdt + 36), "FACP");
	assert_int_equal(get32(f + 4), 276);
	assert_int_equal(f[8], 6);
	assert_int_equal(get16(f + 46), 9);		/* SCI_INT */
	assert_int_equal(get32(f + 48), 0);		/* SMI_CMD: ACPI always on */
	assert_int_equal(get32(f + 56), 0x600);
	assert_int_equal(get32(f + 64), 0x604);
	assert_int_equal(get32(f + 76), 0x608);
	assert_int_equal(get32(f + 80), 0xafe0);	/* GPE0_BLK: PCI hotplug, device model */
	assert_int_equal(get32(f + 84), 0);		/* no GPE1 block */
	assert_int_equal(f[88], 4);
	assert_int_equal(f[89], 2);
	assert_int_equal(f[91], 4);
	assert_int_equal(f[92], 4);			/* GPE0_BLK_LEN */
	assert_int_equal(f[93], 0);
	assert_int_equal(f[108], 0x32);			/* century */
	/* IAPC_BOOT_ARCH: no VGA; no 8042, no legacy devices; RTC present, MSI fine. */
	assert_int_equal(get16(f + 109), 1u << 2);
	uint32_t flags = get32(f + 112);
	assert_false(flags & (1u << 4));		/* fixed-feature power button */
	assert_true(flags & (1u << 5));			/* no sleep button */
	assert_false(flags & (1u << 8));		/* 24-bit PM timer */
	assert_true(flags & (1u << 10));		/* RESET_REG_SUP */
	assert_false(flags & (1u << 20));		/* not HW-reduced */
	assert_int_equal(f[116], 1);			/* RESET_REG: I/O */
	assert_int_equal(f[117], 8);
	assert_int_equal(get64(f + 120), 0xcf9);
	assert_int_equal(f[128], 6);

	facs = table(get32(f + 36), "FACS");
	assert_int_equal(get32(f + 36) % 64, 0);
	assert_int_equal(get32(facs + 4), 64);
	assert_int_equal(get64(f + 132), 0);		/* X_FIRMWARE_CTRL: one of the two */
	dsdt = table(get64(f + 140), "DSDT");
	assert_int_equal(get32(f + 40), get64(f + 140));
	/* iasl's AML: \_S5 is Package(4){5, 5, 0, 0}, the UART is PNP0501. */
	assert_non_null(memmem(dsdt, get32(dsdt + 4), "_S5_\x12\x08\x04\x0a\x05\x0a\x05", 11));
	assert_non_null(memmem(dsdt, get32(dsdt + 4), "_S0_", 4));
	assert_non_null(memmem(dsdt, get32(dsdt + 4), "COM1", 4));
	/* The PCI host bridge: PNP0A03, its MMIO window 0xc0000000-0xfebfffff
	 * (the device model's, tools/devmodel/pci_layout.h) as min, max. */
	assert_non_null(memmem(dsdt, get32(dsdt + 4), "PCI0", 4));
	assert_non_null(memmem(dsdt, get32(dsdt + 4), "\x0c\x41\xd0\x0a\x03", 5));
	assert_non_null(memmem(dsdt, get32(dsdt + 4),
			       "\x00\x00\x00\xc0\xff\xff\xbf\xfe", 8));
}

static void test_madt(void **state)
{
	unsigned int vcpus, lapics, isos, ioapics;
	const uint8_t *m, *e, *end, *xsdt;
	(void)state;

	for (vcpus = 1; vcpus <= XL_MAX_VCPUS; vcpus++) {
		build(vcpus);
		xsdt = table(get64(buf + 24), "XSDT");
		m = table(get64(xsdt + 44), "APIC");
		assert_int_equal(get32(m + 36), 0xfee00000);
		assert_int_equal(get32(m + 40), 0);		/* no PCAT_COMPAT */
		lapics = isos = ioapics = 0;
		end = m + get32(m + 4);
		for (e = m + 44; e < end; e += e[1]) {
			assert_true(e[1] >= 2 && e + e[1] <= end);
			switch (e[0]) {
			case 0:
				assert_int_equal(e[2], lapics);
				assert_int_equal(e[3], lapics);
				assert_int_equal(get32(e + 4), 1);
				lapics++;
				break;
			case 1:
				assert_int_equal(e[2], GUEST_IOAPIC_ID);
				assert_true(e[2] >= vcpus);
				assert_int_equal(get32(e + 4), 0xfec00000);
				assert_int_equal(get32(e + 8), 0);
				ioapics++;
				break;
			case 2:
				assert_int_equal(e[2], 0);
				if (e[3] == 0) {
					assert_int_equal(get32(e + 4), 2);
					assert_int_equal(get16(e + 8), 0x5);	/* edge, high */
				} else {
					assert_int_equal(e[3], 9);
					assert_int_equal(get32(e + 4), 9);
					assert_int_equal(get16(e + 8), 0xd);	/* level, high */
				}
				isos++;
				break;
			default:
				fail_msg("unexpected MADT entry type %u", e[0]);
			}
		}
		assert_int_equal(lapics, vcpus);
		assert_int_equal(ioapics, 1);
		assert_int_equal(isos, 2);
		/* The builder writes nothing past the length it returns. */
		assert_int_equal(buf[len], 0xa5);
	}
	assert_int_equal(guest_acpi_build(buf, sizeof(buf), 0, 1), 0);
	assert_int_equal(guest_acpi_build(buf, sizeof(buf), XL_MAX_VCPUS + 1, 1), 0);
	assert_int_equal(guest_acpi_build(buf, 100, 1, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp_xsdt),
		cmocka_unit_test(test_fadt),
		cmocka_unit_test(test_no_gpe0_block_without_a_device_model),
		cmocka_unit_test(test_madt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
