/* test_vif_spec.c - unit tests of vif specs and the vif= key (tools/xenoctl/vif_spec.c, config_vif.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

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
	vif_mac_format(v.mac, buf);
	assert_string_equal(buf, "00:16:3e:01:0a:bc");
	spec_ok(" bridge=br-lan ,vifname=web.0,, ip=10.0.0.2 fd00::2 ,model=virtio,type=ioemu ");
	assert_string_equal(v.bridge, "br-lan");
	assert_string_equal(v.vifname, "web.0");
	assert_string_equal(v.ip, "10.0.0.2 fd00::2");
	spec_ok("type=vif,model=ioemu,script=vif-bridge");
	assert_string_equal(v.ignored, "script");
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
	spec_err("model=e1000", "model 'e1000': only virtio is supported");
	spec_err("type=pv", "type 'pv': expected ioemu or vif");
	spec_err("bridge", "'bridge': expected key=value");
	spec_err("rate=10Mb/s,colour=red", "'colour': unknown key (mac, bridge, vifname, ip, "
		 "model, type)");
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
	assert_int_equal(domain(BASE "vif = [ 'script=vif-bridge' ]\n"), 0);
	assert_int_equal(nwarned, 1);
	assert_string_equal(warned, "demo.cfg:3: vif[0]: script: ignored");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_specs),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_key_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
