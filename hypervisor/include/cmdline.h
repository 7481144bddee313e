/* cmdline.h - the hypervisor's boot options, parsed from the multiboot command line. */
#ifndef XENOLITH_CMDLINE_H
#define XENOLITH_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX_BADPAGES 64
#define CMDLINE_MAX_WARNINGS 16
#define CMDLINE_WARNING_LEN 128
#define CMDLINE_SCHED_LEN 16

/* Bits of boot_options.console (console=com1,com2,vga / none). */
#define CMDLINE_CONSOLE_COM1 (1u << 0)
#define CMDLINE_CONSOLE_COM2 (1u << 1)
#define CMDLINE_CONSOLE_VGA  (1u << 2)

/* Log thresholds: a message of level L (PRINTK_ERR=0 .. PRINTK_DEBUG=3) is
 * printed when L < lower, rate limited when lower <= L < upper. */
#define CMDLINE_LOG_NONE    0
#define CMDLINE_LOG_ERROR   1
#define CMDLINE_LOG_WARNING 2
#define CMDLINE_LOG_INFO    3
#define CMDLINE_LOG_DEBUG   4
#define CMDLINE_LOG_ALL     4

/* com1= / com2=: baud[/base-baud][,DPS[,io_base[,irq]]]; empty fields keep
 * the default. */
struct cmdline_com {
	bool given;		/* com<N>= appeared on the command line */
	uint32_t baud;		/* 0 = auto: keep the firmware's divisor */
	uint32_t base_baud;	/* UART input clock / 16; default 115200 */
	uint8_t data_bits;	/* 5..8, default 8 */
	char parity;		/* 'n', 'o', 'e', 'm' or 's', default 'n' */
	uint8_t stop_bits;	/* 1 or 2, default 1 */
	uint16_t io_base;	/* default 0x3f8 (com1), 0x2f8 (com2) */
	uint8_t irq;		/* default 4 (com1), 3 (com2) */
};

struct cmdline_loglvl {
	uint8_t lower;		/* CMDLINE_LOG_*: printed below this */
	uint8_t upper;		/* rate limited below this; >= lower */
};

/* One size of dom0_mem=: bytes, or "all but bytes" when negative. */
struct cmdline_size {
	bool set;
	bool negative;
	uint64_t bytes;
};

/* dom0_mem=[min:<amt>,][max:<amt>,][<amt>], in any order. */
struct cmdline_dom0_mem {
	struct cmdline_size amount;
	struct cmdline_size min;
	struct cmdline_size max;
};

/*
 * Everything the command line can set. About 3 KiB: keep it static, not on
 * a stack. Filled once by the boot CPU, read-only afterwards.
 */
struct boot_options {
	struct cmdline_com com[2];	/* [0] = com1, [1] = com2 */
	uint32_t console;		/* CMDLINE_CONSOLE_*; default COM1|VGA */
	struct cmdline_loglvl loglvl;	/* default info/info (see docs) */
	struct cmdline_loglvl guest_loglvl; /* default none/warning */
	bool sync_console;
	char conswitch_char;		/* 'a'..; 0 = switching disabled (`) */
	bool conswitch_auto;		/* give input to dom0 when it starts */
	bool noreboot;
	uint64_t mem_limit;		/* mem=, bytes; 0 = no limit */
	struct cmdline_dom0_mem dom0_mem;
	uint64_t badpages[CMDLINE_MAX_BADPAGES]; /* page frame numbers */
	unsigned int nr_badpages;
	bool nosmp;
	unsigned int maxcpus;		/* 0 = no limit */
	char sched[CMDLINE_SCHED_LEN];	/* default "credit" */
	unsigned int dom0_max_vcpus_min; /* default 1 */
	unsigned int dom0_max_vcpus_max; /* 0 = one per pCPU (default) */
	bool dom0_vcpus_pin;

	/* Problems found while parsing, to print once a console is up. */
	unsigned int nr_warnings;
	unsigned int warnings_dropped;	/* beyond CMDLINE_MAX_WARNINGS */
	char warnings[CMDLINE_MAX_WARNINGS][CMDLINE_WARNING_LEN];
};

/* cmdline_defaults: set every field of *opts to its default. */
void cmdline_defaults(struct boot_options *opts);

/*
 * cmdline_parse: set *opts to the defaults, then apply every option of the
 * NUL-terminated command line (options separated by spaces). A leading
 * word that has no '=' and is no known option is taken as the image's file
 * name (GRUB legacy, syslinux and QEMU put it there) and skipped. Unknown
 * or malformed options are recorded in opts->warnings (naming the option
 * and the value kept) and parsing continues. cmdline may be NULL. Returns
 * the number of warnings. Boot CPU only; uses no console.
 */
unsigned int cmdline_parse(const char *cmdline, struct boot_options *opts);

/* cmdline_log_warnings: printk every recorded warning at PRINTK_WARNING. */
void cmdline_log_warnings(const struct boot_options *opts);

/*
 * cmdline_parse_size: parse "<number>[B|K|M|G]" (no suffix = kilobytes, as
 * Xen) at s into *bytes; *end is set past what was used. Returns 0, or
 * -EINVAL (no number, unknown suffix) or -ERANGE (overflow).
 */
int cmdline_parse_size(const char *s, const char **end, uint64_t *bytes);

#endif
