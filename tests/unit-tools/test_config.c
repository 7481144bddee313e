/* test_config.c - unit tests of domain configuration files (tools/xenoctl/config*.c). */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xenoctl/config.h"

#define MAX_WARNINGS 32

static struct config_file cf;
static struct domain_config dc;
static char err[512];
static char warnings[MAX_WARNINGS][512];
static unsigned int nwarnings;

static void collect_warning(void *ctx, const char *msg)
{
	(void)ctx;
	assert_true(nwarnings < MAX_WARNINGS);
	snprintf(warnings[nwarnings++], sizeof(warnings[0]), "%s", msg);
}

static int setup(void **state)
{
	(void)state;
	memset(&cf, 0, sizeof(cf));
	err[0] = '\0';
	nwarnings = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	config_free(&cf);
	return 0;
}

/* parse_ok: text must parse; a failure prints the error. */
static void parse_ok(const char *text)
{
	int ret = config_parse(text, strlen(text), "demo.cfg", &cf, err,
			       sizeof(err));

	if (ret)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(ret, 0);
}

/* parse_err: text must fail with exactly this message, on one line. */
static void parse_err(const char *text, const char *want)
{
	int ret = config_parse(text, strlen(text), "demo.cfg", &cf, err,
			       sizeof(err));

	if (ret != -EINVAL || strcmp(err, want))
		print_error("text: %s\nexpected: %s\nsaw (%d): %s\n", text,
			    want, ret, ret ? err : "success");
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(err, want);
	assert_null(strchr(err, '\n'));
	assert_int_equal(cf.nentries, 0);
	config_free(&cf);
}

/* domain_ok: text must parse and map; returns after filling dc. */
static void domain_ok(const char *text)
{
	int ret;

	parse_ok(text);
	ret = config_to_domain(&cf, &dc, err, sizeof(err), collect_warning, NULL);
	if (ret)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(ret, 0);
}

/* domain_err: text must parse but not map, with exactly this error. */
static void domain_err(const char *text, const char *want)
{
	int ret;

	parse_ok(text);
	ret = config_to_domain(&cf, &dc, err, sizeof(err), collect_warning, NULL);
	if (ret != -EINVAL || strcmp(err, want))
		print_error("text: %s\nexpected: %s\nsaw (%d): %s\n", text,
			    want, ret, ret ? err : "success");
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(err, want);
	config_free(&cf);
	nwarnings = 0;
}

static void assert_warned(const char *want)
{
	for (unsigned int i = 0; i < nwarnings; i++)
		if (!strcmp(warnings[i], want))
			return;
	print_error("no warning '%s'; saw %u:\n", want, nwarnings);
	for (unsigned int i = 0; i < nwarnings; i++)
		print_error("  %s\n", warnings[i]);
	fail();
}

#define BASE "name = 'vm1'\nkernel = '/boot/vmlinuz'\n"

static void test_defaults(void **state)
{
	(void)state;
	domain_ok(BASE);
	assert_string_equal(dc.name, "vm1");
	assert_string_equal(dc.kernel, "/boot/vmlinuz");
	assert_string_equal(dc.ramdisk, "");
	assert_string_equal(dc.cmdline, "");
	assert_int_equal(dc.memory_mib, 128);
	assert_int_equal(dc.maxmem_mib, 128);
	assert_int_equal(dc.vcpus, 1);
	assert_int_equal(dc.maxvcpus, 1);
	assert_true(dc.cpus == ~0ULL);
	assert_true(dc.vcpu_affinity[0] == ~0ULL);
	assert_int_equal(dc.cpu_weight, 256);
	assert_int_equal(dc.cpu_cap, 0);
	assert_int_equal(dc.on_poweroff, CONFIG_ACTION_DESTROY);
	assert_int_equal(dc.on_reboot, CONFIG_ACTION_RESTART);
	assert_int_equal(dc.on_crash, CONFIG_ACTION_DESTROY);
	assert_true(dc.vmid == -1);
	assert_int_equal(nwarnings, 0);
}

static void test_every_key(void **state)
{
	(void)state;
	domain_ok("name = \"web-01.example_a\"\n"
		  "kernel = \"/boot/vmlinuz-6.1\"\n"
		  "ramdisk = '/boot/initrd.img-6.1'\n"
		  "memory = 512\n"
		  "maxmem = 0x400\n"
		  "vcpus = 2\n"
		  "maxvcpus = 4\n"
		  "cpus = \"0-3,5,^1\"\n"
		  "cpu_weight = 512\n"
		  "cpu_cap = 150\n"
		  "root = '/dev/xvda1 ro'\n"
		  "extra = 'console=hvc0'\n"
		  "on_poweroff = 'preserve'\n"
		  "on_reboot = 'destroy'\n"
		  "on_crash = 'restart'\n"
		  "vmid = 7\n");
	assert_string_equal(dc.name, "web-01.example_a");
	assert_string_equal(dc.kernel, "/boot/vmlinuz-6.1");
	assert_string_equal(dc.ramdisk, "/boot/initrd.img-6.1");
	assert_int_equal(dc.memory_mib, 512);
	assert_int_equal(dc.maxmem_mib, 1024);
	assert_int_equal(dc.vcpus, 2);
	assert_int_equal(dc.maxvcpus, 4);
	assert_int_equal(dc.cpus, 0x2d);
	for (unsigned int i = 0; i < CONFIG_MAX_VCPUS; i++)
		assert_int_equal(dc.vcpu_affinity[i], 0x2d);
	assert_int_equal(dc.cpu_weight, 512);
	assert_int_equal(dc.cpu_cap, 150);
	assert_string_equal(dc.cmdline, "root=/dev/xvda1 ro console=hvc0");
	assert_int_equal(dc.on_poweroff, CONFIG_ACTION_PRESERVE);
	assert_int_equal(dc.on_reboot, CONFIG_ACTION_DESTROY);
	assert_int_equal(dc.on_crash, CONFIG_ACTION_RESTART);
	assert_true(dc.vmid == 7);
	assert_int_equal(nwarnings, 0);
}

static void test_raw_entries(void **state)
{
	const struct config_entry *e;

	(void)state;
	parse_ok("\n\nmemory = 0x10\n  disk = [ 'a' , 7 ]\n");
	assert_int_equal(cf.nentries, 2);
	assert_string_equal(cf.filename, "demo.cfg");
	e = config_find(&cf, "memory");
	assert_non_null(e);
	assert_int_equal(e->line, 3);
	assert_int_equal(e->value.type, CONFIG_INT);
	assert_int_equal(e->value.num, 16);
	assert_string_equal(e->value.str, "0x10");
	assert_int_equal(e->value.col, 10);
	e = config_find(&cf, "disk");
	assert_non_null(e);
	assert_int_equal(e->line, 4);
	assert_int_equal(e->value.type, CONFIG_LIST);
	assert_int_equal(e->value.nitems, 2);
	assert_int_equal(e->value.items[0].type, CONFIG_STRING);
	assert_string_equal(e->value.items[0].str, "a");
	assert_int_equal(e->value.items[0].col, 12);
	assert_int_equal(e->value.items[1].type, CONFIG_INT);
	assert_int_equal(e->value.items[1].num, 7);
	assert_null(config_find(&cf, "vif"));
	config_free(&cf);
	config_free(&cf);
}

static void test_syntax_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "name = \n", "demo.cfg:1:8: expected a value after '=', found end of line" },
		{ "name =", "demo.cfg:1:7: expected a value after '=', found end of file" },
		{ "name 'x'\n", "demo.cfg:1:6: expected '=' after 'name', found a string" },
		{ "\n = 3\n", "demo.cfg:2:2: expected a key name, found '='" },
		{ "'x' = 3\n", "demo.cfg:1:1: expected a key name, found a string" },
		{ "name = 'abc\nkernel = 'k'\n", "demo.cfg:1:8: unterminated string" },
		{ "name = \"abc'\n", "demo.cfg:1:8: unterminated string" },
		{ "a = 1\ndisk = [ 'a',\n  'b'\n", "demo.cfg:2:8: '[' is never closed" },
		{ "disk = [", "demo.cfg:1:8: '[' is never closed" },
		{ "disk = [ 'a' 'b' ]\n", "demo.cfg:1:14: expected ',' or ']' in the list, found a string" },
		{ "disk = [ 'a', , ]\n", "demo.cfg:1:15: expected a string or an integer in the list, found ','" },
		{ "disk = [[1]]\n", "demo.cfg:1:9: lists cannot be nested" },
		{ "memory = 0755\n", "demo.cfg:1:10: '0755': leading zero (write decimal, or 0x for hex)" },
		{ "memory = 12k\n", "demo.cfg:1:10: '12k' is not a number" },
		{ "memory = 1.5\n", "demo.cfg:1:10: '1.5' is not a number" },
		{ "memory = 0x\n", "demo.cfg:1:10: '0x' is not a number" },
		{ "memory = 0xfg\n", "demo.cfg:1:10: '0xfg' is not a number" },
		{ "memory = 99999999999999999999\n", "demo.cfg:1:10: '99999999999999999999': number too large" },
		{ "memory = -5\n", "demo.cfg:1:10: unexpected '-' (Python expressions are not supported)" },
		{ "name = foo\n", "demo.cfg:1:8: expected a value (a quoted string, an integer or a [list]), found 'foo'" },
		{ "vcpus = 1 2\n", "demo.cfg:1:11: expected the end of the line after the value, found an integer" },
		{ "vcpus = 1 = 2\n", "demo.cfg:1:11: expected the end of the line after the value, found '='" },
		{ "disk = ['phy:sda%d' % vmid]\n", "demo.cfg:1:21: unexpected '%' (Python expressions are not supported)" },
		{ "vmid = int(vmid)\n", "demo.cfg:1:8: expected a value (a quoted string, an integer or a [list]), found 'int'" },
		{ "name = 'a\\qb'\n", "demo.cfg:1:10: unknown escape '\\q'" },
		{ "name = 'a\\x4'\n", "demo.cfg:1:10: \\x needs two hex digits" },
		{ "name = 'a\\x00'\n", "demo.cfg:1:10: \\x00: strings cannot hold a NUL" },
		{ "a = 1\n\n  b = [\n 1,  # one\n 2 @ ]\n", "demo.cfg:5:4: unexpected '@'" },
		{ "\tname\t=\t$\n", "demo.cfg:1:9: unexpected '$'" },
		{ "name = 'é' é\n", "demo.cfg:1:13: unexpected byte 0xc3" },
		{ "extra = 'a'\nextra += [1]\n", "demo.cfg:2:10: '+=' adds a string to a string, or anything to a list" },
		{ "vcpus = 1\nvcpus += 1\n", "demo.cfg:2:10: '+=' adds a string to a string, or anything to a list" },
		{ "name + 'x'\n", "demo.cfg:1:6: unexpected '+' (Python expressions are not supported)" },
		{ "name = 'a'; = 1\n", "demo.cfg:1:13: expected a key name, found '='" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		parse_err(cases[i].text, cases[i].want);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "name = 'vm'\n\0x = 1\n";

	(void)state;
	assert_int_equal(config_parse(text, sizeof(text) - 1, "demo.cfg", &cf,
				      err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "demo.cfg:2:1: unexpected byte 0x00");
	/* len bounds the text: what follows is never read. */
	assert_int_equal(config_parse(text, 11, "demo.cfg", &cf, err,
				      sizeof(err)), 0);
	assert_string_equal(config_find(&cf, "name")->value.str, "vm");
}

static void test_lists_across_lines(void **state)
{
	const struct config_entry *e;

	(void)state;
	parse_ok("disk = [\n"
		 "    'phy:/dev/vg/a,xvda,w',   # root\n"
		 "\n"
		 "    # a comment line inside the list\n"
		 "    'phy:/dev/vg/b,xvdb,r'\n"
		 "    , 0x20,\n"
		 "]\n"
		 "vif = [ ]\n"
		 "cpus = [\n"
		 "]\n"
		 "x = [1,]\n"
		 "name = 'after'\n");
	e = config_find(&cf, "disk");
	assert_int_equal(e->line, 1);
	assert_int_equal(e->value.nitems, 3);
	assert_string_equal(e->value.items[0].str, "phy:/dev/vg/a,xvda,w");
	assert_int_equal(e->value.items[0].line, 2);
	assert_string_equal(e->value.items[1].str, "phy:/dev/vg/b,xvdb,r");
	assert_int_equal(e->value.items[1].line, 5);
	assert_int_equal(e->value.items[2].num, 32);
	assert_int_equal(config_find(&cf, "vif")->value.nitems, 0);
	assert_int_equal(config_find(&cf, "vif")->value.type, CONFIG_LIST);
	assert_int_equal(config_find(&cf, "cpus")->value.nitems, 0);
	assert_int_equal(config_find(&cf, "x")->value.nitems, 1);
	assert_int_equal(config_find(&cf, "name")->line, 12);
}

static void test_comments_and_statements(void **state)
{
	(void)state;
	parse_ok("# a comment\n"
		 "   # indented comment\n"
		 "\n"
		 "name = 'a#b'   # not the # inside quotes\n"
		 "memory = 256; vcpus = 2 ;\n"
		 ";\n"
		 "kernel = \"k\"\r\n"
		 "extra = 'x'");
	assert_int_equal(cf.nentries, 5);
	assert_string_equal(config_find(&cf, "name")->value.str, "a#b");
	assert_int_equal(config_find(&cf, "memory")->value.num, 256);
	assert_int_equal(config_find(&cf, "vcpus")->value.num, 2);
	assert_int_equal(config_find(&cf, "vcpus")->line, 5);
	assert_string_equal(config_find(&cf, "kernel")->value.str, "k");
	assert_string_equal(config_find(&cf, "extra")->value.str, "x");
	config_free(&cf);
	parse_ok("");
	assert_int_equal(cf.nentries, 0);
	config_free(&cf);
	parse_ok("# only a comment, no newline");
	assert_int_equal(cf.nentries, 0);
}

static void test_escapes(void **state)
{
	(void)state;
	parse_ok("a = 'tab\\there'\nb = \"it's\"\nc = 'say \"hi\"'\n"
		 "d = '\\x41\\\\\\'\\n'\ne = ''\nf = \"\\\"\"\n");
	assert_string_equal(config_find(&cf, "a")->value.str, "tab\there");
	assert_string_equal(config_find(&cf, "b")->value.str, "it's");
	assert_string_equal(config_find(&cf, "c")->value.str, "say \"hi\"");
	assert_string_equal(config_find(&cf, "d")->value.str, "A\\'\n");
	assert_string_equal(config_find(&cf, "e")->value.str, "");
	assert_string_equal(config_find(&cf, "f")->value.str, "\"");
}

static void test_last_wins(void **state)
{
	(void)state;
	domain_ok(BASE "memory = 64\nvnc = 1\nmemory = 256\n"
		  "name = 'second'\nvnc = 0\n");
	assert_int_equal(dc.memory_mib, 256);
	assert_string_equal(dc.name, "second");
	assert_int_equal(config_find(&cf, "memory")->line, 5);
	/* one warning per key, at its last line */
	assert_int_equal(nwarnings, 1);
	assert_warned("demo.cfg:7: vnc: not supported yet, ignored");
}

static void test_plus_equals(void **state)
{
	const struct config_entry *e;

	(void)state;
	parse_ok("extra = 'a'\nextra += ' b'\ndisk = ['x']\ndisk += 'y'\n"
		 "disk += [1, 'z']\nnew += 'n'\n");
	assert_string_equal(config_find(&cf, "extra")->value.str, "a b");
	assert_int_equal(config_find(&cf, "extra")->line, 2);
	e = config_find(&cf, "disk");
	assert_int_equal(e->value.nitems, 4);
	assert_string_equal(e->value.items[1].str, "y");
	assert_int_equal(e->value.items[2].num, 1);
	assert_string_equal(e->value.items[3].str, "z");
	assert_string_equal(config_find(&cf, "new")->value.str, "n");
}

static void override_ok(const char *arg)
{
	int ret = config_override(&cf, arg, err, sizeof(err));

	if (ret)
		print_error("override %s: %s\n", arg, err);
	assert_int_equal(ret, 0);
}

static void override_err(const char *arg, const char *want)
{
	assert_int_equal(config_override(&cf, arg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, want);
}

static void test_overrides(void **state)
{
	const struct config_entry *e;
	int ret;

	(void)state;
	parse_ok(BASE "memory = 128\nextra = 'console=hvc0'\n"
		 "disk = ['phy:/dev/vg/a,xvda,w']\n");
	override_ok("name=vm2");
	override_ok("memory=256");
	override_ok("vmid=1");
	override_ok("cpus=0-3");
	override_ok("extra+= quiet");
	override_ok("ramdisk='/boot/initrd img'");
	override_ok("maxmem=0x200");
	override_ok("disk=['/a,xvda', '/b,xvdb']");
	override_ok("root=/dev/xvda1");
	e = config_find(&cf, "name");
	assert_int_equal(e->line, 0);
	assert_int_equal(e->value.type, CONFIG_STRING);
	assert_string_equal(e->value.str, "vm2");
	e = config_find(&cf, "memory");
	assert_int_equal(e->value.type, CONFIG_INT);
	assert_int_equal(e->value.num, 256);
	assert_int_equal(config_find(&cf, "vmid")->value.num, 1);
	assert_int_equal(config_find(&cf, "disk")->value.nitems, 2);
	assert_int_equal(config_find(&cf, "disk")->value.items[1].line, 0);
	ret = config_to_domain(&cf, &dc, err, sizeof(err), collect_warning, NULL);
	if (ret)
		print_error("%s\n", err);
	assert_int_equal(ret, 0);
	assert_string_equal(dc.name, "vm2");
	assert_int_equal(dc.memory_mib, 256);
	assert_int_equal(dc.maxmem_mib, 512);
	assert_true(dc.vmid == 1);
	assert_int_equal(dc.cpus, 0xf);
	assert_string_equal(dc.ramdisk, "/boot/initrd img");
	assert_string_equal(dc.cmdline, "root=/dev/xvda1 console=hvc0quiet");
	assert_int_equal(nwarnings, 0);
	assert_int_equal(dc.ndisks, 2);
}

static void test_override_values(void **state)
{
	const struct config_entry *e;

	(void)state;
	override_ok("a=");
	override_ok("b=012");
	override_ok("c=hello world");
	override_ok("d=\"quoted\"");
	override_ok("e=1.5");
	override_ok("f= 42");
	override_ok("g='x'");
	override_ok("g+='y'");
	assert_string_equal(config_find(&cf, "a")->value.str, "");
	e = config_find(&cf, "b");
	assert_int_equal(e->value.type, CONFIG_STRING);
	assert_string_equal(e->value.str, "012");
	assert_string_equal(config_find(&cf, "c")->value.str, "hello world");
	assert_string_equal(config_find(&cf, "d")->value.str, "quoted");
	assert_string_equal(config_find(&cf, "e")->value.str, "1.5");
	assert_int_equal(config_find(&cf, "f")->value.type, CONFIG_INT);
	assert_int_equal(config_find(&cf, "f")->value.num, 42);
	assert_string_equal(config_find(&cf, "g")->value.str, "xy");
	override_err("=3", "command line: '=3': expected key=value");
	override_err("memory", "command line: 'memory': expected key=value");
	override_err("mem ory=1", "command line: 'mem ory=1': expected key=value");
	override_err("disk=[1,", "command line: 'disk=[1,': column 6: '[' is never closed");
	override_err("name='vm", "command line: 'name='vm': column 6: unterminated string");
	override_err("name='vm' x", "command line: 'name='vm' x': column 11: expected the end of the value, found 'x'");
	override_err("g+=[1]", "command line: 'g+=[1]': column 4: '+=' adds a string to a string, or anything to a list");
	/* a failed override changes nothing */
	assert_string_equal(config_find(&cf, "g")->value.str, "xy");
	assert_null(config_find(&cf, "disk"));
}

static void test_warnings(void **state)
{
	(void)state;
	domain_ok("# demo\n"
		  BASE
		  "type = 'pv'\n"
		  "builder = 'linux'\n"
		  "vmid = 3\n"
		  "\n"
		  "disk = ['phy:/dev/vg/a,xvda,w']\n"
		  "vif = ['mac=00:16:3E:00:00:11, bridge=xen-br0']\n"
		  "device_model_version = 'qemu-xen'\n"
		  "vnc = 1\nvnclisten = '0.0.0.0'\nsdl = 0\n"
		  "memroy = 256\n"
		  "console = 'vc'\n");
	assert_int_equal(nwarnings, 8);
	assert_string_equal(warnings[0], "demo.cfg:4: type: not supported yet, ignored");
	assert_warned("demo.cfg:5: builder: not supported yet, ignored");
	assert_int_equal(dc.nvifs, 1);
	assert_string_equal(dc.vifs[0].bridge, "xen-br0");
	assert_warned("demo.cfg:10: device_model_version: not supported yet, ignored");
	assert_warned("demo.cfg:11: vnc: not supported yet, ignored");
	assert_warned("demo.cfg:12: vnclisten: not supported yet, ignored");
	assert_warned("demo.cfg:13: sdl: not supported yet, ignored");
	assert_warned("demo.cfg:14: memroy: unknown key, ignored");
	assert_warned("demo.cfg:15: console: not supported yet, ignored");
	assert_int_equal(dc.memory_mib, 128);
	/* a NULL warn is allowed */
	assert_int_equal(config_to_domain(&cf, &dc, err, sizeof(err), NULL, NULL), 0);
}

static void test_bad_values(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ BASE "vcpus = 0\n", "demo.cfg:3: vcpus: 0 is out of range (1-32)" },
		{ BASE "vcpus = 33\n", "demo.cfg:3: vcpus: 33 is out of range (1-32)" },
		{ BASE "vcpus = 'two'\n", "demo.cfg:3: vcpus: expected an integer" },
		{ BASE "vcpus = [1]\n", "demo.cfg:3: vcpus: expected an integer" },
		{ BASE "memory = 0\n", "demo.cfg:3: memory: 0 is out of range (16-1048576)" },
		{ BASE "memory = 15\n", "demo.cfg:3: memory: 15 is out of range (16-1048576)" },
		{ BASE "memory = 1048577\n", "demo.cfg:3: memory: 1048577 is out of range (16-1048576)" },
		{ BASE "memory = '256M'\n", "demo.cfg:3: memory: expected an integer" },
		{ BASE "memory = 256\nmaxmem = 128\n", "demo.cfg:4: maxmem: 128 is out of range (256-1048576)" },
		{ BASE "vcpus = 4\nmaxvcpus = 2\n", "demo.cfg:4: maxvcpus: 2 is out of range (4-32)" },
		{ BASE "maxvcpus = 33\n", "demo.cfg:3: maxvcpus: 33 is out of range (1-32)" },
		{ BASE "cpu_weight = 0\n", "demo.cfg:3: cpu_weight: 0 is out of range (1-65535)" },
		{ BASE "cpu_weight = 65536\n", "demo.cfg:3: cpu_weight: 65536 is out of range (1-65535)" },
		{ BASE "vcpus = 2\ncpu_cap = 201\n", "demo.cfg:4: cpu_cap: 201 is out of range (0-200)" },
		{ BASE "name = 'abcdefghijklmnopqrstuvwxyz012345'\n", "demo.cfg:3: name: too long (32 characters, at most 31)" },
		{ BASE "name = 'my vm'\n", "demo.cfg:3: name: invalid character ' ' (allowed: A-Z a-z 0-9 _ . -)" },
		{ BASE "name = 'vm/1'\n", "demo.cfg:3: name: invalid character '/' (allowed: A-Z a-z 0-9 _ . -)" },
		{ BASE "name = ''\n", "demo.cfg:3: name: must not be empty" },
		{ BASE "name = ['a']\n", "demo.cfg:3: name: expected a string, not a list" },
		{ "kernel = 'k'\n", "demo.cfg: name: missing (required)" },
		{ "name = 'a'\n", "demo.cfg: kernel: missing (required)" },
		{ BASE "kernel = ''\n", "demo.cfg:3: kernel: must not be empty" },
		{ BASE "ramdisk = ['a']\n", "demo.cfg:3: ramdisk: expected a string, not a list" },
		{ BASE "cpus = 'garbage'\n", "demo.cfg:3: cpus: 'garbage' is not a CPU, a range N-M or 'all'" },
		{ BASE "cpus = '0-3,x'\n", "demo.cfg:3: cpus: 'x' is not a CPU, a range N-M or 'all'" },
		{ BASE "cpus = '1,,2'\n", "demo.cfg:3: cpus: '' is not a CPU, a range N-M or 'all'" },
		{ BASE "cpus = ''\n", "demo.cfg:3: cpus: empty CPU list" },
		{ BASE "cpus = '64'\n", "demo.cfg:3: cpus: CPU 64 is out of range (0-63)" },
		{ BASE "cpus = '0-100'\n", "demo.cfg:3: cpus: CPU 100 is out of range (0-63)" },
		{ BASE "cpus = 64\n", "demo.cfg:3: cpus: CPU 64 is out of range (0-63)" },
		{ BASE "cpus = '3-1'\n", "demo.cfg:3: cpus: range '3-1' goes backwards" },
		{ BASE "cpus = '0-1,^0-1'\n", "demo.cfg:3: cpus: the list leaves no CPU" },
		{ BASE "cpus = 'nodes:0'\n", "demo.cfg:3: cpus: 'nodes:0': NUMA nodes are not supported" },
		{ BASE "cpus = ['0', '1']\n", "demo.cfg:3: cpus: 2 entries for 1 vCPUs" },
		{ BASE "vcpus = 2\ncpus = ['0', 'x']\n", "demo.cfg:4: cpus: vCPU 1: 'x' is not a CPU, a range N-M or 'all'" },
		{ BASE "on_crash = 'explode'\n", "demo.cfg:3: on_crash: 'explode' is not an action (destroy, restart, preserve, rename-restart, coredump-destroy, coredump-restart, soft-reset)" },
		{ BASE "on_reboot = 1\n", "demo.cfg:3: on_reboot: expected a string" },
		{ BASE "extra = [1]\n", "demo.cfg:3: extra: expected a string, not a list" },
		{ BASE "vmid = 'x'\n", "demo.cfg:3: vmid: expected an integer" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		domain_err(cases[i].text, cases[i].want);
	/* an override's errors name the command line */
	parse_ok(BASE);
	override_ok("vcpus=33");
	assert_int_equal(config_to_domain(&cf, &dc, err, sizeof(err), NULL, NULL), -EINVAL);
	assert_string_equal(err, "command line: vcpus: 33 is out of range (1-32)");
}

static void test_quoted_numbers(void **state)
{
	(void)state;
	/* xl reads every atom as text: a quoted number is a number, and a
	 * number is a string where a string is wanted. */
	domain_ok("name = 123\nkernel = 'k'\nmemory = \"0x100\"\nvcpus = '2'\n");
	assert_string_equal(dc.name, "123");
	assert_int_equal(dc.memory_mib, 256);
	assert_int_equal(dc.vcpus, 2);
}

static void test_cpus(void **state)
{
	uint64_t m;

	(void)state;
	domain_ok(BASE "cpus = 'all'\n");
	assert_true(dc.cpus == ~0ULL);
	config_free(&cf);
	domain_ok(BASE "cpus = '^0'\n");
	assert_true(dc.cpus == ~1ULL);
	config_free(&cf);
	domain_ok(BASE "cpus = 3\n");
	assert_int_equal(dc.cpus, 8);
	config_free(&cf);
	domain_ok(BASE "cpus = '63'\n");
	assert_true(dc.cpus == 1ULL << 63);
	config_free(&cf);
	domain_ok(BASE "cpus = '0-63,^1-62'\n");
	assert_true(dc.cpus == (1ULL << 63 | 1));
	config_free(&cf);
	/* per-vCPU form: vCPU i on element i, the rest anywhere */
	domain_ok(BASE "vcpus = 3\ncpus = ['2', '4-5']\n");
	assert_int_equal(dc.vcpu_affinity[0], 0x4);
	assert_int_equal(dc.vcpu_affinity[1], 0x30);
	assert_true(dc.vcpu_affinity[2] == ~0ULL);
	assert_true(dc.cpus == ~0ULL);
	config_free(&cf);
	domain_ok(BASE "vcpus = 2\nmaxvcpus = 3\ncpus = [1, 2, '3']\n");
	assert_int_equal(dc.vcpu_affinity[0], 0x2);
	assert_int_equal(dc.vcpu_affinity[1], 0x4);
	assert_int_equal(dc.vcpu_affinity[2], 0x8);
	assert_int_equal(dc.cpus, 0xe);
	config_free(&cf);
	domain_ok(BASE "cpus = []\n");
	assert_true(dc.cpus == ~0ULL);
	assert_int_equal(config_parse_cpulist(" 0 - 1", &m, err, sizeof(err)), -EINVAL);
	assert_int_equal(config_parse_cpulist(" 1 , 3 ", &m, err, sizeof(err)), 0);
	assert_int_equal(m, 0xa);
	assert_int_equal(config_parse_cpulist("0-3,5,^1", &m, err, sizeof(err)), 0);
	assert_int_equal(m, 0x2d);
}

static void test_cmdline(void **state)
{
	(void)state;
	domain_ok(BASE "root = '/dev/xvda1'\nextra = 'console=hvc0 quiet'\n");
	assert_string_equal(dc.cmdline, "root=/dev/xvda1 console=hvc0 quiet");
	config_free(&cf);
	domain_ok(BASE "root = '/dev/xvda1'\n");
	assert_string_equal(dc.cmdline, "root=/dev/xvda1");
	config_free(&cf);
	domain_ok(BASE "extra = 'root=/dev/xvda1'\n");
	assert_string_equal(dc.cmdline, "root=/dev/xvda1");
	config_free(&cf);
	domain_ok(BASE "root = '/dev/a'\nextra = 'x'\ncmdline = 'console=ttyS0 init=/bin/sh'\n");
	assert_string_equal(dc.cmdline, "console=ttyS0 init=/bin/sh");
	assert_int_equal(nwarnings, 2);
	assert_warned("demo.cfg:3: root: ignored: cmdline is given");
	assert_warned("demo.cfg:4: extra: ignored: cmdline is given");
}

static void test_cmdline_too_long(void **state)
{
	size_t n = CONFIG_CMDLINE_MAX + 64;
	char *text = malloc(n);
	int len;

	(void)state;
	assert_non_null(text);
	len = snprintf(text, n, BASE "root = '/dev/xvda1'\nextra = '");
	memset(text + len, 'x', CONFIG_CMDLINE_MAX - 16);
	strcpy(text + len + CONFIG_CMDLINE_MAX - 16, "'\n");
	domain_err(text, "demo.cfg:4: extra: the kernel command line is too long (2048 bytes, at most 2047)");
	free(text);
}

static void test_actions(void **state)
{
	(void)state;
	domain_ok(BASE "on_poweroff = 'coredump-destroy'\n"
		  "on_reboot = 'rename-restart'\non_crash = 'coredump-restart'\n");
	assert_int_equal(dc.on_poweroff, CONFIG_ACTION_DESTROY);
	assert_int_equal(dc.on_reboot, CONFIG_ACTION_RESTART);
	assert_int_equal(dc.on_crash, CONFIG_ACTION_RESTART);
	assert_int_equal(nwarnings, 3);
	assert_warned("demo.cfg:3: on_poweroff: coredump-destroy: no core dumps yet, using destroy");
	assert_warned("demo.cfg:4: on_reboot: rename-restart: no renaming yet, using restart");
	assert_warned("demo.cfg:5: on_crash: coredump-restart: no core dumps yet, using restart");
	config_free(&cf);
	nwarnings = 0;
	domain_ok(BASE "on_crash = 'preserve'\non_reboot = 'soft-reset'\n");
	assert_int_equal(dc.on_crash, CONFIG_ACTION_PRESERVE);
	assert_int_equal(dc.on_reboot, CONFIG_ACTION_RESTART);
	assert_warned("demo.cfg:4: on_reboot: soft-reset: no soft reset yet, using restart");
}

/* read_file: the whole of path into a malloc'd buffer. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Debian's xlexample.* (make fetches them into build/xlexample): each
 * must parse; one with a kernel must map, with its one default vif;
 * the HVM one has none and must say so. No file found is a failure. */
static void test_xlexample(void **state)
{
	const char *dir = getenv("XLEXAMPLE_DIR") ? getenv("XLEXAMPLE_DIR") : XLEXAMPLE_DIR;
	char pattern[1024];
	glob_t g;

	(void)state;
	snprintf(pattern, sizeof(pattern), "%s/xlexample.*", dir);
	if (glob(pattern, 0, NULL, &g) || g.gl_pathc == 0) {
		print_error("no %s: run `make -C tests/unit-tools check`, "
			    "which fetches them\n", pattern);
		fail();
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		size_t len;
		char *text = read_file(path, &len);
		int ret;

		nwarnings = 0;
		ret = config_parse(text, len, path, &cf, err, sizeof(err));
		if (ret)
			print_error("%s\n", err);
		assert_int_equal(ret, 0);
		ret = config_to_domain(&cf, &dc, err, sizeof(err),
				       collect_warning, NULL);
		if (ret)
			print_error("%s\n", err);
		assert_int_equal(ret, 0);
		assert_true(dc.memory_mib >= 128);
		assert_int_equal(dc.ndisks, 1);
		assert_string_equal(dc.disks[0].guest_dev, "vda");
		/* the HVM example has no kernel: pygrub would boot its disk */
		if (config_find(&cf, "kernel"))
			assert_string_equal(dc.cmdline, "root=/dev/xvda1");
		else
			assert_int_equal(dc.boot, CONFIG_BOOT_PYGRUB);
		/* vif = [ '' ]: one vif with every default */
		assert_int_equal(dc.nvifs, 1);
		assert_false(dc.vifs[0].has_mac);
		assert_string_equal(dc.vifs[0].bridge, "xenbr0");
		free(text);
		config_free(&cf);
	}
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_defaults),
		T(test_every_key),
		T(test_raw_entries),
		T(test_syntax_errors),
		T(test_nul_byte),
		T(test_lists_across_lines),
		T(test_comments_and_statements),
		T(test_escapes),
		T(test_last_wins),
		T(test_plus_equals),
		T(test_overrides),
		T(test_override_values),
		T(test_warnings),
		T(test_bad_values),
		T(test_quoted_numbers),
		T(test_cpus),
		T(test_cmdline),
		T(test_cmdline_too_long),
		T(test_actions),
		T(test_xlexample),
#undef T
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
