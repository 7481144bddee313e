/* cmdline.c - parse the multiboot command line into struct boot_options. */
#include "cmdline.h"
#include "errno.h"
#include "lib.h"
#include "printk.h"

#define CMDLINE_TOKEN_MAX 256

/* cmdline_warn: record one warning (formatted) to print later. */
__attribute__((format(printf, 2, 3)))
static void cmdline_warn(struct boot_options *o, const char *fmt, ...)
{
	va_list ap;

	if (o->nr_warnings >= CMDLINE_MAX_WARNINGS) {
		o->warnings_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(o->warnings[o->nr_warnings++], CMDLINE_WARNING_LEN, fmt, ap);
	va_end(ap);
}

static const struct cmdline_com cmdline_com_defaults[2] = {
	{ .baud = 0, .base_baud = 115200, .data_bits = 8, .parity = 'n',
	  .stop_bits = 1, .io_base = 0x3f8, .irq = 4 },
	{ .baud = 0, .base_baud = 115200, .data_bits = 8, .parity = 'n',
	  .stop_bits = 1, .io_base = 0x2f8, .irq = 3 },
};

void cmdline_defaults(struct boot_options *o)
{
	memset(o, 0, sizeof(*o));
	o->com[0] = cmdline_com_defaults[0];
	o->com[1] = cmdline_com_defaults[1];
	o->console = CMDLINE_CONSOLE_COM1 | CMDLINE_CONSOLE_VGA;
	o->loglvl.lower = CMDLINE_LOG_INFO;
	o->loglvl.upper = CMDLINE_LOG_INFO;
	o->guest_loglvl.lower = CMDLINE_LOG_NONE;
	o->guest_loglvl.upper = CMDLINE_LOG_WARNING;
	o->conswitch_char = 'a';
	o->conswitch_auto = true;
	lib_strlcpy(o->sched, "credit", sizeof(o->sched));
	o->dom0_max_vcpus_min = 1;
	o->dom0_max_vcpus_max = 0;
}

/*
 * cmdline_number: a whole unsigned number filling all of s (base 0: 0x for
 * hex, else decimal; a leading 0 is not octal). Returns 0 or -EINVAL.
 */
static int cmdline_number(const char *s, uint64_t *v)
{
	const char *end;
	unsigned int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;

	if (!*s || lib_strtoull(s, &end, base, v) || end == s || *end)
		return -EINVAL;
	return 0;
}

int cmdline_parse_size(const char *s, const char **end, uint64_t *bytes)
{
	const char *p;
	uint64_t v;
	unsigned int shift;
	int rc = lib_strtoull(s, &p, 0, &v);

	if (p == s)
		return -EINVAL;
	if (rc)
		return rc;
	switch (lib_tolower(*p)) {
	case 'b':
		shift = 0;
		p++;
		break;
	case 'k':
		shift = 10;
		p++;
		break;
	case 'm':
		shift = 20;
		p++;
		break;
	case 'g':
		shift = 30;
		p++;
		break;
	case 't':
		shift = 40;
		p++;
		break;
	default:
		shift = 10;	/* no suffix: kilobytes, as Xen */
		break;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*bytes = v << shift;
	if (end)
		*end = p;
	return 0;
}

/* cmdline_bool: the value of a boolean option (NULL = bare name = true).
 * Returns 0 or -EINVAL. */
static int cmdline_bool(const char *val, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "enable" };
	static const char *const no[] = { "0", "no", "false", "off", "disable" };

	if (!val) {
		*out = true;
		return 0;
	}
	for (size_t i = 0; i < LIB_ARRAY_SIZE(yes); i++) {
		if (!strcmp(val, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(val, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * cmdline_next_field: split s at the next sep; returns the field (NUL
 * terminated in place) and advances *s past it, or NULL at the end.
 */
static char *cmdline_next_field(char **s, char sep)
{
	char *f = *s, *p;

	if (!f)
		return NULL;
	p = strchr(f, sep);
	if (p) {
		*p = '\0';
		*s = p + 1;
	} else {
		*s = NULL;
	}
	return f;
}

/* com1=/com2=: baud[/base-baud][,DPS[,io_base[,irq]]]. */
static void cmdline_com(struct boot_options *o, const char *name, char *val,
			unsigned int idx)
{
	struct cmdline_com *c = &o->com[idx];
	const struct cmdline_com *def = &cmdline_com_defaults[idx];
	char *f, *rest = val;
	uint64_t v;

	c->given = true;
	f = cmdline_next_field(&rest, ',');
	if (f && *f) {
		char *base = strchr(f, '/');

		if (base)
			*base++ = '\0';
		if (!strcmp(f, "auto"))
			c->baud = 0;
		else if (cmdline_number(f, &v) || v == 0 || v > 4000000)
			cmdline_warn(o, "%s: bad baud rate '%s'; using auto",
				     name, f);
		else
			c->baud = (uint32_t)v;
		if (base && (cmdline_number(base, &v) || v == 0 || v > 0xffffffffull))
			cmdline_warn(o, "%s: bad base baud '%s'; using %u",
				     name, base, def->base_baud);
		else if (base)
			c->base_baud = (uint32_t)v;
	}
	f = cmdline_next_field(&rest, ',');
	if (f && *f) {
		char parity = (char)lib_tolower(f[1]);

		if (strlen(f) != 3 || f[0] < '5' || f[0] > '8' ||
		    !strchr("noems", parity) || !parity ||
		    (f[2] != '1' && f[2] != '2'))
			cmdline_warn(o, "%s: bad format '%s' (want e.g. 8n1); using 8n1",
				     name, f);
		else {
			c->data_bits = (uint8_t)(f[0] - '0');
			c->parity = parity;
			c->stop_bits = (uint8_t)(f[2] - '0');
		}
	}
	f = cmdline_next_field(&rest, ',');
	if (f && *f) {
		if (cmdline_number(f, &v) || v == 0 || v > 0xfff8)
			cmdline_warn(o, "%s: bad I/O base '%s'; using %#x",
				     name, f, def->io_base);
		else
			c->io_base = (uint16_t)v;
	}
	f = cmdline_next_field(&rest, ',');
	if (f && *f) {
		if (cmdline_number(f, &v) || v > 15)
			cmdline_warn(o, "%s: bad IRQ '%s'; using %u", name, f,
				     def->irq);
		else
			c->irq = (uint8_t)v;
	}
	if (rest)
		cmdline_warn(o, "%s: extra fields '%s' ignored", name, rest);
}

/* console=com1,com2,vga,none */
static void cmdline_console(struct boot_options *o, const char *name, char *val)
{
	uint32_t mask = 0;
	bool any = false;
	char *f, *rest = val;

	while ((f = cmdline_next_field(&rest, ','))) {
		if (!strcmp(f, "com1"))
			mask |= CMDLINE_CONSOLE_COM1;
		else if (!strcmp(f, "com2"))
			mask |= CMDLINE_CONSOLE_COM2;
		else if (!strcmp(f, "vga"))
			mask |= CMDLINE_CONSOLE_VGA;
		else if (strcmp(f, "none")) {
			cmdline_warn(o, "%s: unknown console '%s' ignored",
				     name, f);
			continue;
		}
		any = true;
	}
	if (any)
		o->console = mask;
	else
		cmdline_warn(o, "%s: no usable console given; using com1,vga",
			     name);
}

static const char *const cmdline_level_names[] = {
	"none", "error", "warning", "info", "debug", "all",
};

static int cmdline_level(const char *s, uint8_t *out)
{
	for (size_t i = 0; i < LIB_ARRAY_SIZE(cmdline_level_names); i++) {
		if (!strcmp(s, cmdline_level_names[i])) {
			*out = (uint8_t)LIB_MIN(i, (size_t)CMDLINE_LOG_ALL);
			return 0;
		}
	}
	return -EINVAL;
}

/* loglvl=/guest_loglvl=: level[/ratelimit-level]. */
static void cmdline_loglvl(struct boot_options *o, const char *name, char *val,
			   struct cmdline_loglvl *lvl)
{
	struct cmdline_loglvl def = *lvl, v;
	char *slash = strchr(val, '/');

	if (slash)
		*slash++ = '\0';
	if (cmdline_level(val, &v.lower) ||
	    (slash && cmdline_level(slash, &v.upper))) {
		cmdline_warn(o, "%s: unknown level '%s%s%s' (none, error, warning, info, debug, all); using %s/%s",
			     name, val, slash ? "/" : "", slash ? slash : "",
			     cmdline_level_names[def.lower],
			     cmdline_level_names[def.upper]);
		return;
	}
	if (!slash)
		v.upper = v.lower;
	if (v.upper < v.lower)
		v.upper = v.lower;
	*lvl = v;
}

/* conswitch=<switch-char>[x] */
static void cmdline_conswitch(struct boot_options *o, const char *name,
			      char *val)
{
	char c = (char)lib_tolower(val[0]);

	if ((c != '`' && (c < 'a' || c > 'z')) ||
	    (val[1] && (val[1] != 'x' || val[2]))) {
		cmdline_warn(o, "%s: bad value '%s' (want a letter, optionally followed by x, or `); using a",
			     name, val);
		return;
	}
	o->conswitch_char = c == '`' ? 0 : c;
	o->conswitch_auto = val[1] != 'x';
}

/* mem=<size> */
static void cmdline_mem(struct boot_options *o, const char *name, char *val)
{
	const char *end;
	uint64_t bytes;

	if (cmdline_parse_size(val, &end, &bytes) || *end || bytes == 0) {
		cmdline_warn(o, "%s: bad size '%s'; using all memory", name, val);
		return;
	}
	o->mem_limit = bytes;
}

/* dom0_mem=[min:<amt>,][max:<amt>,][<amt>], amounts optionally negative. */
static void cmdline_dom0_mem(struct boot_options *o, const char *name, char *val)
{
	char *f, *rest = val;

	while ((f = cmdline_next_field(&rest, ','))) {
		struct cmdline_size sz = { .set = true }, *dst = &o->dom0_mem.amount;
		const char *p = f, *end;

		if (!strncmp(p, "min:", 4)) {
			dst = &o->dom0_mem.min;
			p += 4;
		} else if (!strncmp(p, "max:", 4)) {
			dst = &o->dom0_mem.max;
			p += 4;
		}
		if (*p == '-') {
			sz.negative = true;
			p++;
		}
		if (cmdline_parse_size(p, &end, &sz.bytes) || *end) {
			cmdline_warn(o, "%s: bad amount '%s' ignored", name, f);
			continue;
		}
		*dst = sz;
	}
}

/* badpage=<pfn>[,<pfn>...] */
static void cmdline_badpage(struct boot_options *o, const char *name, char *val)
{
	char *f, *rest = val;
	uint64_t pfn;

	while ((f = cmdline_next_field(&rest, ','))) {
		if (cmdline_number(f, &pfn)) {
			cmdline_warn(o, "%s: bad page number '%s' ignored",
				     name, f);
			continue;
		}
		if (o->nr_badpages == CMDLINE_MAX_BADPAGES) {
			cmdline_warn(o, "%s: more than %u pages; '%s' and later ignored",
				     name, CMDLINE_MAX_BADPAGES, f);
			return;
		}
		o->badpages[o->nr_badpages++] = pfn;
	}
}

/* cmdline_uint: a whole number in [min, max] or a warning. */
static int cmdline_uint(struct boot_options *o, const char *name,
			const char *val, uint64_t min, uint64_t max,
			uint64_t *out)
{
	if (cmdline_number(val, out) || *out < min || *out > max) {
		cmdline_warn(o, "%s: bad number '%s' (want %llu..%llu); option ignored",
			     name, val, (unsigned long long)min,
			     (unsigned long long)max);
		return -EINVAL;
	}
	return 0;
}

/* dom0_max_vcpus=<n> | <min>-<max> | <min>- */
static void cmdline_dom0_max_vcpus(struct boot_options *o, const char *name,
				   char *val)
{
	char *dash = strchr(val, '-');
	uint64_t lo, hi = 0;

	if (dash)
		*dash++ = '\0';
	if (cmdline_uint(o, name, val, 1, 4096, &lo))
		return;
	if (!dash)
		hi = lo;
	else if (*dash && cmdline_uint(o, name, dash, lo, 4096, &hi))
		return;
	o->dom0_max_vcpus_min = (unsigned int)lo;
	o->dom0_max_vcpus_max = (unsigned int)hi;
}

static const char *const cmdline_schedulers[] = { "credit" };

static void cmdline_sched(struct boot_options *o, const char *name, char *val)
{
	for (size_t i = 0; i < LIB_ARRAY_SIZE(cmdline_schedulers); i++) {
		if (!strcmp(val, cmdline_schedulers[i])) {
			lib_strlcpy(o->sched, val, sizeof(o->sched));
			return;
		}
	}
	cmdline_warn(o, "%s: unknown scheduler '%s'; using %s", name, val,
		     o->sched);
}

/* How an option takes its value. */
enum cmdline_kind {
	CMDLINE_BOOL,		/* bare, or =yes/no... */
	CMDLINE_VALUE,		/* needs =value */
};

enum cmdline_id {
	OPT_COM1, OPT_COM2, OPT_CONSOLE, OPT_LOGLVL, OPT_GUEST_LOGLVL,
	OPT_SYNC_CONSOLE, OPT_CONSWITCH, OPT_NOREBOOT, OPT_MEM, OPT_DOM0_MEM,
	OPT_BADPAGE, OPT_NOSMP, OPT_MAXCPUS, OPT_SCHED, OPT_DOM0_MAX_VCPUS,
	OPT_DOM0_VCPUS_PIN,
};

static const struct cmdline_option {
	const char *name;
	enum cmdline_id id;
	enum cmdline_kind kind;
} cmdline_options[] = {
	{ "com1", OPT_COM1, CMDLINE_VALUE },
	{ "com2", OPT_COM2, CMDLINE_VALUE },
	{ "console", OPT_CONSOLE, CMDLINE_VALUE },
	{ "loglvl", OPT_LOGLVL, CMDLINE_VALUE },
	{ "guest_loglvl", OPT_GUEST_LOGLVL, CMDLINE_VALUE },
	{ "sync_console", OPT_SYNC_CONSOLE, CMDLINE_BOOL },
	{ "conswitch", OPT_CONSWITCH, CMDLINE_VALUE },
	{ "noreboot", OPT_NOREBOOT, CMDLINE_BOOL },
	{ "mem", OPT_MEM, CMDLINE_VALUE },
	{ "dom0_mem", OPT_DOM0_MEM, CMDLINE_VALUE },
	{ "badpage", OPT_BADPAGE, CMDLINE_VALUE },
	{ "nosmp", OPT_NOSMP, CMDLINE_BOOL },
	{ "maxcpus", OPT_MAXCPUS, CMDLINE_VALUE },
	{ "sched", OPT_SCHED, CMDLINE_VALUE },
	{ "dom0_max_vcpus", OPT_DOM0_MAX_VCPUS, CMDLINE_VALUE },
	{ "dom0_vcpus_pin", OPT_DOM0_VCPUS_PIN, CMDLINE_BOOL },
};

/* cmdline_name_eq: option names match, '-' and '_' being the same. */
static bool cmdline_name_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

static const struct cmdline_option *cmdline_find(const char *name)
{
	for (size_t i = 0; i < LIB_ARRAY_SIZE(cmdline_options); i++)
		if (cmdline_name_eq(name, cmdline_options[i].name))
			return &cmdline_options[i];
	return NULL;
}

/* cmdline_apply_bool: options that are flags. */
static void cmdline_apply_bool(struct boot_options *o,
			       const struct cmdline_option *opt, const char *val)
{
	bool v;

	if (cmdline_bool(val, &v)) {
		cmdline_warn(o, "%s=%s: not a boolean (yes/no, on/off, 1/0); option ignored",
			     opt->name, val);
		return;
	}
	switch (opt->id) {
	case OPT_SYNC_CONSOLE:
		o->sync_console = v;
		break;
	case OPT_NOREBOOT:
		o->noreboot = v;
		break;
	case OPT_NOSMP:
		o->nosmp = v;
		break;
	case OPT_DOM0_VCPUS_PIN:
		o->dom0_vcpus_pin = v;
		break;
	default:
		break;
	}
}

/* cmdline_apply_value: options that need "=value" (val non-empty). */
static void cmdline_apply_value(struct boot_options *o,
				const struct cmdline_option *opt, char *val)
{
	const char *n = opt->name;
	uint64_t v;

	switch (opt->id) {
	case OPT_COM1:
	case OPT_COM2:
		cmdline_com(o, n, val, opt->id == OPT_COM2);
		break;
	case OPT_CONSOLE:
		cmdline_console(o, n, val);
		break;
	case OPT_LOGLVL:
		cmdline_loglvl(o, n, val, &o->loglvl);
		break;
	case OPT_GUEST_LOGLVL:
		cmdline_loglvl(o, n, val, &o->guest_loglvl);
		break;
	case OPT_CONSWITCH:
		cmdline_conswitch(o, n, val);
		break;
	case OPT_MEM:
		cmdline_mem(o, n, val);
		break;
	case OPT_DOM0_MEM:
		cmdline_dom0_mem(o, n, val);
		break;
	case OPT_BADPAGE:
		cmdline_badpage(o, n, val);
		break;
	case OPT_MAXCPUS:
		if (!cmdline_uint(o, n, val, 1, 4096, &v))
			o->maxcpus = (unsigned int)v;
		break;
	case OPT_SCHED:
		cmdline_sched(o, n, val);
		break;
	case OPT_DOM0_MAX_VCPUS:
		cmdline_dom0_max_vcpus(o, n, val);
		break;
	default:
		break;
	}
}

/* cmdline_token: handle one "name[=value]" word (modified in place). */
static void cmdline_token(struct boot_options *o, char *tok, bool first)
{
	char *val = strchr(tok, '=');
	const struct cmdline_option *opt;

	if (val)
		*val++ = '\0';
	opt = cmdline_find(tok);
	if (!opt) {
		if (!(first && !val))
			cmdline_warn(o, "unknown option '%s' ignored", tok);
		return;
	}
	if (opt->kind == CMDLINE_BOOL) {
		cmdline_apply_bool(o, opt, val);
		return;
	}
	if (!val || !*val) {
		cmdline_warn(o, "%s: needs a value (%s=...); option ignored",
			     opt->name, opt->name);
		return;
	}
	cmdline_apply_value(o, opt, val);
}

unsigned int cmdline_parse(const char *cmdline, struct boot_options *o)
{
	const char *p = cmdline;
	bool first = true;

	cmdline_defaults(o);
	if (!p)
		return 0;
	for (;;) {
		char tok[CMDLINE_TOKEN_MAX];
		size_t len = 0;

		while (lib_isspace(*p))
			p++;
		if (!*p)
			break;
		while (p[len] && !lib_isspace(p[len]))
			len++;
		if (len >= sizeof(tok)) {
			cmdline_warn(o, "option '%.24s...' longer than %zu characters ignored",
				     p, sizeof(tok) - 1);
		} else {
			memcpy(tok, p, len);
			tok[len] = '\0';
			cmdline_token(o, tok, first);
		}
		p += len;
		first = false;
	}
	return o->nr_warnings + o->warnings_dropped;
}

void cmdline_log_warnings(const struct boot_options *o)
{
	for (unsigned int i = 0; i < o->nr_warnings; i++)
		printk(PRINTK_WARNING, "cmdline: %s\n", o->warnings[i]);
	if (o->warnings_dropped)
		printk(PRINTK_WARNING, "cmdline: %u more warnings not shown\n",
		       o->warnings_dropped);
}
