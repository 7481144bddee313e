/* test_disk_spec.c - unit tests of disk specs and the disk= key (tools/xenoctl/disk_spec.c, disk_vdev.c, config_disk.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "xenoctl/config.h"

static struct disk_spec d;
static char why[512];

static void spec_ok(const char *spec)
{
	int ret;

	memset(&d, 0xa5, sizeof(d));
	d.line = 7;
	d.entry = 1;
	ret = disk_spec_parse(spec, &d, why, sizeof(why));
	if (ret)
		print_error("spec '%s': unexpected error: %s\n", spec, why);
	assert_int_equal(ret, 0);
	assert_int_equal(d.line, 7);
	assert_int_equal(d.entry, 1);
}

static void spec_err(const char *spec, const char *want)
{
	int ret = disk_spec_parse(spec, &d, why, sizeof(why));

	if (ret != -EINVAL || strcmp(why, want))
		print_error("spec '%s'\nexpected: %s\nsaw (%d): %s\n", spec, want,
			    ret, ret ? why : "success");
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(why, want);
}

/* A spec and what it must parse into. */
struct good {
	const char *spec, *target;
	enum disk_kind kind;
	enum disk_format format;
	int format_given;
	const char *vdev;
	unsigned int index;
	enum disk_access access;
};

#define FILE_ DISK_KIND_FILE
#define PHY DISK_KIND_PHY
#define ANY DISK_KIND_ANY
#define RAW DISK_FORMAT_RAW
#define QCOW2 DISK_FORMAT_QCOW2
#define RO DISK_ACCESS_RO
#define RW DISK_ACCESS_RW
#define SHARED DISK_ACCESS_RW_SHARED

static const struct good goods[] = {
	/* xm's prefixes, as in the Xen manual */
	{ "file:/var/img/a.img,xvda,w", "/var/img/a.img", FILE_, RAW, 1, "xvda", 0, RW },
	{ "phy:/dev/sdb1,xvdb,r", "/dev/sdb1", PHY, RAW, 1, "xvdb", 1, RO },
	{ "phy:hda3,sdc,w", "/dev/hda3", PHY, RAW, 1, "sdc", 2, RW },
	{ "phy:vg/lvm1,hdd,w!", "/dev/vg/lvm1", PHY, RAW, 1, "hdd", 3, SHARED },
	{ "tap:aio:/full/path/to/vm1disk,sde,w", "/full/path/to/vm1disk", FILE_, RAW, 1, "sde", 4, RW },
	{ "tap:qcow2:/x.qcow2,vdz,r", "/x.qcow2", FILE_, QCOW2, 1, "vdz", 25, RO },
	{ "file:/var/images/image1.img,ioemu:hda,w", "/var/images/image1.img", FILE_, RAW, 1,
	  "ioemu:hda", 0, RW },
	{ " file:/a , xvda ", "/a", FILE_, RAW, 1, "xvda", 0, RW },
	{ "raw:/dev/sdb,xvda,w", "/dev/sdb", ANY, RAW, 1, "xvda", 0, RW },
	/* xl's positional form, and xm's order without a prefix */
	{ "/dev/vg/guest-volume,raw,xvda,rw", "/dev/vg/guest-volume", ANY, RAW, 1, "xvda", 0, RW },
	{ "/srv/a.qcow2,qcow2,xvdc,ro", "/srv/a.qcow2", ANY, QCOW2, 1, "xvdc", 2, RO },
	{ "/srv/a.img,,xvdb", "/srv/a.img", ANY, RAW, 0, "xvdb", 1, RW },
	{ "/srv/a.img,xvdb,r", "/srv/a.img", ANY, RAW, 0, "xvdb", 1, RO },
	{ "/srv/a.img,xvdb", "/srv/a.img", ANY, RAW, 0, "xvdb", 1, RW },
	/* xl's key=value form; target= takes the rest */
	{ "vdev=xvdb, access=ro, target=/path/with,comma=x", "/path/with,comma=x", ANY, RAW, 0,
	  "xvdb", 1, RO },
	{ "format=qcow2, vdev=hdb, devtype=disk, backendtype=qdisk, target=/q", "/q", ANY, QCOW2,
	  1, "hdb", 1, RW },
	{ "/x,vdev=xvdd,access=w!", "/x", ANY, RAW, 0, "xvdd", 3, SHARED },
	{ "tap:qcow2:/q,xvda,w,format=qcow2", "/q", FILE_, QCOW2, 1, "xvda", 0, RW },
	{ "/dev/vg/a,raw,xvda,rw,discard,direct-io-safe", "/dev/vg/a", ANY, RAW, 1, "xvda", 0, RW },
	{ "vdev = xvda , target = /t ", "/t", ANY, RAW, 0, "xvda", 0, RW },
};

static void test_good_specs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];

		spec_ok(g->spec);
		assert_string_equal(d.target, g->target);
		assert_int_equal(d.kind, g->kind);
		assert_int_equal(d.format, g->format);
		assert_int_equal(d.format_given, g->format_given);
		assert_string_equal(d.vdev, g->vdev);
		assert_int_equal(d.vdev_index, g->index);
		assert_int_equal(d.access, g->access);
	}
	spec_ok("vd:web-1.root,xvdb,r");
	assert_int_equal(d.kind, DISK_KIND_POOL);
	assert_string_equal(d.pool_name, "web-1.root");
	assert_string_equal(d.target, "");
	assert_int_equal(d.access, RO);
	/* target= takes the rest, commas and all, as in xl */
	spec_err("target=/t,vdev=xvda", "vdev: missing (the guest's name for the disk, e.g. xvda)");
}

static void test_bad_specs(void **state)
{
	(void)state;
	spec_err("file:/a,xvda,rx", "access 'rx': expected r, w or w!");
	spec_err("file:/a,xvda1,w", "vdev 'xvda1': a partition cannot be a disk: give "
		 "the whole disk (xvda) and root=/dev/vda1 in the kernel command line");
	spec_err("phy:hda3,sda1,w", "vdev 'sda1': a partition cannot be a disk: give "
		 "the whole disk (sda) and root=/dev/vda1 in the kernel command line");
	spec_err("file:/a,xvdaa,w", "vdev 'xvdaa': expected one letter a-z after 'xvd'");
	spec_err("file:/a,51712,w", "vdev '51712': expected xvdX, hdX, sdX or vdX with X a letter a-z");
	spec_err("file:/a,xvd,w", "vdev 'xvd': expected xvdX, hdX, sdX or vdX with X a letter a-z");
	spec_err("file:/a.iso,hdc:cdrom,r", "vdev 'hdc:cdrom': CD-ROM drives are not supported "
		 "(give the ISO as a read-only disk)");
	spec_err("/a.iso,raw,hdc,r,devtype=cdrom", "devtype 'cdrom': only disks are supported (no CD-ROM drives)");
	spec_err("/a.iso,raw,hdc,r,cdrom", "cdrom: only disks are supported (no CD-ROM drives)");
	spec_err("file:/a", "vdev: missing (the guest's name for the disk, e.g. xvda)");
	spec_err(",,xvda", "target: missing (empty drives and CD-ROMs are not supported)");
	spec_err("vdev=xvda", "target: missing");
	spec_err("file:,xvda", "target: missing (empty drives and CD-ROMs are not supported)");
	spec_err("/a,vhd,xvda,w", "format 'vhd': not supported (raw or qcow2; convert with qemu-img)");
	spec_err("/a,qcow3,xvda,w", "format 'qcow3': expected raw or qcow2");
	spec_err("tap:qcow2:/a,xvda,w,format=raw", "format 'raw': the target's prefix says qcow2");
	spec_err("tap:qcow:/a,xvda,w", "target 'tap:qcow:/a': qcow version 1 images are not "
		 "supported (convert: qemu-img convert -O qcow2)");
	spec_err("/a,raw,xvda,w,extra", "'extra': too many fields (at most target, format, vdev, access)");
	spec_err("file:/a,xvda,w,x", "'x': too many fields (after a prefix: target, vdev, access)");
	spec_err("/a,xvda,script=block", "'script': unknown key (target, format, vdev, access, devtype)");
	spec_err("/a,vdev=xvda,target=/b", "target given twice ('/a' and target=)");
	spec_err("vd:bad/name,xvda", "target 'vd:bad/name': a pool disk's name is 1 to 64 of "
		 "A-Z a-z 0-9 _ . - (not starting with '.')");
	spec_err("vd:.hidden,xvda", "target 'vd:.hidden': a pool disk's name is 1 to 64 of "
		 "A-Z a-z 0-9 _ . - (not starting with '.')");
}

/* config_to_domain() of BASE + text must fail with want. */
static void domain_err(const char *text, const char *want)
{
	struct config_file cf = { 0 };
	static struct domain_config dc;
	char err[512];
	int ret = config_parse(text, strlen(text), "demo.cfg", &cf, err, sizeof(err));

	assert_int_equal(ret, 0);
	ret = config_to_domain(&cf, &dc, err, sizeof(err), NULL, NULL);
	if (ret != -EINVAL || strcmp(err, want))
		print_error("expected: %s\nsaw (%d): %s\n", want, ret, ret ? err : "success");
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(err, want);
	config_free(&cf);
}

static struct domain_config dc;
static char warned[512];

static void warn(void *ctx, const char *msg)
{
	(void)ctx;
	snprintf(warned, sizeof(warned), "%s", msg);
}

static void domain_ok(const char *text)
{
	struct config_file cf = { 0 };
	char err[512];
	int ret = config_parse(text, strlen(text), "demo.cfg", &cf, err, sizeof(err));

	assert_int_equal(ret, 0);
	warned[0] = '\0';
	ret = config_to_domain(&cf, &dc, err, sizeof(err), warn, NULL);
	if (ret)
		print_error("%s\n", err);
	assert_int_equal(ret, 0);
	config_free(&cf);
}

static void test_config_key(void **state)
{
	(void)state;
	domain_ok("name = 'a'\nkernel = '/k'\n"
		  "disk = [ 'file:/c.img,xvdc,w',\n"
		  "         'phy:/dev/sdb1,hda,r',\n"
		  "         'vd:data,sdb,w!' ]\n");
	assert_string_equal(warned, "");
	assert_int_equal(dc.ndisks, 3);
	assert_int_equal(dc.boot, CONFIG_BOOT_KERNEL);
	assert_string_equal(dc.disks[0].vdev, "hda");
	assert_string_equal(dc.disks[0].guest_dev, "vda");
	assert_int_equal(dc.disks[0].line, 4);
	assert_int_equal(dc.disks[0].entry, 1);
	assert_string_equal(dc.disks[1].pool_name, "data");
	assert_string_equal(dc.disks[1].guest_dev, "vdb");
	assert_string_equal(dc.disks[2].target, "/c.img");
	assert_string_equal(dc.disks[2].guest_dev, "vdc");
	/* a single string is one disk; pygrub when there is no kernel */
	domain_ok("name = 'a'\ndisk = 'file:/c.img,xvda,w'\n");
	assert_int_equal(dc.ndisks, 1);
	assert_int_equal(dc.boot, CONFIG_BOOT_PYGRUB);
	domain_ok("name = 'a'\nkernel = '/k'\nbootloader = '/usr/bin/pygrub'\n"
		  "disk = ['/a,raw,xvda,rw']\n");
	assert_int_equal(dc.boot, CONFIG_BOOT_PYGRUB);
	assert_string_equal(dc.kernel, "");
	assert_string_equal(warned, "demo.cfg:2: kernel: ignored: bootloader is pygrub");
	domain_ok("name = 'a'\nkernel = '/k'\n");
	assert_int_equal(dc.ndisks, 0);
}

static void test_config_errors(void **state)
{
	(void)state;
	domain_err("name = 'a'\nkernel = '/k'\ndisk = [\n  'file:/a,xvda,w',\n"
		   "  'file:/b,xvdb,rx' ]\n",
		   "demo.cfg:5: disk[1]: access 'rx': expected r, w or w!");
	domain_err("name = 'a'\nkernel = '/k'\ndisk = [ 'file:/a,xvda,w', 3 ]\n",
		   "demo.cfg:3: disk[1]: expected a string such as 'file:/path/disk.img,xvda,w'");
	domain_err("name = 'a'\nkernel = '/k'\ndisk = [ 'file:/a,xvda,w',\n"
		   "'file:/b,hda,w' ]\n",
		   "demo.cfg:4: disk[1]: vdev 'hda': the same disk as disk[0]'s 'xvda'");
	domain_err("name = 'a'\nkernel = '/k'\ndisk = [ 'a,xvda','a,xvdb','a,xvdc',"
		   "'a,xvdd','a,xvde','a,xvdf','a,xvdg','a,xvdh','a,xvdi','a,xvdj',"
		   "'a,xvdk','a,xvdl','a,xvdm','a,xvdn','a,xvdo','a,xvdp','a,xvdq' ]\n",
		   "demo.cfg:3: disk: 17 disks, at most 16");
	domain_err("name = 'a'\nbootloader = 'grub'\ndisk = ['/a,xvda']\n",
		   "demo.cfg:2: bootloader: 'grub': only pygrub is supported");
	domain_err("name = 'a'\nbootloader = 'pygrub'\n",
		   "demo.cfg:2: bootloader: pygrub needs a disk to boot from");
	domain_err("name = 'a'\n", "demo.cfg: kernel: missing (required)");
}

static void test_override_line(void **state)
{
	struct config_file cf = { 0 };
	char err[512];

	(void)state;
	assert_int_equal(config_parse("name='a'\nkernel='/k'\n", 21, "demo.cfg", &cf,
				      err, sizeof(err)), 0);
	assert_int_equal(config_override(&cf, "disk=['/a,xvda,q']", err, sizeof(err)), 0);
	assert_int_equal(config_to_domain(&cf, &dc, err, sizeof(err), NULL, NULL), -EINVAL);
	assert_string_equal(err, "command line: disk[0]: access 'q': expected r, w or w!");
	config_free(&cf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_specs),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_config_key),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_override_line),
	};

	return cmocka_run_group_tests_name("disk_spec", tests, NULL, NULL);
}
