/* test_dm_ctl.c - the control socket's commands (parser) and their effect: attach, list, detach answered by the guest's eject, timeouts, forced detach. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <net/if.h>
#include <cmocka.h>

#include "devmodel.h"
#include "netns_testlib.h"
#include "tmpdir.h"

/* The glue that ioreq_loop.c would provide. */
void dm_msi(void *opaque, uint64_t addr, uint32_t data)
{
	(void)opaque;
	(void)addr;
	(void)data;
}

static bool sci_level;

void dm_sci(void *opaque, bool level)
{
	(void)opaque;
	sci_level = level;
}

static void no_map(void *opaque, uint64_t addr, uint64_t len, bool on)
{
	(void)opaque;
	(void)addr;
	(void)len;
	(void)on;
}

static void parse_ok(const char *text, struct dm_cmd *c)
{
	static char line[256];
	char err[256];

	snprintf(line, sizeof(line), "%s", text);
	assert_int_equal(dm_cmd_parse(line, c, err, sizeof(err)), 0);
}

static void parse_bad(const char *text, const char *want)
{
	char line[256], err[256] = "";
	struct dm_cmd c;

	snprintf(line, sizeof(line), "%s", text);
	assert_int_equal(dm_cmd_parse(line, &c, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("'%s': expected an error with '%s', saw '%s'", text, want, err);
}

static void test_parse(void **state)
{
	struct dm_cmd c;

	(void)state;
	parse_ok("attach /img/a b,vdev=xvdc,access=ro,format=qcow2", &c);
	assert_int_equal(c.kind, DM_CMD_ATTACH);
	assert_string_equal(c.disk.path, "/img/a b");
	assert_string_equal(c.disk.vdev, "xvdc");
	assert_true(c.disk.ro && c.disk.qcow2);
	parse_ok("attach /dev/vg/x", &c);
	assert_string_equal(c.disk.vdev, "");
	assert_false(c.disk.ro || c.disk.qcow2);
	parse_ok("detach xvdb", &c);
	assert_int_equal(c.kind, DM_CMD_DETACH);
	assert_string_equal(c.vdev, "xvdb");
	assert_false(c.force);
	parse_ok("detach xvdz force", &c);
	assert_true(c.force);
	parse_ok("list", &c);
	assert_int_equal(c.kind, DM_CMD_LIST);
	parse_bad("attach ,vdev=xvdb", "attach: no path");
	parse_bad("attach /a,vdev=sda", "attach /a: bad option 'vdev=sda'");
	parse_bad("attach", "unknown command");
	parse_bad("detach", "unknown command");
	parse_bad("detach sda", "'sda' is not a disk name");
	parse_bad("detach xvdb now", "unknown option 'now'");
	parse_bad("detach xvdb force twice", "too many arguments");
	parse_bad("list all", "unknown command");
	parse_bad("", "unknown command");
	parse_bad("frob xvdb", "'frob': unknown command");
	parse_ok("read xvdb 1024 512", &c);
	assert_int_equal(c.kind, DM_CMD_READ);
	assert_string_equal(c.vdev, "xvdb");
	assert_int_equal(c.off, 1024);
	assert_int_equal(c.len, 512);
	parse_ok("read xvdz 0 32768", &c);
	parse_bad("read sdb 0 1", "read: 'sdb' is not a disk name");
	parse_bad("read xvdb 0 32769", "read xvdb: expected OFFSET LENGTH");
	parse_bad("read xvdb 0 0", "read xvdb: expected OFFSET LENGTH");
	parse_bad("read xvdb -1 1", "read xvdb: expected OFFSET LENGTH");
	parse_bad("read xvdb 1", "read xvdb: expected OFFSET LENGTH");
	parse_bad("read xvdb 1 2 3", "read xvdb: expected OFFSET LENGTH");
	parse_bad("read xvdb 99999999999999999999 1", "read xvdb: expected OFFSET LENGTH");

	parse_ok("nic-attach mac=00:16:3e:00:00:07,bridge=br1,vifname=web0,rate=1000@20000", &c);
	assert_int_equal(c.kind, DM_CMD_NIC_ATTACH);
	assert_true(c.nic.has_mac);
	assert_int_equal(c.nic.mac[5], 7);
	assert_string_equal(c.nic.bridge, "br1");
	assert_string_equal(c.nic.vifname, "web0");
	assert_int_equal(c.nic.rate_bytes, 1000);
	assert_int_equal(c.nic.rate_us, 20000);
	parse_ok("nic-attach", &c);
	assert_int_equal(c.kind, DM_CMD_NIC_ATTACH);
	assert_string_equal(c.nic.bridge, "");	/* left down, for the vif's script */
	assert_false(c.nic.has_mac);
	assert_int_equal(c.nic.rate_bytes, 0);
	parse_ok("nic-detach 7", &c);
	assert_int_equal(c.kind, DM_CMD_NIC_DETACH);
	assert_int_equal(c.devid, 7);
	parse_ok("nic-list", &c);
	assert_int_equal(c.kind, DM_CMD_NIC_LIST);
	parse_bad("nic-attach frob=1", "bad option 'frob=1'");
	parse_bad("nic-attach mac=01:16:3e:00:00:01", "a multicast address");
	parse_bad("nic-attach rate=10Mb/s", "expected rate=BYTES@US");
	parse_bad("nic-attach rate=0@20000", "expected rate=BYTES@US");
	parse_bad("nic-attach rate=1000@0", "expected rate=BYTES@US");
	parse_bad("nic-attach rate=-1@20", "expected rate=BYTES@US");
	parse_bad("nic-detach 8", "'8' is not a devid (0..7)");
	parse_bad("nic-detach -1", "'-1' is not a devid");
	parse_bad("nic-detach 1 2", "'1 2' is not a devid");
	parse_bad("nic-detach", "unknown command");
	parse_bad("nic-list 0", "unknown command");
}

static char dir[64], sock[96], img[96];

static int setup(void **state)
{
	int fd;

	(void)state;
	if (!tmpdir_make(dir, sizeof(dir), "test_dm_ctl"))
		return -1;
	snprintf(sock, sizeof(sock), "%s/dm.sock", dir);
	snprintf(img, sizeof(img), "%s/disk img", dir);
	fd = open(img, O_CREAT | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, 1 << 20))
		return -1;
	return close(fd);
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* Connect and send line; the device model accepts and reads it. */
static int send_cmd(struct dm *dm, const char *line)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), ctl[2];

	strcpy(sa.sun_path, sock);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	dm_ctl_pollfds(dm, ctl);
	assert_true(ctl[0] >= 0 && ctl[1] < 0);
	dm_ctl_event(dm, 0);
	dm_ctl_pollfds(dm, ctl);
	assert_true(ctl[0] < 0 && ctl[1] >= 0);
	dm_ctl_event(dm, 1);
	return fd;
}

/* The answer on fd, up to the device model's end of the connection. */
static const char *answer(int fd)
{
	static char buf[4096];
	size_t n = 0;
	ssize_t r;

	while ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(fd);
	return buf;
}

static const char *cmd(struct dm *dm, const char *line)
{
	return answer(send_cmd(dm, line));
}

static void expect(const char *seen, const char *want)
{
	if (!strstr(seen, want))
		fail_msg("expected '%s' in the answer, saw '%s'", want, seen);
}

static void init_dm(struct dm *dm)
{
	char err[256];
	struct stat st;

	*dm = (struct dm){ .domid = 5, .queues = 1 };
	pci_bus_init(&dm->bus, no_map, dm);
	hotplug_init(&dm->hp, dm_sci, dm);
	assert_int_equal(dm_ctl_open(dm, sock, 1, err, sizeof(err)), 0);
	assert_int_equal(stat(sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	dm->hp.gpe_en = 1u << HOTPLUG_GPE_BIT;
}

static void test_attach_list_detach(void **state)
{
	char line[256], want[512];
	struct dm dm;
	int fd, ctl[2];

	(void)state;
	init_dm(&dm);
	snprintf(line, sizeof(line), "attach %s,vdev=xvdc,access=ro\n", img);
	expect(cmd(&dm, line), "ok xvdc\n");
	assert_non_null(dm.disk[2]);
	assert_int_equal(dm.disk[2]->slot, 1);
	assert_int_equal(dm.hp.up, 1u << 1);
	assert_true(sci_level);
	snprintf(line, sizeof(line), "attach %s,access=ro\n", img);
	expect(cmd(&dm, line), "ok xvda\n");		/* the first free name */
	assert_int_equal(dm.disk[0]->slot, 2);
	snprintf(line, sizeof(line), "attach %s,vdev=xvdc\n", img);
	expect(cmd(&dm, line), "error: xvdc: already attached");
	snprintf(line, sizeof(line), "attach %s,vdev=xvdd\n", img);
	expect(cmd(&dm, line), "lock (in use elsewhere?)");	/* a writer needs it alone */
	expect(cmd(&dm, "attach /nonexistent,vdev=xvdd\n"), "error: /nonexistent");
	assert_null(dm.disk[3]);
	expect(cmd(&dm, "attach /x,vdev=hda\n"), "error: attach /x: bad option 'vdev=hda'");
	snprintf(want, sizeof(want), "xvda\t/dev/disk/by-id/virtio-xvda\t00:02.0\t%s\traw\tro\tattached\n"
		 "xvdc\t/dev/disk/by-id/virtio-xvdc\t00:01.0\t%s\traw\tro\tattached\nok\n", img, img);
	assert_string_equal(cmd(&dm, "list\n"), want);

	/* detach: asked of the guest, answered on its _EJ0. */
	fd = send_cmd(&dm, "detach xvdc\n");
	assert_int_equal(dm.hp.down, 1u << 1);
	dm_ctl_pollfds(&dm, ctl);
	assert_true(ctl[0] < 0 && ctl[1] < 0);		/* waiting for the guest */
	assert_true(dm_ctl_timeout(&dm) > 0);
	dm_disk_ejected(&dm, 1u << 1);
	expect(answer(fd), "ok xvdc\n");
	assert_null(dm.disk[2]);
	assert_null(dm.bus.slot[1]);
	assert_int_equal(dm_ctl_timeout(&dm), -1);
	expect(cmd(&dm, "detach xvdc\n"), "error: xvdc: not attached");
	expect(cmd(&dm, "frob\n"), "error: 'frob': unknown command");

	/* Attached again: the free slot and the name back (read-only: xvda
	 * shares the image, and a writer would need it alone). */
	snprintf(line, sizeof(line), "attach %s,vdev=xvdc,access=ro\n", img);
	expect(cmd(&dm, line), "ok xvdc\n");
	assert_int_equal(dm.disk[2]->slot, 1);
	dm_ctl_close(&dm);
	assert_int_equal(access(sock, F_OK), -1);
	dm_disk_remove(&dm, 0);
	dm_disk_remove(&dm, 2);
}

/* read: bytes of an attached disk, as hex; nothing beyond its end. */
static void test_read(void **state)
{
	char line[256];
	struct dm dm;
	int fd = open(img, O_WRONLY);

	(void)state;
	assert_int_equal(pwrite(fd, "\x53\xef\x01", 3, 1080), 3);
	close(fd);
	init_dm(&dm);
	snprintf(line, sizeof(line), "attach %s,vdev=xvdb,access=ro\n", img);
	expect(cmd(&dm, line), "ok xvdb\n");
	assert_string_equal(cmd(&dm, "read xvdb 1079 5\n"), "ok 0053ef0100\n");
	assert_string_equal(cmd(&dm, "read xvdb 1048575 1\n"), "ok 00\n");
	expect(cmd(&dm, "read xvdb 1048575 2\n"), "error: xvdb: bytes 1048575..1048577 are "
	       "beyond its end (1048576)");
	expect(cmd(&dm, "read xvdc 0 1\n"), "error: xvdc: not attached");
	dm_ctl_close(&dm);
	dm_disk_remove(&dm, 1);
}

static void test_timeout_and_force(void **state)
{
	char line[256];
	struct dm dm;
	int fd;

	(void)state;
	init_dm(&dm);
	snprintf(line, sizeof(line), "attach %s,vdev=xvdb\n", img);
	expect(cmd(&dm, line), "ok xvdb\n");
	fd = send_cmd(&dm, "detach xvdb\n");
	sleep(1);
	while (dm_ctl_timeout(&dm) >= 0)
		usleep(10000);
	expect(answer(fd), "error: the guest did not release xvdb within 1 s\n");
	assert_non_null(dm.disk[1]);				/* still attached */
	assert_ptr_not_equal(dm.disk[1]->disk, &dm.disk[1]->gone);

	fd = send_cmd(&dm, "detach xvdb force\n");
	sleep(1);
	while (dm_ctl_timeout(&dm) >= 0)
		usleep(10000);
	expect(answer(fd), "ok xvdb forced\n");
	assert_ptr_equal(dm.disk[1]->disk, &dm.disk[1]->gone);	/* the image is closed */
	expect(cmd(&dm, "list\n"), "\treleased\n");
	expect(cmd(&dm, "detach xvdb\n"), "error: xvdb: already detached by force");
	dm_disk_ejected(&dm, 1u << 1);				/* the guest lets go at last */
	assert_null(dm.disk[1]);
	dm_ctl_close(&dm);
}

/* NICs over real taps in a private network namespace with bridge xbr0
 * (skipped without root and /dev/net/tun): attach, refusals that leave
 * no tap, list with counters, detach answered on the guest's eject and
 * the tap gone. Last: the process stays in that namespace. */
static void test_nics(void **state)
{
	char want[256];
	struct dm dm;
	int fd;

	(void)state;
	if (!netns_private_bridge("test_dm_ctl"))
		skip();
	init_dm(&dm);
	expect(cmd(&dm, "nic-attach mac=00:16:3e:00:00:07,bridge=xbr0\n"),
	       "ok 0 vif5.0 00:16:3e:00:00:07\n");
	assert_true(if_nametoindex("vif5.0") > 0);
	assert_int_equal(dm.nic[0]->slot, 1);
	assert_int_equal(dm.hp.up, 1u << 1);
	expect(cmd(&dm, "nic-attach mac=00:16:3e:00:00:07,bridge=xbr0\n"),
	       "error: vif5.1: mac 00:16:3e:00:00:07 already used by vif5.0\n");
	expect(cmd(&dm, "nic-attach bridge=nosuch\n"), "error: vif5.1: bridge nosuch: no such bridge\n");
	expect(cmd(&dm, "nic-attach bridge=xbr0,vifname=vif5.0\n"),
	       "error: vif5.0: vifname already used by devid 0\n");
	expect(cmd(&dm, "nic-attach bridge=xbr0,vifname=xbr0\n"),
	       "error: xbr0: an interface of that name exists already\n");
	assert_int_equal(if_nametoindex("vif5.1"), 0);
	assert_null(dm.nic[1]);
	expect(cmd(&dm, "nic-attach bridge=xbr0,rate=125000@20000\n"), "ok 1 vif5.1 00:16:3e:");
	assert_int_equal(dm.nic[1]->vnet.rate.bytes_per_interval, 2500);
	snprintf(want, sizeof(want), "0\t00:16:3e:00:00:07\tvif5.0\txbr0\t00:01.0\tattached\t"
		 "0\t0\t0\t0\t0\t-\n1\t");
	expect(cmd(&dm, "nic-list\n"), want);
	dm.nic[0]->vnet.stats.dropped[VIRTIO_NET_DROP_TX_CHAIN] = 2;
	dm.nic[0]->vnet.stats.dropped[VIRTIO_NET_DROP_RX_BUFFERS] = 1;
	dm.nic[0]->vnet.stats.tx_packets = 4;
	expect(cmd(&dm, "nic-list\n"), "\tattached\t0\t0\t4\t0\t3\ttx_chain=2,rx_buffers=1\n");

	fd = send_cmd(&dm, "nic-detach 0\n");
	assert_int_equal(dm.hp.down, 1u << 1);
	dm_nic_ejected(&dm, 1u << 1);
	expect(answer(fd), "ok vif5.0\n");
	assert_null(dm.nic[0]);
	assert_int_equal(if_nametoindex("vif5.0"), 0);
	expect(cmd(&dm, "nic-detach 0\n"), "error: no NIC with devid 0\n");
	expect(cmd(&dm, "nic-attach bridge=xbr0\n"), "ok 0 vif5.0 ");	/* devid 0 again */
	dm_nic_remove(&dm, 0);
	dm_nic_remove(&dm, 1);
	assert_int_equal(if_nametoindex("vif5.1"), 0);
	dm_ctl_close(&dm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_attach_list_detach),
		cmocka_unit_test(test_timeout_and_force),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_nics),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
