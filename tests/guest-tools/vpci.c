/* vpci.c - a virtio-pci function driven by hand from user space: unbind, enable, map the BAR, walk the capabilities, set up queue 0. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vpci.h"

#define SYSFS		"/sys/bus/pci/devices/"
#define PAGE		4096
#define CAP_VNDR	0x09		/* PCI vendor-specific capability: virtio's */
#define CAP_MSIX	0x11
#define CAP_COMMON	1		/* cfg_type values (§4.1.4) */
#define CAP_NOTIFY	2

/* Common configuration fields used (§4.1.4.3). */
enum { GFSELECT = 0x08, GF = 0x0c, STATUS = 0x14, Q_SELECT = 0x16, Q_SIZE = 0x18,
       Q_MSIX = 0x1a, Q_ENABLE = 0x1c, Q_NOTIFY_OFF = 0x1e, Q_DESC = 0x20, Q_DRIVER = 0x28,
       Q_DEVICE = 0x30 };

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "virtio-hostile: %s %s: %s\n", what, path, strerror(errno));
	return -1;
}

/* Unbind the driver of v->bdf if it has one. */
static int unbind(struct vpci *v)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), SYSFS "%s/driver/unbind", v->bdf);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno == ENOENT ? 0 : fail("open", path);
	if (write(fd, v->bdf, strlen(v->bdf)) < 0) {
		close(fd);
		return fail("write", path);
	}
	close(fd);
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Read config space, set memory space + bus master, find the BAR and the
 * offsets of the common and notify structures. */
static int config(struct vpci *v, unsigned int *bar)
{
	uint8_t cfg[256];
	char path[128];
	int fd, found = 0;
	unsigned int p, guard = 0;

	snprintf(path, sizeof(path), SYSFS "%s/config", v->bdf);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail("open", path);
	if (pread(fd, cfg, sizeof(cfg), 0) != sizeof(cfg)) {
		close(fd);
		return fail("read", path);
	}
	cfg[4] |= 0x06;			/* command: memory space, bus master */
	if (pwrite(fd, cfg + 4, 2, 4) != 2) {
		close(fd);
		return fail("write", path);
	}
	close(fd);
	for (p = cfg[0x34] & 0xfc; p && p < 0xfc && guard++ < 48; p = cfg[p + 1] & 0xfc) {
		if (cfg[p] == CAP_MSIX && p + 8 <= sizeof(cfg)) {
			v->msix_cap = p;
			v->msix_table = le32(cfg + p + 4) & ~7u;	/* BIR 0 assumed */
		}
		if (cfg[p] != CAP_VNDR || p + 20 > sizeof(cfg))
			continue;
		if (cfg[p + 3] == CAP_COMMON) {
			*bar = cfg[p + 4];
			v->common = le32(cfg + p + 8);
			found |= 1;
		} else if (cfg[p + 3] == CAP_NOTIFY) {
			v->notify = le32(cfg + p + 8);
			v->notify_mult = le32(cfg + p + 16);
			found |= 2;
		}
	}
	if (found != 3) {
		fprintf(stderr, "virtio-hostile: %s: no virtio common/notify capabilities\n", v->bdf);
		return -1;
	}
	return 0;
}

/* The BAR's physical address (line bar of the sysfs resource file). */
static int bar_address(struct vpci *v, unsigned int bar)
{
	unsigned long long start = 0, end = 0, flags;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), SYSFS "%s/resource", v->bdf);
	f = fopen(path, "r");
	if (!f)
		return fail("open", path);
	for (unsigned int i = 0; i <= bar; i++)
		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3)
			start = 0;
	fclose(f);
	if (!start) {
		fprintf(stderr, "virtio-hostile: %s: BAR %u has no address\n", v->bdf, bar);
		return -1;
	}
	v->bar_pa = start;
	return 0;
}

int vpci_open(struct vpci *v, const char *bdf)
{
	unsigned int bar = 0;
	char path[128];
	struct stat st;
	void *m;
	int fd;

	memset(v, 0, sizeof(*v));
	snprintf(v->bdf, sizeof(v->bdf), "%s", bdf);
	if (unbind(v) || config(v, &bar) || bar_address(v, bar))
		return -1;
	snprintf(path, sizeof(path), SYSFS "%s/resource%u", v->bdf, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0 || fstat(fd, &st))
		return fail("open", path);
	m = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return fail("mmap", path);
	v->bar = m;
	v->bar_len = st.st_size;
	return 0;
}

int vpci_page(struct vpci_page *p)
{
	uint64_t entry;
	int fd;

	p->va = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->va == MAP_FAILED || mlock(p->va, PAGE))
		return fail("lock", "a page");
	memset(p->va, 0, PAGE);
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return fail("open", "/proc/self/pagemap");
	if (pread(fd, &entry, 8, (uintptr_t)p->va / PAGE * 8) != 8) {
		close(fd);
		return fail("read", "/proc/self/pagemap");
	}
	close(fd);
	/* bit 63: present; bits 0-54: the frame (0 without CAP_SYS_ADMIN) */
	if (!(entry >> 63) || !(entry & ((1ull << 55) - 1))) {
		fprintf(stderr, "virtio-hostile: /proc/self/pagemap gives no frame (not root?)\n");
		return -1;
	}
	p->pa = (entry & ((1ull << 55) - 1)) * PAGE;
	return 0;
}

uint8_t vpci_r8(struct vpci *v, uint32_t off)
{
	return *(volatile uint8_t *)(v->bar + v->common + off);
}

uint16_t vpci_r16(struct vpci *v, uint32_t off)
{
	return *(volatile uint16_t *)(v->bar + v->common + off);
}

void vpci_w8(struct vpci *v, uint32_t off, uint8_t val)
{
	*(volatile uint8_t *)(v->bar + v->common + off) = val;
}

void vpci_w16(struct vpci *v, uint32_t off, uint16_t val)
{
	*(volatile uint16_t *)(v->bar + v->common + off) = val;
}

void vpci_w32(struct vpci *v, uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(v->bar + v->common + off) = val;
}

void vpci_w64(struct vpci *v, uint32_t off, uint64_t val)
{
	vpci_w32(v, off, (uint32_t)val);
	vpci_w32(v, off + 4, (uint32_t)(val >> 32));
}

uint8_t vpci_status(struct vpci *v)
{
	return vpci_r8(v, STATUS);
}

uint8_t vpci_setup(struct vpci *v, uint64_t features, uint16_t size, uint64_t desc,
		   uint64_t avail, uint64_t used)
{
	uint8_t s = VPCI_ACKNOWLEDGE | VPCI_DRIVER;

	features |= 1ull << VPCI_F_VERSION_1;
	vpci_w8(v, STATUS, 0);
	for (int i = 0; i < 1000 && vpci_status(v); i++)
		usleep(1000);
	vpci_w8(v, STATUS, VPCI_ACKNOWLEDGE);
	vpci_w8(v, STATUS, s);
	vpci_w32(v, GFSELECT, 0);
	vpci_w32(v, GF, (uint32_t)features);
	vpci_w32(v, GFSELECT, 1);
	vpci_w32(v, GF, (uint32_t)(features >> 32));
	s |= VPCI_FEATURES_OK;
	vpci_w8(v, STATUS, s);
	vpci_w16(v, Q_SELECT, 0);
	vpci_w16(v, Q_SIZE, size);
	vpci_w64(v, Q_DESC, desc);
	vpci_w64(v, Q_DRIVER, avail);
	vpci_w64(v, Q_DEVICE, used);
	vpci_w16(v, Q_ENABLE, 1);
	vpci_w8(v, STATUS, s | VPCI_DRIVER_OK);
	return vpci_status(v);
}

int vpci_msix(struct vpci *v, uint64_t addr, uint32_t data)
{
	volatile uint32_t *entry = (volatile uint32_t *)(v->bar + v->msix_table);
	uint16_t ctrl = 0x8000;		/* MSI-X enable, function not masked */
	char path[128];
	int fd;

	if (!v->msix_cap) {
		fprintf(stderr, "virtio-hostile: %s: no MSI-X capability\n", v->bdf);
		return -1;
	}
	snprintf(path, sizeof(path), SYSFS "%s/config", v->bdf);
	fd = open(path, O_WRONLY);
	if (fd < 0 || pwrite(fd, &ctrl, 2, v->msix_cap + 2) != 2) {
		if (fd >= 0)
			close(fd);
		return fail("write", path);
	}
	close(fd);
	entry[0] = (uint32_t)addr;
	entry[1] = (uint32_t)(addr >> 32);
	entry[2] = data;
	entry[3] = 0;			/* unmasked */
	vpci_w16(v, Q_SELECT, 0);
	vpci_w16(v, Q_MSIX, 0);
	return 0;
}

void vpci_kick(struct vpci *v)
{
	uint16_t off = vpci_r16(v, Q_NOTIFY_OFF);

	*(volatile uint16_t *)(v->bar + v->notify + (uint64_t)off * v->notify_mult) = 0;
}
