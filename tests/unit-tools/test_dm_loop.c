/* test_dm_loop.c - xenolith-dm's main, event loop and libxenolith glue against a fake libxenolith: setup, exit statuses, dispatch, completion, BAR mapping, MSI, exit on POLLHUP. */
#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "devmodel.h"
#include "netns_testlib.h"

/* The fake server: requests to hand out, a pipe whose read end is its fd. */
static struct {
	int pipe[2];
	struct xl_ioreq req[8];
	unsigned int nr, next, completed;
	int complete_ret;
	unsigned int maps, unmaps, msis, pio_maps;
	uint32_t sci;			/* the level last given to xl_irq_sci */
	uint64_t map_addr, map_len, msi_addr;
	uint32_t map_type, msi_data;
	bool no_device;			/* xl_open fails */
	uint8_t *ram;			/* what xl_guest_ram_map maps */
	bool vif_up;			/* vif3.0 existed when the server was created */
	uint32_t kicked;		/* posted writes for xl_ioreq_take_kicks */
	uint64_t kicks[XL_IOREQ_POSTED_MAX];
	unsigned int posts;		/* xl_ioreq_posted calls */
	uint32_t post_id, post_nr;
	uint64_t post_start;
} fake;

struct xl_ioreq_server {
	int unused;
};

struct xl_handle {
	int unused;
};

static struct xl_handle handle;
static struct xl_ioreq_server server;

/* The rest of libxenolith that main.c calls. */
struct xl_handle *xl_open(const char *path, char *err, size_t errlen)
{
	(void)path;
	if (fake.no_device) {
		snprintf(err, errlen, "/dev/xenolith: No such file or directory");
		return NULL;
	}
	return &handle;
}

void xl_close(struct xl_handle *h)
{
	assert_ptr_equal(h, &handle);
}

int xl_domain_getinfo(struct xl_handle *h, uint32_t domid, struct xl_domain_info *info,
		      char *err, size_t errlen)
{
	(void)h;
	(void)err;
	(void)errlen;
	memset(info, 0, sizeof(*info));
	info->domid = domid;
	info->vcpus = 2;
	return 0;
}

int xl_guest_ram_map(struct xl_handle *h, uint32_t domid, struct xl_guest_ram *ram, char *err,
		     size_t errlen)
{
	(void)h;
	(void)domid;
	(void)err;
	(void)errlen;
	fake.ram = calloc(1, 1 << 20);
	*ram = (struct xl_guest_ram){ .nr = 1, .range = { { 0, 1 << 20, fake.ram } }, .fd = -1 };
	return 0;
}

void xl_guest_ram_unmap(struct xl_guest_ram *ram)
{
	free(ram->range[0].host);
	ram->nr = 0;
}

int xl_ioreq_server_create(struct xl_handle *h, uint32_t domid, struct xl_ioreq_server **out,
			   char *err, size_t errlen)
{
	(void)h;
	(void)domid;
	(void)err;
	(void)errlen;
	*out = &server;
	fake.vif_up = if_nametoindex("vif3.0") != 0;
	return 0;
}

void xl_ioreq_server_destroy(struct xl_ioreq_server *s)
{
	assert_ptr_equal(s, &server);
}

int xl_ioreq_server_fd(const struct xl_ioreq_server *s)
{
	(void)s;
	return fake.pipe[0];
}

struct xl_ioreq *xl_ioreq_next(struct xl_ioreq_server *s)
{
	char c;

	(void)s;
	if (fake.next == fake.nr) {		/* all handed out: consume the wake-up */
		assert_true(read(fake.pipe[0], &c, 1) >= 0);
		return NULL;
	}
	return &fake.req[fake.next++];
}

int xl_ioreq_complete(struct xl_ioreq_server *s, struct xl_ioreq *req, char *err, size_t errlen)
{
	(void)s;
	if (fake.complete_ret) {
		snprintf(err, errlen, "vcpu %u: complete: fake failure", req->vcpu);
		return fake.complete_ret;
	}
	req->state = XL_IOREQ_DONE;
	fake.completed++;
	return 0;
}

int xl_ioreq_map_range(struct xl_ioreq_server *s, uint32_t type, uint64_t start, uint64_t len,
		       char *err, size_t errlen)
{
	(void)s;
	fake.maps++;
	fake.pio_maps += type == XL_IOREQ_PIO;
	fake.map_type = type;
	fake.map_addr = start;
	fake.map_len = len;
	if (start == 0xdead0000) {
		snprintf(err, errlen, "overlaps the IOAPIC");
		return -EEXIST;
	}
	return 0;
}

int xl_ioreq_unmap_range(struct xl_ioreq_server *s, uint32_t type, uint64_t start, uint64_t len,
			 char *err, size_t errlen)
{
	(void)s;
	(void)type;
	(void)start;
	(void)len;
	(void)err;
	(void)errlen;
	fake.unmaps++;
	return 0;
}

int xl_ioreq_posted(struct xl_ioreq_server *s, uint32_t id, uint64_t start, uint32_t nr,
		    char *err, size_t errlen)
{
	(void)s;
	fake.posts++;
	fake.post_id = id;
	fake.post_start = start;
	fake.post_nr = nr;
	snprintf(err, errlen, "posted writes: fake failure");
	return start == 0xdead3000 ? -EINVAL : 0;
}

uint32_t xl_ioreq_take_kicks(struct xl_ioreq_server *s, uint64_t kicks[XL_IOREQ_POSTED_MAX])
{
	uint32_t ids = fake.kicked;

	(void)s;
	memcpy(kicks, fake.kicks, sizeof(fake.kicks));
	memset(fake.kicks, 0, sizeof(fake.kicks));
	fake.kicked = 0;
	return ids;
}

int xl_irq_msi(struct xl_handle *h, uint32_t domid, uint64_t addr, uint32_t data, char *err,
	       size_t errlen)
{
	(void)h;
	(void)domid;
	fake.msis++;
	fake.msi_addr = addr;
	fake.msi_data = data;
	snprintf(err, errlen, "no such domain");
	return addr == 0 ? -ESRCH : 0;
}

int xl_irq_sci(struct xl_handle *h, uint32_t domid, uint32_t level, char *err, size_t errlen)
{
	(void)h;
	(void)domid;
	(void)err;
	(void)errlen;
	fake.sci = level;
	return 0;
}

static void reset_fake(void)
{
	memset(&fake, 0, sizeof(fake));
	assert_int_equal(pipe(fake.pipe), 0);
}

static void add_req(uint8_t type, uint8_t dir, uint64_t addr, uint32_t size, uint64_t data)
{
	fake.req[fake.nr++] = (struct xl_ioreq){ .addr = addr, .data = data, .size = size,
		.type = type, .dir = dir, .state = XL_IOREQ_READY, .vcpu = fake.nr };
}

static void test_serve_then_hangup(void **state)
{
	struct dm dm = { .domid = 4, .srv = &server };

	(void)state;
	reset_fake();
	pci_bus_init(&dm.bus, dm_bar_map, &dm);
	add_req(XL_IOREQ_PIO, XL_IOREQ_WRITE, 0xcf8, 4, 0x80000000u);
	add_req(XL_IOREQ_PIO, XL_IOREQ_READ, 0xcfc, 4, 0);
	add_req(XL_IOREQ_PIO, XL_IOREQ_READ, 0xcfc, 4, 0);
	fake.req[2].addr = 0xcfe;
	fake.req[2].size = 2;
	add_req(XL_IOREQ_MMIO, XL_IOREQ_READ, 0xc0000000u, 4, 0);
	assert_int_equal(write(fake.pipe[1], "x", 1), 1);
	close(fake.pipe[1]);			/* the domain goes away after */
	assert_int_equal(dm_loop(&dm), 0);
	assert_int_equal(fake.completed, 4);
	assert_int_equal(fake.req[1].data, 0x00081b36);
	assert_int_equal(fake.req[2].data, 0x0008);
	assert_int_equal(fake.req[3].data, 0xffffffffu);	/* nothing decodes there */
	close(fake.pipe[0]);
}

/* The GPE0 block and the slot registers are served before the bus; the
 * SCI follows GPE0 through xl_irq_sci before each write completes. */
static void test_hotplug_sci(void **state)
{
	struct dm dm = { .domid = 4, .srv = &server };

	(void)state;
	reset_fake();
	pci_bus_init(&dm.bus, dm_bar_map, &dm);
	hotplug_init(&dm.hp, dm_sci, &dm);
	hotplug_plug(&dm.hp, 2);
	assert_int_equal(fake.sci, 0);			/* GPE 1 not enabled yet */
	add_req(XL_IOREQ_PIO, XL_IOREQ_WRITE, 0xafe2, 1, 0x02);	/* GPE0_EN: GPE 1 */
	add_req(XL_IOREQ_PIO, XL_IOREQ_READ, 0xae00, 4, 0);	/* UP */
	add_req(XL_IOREQ_PIO, XL_IOREQ_WRITE, 0xafe0, 1, 0x02);	/* clear GPE0_STS */
	assert_int_equal(write(fake.pipe[1], "x", 1), 1);
	close(fake.pipe[1]);
	assert_int_equal(dm_loop(&dm), 0);
	assert_int_equal(fake.completed, 3);
	assert_int_equal(fake.req[1].data, 1u << 2);
	assert_int_equal(fake.sci, 0);
	assert_int_equal(dm.sci_errors, 0);
	assert_true(!dm.hp.sci && dm.hp.gpe_en == 2 && !dm.hp.gpe_sts);
	close(fake.pipe[0]);
}

/* A client of the control socket: each command on its own connection, the
 * answers' first lines joined into out; then the "domain" goes away. */
static void client(const char *sock, const char *const *cmds, int pipe_w, int out)
{
	alarm(20);		/* never outlive a failed test */
	for (; *cmds; cmds++) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		char buf[512] = "";
		ssize_t n;

		strcpy(sa.sun_path, sock);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
		    write(fd, *cmds, strlen(*cmds)) < 0)
			_exit(1);
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0 || write(out, buf, strcspn(buf, "\n") + 1) < 0)
			_exit(1);
	}
	close(pipe_w);
	_exit(0);
}

/* The event loop serves the control socket: a detach that times out is
 * answered, and the socket takes the next command at once (not only after
 * the guest's next I/O request). */
static void test_control_socket(void **state)
{
	const char *const cmds[] = { "detach xvdb\n", "list\n", NULL };
	char sock[] = "/tmp/test_dm_loop.sock", img[] = "/tmp/test_dm_loop.XXXXXX", err[256];
	char seen[512] = "", want[512];
	struct dm dm = { .domid = 4, .srv = &server, .queues = 1 };
	struct dm_disk_arg disk = { .path = img, .vdev = "xvdb" };
	int out[2], fd = mkstemp(img);
	pid_t pid;

	(void)state;
	alarm(20);		/* a loop that stops serving the socket hangs: fail instead */
	reset_fake();
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	assert_int_equal(pipe(out), 0);
	pci_bus_init(&dm.bus, dm_bar_map, &dm);
	hotplug_init(&dm.hp, dm_sci, &dm);
	assert_int_equal(dm_disk_add(&dm, &disk, err, sizeof(err)), 1);
	assert_int_equal(dm_ctl_open(&dm, sock, 1, err, sizeof(err)), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		client(sock, cmds, fake.pipe[1], out[1]);
	close(fake.pipe[1]);
	close(out[1]);
	assert_int_equal(dm_loop(&dm), 0);
	assert_true(read(out[0], seen, sizeof(seen) - 1) > 0);
	snprintf(want, sizeof(want), "error: the guest did not release xvdb within 1 s\n"
		 "xvdb\t/dev/disk/by-id/virtio-xvdb\t00:01.0\t%s\traw\trw\tattached\n", img);
	assert_string_equal(seen, want);
	alarm(0);
	waitpid(pid, NULL, 0);
	dm_ctl_close(&dm);
	dm_disk_remove(&dm, 1);
	close(out[0]);
	close(fake.pipe[0]);
	close(fd);
	unlink(img);
}

static void test_complete_failure(void **state)
{
	struct dm dm = { .domid = 4, .srv = &server };

	(void)state;
	reset_fake();
	pci_bus_init(&dm.bus, dm_bar_map, &dm);
	add_req(XL_IOREQ_PIO, XL_IOREQ_READ, 0xcfc, 4, 0);
	fake.complete_ret = -EINVAL;
	assert_int_equal(write(fake.pipe[1], "x", 1), 1);
	assert_int_equal(dm_loop(&dm), -EIO);
	close(fake.pipe[0]);
	close(fake.pipe[1]);
}

static void test_bar_map_and_msi(void **state)
{
	struct dm dm = { .domid = 4, .srv = &server };

	(void)state;
	reset_fake();
	dm_bar_map(&dm, 0xc0000000u, 0x8000, true);
	assert_int_equal(fake.maps, 1);
	assert_int_equal(fake.map_type, XL_IOREQ_MMIO);
	assert_int_equal(fake.map_addr, 0xc0000000u);
	assert_int_equal(fake.map_len, 0x8000);
	dm_bar_map(&dm, 0xc0000000u, 0x8000, false);
	assert_int_equal(fake.unmaps, 1);
	dm_bar_map(&dm, 0xdead0000, 0x8000, true);	/* refused: logged once, counted */
	dm_bar_map(&dm, 0xdead0000, 0x8000, true);
	assert_int_equal(dm.map_errors, 2);
	dm_msi(&dm, 0xfee00000u, 0x41);
	assert_int_equal(fake.msis, 1);
	assert_int_equal(fake.msi_data, 0x41);
	assert_int_equal(dm.msi_errors, 0);
	dm_msi(&dm, 0, 0x41);
	dm_msi(&dm, 0, 0x41);
	assert_int_equal(dm.msi_errors, 2);		/* logged once, counted twice */
	close(fake.pipe[0]);
	close(fake.pipe[1]);
}

static unsigned int kick_writes;
static uint64_t kick_off;

/* A device's write: the kicks come before the requests that wait. */
static void kick_write(struct pci_dev *d, unsigned int bar, uint64_t off, unsigned int size,
		       uint64_t val)
{
	(void)d;
	(void)bar;
	(void)size;
	(void)val;
	assert_int_equal(fake.completed, 0);
	kick_writes++;
	kick_off = off;
}

/* Its BAR decoding makes its kick addresses posted (id: the slot); the
 * kicks the hypervisor recorded become its writes; refusals are counted. */
static void test_posted_kicks(void **state)
{
	static const struct pci_dev_ops ops = { .bar_write = kick_write };
	struct dm dm = { .domid = 4, .srv = &server };
	struct pci_dev d;

	(void)state;
	reset_fake();
	kick_writes = 0;
	pci_bus_init(&dm.bus, dm_bar_map, &dm);
	dm.bus.post = dm_bar_post;
	pci_dev_init(&d, 0x1af4, 0x1041, 0x020000, 1, &ops, NULL);
	pci_dev_add_bar(&d, 0, 0x8000, true);
	d.posted = (struct pci_posted){ .off = 0x3000, .nr = 2, .bar = 0 };
	assert_int_equal(pci_bus_add(&dm.bus, &d), 1);
	pci_bus_pio_write(&dm.bus, 0xcf8, 4, 0x80000800u | PCI_COMMAND);
	pci_bus_pio_write(&dm.bus, 0xcfc, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(fake.posts, 1);
	assert_int_equal(fake.post_id, 1);
	assert_int_equal(fake.post_start, 0xc0003000u);
	assert_int_equal(fake.post_nr, 2);
	fake.kicked = 1u << 1;
	fake.kicks[1] = 1u << 1;
	add_req(XL_IOREQ_PIO, XL_IOREQ_READ, 0xcf8, 4, 0);
	assert_int_equal(write(fake.pipe[1], "x", 1), 1);
	close(fake.pipe[1]);
	assert_int_equal(dm_loop(&dm), 0);
	assert_int_equal(kick_writes, 1);
	assert_int_equal(kick_off, 0x3004);
	assert_int_equal(fake.completed, 1);
	/* Decoding off: taken back (nr 0) before the BAR is unmapped. */
	pci_bus_pio_write(&dm.bus, 0xcfc, 2, 0);
	assert_int_equal(fake.posts, 2);
	assert_int_equal(fake.post_nr, 0);
	assert_int_equal(fake.unmaps, 1);
	dm_bar_post(&dm, 1, 0xdead3000, 2, true);	/* refused: logged once, counted */
	dm_bar_post(&dm, 1, 0xdead3000, 2, true);
	assert_int_equal(dm.map_errors, 2);
	close(fake.pipe[0]);
}

int xenolith_dm_main(int argc, char **argv);	/* main.c's main, renamed */

/* xenolith-dm's exit statuses: 2 for a bad argument (nothing started), 1
 * when setting up fails, 0 when the domain is gone. */
static void test_main(void **state)
{
	char path[] = "/tmp/test_dm_main.XXXXXX", disk[64];
	char *bad[] = { "xenolith-dm", "--domid", "3", "--frob", NULL };
	char *missing[] = { "xenolith-dm", "--domid", "3", "--disk", "/nonexistent", NULL };
	char *good[] = { "xenolith-dm", "--domid", "3", "--disk", disk, NULL };
	char nic[] = "bridge=nosuchbr9";
	char *no_bridge[] = { "xenolith-dm", "--domid", "3", "--nic", nic, NULL };
	char sock[] = "/tmp/test_dm_main.sock";
	char *ctl[] = { "xenolith-dm", "--domid", "3", "--disk", disk, "--control", sock, NULL };
	char *badctl[] = { "xenolith-dm", "--domid", "3", "--control", "/nonexistent/dir/s", NULL };
	int fd = mkstemp(path);

	(void)state;
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	assert_int_equal(xenolith_dm_main(4, bad), 2);
	assert_int_equal(xenolith_dm_main(5, missing), 2);
	reset_fake();
	snprintf(disk, sizeof(disk), "%s,vdev=xvdb", path);
	fake.no_device = true;
	assert_int_equal(xenolith_dm_main(5, good), 1);
	assert_int_equal(fake.pio_maps, 0);			/* nothing started */
	close(fake.pipe[0]);
	close(fake.pipe[1]);
	/* A NIC on a bridge that does not exist: 1, nothing started. */
	reset_fake();
	assert_int_equal(xenolith_dm_main(5, no_bridge), 1);
	assert_int_equal(fake.pio_maps, 0);
	close(fake.pipe[0]);
	close(fake.pipe[1]);

	/* Set up, serve until the "domain" is gone, exit 0. */
	reset_fake();
	snprintf(disk, sizeof(disk), "%s,vdev=xvdb", path);
	close(fake.pipe[1]);
	assert_int_equal(xenolith_dm_main(5, good), 0);
	assert_int_equal(fake.pio_maps, 4);	/* 0xcf8, 0xcfc-0xcff, GPE0, hotplug slots */
	close(fake.pipe[0]);

	/* With a control socket: there while serving, removed at the end; one
	 * that cannot be made fails the setup (status 1). */
	reset_fake();
	snprintf(disk, sizeof(disk), "%s,vdev=xvdb", path);
	close(fake.pipe[1]);
	assert_int_equal(xenolith_dm_main(7, ctl), 0);
	assert_int_equal(access(sock, F_OK), -1);
	close(fake.pipe[0]);
	reset_fake();
	assert_int_equal(xenolith_dm_main(5, badctl), 1);
	close(fake.pipe[0]);
	close(fake.pipe[1]);
	close(fd);
	unlink(path);
}

/* With a NIC on a real bridge: its tap exists while serving and is gone
 * after exit (in a private network namespace; skipped where impossible). */
static void test_main_nic(void **state)
{
	char nic[] = "mac=00:16:3e:00:00:09,bridge=xbr0";
	char *argv[] = { "xenolith-dm", "--domid", "3", "--nic", nic, NULL };

	(void)state;
	if (!netns_private_bridge("test_dm_loop"))
		skip();
	reset_fake();
	close(fake.pipe[1]);				/* the "domain" goes at once */
	assert_int_equal(xenolith_dm_main(5, argv), 0);
	assert_true(fake.vif_up);
	assert_int_equal(if_nametoindex("vif3.0"), 0);
	close(fake.pipe[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serve_then_hangup),
		cmocka_unit_test(test_hotplug_sci),
		cmocka_unit_test(test_control_socket),
		cmocka_unit_test(test_complete_failure),
		cmocka_unit_test(test_bar_map_and_msi),
		cmocka_unit_test(test_posted_kicks),
		cmocka_unit_test(test_main),
		cmocka_unit_test(test_main_nic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
