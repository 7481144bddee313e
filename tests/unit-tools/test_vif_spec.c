/* test_vif_spec.c - unit tests of vif specs, the vif= key, MAC addresses and the guest address keys (vif_spec.c, config_vif.c, xl_mac.c, config_netboot.c), and an NFS root. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "libxenolith/libxenolith.h"
#include "xenoctl/config.h"

static struct vif_spec v;
static char why[512];

static void spec_ok(const char *spec)
{
	int ret;

	memset(&v, 0xa5, sizeof(v));
	v.line = 7;
	v.entry = 1;
	ret = vif_spec_parse(spec, &v, why, sizeof(why));
	if (ret)
		print_error("spec '%s': unexpected error: %s\n", spec, why);
	assert_int_equal(ret, 0);
	assert_int_equal(v.line, 7);
	assert_int_equal(v.entry, 1);
}

static void spec_err(const char *spec, const char *want)
{
	int ret = vif_spec_parse(spec, &v, why, sizeof(why));

	if (ret != -EINVAL || strcmp(why, want))
		print_error("spec '%s'\nexpected: %s\nsaw (%d): %s\n", spec, want, ret,
			    ret ? why : "success");
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(why, want);
}

static void test_specs(void **state)
{
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0x01, 0x0a, 0xbc };
	char buf[18];

	(void)state;
	spec_ok("");
	assert_false(v.has_mac);
	assert_string_equal(v.bridge, "xenbr0");
	assert_string_equal(v.vifname, "");
	assert_string_equal(v.ip, "");
	assert_null(v.ignored);
	spec_ok("mac=00:16:3E:01:0a:bc, bridge=xenbr1");
	assert_true(v.has_mac);
	assert_memory_equal(v.mac, mac, 6);
	assert_string_equal(v.bridge, "xenbr1");
	xl_mac_format(v.mac, buf);
	assert_string_equal(buf, "00:16:3e:01:0a:bc");
	spec_ok(" bridge=br-lan ,vifname=web.0,, ip=10.0.0.2 fd00::2 ,model=virtio,type=ioemu ");
	assert_string_equal(v.bridge, "br-lan");
	assert_string_equal(v.vifname, "web.0");
	assert_string_equal(v.ip, "10.0.0.2 fd00::2");
	assert_string_equal(v.script, "vif-bridge");
	spec_ok("type=vif,model=ioemu,script=vif-route,backend=0");
	assert_string_equal(v.script, "vif-route");
	assert_string_equal(v.ignored, "backend");
	spec_ok("script=/root/my-vif");
	assert_string_equal(v.script, "/root/my-vif");
	spec_ok("mac=02:00:00:00:00:01");			/* locally administered */
}

static void test_bad_specs(void **state)
{
	(void)state;
	spec_err("mac=00:16:3e:zz:01:02", "mac '00:16:3e:zz:01:02': expected six hex bytes "
		 "(00:16:3e:xx:xx:xx)");
	spec_err("mac=00:16:3e:01:02", "mac '00:16:3e:01:02': expected six hex bytes "
		 "(00:16:3e:xx:xx:xx)");
	spec_err("mac=00:16:3e:01:02:03:04", "mac '00:16:3e:01:02:03:04': expected six hex "
		 "bytes (00:16:3e:xx:xx:xx)");
	spec_err("mac=0:16:3e:01:02:03", "mac '0:16:3e:01:02:03': expected six hex bytes "
		 "(00:16:3e:xx:xx:xx)");
	spec_err("mac=01:00:5e:00:00:01", "mac '01:00:5e:00:00:01': a multicast address "
		 "(the first byte must be even)");
	spec_err("mac=ff:ff:ff:ff:ff:ff", "mac 'ff:ff:ff:ff:ff:ff': a multicast address "
		 "(the first byte must be even)");
	spec_err("mac=00:00:00:00:00:00", "mac '00:00:00:00:00:00': not a usable address");
	spec_err("bridge=", "bridge '': not an interface name (1 to 15 characters, "
		 "no '/', ':' or spaces)");
	spec_err("vifname=a-very-long-name0", "vifname 'a-very-long-name0': not an interface "
		 "name (1 to 15 characters, no '/', ':' or spaces)");
	spec_err("bridge=br/0", "bridge 'br/0': not an interface name (1 to 15 characters, "
		 "no '/', ':' or spaces)");
	spec_err("ip=10.0.0.300", "ip '10.0.0.300': '10.0.0.300' is not an IP address");
	spec_err("ip=", "ip '': expected addresses separated by spaces");
	spec_err("script=", "script '': expected a script's name or path (1 to 255 characters, "
		 "no spaces)");
	spec_err("model=e1000", "model 'e1000': only virtio is supported");
	spec_err("type=pv", "type 'pv': expected ioemu or vif");
	spec_err("bridge", "'bridge': expected key=value");
	spec_err("rate=10Mb/s,colour=red", "'colour': unknown key (mac, bridge, vifname, ip, "
		 "script, model, type)");
}

/* The vif= key through the whole parser: errors name file, line, entry, field. */
static struct config_file cf;
static struct domain_config dc;
static char err[1024], warned[1024];
static unsigned int nwarned;

static void warn(void *ctx, const char *msg)
{
	(void)ctx;
	nwarned++;
	snprintf(warned, sizeof(warned), "%s", msg);
}

static int domain(const char *text)
{
	char perr[512];

	config_free(&cf);
	nwarned = 0;
	assert_int_equal(config_parse(text, strlen(text), "demo.cfg", &cf, perr, sizeof(perr)), 0);
	return config_to_domain(&cf, &dc, err, sizeof(err), warn, NULL);
}

#define BASE "name = 'demo'\nkernel = '/boot/vmlinuz'\n"

static void test_key(void **state)
{
	(void)state;
	assert_int_equal(domain(BASE "vif = [ 'mac=00:16:3e:01:02:03, bridge=xenbr0',\n"
				"        'bridge=xenbr1', '' ]\n"), 0);
	assert_int_equal(dc.nvifs, 3);
	assert_string_equal(dc.vifs[1].bridge, "xenbr1");
	assert_int_equal(dc.vifs[2].entry, 2);
	assert_int_equal(dc.vifs[2].line, 4);
	assert_int_equal(nwarned, 0);
	assert_int_equal(domain(BASE "vif = 'vifname=web0'\n"), 0);	/* a string: a list of one */
	assert_int_equal(dc.nvifs, 1);
	assert_string_equal(dc.vifs[0].vifname, "web0");
	assert_int_equal(domain(BASE "vif = [ 'devid=1' ]\n"), 0);
	assert_int_equal(nwarned, 1);
	assert_string_equal(warned, "demo.cfg:3: vif[0]: devid: ignored");
	assert_int_equal(domain(BASE "\n"), 0);
	assert_int_equal(dc.nvifs, 0);
	config_free(&cf);
}

static void key_err(const char *text, const char *want)
{
	assert_int_equal(domain(text), -EINVAL);
	if (strcmp(err, want))
		print_error("expected: %s\nsaw: %s\n", want, err);
	assert_string_equal(err, want);
	config_free(&cf);
}

static void test_key_errors(void **state)
{
	(void)state;
	key_err(BASE "memory = 64\n\n\n\n\nvif = [ '',\n 'mac=00:16:3e:zz:01:02' ]\n",
		"demo.cfg:9: vif[1]: mac '00:16:3e:zz:01:02': expected six hex bytes "
		"(00:16:3e:xx:xx:xx)");
	key_err(BASE "vif = [ 'mac=00:16:3e:01:02:03', 'bridge=br1',\n"
		"  'mac=00:16:3E:01:02:03' ]\n",
		"demo.cfg:4: vif[2]: mac 00:16:3e:01:02:03: also vif[0]'s");
	key_err(BASE "vif = [ 'vifname=a', 'vifname=a' ]\n",
		"demo.cfg:3: vif[1]: vifname a: also vif[0]'s");
	key_err(BASE "vif = [ 3 ]\n", "demo.cfg:3: vif[0]: expected a string such as "
		"'mac=00:16:3e:01:02:03, bridge=xenbr0'");
	key_err(BASE "vif = [ '', '', '', '', '', '', '', '', '' ]\n",
		"demo.cfg:3: vif: 9 vifs, at most 8");
}

/* Shared MAC parsing (xl_mac.c): both xenoctl and xenolith-dm use it. */
static void test_mac(void **state)
{
	static const uint8_t want[6] = { 0x02, 0xab, 0xcd, 0xef, 0x01, 0x23 };
	uint8_t mac[6] = { 0 }, keep[6];
	char buf[XL_MAC_STRLEN];

	(void)state;
	assert_int_equal(xl_mac_parse("02:AB:cd:ef:01:23", mac), 0);
	assert_memory_equal(mac, want, 6);
	memcpy(keep, mac, 6);
	assert_int_equal(xl_mac_parse("02:ab:cd:ef:01", mac), -EINVAL);
	assert_int_equal(xl_mac_parse("02:ab:cd:ef:01:234", mac), -EINVAL);
	assert_int_equal(xl_mac_parse("02-ab-cd-ef-01-23", mac), -EINVAL);
	assert_int_equal(xl_mac_parse("+2:ab:cd:ef:01:23", mac), -EINVAL);
	assert_int_equal(xl_mac_parse("", mac), -EINVAL);
	assert_int_equal(xl_mac_parse("03:ab:cd:ef:01:23", mac), -EDOM);
	assert_int_equal(xl_mac_parse("00:00:00:00:00:00", mac), -ERANGE);
	assert_memory_equal(mac, keep, 6);		/* left alone on failure */
	xl_mac_format(mac, buf);
	assert_string_equal(buf, "02:ab:cd:ef:01:23");
}

/* No mac: 00:16:3e and a hash of the name and the vif's number; the same
 * name gives the same address (a restart), another name or vif another. */
static void test_mac_from_name(void **state)
{
	uint8_t a[6], b[6], c[6], d[6];

	(void)state;
	xl_mac_from_name("web", 0, a);
	xl_mac_from_name("web", 0, b);
	xl_mac_from_name("web", 1, c);
	xl_mac_from_name("db", 0, d);
	assert_memory_equal(a, "\x00\x16\x3e", 3);
	assert_memory_equal(a, b, 6);
	assert_memory_not_equal(a, c, 6);
	assert_memory_not_equal(a, d, 6);
	assert_memory_equal(c, "\x00\x16\x3e", 3);
	assert_int_equal(domain(BASE "vif = [ '', 'bridge=xenbr1' ]\n"), 0);
	assert_false(dc.vifs[0].has_mac);
	xl_mac_from_name("demo", 0, a);
	assert_memory_equal(dc.vifs[0].mac, a, 6);
	xl_mac_from_name("demo", 1, a);
	assert_memory_equal(dc.vifs[1].mac, a, 6);
	config_free(&cf);
}

/* ip, netmask, gateway, hostname, dhcp: into dc.net, then the kernel's ip=. */
static void test_netboot(void **state)
{
	char why2[256];

	(void)state;
	assert_int_equal(domain(BASE "extra = 'console=ttyS0'\nip = '10.0.2.101'\n"
				"netmask = '255.255.255.0'\ngateway = '10.0.2.2'\nhostname = 'web1'\n"), 0);
	assert_int_equal(nwarned, 0);
	assert_int_equal(config_netboot_arg(&dc, why2, sizeof(why2)), 0);
	assert_string_equal(dc.cmdline, "console=ttyS0 ip=10.0.2.101::10.0.2.2:255.255.255.0:web1:"
			    "eth0:off");
	assert_int_equal(domain(BASE "dhcp = 'dhcp'\nhostname = 'h'\n"), 0);
	assert_int_equal(config_netboot_arg(&dc, why2, sizeof(why2)), 0);
	assert_string_equal(dc.cmdline, "ip=::::h:eth0:dhcp");
	assert_int_equal(domain(BASE "ip = 'auto'\n"), 0);
	assert_true(dc.net.ip_auto);
	assert_int_equal(domain(BASE "extra = 'quiet'\n"), 0);	/* no key: no ip= */
	assert_int_equal(config_netboot_arg(&dc, why2, sizeof(why2)), 0);
	assert_string_equal(dc.cmdline, "quiet");
	config_free(&cf);
}

static void test_netboot_errors(void **state)
{
	(void)state;
	key_err(BASE "ip = '10.0.2.300'\n",
		"demo.cfg:3: ip: '10.0.2.300': expected an IPv4 address or \"auto\"");
	key_err(BASE "ip = '10.0.2.3'\ndhcp = 'dhcp'\n",
		"demo.cfg:3: ip: an address and dhcp = \"dhcp\" together");
	key_err(BASE "dhcp = 'yes'\n", "demo.cfg:3: dhcp: 'yes': expected \"dhcp\" or \"off\"");
	key_err(BASE "ip = '10.0.0.2'\nnetmask = '255.0.255.0'\n",
		"demo.cfg:4: netmask: '255.0.255.0': expected a netmask such as 255.255.255.0");
	key_err(BASE "gateway = '10.0.0.1'\n", "demo.cfg:3: gateway: needs ip");
	key_err(BASE "ip = '10.0.0.2'\ngateway = 'x'\n",
		"demo.cfg:4: gateway: 'x': expected an IPv4 address");
	key_err(BASE "hostname = 'a b'\n",
		"demo.cfg:3: hostname: 'a b': expected letters, digits, '-' and '.'");
	key_err(BASE "ip = [ '1' ]\n", "demo.cfg:3: ip: expected a string of 1 to 15 characters");
}

#define NFS BASE "root = '/dev/nfs'\n"

/* root = '/dev/nfs', nfs_server, nfs_root: the kernel's nfsroot=, and the server in ip=. */
static void test_nfsroot(void **state)
{
	char why2[256];

	(void)state;
	assert_int_equal(domain(NFS "nfs_server = '10.0.2.15'\nnfs_root = '/srv/guest,vers=3'\n"
				"ip = '10.0.2.101'\nnetmask = '255.255.255.0'\n"), 0);
	assert_int_equal(nwarned, 0);
	assert_true(dc.net.nfs);
	assert_int_equal(config_netboot_arg(&dc, why2, sizeof(why2)), 0);
	assert_string_equal(dc.cmdline, "root=/dev/nfs ip=10.0.2.101:10.0.2.15::255.255.255.0::eth0:"
			    "off nfsroot=10.0.2.15:/srv/guest,vers=3");
	assert_int_equal(domain(NFS "nfs_server = '10.0.0.1'\nnfs_root = '/nfs'\n"
				"dhcp = 'dhcp'\n"), 0);
	assert_int_equal(config_netboot_arg(&dc, why2, sizeof(why2)), 0);
	assert_string_equal(dc.cmdline, "root=/dev/nfs ip=:10.0.0.1::::eth0:dhcp "
			    "nfsroot=10.0.0.1:/nfs");
	/* cmdline replaces root: no NFS root, and the nfs keys are refused below. */
	assert_int_equal(domain(NFS "cmdline = 'quiet'\n"), 0);
	assert_false(dc.net.nfs);
	assert_int_equal(domain(BASE "root = '/dev/xvda1'\nip = '10.0.0.2'\n"), 0);
	assert_false(dc.net.nfs);
	assert_int_equal(config_netboot_arg(&dc, why2, sizeof(why2)), 0);
	assert_string_equal(dc.cmdline, "root=/dev/xvda1 ip=10.0.0.2:::::eth0:off");
	config_free(&cf);
}

static void test_nfsroot_errors(void **state)
{
	(void)state;
	key_err(NFS "nfs_root = '/srv'\nip = '10.0.0.2'\n",
		"demo.cfg:3: root: '/dev/nfs' needs nfs_server (the NFS server's IPv4 address)");
	key_err(NFS "nfs_server = '10.0.0.1'\nip = '10.0.0.2'\n",
		"demo.cfg:3: root: '/dev/nfs' needs nfs_root (the exported directory)");
	key_err(NFS "nfs_server = '10.0.0.1'\nnfs_root = '/srv'\n",
		"demo.cfg:3: root: '/dev/nfs' needs an address for the guest: ip, or "
		"dhcp = 'dhcp'");
	key_err(NFS "nfs_server = 'server'\nnfs_root = '/srv'\nip = '10.0.0.2'\n",
		"demo.cfg:4: nfs_server: 'server': expected an IPv4 address");
	key_err(NFS "nfs_server = '10.0.0.1'\nnfs_root = 'srv'\nip = '10.0.0.2'\n",
		"demo.cfg:5: nfs_root: 'srv': expected an absolute path (then ,OPTIONS) of "
		"letters, digits and /._-+=,@~");
	key_err(NFS "nfs_server = '10.0.0.1'\nnfs_root = '/a b'\nip = '10.0.0.2'\n",
		"demo.cfg:5: nfs_root: '/a b': expected an absolute path (then ,OPTIONS) of "
		"letters, digits and /._-+=,@~");
	key_err(BASE "nfs_server = '10.0.0.1'\nip = '10.0.0.2'\n",
		"demo.cfg:3: nfs_server: needs root = '/dev/nfs'");
	key_err(BASE "root = '/dev/xvda1'\nnfs_root = '/srv'\n",
		"demo.cfg:4: nfs_root: needs root = '/dev/nfs'");
	key_err(NFS "cmdline = 'quiet'\nnfs_root = '/srv'\n",
		"demo.cfg:5: nfs_root: needs root = '/dev/nfs'");
	key_err(NFS "nfs_server = [ '10.0.0.1' ]\n",
		"demo.cfg:4: nfs_server: expected a string of 1 to 15 characters");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_specs),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_key_errors),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_mac_from_name),
		cmocka_unit_test(test_netboot),
		cmocka_unit_test(test_netboot_errors),
		cmocka_unit_test(test_nfsroot),
		cmocka_unit_test(test_nfsroot_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
