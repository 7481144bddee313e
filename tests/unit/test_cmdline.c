/* test_cmdline.c - unit tests of boot-option parsing (hypervisor/cmdline.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cmdline.h"

static struct boot_options o;

/* parse: parse s and check the warning count. */
static void parse(const char *s, unsigned int want_warnings)
{
	unsigned int n = cmdline_parse(s, &o);

	if (n != want_warnings) {
		for (unsigned int i = 0; i < o.nr_warnings; i++)
			print_error("warning %u: %s\n", i, o.warnings[i]);
	}
	assert_int_equal(n, want_warnings);
}

/* warned: some warning contains text. */
static void assert_warned(const char *text)
{
	for (unsigned int i = 0; i < o.nr_warnings; i++)
		if (strstr(o.warnings[i], text))
			return;
	print_error("no warning contains '%s'\n", text);
	fail();
}

static void test_defaults(void **state)
{
	(void)state;
	parse(NULL, 0);
	assert_false(o.com[0].given);
	assert_int_equal(o.com[0].baud, 0);
	assert_int_equal(o.com[0].io_base, 0x3f8);
	assert_int_equal(o.com[0].irq, 4);
	assert_int_equal(o.com[1].io_base, 0x2f8);
	assert_int_equal(o.com[1].irq, 3);
	assert_int_equal(o.com[0].data_bits, 8);
	assert_int_equal(o.com[0].parity, 'n');
	assert_int_equal(o.com[0].stop_bits, 1);
	assert_int_equal(o.com[0].base_baud, 115200);
	assert_int_equal(o.console, CMDLINE_CONSOLE_COM1 | CMDLINE_CONSOLE_VGA);
	assert_int_equal(o.loglvl.lower, CMDLINE_LOG_INFO);
	assert_int_equal(o.loglvl.upper, CMDLINE_LOG_INFO);
	assert_int_equal(o.guest_loglvl.lower, CMDLINE_LOG_NONE);
	assert_int_equal(o.guest_loglvl.upper, CMDLINE_LOG_WARNING);
	assert_false(o.sync_console);
	assert_int_equal(o.conswitch_char, 'a');
	assert_true(o.conswitch_auto);
	assert_false(o.noreboot);
	assert_int_equal(o.mem_limit, 0);
	assert_false(o.dom0_mem.amount.set);
	assert_false(o.dom0_mem.min.set);
	assert_false(o.dom0_mem.max.set);
	assert_int_equal(o.nr_badpages, 0);
	assert_false(o.nosmp);
	assert_int_equal(o.maxcpus, 0);
	assert_string_equal(o.sched, "credit");
	assert_int_equal(o.dom0_max_vcpus_min, 1);
	assert_int_equal(o.dom0_max_vcpus_max, 0);
	assert_false(o.dom0_vcpus_pin);
	parse("", 0);
	parse("   \t ", 0);
}

static void test_image_name_skipped(void **state)
{
	(void)state;
	parse("/boot/xenolith.gz noreboot", 0);
	assert_true(o.noreboot);
	parse("build/xenolith.elf", 0);
	/* Only the first word may be the image name. */
	parse("noreboot bogus", 1);
	assert_warned("unknown option 'bogus'");
	/* A first word with '=' is an option, known or not. */
	parse("foo=1 noreboot", 1);
	assert_warned("'foo'");
	assert_true(o.noreboot);
}

static void test_com_full(void **state)
{
	(void)state;
	parse("com1=9600,7e2,0x408,5", 0);
	assert_true(o.com[0].given);
	assert_int_equal(o.com[0].baud, 9600);
	assert_int_equal(o.com[0].data_bits, 7);
	assert_int_equal(o.com[0].parity, 'e');
	assert_int_equal(o.com[0].stop_bits, 2);
	assert_int_equal(o.com[0].io_base, 0x408);
	assert_int_equal(o.com[0].irq, 5);
	assert_false(o.com[1].given);
}

static void test_com_prefix_and_auto(void **state)
{
	(void)state;
	parse("com2=115200,8n1", 0);
	assert_true(o.com[1].given);
	assert_int_equal(o.com[1].baud, 115200);
	assert_int_equal(o.com[1].io_base, 0x2f8);
	assert_int_equal(o.com[1].irq, 3);
	parse("com1=auto", 0);
	assert_int_equal(o.com[0].baud, 0);
	assert_int_equal(o.com[0].io_base, 0x3f8);
	parse("com1=57600/1843200,,0x3e8", 0);
	assert_int_equal(o.com[0].baud, 57600);
	assert_int_equal(o.com[0].base_baud, 1843200);
	assert_int_equal(o.com[0].data_bits, 8);
	assert_int_equal(o.com[0].io_base, 0x3e8);
	assert_int_equal(o.com[0].irq, 4);
	parse("com1=19200,8O1", 0);
	assert_int_equal(o.com[0].parity, 'o');
}

static void test_com_malformed(void **state)
{
	(void)state;
	parse("com1=fast,9x9,0xzz,99", 4);
	assert_warned("com1: bad baud rate 'fast'; using auto");
	assert_warned("bad format '9x9'");
	assert_warned("bad I/O base '0xzz'; using 0x3f8");
	assert_warned("bad IRQ '99'; using 4");
	assert_int_equal(o.com[0].baud, 0);
	assert_int_equal(o.com[0].data_bits, 8);
	assert_int_equal(o.com[0].io_base, 0x3f8);
	assert_int_equal(o.com[0].irq, 4);
	parse("com2", 1);
	assert_warned("com2: needs a value");
	parse("com1=115200,8n1,0x3f8,4,extra", 1);
	assert_warned("extra fields 'extra'");
	assert_int_equal(o.com[0].baud, 115200);
	parse("com1=0", 1);
	parse("com1=9600/0", 1);
	assert_warned("bad base baud '0'; using 115200");
}

static void test_console(void **state)
{
	(void)state;
	parse("console=com1", 0);
	assert_int_equal(o.console, CMDLINE_CONSOLE_COM1);
	parse("console=vga,com2", 0);
	assert_int_equal(o.console, CMDLINE_CONSOLE_VGA | CMDLINE_CONSOLE_COM2);
	parse("console=none", 0);
	assert_int_equal(o.console, 0);
	parse("console=com1,tty0", 1);
	assert_warned("unknown console 'tty0'");
	assert_int_equal(o.console, CMDLINE_CONSOLE_COM1);
	parse("console=lcd", 2);
	assert_warned("using com1,vga");
	assert_int_equal(o.console, CMDLINE_CONSOLE_COM1 | CMDLINE_CONSOLE_VGA);
	parse("console=", 1);
	assert_warned("console: needs a value");
}

static void test_loglvl(void **state)
{
	(void)state;
	parse("loglvl=all", 0);
	assert_int_equal(o.loglvl.lower, CMDLINE_LOG_ALL);
	assert_int_equal(o.loglvl.upper, CMDLINE_LOG_ALL);
	parse("loglvl=error/debug", 0);
	assert_int_equal(o.loglvl.lower, CMDLINE_LOG_ERROR);
	assert_int_equal(o.loglvl.upper, CMDLINE_LOG_DEBUG);
	/* An upper level below the lower one is raised to it. */
	parse("loglvl=info/none", 0);
	assert_int_equal(o.loglvl.lower, CMDLINE_LOG_INFO);
	assert_int_equal(o.loglvl.upper, CMDLINE_LOG_INFO);
	parse("guest_loglvl=warning", 0);
	assert_int_equal(o.guest_loglvl.lower, CMDLINE_LOG_WARNING);
	assert_int_equal(o.guest_loglvl.upper, CMDLINE_LOG_WARNING);
	parse("guest_loglvl=none/all", 0);
	assert_int_equal(o.guest_loglvl.lower, CMDLINE_LOG_NONE);
	assert_int_equal(o.guest_loglvl.upper, CMDLINE_LOG_ALL);
	parse("loglvl=loud", 1);
	assert_warned("loglvl: unknown level 'loud'");
	assert_warned("using info/info");
	assert_int_equal(o.loglvl.lower, CMDLINE_LOG_INFO);
	parse("guest_loglvl=info/chatty", 1);
	assert_warned("using none/warning");
	assert_int_equal(o.guest_loglvl.upper, CMDLINE_LOG_WARNING);
}

static void test_booleans(void **state)
{
	(void)state;
	parse("sync_console noreboot nosmp dom0_vcpus_pin", 0);
	assert_true(o.sync_console);
	assert_true(o.noreboot);
	assert_true(o.nosmp);
	assert_true(o.dom0_vcpus_pin);
	parse("sync_console=no noreboot=0 nosmp=off dom0_vcpus_pin=false", 0);
	assert_false(o.sync_console);
	assert_false(o.noreboot);
	assert_false(o.nosmp);
	assert_false(o.dom0_vcpus_pin);
	parse("sync-console=yes", 0);
	assert_true(o.sync_console);
	parse("noreboot=maybe", 1);
	assert_warned("noreboot=maybe: not a boolean");
	assert_false(o.noreboot);
}

static void test_conswitch(void **state)
{
	(void)state;
	parse("conswitch=b", 0);
	assert_int_equal(o.conswitch_char, 'b');
	assert_true(o.conswitch_auto);
	parse("conswitch=ax", 0);
	assert_int_equal(o.conswitch_char, 'a');
	assert_false(o.conswitch_auto);
	parse("conswitch=`", 0);
	assert_int_equal(o.conswitch_char, 0);
	parse("conswitch=Q", 0);
	assert_int_equal(o.conswitch_char, 'q');
	parse("conswitch=abc", 1);
	assert_warned("conswitch: bad value 'abc'");
	assert_int_equal(o.conswitch_char, 'a');
	parse("conswitch=1", 1);
	assert_true(o.conswitch_auto);
}

static void test_mem(void **state)
{
	(void)state;
	parse("mem=512M", 0);
	assert_int_equal(o.mem_limit, 512ull << 20);
	parse("mem=4G", 0);
	assert_int_equal(o.mem_limit, 4ull << 30);
	parse("mem=1048576", 0);	/* no suffix: kilobytes */
	assert_int_equal(o.mem_limit, 1ull << 30);
	parse("mem=4096B", 0);
	assert_int_equal(o.mem_limit, 4096);
	parse("mem=0x100M", 0);
	assert_int_equal(o.mem_limit, 256ull << 20);
	parse("mem=12k", 0);
	assert_int_equal(o.mem_limit, 12 * 1024);
	parse("mem=lots", 1);
	assert_warned("mem: bad size 'lots'; using all memory");
	assert_int_equal(o.mem_limit, 0);
	parse("mem=5Q", 1);
	parse("mem=0", 1);
	parse("mem=99999999999999999999G", 1);
	assert_int_equal(o.mem_limit, 0);
}

static void test_dom0_mem(void **state)
{
	(void)state;
	parse("dom0_mem=262144", 0);
	assert_true(o.dom0_mem.amount.set);
	assert_false(o.dom0_mem.amount.negative);
	assert_int_equal(o.dom0_mem.amount.bytes, 256ull << 20);
	parse("dom0_mem=min:128M,max:2G,1G", 0);
	assert_true(o.dom0_mem.min.set);
	assert_int_equal(o.dom0_mem.min.bytes, 128ull << 20);
	assert_true(o.dom0_mem.max.set);
	assert_int_equal(o.dom0_mem.max.bytes, 2ull << 30);
	assert_int_equal(o.dom0_mem.amount.bytes, 1ull << 30);
	parse("dom0_mem=-512M", 0);
	assert_true(o.dom0_mem.amount.negative);
	assert_int_equal(o.dom0_mem.amount.bytes, 512ull << 20);
	assert_false(o.dom0_mem.min.set);
	parse("dom0_mem=max:-1G", 0);
	assert_false(o.dom0_mem.amount.set);
	assert_true(o.dom0_mem.max.negative);
	assert_int_equal(o.dom0_mem.max.bytes, 1ull << 30);
	parse("dom0_mem=min:big,512M", 1);
	assert_warned("dom0_mem: bad amount 'min:big' ignored");
	assert_false(o.dom0_mem.min.set);
	assert_int_equal(o.dom0_mem.amount.bytes, 512ull << 20);
	parse("dom0_mem=lots:1G", 1);
	assert_false(o.dom0_mem.amount.set);
}

static void test_badpage(void **state)
{
	char line[1024];
	size_t at;

	(void)state;
	parse("badpage=0x12345,1000,0X10", 0);
	assert_int_equal(o.nr_badpages, 3);
	assert_int_equal(o.badpages[0], 0x12345);
	assert_int_equal(o.badpages[1], 1000);
	assert_int_equal(o.badpages[2], 0x10);
	parse("badpage=0x10,zz,20", 1);
	assert_warned("bad page number 'zz'");
	assert_int_equal(o.nr_badpages, 2);
	assert_int_equal(o.badpages[1], 20);
	at = (size_t)snprintf(line, sizeof(line), "badpage=");
	for (int i = 0; i < CMDLINE_MAX_BADPAGES + 2; i++)
		at += (size_t)snprintf(line + at, sizeof(line) - at, "%d,", i + 1);
	line[at - 1] = '\0';
	parse(line, 1);
	assert_warned("more than 64 pages");
	assert_int_equal(o.nr_badpages, CMDLINE_MAX_BADPAGES);
	assert_int_equal(o.badpages[63], 64);
}

static void test_smp_and_sched(void **state)
{
	(void)state;
	parse("maxcpus=4 sched=credit dom0_max_vcpus=2", 0);
	assert_int_equal(o.maxcpus, 4);
	assert_string_equal(o.sched, "credit");
	assert_int_equal(o.dom0_max_vcpus_min, 2);
	assert_int_equal(o.dom0_max_vcpus_max, 2);
	parse("dom0_max_vcpus=1-4", 0);
	assert_int_equal(o.dom0_max_vcpus_min, 1);
	assert_int_equal(o.dom0_max_vcpus_max, 4);
	parse("dom0_max_vcpus=2-", 0);
	assert_int_equal(o.dom0_max_vcpus_min, 2);
	assert_int_equal(o.dom0_max_vcpus_max, 0);
	parse("dom0_max_vcpus=4-2", 1);
	assert_int_equal(o.dom0_max_vcpus_min, 1);
	assert_int_equal(o.dom0_max_vcpus_max, 0);
	parse("dom0_max_vcpus=0", 1);
	parse("maxcpus=0", 1);
	assert_warned("maxcpus: bad number '0'");
	assert_int_equal(o.maxcpus, 0);
	parse("maxcpus=two", 1);
	parse("sched=sedf", 1);
	assert_warned("sched: unknown scheduler 'sedf'; using credit");
	assert_string_equal(o.sched, "credit");
}

static void test_many_warnings_and_long_token(void **state)
{
	char line[600];
	size_t at = 0;

	(void)state;
	for (int i = 0; i < CMDLINE_MAX_WARNINGS + 3; i++)
		at += (size_t)snprintf(line + at, sizeof(line) - at, "x%d=1 ", i);
	assert_int_equal(cmdline_parse(line, &o), CMDLINE_MAX_WARNINGS + 3);
	assert_int_equal(o.nr_warnings, CMDLINE_MAX_WARNINGS);
	assert_int_equal(o.warnings_dropped, 3);

	memset(line, 'a', 300);
	memcpy(line, "mem=", 4);
	line[300] = '\0';
	parse(line, 1);
	assert_warned("longer than 255");
	assert_int_equal(o.mem_limit, 0);
}

static void test_xen_manual_line(void **state)
{
	(void)state;
	parse("/boot/xen.gz dom0_mem=131072 console=com1,vga com1=115200,8n1 loglvl=all guest_loglvl=all conswitch=bx noreboot",
	      0);
	assert_int_equal(o.dom0_mem.amount.bytes, 128ull << 20);
	assert_int_equal(o.console, CMDLINE_CONSOLE_COM1 | CMDLINE_CONSOLE_VGA);
	assert_int_equal(o.com[0].baud, 115200);
	assert_int_equal(o.loglvl.lower, CMDLINE_LOG_ALL);
	assert_int_equal(o.guest_loglvl.lower, CMDLINE_LOG_ALL);
	assert_int_equal(o.conswitch_char, 'b');
	assert_false(o.conswitch_auto);
	assert_true(o.noreboot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_image_name_skipped),
		cmocka_unit_test(test_com_full),
		cmocka_unit_test(test_com_prefix_and_auto),
		cmocka_unit_test(test_com_malformed),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_loglvl),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_conswitch),
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_dom0_mem),
		cmocka_unit_test(test_badpage),
		cmocka_unit_test(test_smp_and_sched),
		cmocka_unit_test(test_many_warnings_and_long_token),
		cmocka_unit_test(test_xen_manual_line),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
