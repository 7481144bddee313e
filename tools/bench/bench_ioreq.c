/*
 * bench_ioreq.c - `xenolith-bench ioreq DOMID`: an ioreq server for one
 * domain that serves a scratch device (what is written reads back), checks
 * a pattern the guest leaves in its RAM through xl_guest_ram_map, sends
 * the MSIs the guest asks for, and times the requests between the guest's
 * two bench marks: "ioreq round trip: X us". It ends with status 0 when
 * the domain is gone (POLLHUP). The device's numbers are those of
 * tests/guest-kernels/ioreq_dev.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench.h"
#include "libxenolith/libxenolith.h"

#define DEV_PORT	0x5000u
#define DEV_PORT_RAM	0x5010u
#define DEV_PORT_MSI	0x5014u
#define DEV_PORT_BENCH	0x5018u
#define DEV_PORT_READY	0x501cu
#define DEV_PORTS	0x20u
#define DEV_MMIO	0xd0000000u
#define DEV_MMIO_LEN	0x1000u
#define DEV_READY	0x10e0u
#define DEV_PATTERN(i)	((uint8_t)((i) * 7 + 3))
#define PATTERN_LEN	4096u
#define MSI_ADDR_APIC0	0xfee00000ull	/* physical destination, APIC ID 0 */
#define RAM_CHUNK	0x200000u	/* a write into a revoked window remaps this much */

struct dev {
	struct xl_handle *h;
	uint32_t domid;
	struct xl_guest_ram ram;
	uint8_t ports[DEV_PORTS];
	uint8_t mmio[DEV_MMIO_LEN];
	uint32_t ram_ok;
	bool held;			/* a request left unanswered for good */
	uint64_t served, bench_start_n;
	double bench_start;
};

static char err[512];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The pattern at gpa, looked at through the RAM mapping; the time a read
 * of all of the domain's low RAM takes is reported too. */
static uint32_t check_ram(struct dev *d, uint64_t gpa)
{
	const struct xl_guest_ram_range *r = &d->ram.range[0];
	uint64_t i, sum = 0;
	double t;

	if (!d->ram.nr || gpa >= r->len || r->len - gpa < PATTERN_LEN) {
		printf("ioreq: guest RAM at %#llx: outside its first range\n",
		       (unsigned long long)gpa);
		return 0;
	}
	for (i = 0; i < PATTERN_LEN; i++)
		if (r->host[gpa + i] != DEV_PATTERN(i)) {
			printf("ioreq: guest RAM at %#llx: byte %llu is %#x, expected %#x\n",
			       (unsigned long long)gpa, (unsigned long long)i, r->host[gpa + i],
			       DEV_PATTERN(i));
			return 0;
		}
	t = now();
	for (i = 0; i < r->len; i += sizeof(uint64_t))
		sum += *(volatile uint64_t *)(r->host + i);
	t = now() - t;
	printf("ioreq: guest RAM at %#llx: pattern seen\n", (unsigned long long)gpa);
	printf("guest RAM read through the window: %.0f MiB/s (%llu MiB, sum %llx)\n",
	       r->len / 1048576.0 / (t > 0 ? t : 1e-9), (unsigned long long)(r->len >> 20),
	       (unsigned long long)sum);
	return 1;
}

/* A write to one of the control ports. */
static void control(struct dev *d, uint64_t port, uint64_t val)
{
	double t;

	if (port == DEV_PORT_RAM) {
		d->ram_ok = check_ram(d, val);
	} else if (port == DEV_PORT_MSI) {
		if (xl_irq_msi(d->h, d->domid, MSI_ADDR_APIC0, (uint32_t)val, err, sizeof(err)))
			printf("ioreq: %s\n", err);
		else
			printf("ioreq: MSI vector %#llx sent\n", (unsigned long long)val);
	} else if (port == DEV_PORT_BENCH && val == 3) {
		d->held = true;
		printf("ioreq: holding a request, never answered\n");
	} else if (port == DEV_PORT_BENCH && val == 1) {
		d->bench_start = now();
		d->bench_start_n = d->served;
	} else if (port == DEV_PORT_BENCH && val == 2 && d->served > d->bench_start_n + 1) {
		t = now() - d->bench_start;
		printf("ioreq round trip: %.1f us (%llu requests)\n",
		       t * 1e6 / (d->served - d->bench_start_n - 1),
		       (unsigned long long)(d->served - d->bench_start_n - 1));
	}
}

/* Answer one request: scratch bytes, or the control ports. */
static void serve(struct dev *d, struct xl_ioreq *r)
{
	uint8_t *mem = r->type == XL_IOREQ_PIO ? d->ports : d->mmio;
	uint64_t base = r->type == XL_IOREQ_PIO ? DEV_PORT : DEV_MMIO;
	uint64_t off = r->addr - base;
	uint32_t size = r->size <= 8 ? r->size : 8;

	d->served++;
	if (r->type == XL_IOREQ_PIO && r->addr >= DEV_PORT_RAM) {
		if (r->dir == XL_IOREQ_WRITE)
			control(d, r->addr, r->data);
		else
			r->data = r->addr == DEV_PORT_READY ? DEV_READY :
				  r->addr == DEV_PORT_RAM ? d->ram_ok : 0;
		return;
	}
	if (off + size > (r->type == XL_IOREQ_PIO ? DEV_PORTS : DEV_MMIO_LEN))
		return;
	if (r->dir == XL_IOREQ_WRITE) {
		memcpy(mem + off, &r->data, size);
	} else {
		r->data = 0;
		memcpy(&r->data, mem + off, size);
	}
}

/* After the domain's end: its RAM must read as zeros, and a write must do
 * no harm (it lands in dom0's scratch, the zero page stays zero). */
static void check_revoked(struct dev *d)
{
	const struct xl_guest_ram_range *r = &d->ram.range[0];
	uint64_t i;

	if (!d->ram.nr)
		return;
	for (i = 0; i < r->len; i += sizeof(uint64_t))
		if (*(volatile uint64_t *)(r->host + i)) {
			printf("ioreq: RAM window after destroy: NOT zero at %#llx\n",
			       (unsigned long long)i);
			return;
		}
	*(volatile uint8_t *)r->host = 0x5a;
	if (r->len > RAM_CHUNK && *(volatile uint8_t *)(r->host + RAM_CHUNK)) {
		printf("ioreq: RAM window after destroy: a write showed elsewhere\n");
		return;
	}
	printf("ioreq: RAM window after destroy: zeros (%llu MiB), a write taken\n",
	       (unsigned long long)(r->len >> 20));
}

/* Register the ranges and map the domain's RAM. 0 or -1 (err set). */
static int dev_start(struct dev *d, struct xl_ioreq_server *s)
{
	if (xl_ioreq_map_range(s, XL_IOREQ_PIO, DEV_PORT, DEV_PORTS, err, sizeof(err)) ||
	    xl_ioreq_map_range(s, XL_IOREQ_MMIO, DEV_MMIO, DEV_MMIO_LEN, err, sizeof(err)) ||
	    xl_guest_ram_map(d->h, d->domid, &d->ram, err, sizeof(err)))
		return -1;
	/* The platform's own devices and RAM are not for a device model. */
	if (xl_ioreq_map_range(s, XL_IOREQ_PIO, 0x3f8, 8, err, sizeof(err)) != -EEXIST ||
	    xl_ioreq_map_range(s, XL_IOREQ_PIO, 0xf4, 1, err, sizeof(err)) != -EEXIST ||
	    xl_ioreq_map_range(s, XL_IOREQ_MMIO, 0xfec00000, 0x1000, err, sizeof(err)) != -EEXIST ||
	    xl_ioreq_map_range(s, XL_IOREQ_MMIO, 0xfee00000, 0x1000, err, sizeof(err)) != -EEXIST ||
	    xl_ioreq_map_range(s, XL_IOREQ_MMIO, 0x100000, 0x1000, err, sizeof(err)) != -EEXIST ||
	    xl_ioreq_map_range(s, XL_IOREQ_PIO, DEV_PORT + 4, 1, err, sizeof(err)) != -EEXIST) {
		snprintf(err, sizeof(err), "domain %u: a range over the UART, the exit port, the "
			 "IOAPIC, the LAPIC, RAM or another range was not refused", d->domid);
		return -1;
	}
	printf("ioreq: ranges over the platform's devices, RAM and other ranges refused\n");
	/* A bad MSI must be refused, not delivered. */
	if (xl_irq_msi(d->h, d->domid, 0x12345678, 0x40, err, sizeof(err)) != -EINVAL) {
		snprintf(err, sizeof(err), "domain %u: an MSI to address 0x12345678 was not refused",
			 d->domid);
		return -1;
	}
	return 0;
}

/* Before the first answer: answers the hypervisor must refuse (a size
 * changed, a vCPU that waits for nothing); r stays READY for the real one.
 * 0, or -1 with err set. */
static int check_bad_answers(struct xl_ioreq_server *s, struct xl_ioreq *r)
{
	struct xl_ioreq keep = *r, *idle = r - r->vcpu + (XL_IOREQ_SLOTS - 1);
	int bad_size, not_waiting;

	r->size = 3;
	bad_size = xl_ioreq_complete(s, r, err, sizeof(err));
	*r = keep;
	not_waiting = r->vcpu == XL_IOREQ_SLOTS - 1 ? -EINVAL :
		      xl_ioreq_complete(s, idle, err, sizeof(err));
	idle->state = XL_IOREQ_NONE;
	if (bad_size != -EINVAL || not_waiting != -EINVAL) {
		snprintf(err, sizeof(err), "bad answers not refused: changed size %d, a vCPU that "
			 "waits for nothing %d", bad_size, not_waiting);
		return -1;
	}
	printf("ioreq: bad answers refused\n");
	return 0;
}

int bench_ioreq(int argc, char **argv)
{
	static struct dev d;
	struct xl_ioreq_server *s;
	struct xl_ioreq *r;
	struct pollfd pfd;
	int ret = 1;

	if (argc != 2)
		return fprintf(stderr, "usage: xenolith-bench ioreq DOMID\n"), 1;
	d.domid = (uint32_t)strtoul(argv[1], NULL, 10);
	d.h = xl_open(NULL, err, sizeof(err));
	if (!d.h || xl_ioreq_server_create(d.h, d.domid, &s, err, sizeof(err)))
		return fprintf(stderr, "xenolith-bench: %s\n", err), 1;
	if (dev_start(&d, s)) {
		fprintf(stderr, "xenolith-bench: %s\n", err);
		goto out;
	}
	printf("ioreq: serving domain %u\n", d.domid);
	fflush(stdout);
	pfd.fd = xl_ioreq_server_fd(s);
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
			perror("xenolith-bench: poll");
			goto out;
		}
		while (!d.held && (r = xl_ioreq_next(s))) {
			if (!d.served && check_bad_answers(s, r)) {
				fprintf(stderr, "xenolith-bench: %s\n", err);
				goto out;
			}
			serve(&d, r);
			if (!d.held && xl_ioreq_complete(s, r, err, sizeof(err))) {
				fprintf(stderr, "xenolith-bench: %s\n", err);
				goto out;
			}
		}
		fflush(stdout);
		if (pfd.revents & POLLHUP)
			break;
		if (d.held)
			pfd.events = 0;	/* only the end matters now */
	}
	check_revoked(&d);
	printf("ioreq: domain %u gone (POLLHUP), %llu requests served\n", d.domid,
	       (unsigned long long)d.served);
	ret = 0;
out:
	fflush(stdout);
	xl_guest_ram_unmap(&d.ram);
	xl_ioreq_server_destroy(s);
	xl_close(d.h);
	return ret;
}
