/* config_keys.c - the keys of a domain configuration: checked, defaulted, into struct domain_config. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

struct keys {
	const struct config_file *cf;
	struct domain_config *dc;
	char *err;
	size_t errlen;
	void (*warn)(void *ctx, const char *msg);
	void *ctx;
};

/* Keys this file maps into struct domain_config. */
static const char *const keys_supported[] = {
	"name", "kernel", "ramdisk", "memory", "maxmem", "vcpus", "maxvcpus",
	"cpus", "cpu_weight", "cpu_cap", "extra", "root", "cmdline",
	"on_poweroff", "on_reboot", "on_crash", "vmid", "disk", "bootloader", "vif",
	"ip", "netmask", "gateway", "hostname", "dhcp", "nfs_server", "nfs_root",
};

/* Keys of xl.cfg (and xm's manual) that xenoctl does not honour yet; a
 * trailing '*' matches any ending. Other keys are "unknown". */
static const char *const keys_unsupported[] = {
	"builder", "type", "uuid", "pool", "cpus_soft",
	"vnuma", "seclabel", "init_seclabel", "bootloader_args",
	"device_model_*", "vnc*", "sdl", "opengl", "keymap", "spice*", "vga",
	"stdvga", "videoram", "serial", "soundhw", "boot", "usb*", "pci*",
	"rdm*", "iomem", "ioports", "irqs", "dtdev", "device_tree", "vtpm",
	"vfb", "vkb", "vdispl", "vsnd", "p9", "pvcalls", "channel",
	"console",
	"acpi*", "apic", "pae", "hap", "nestedhvm",
	"viridian", "hpet", "timer_mode", "tsc_mode", "localtime",
	"rtc_timeoffset", "firmware*", "bios*", "shadow_memory",
	"xen_platform_pci", "mmio_hole", "altp2m", "smbios_firmware",
	"ms_vm_genid", "claim_mode", "on_watchdog", "on_soft_reset", "cpuid",
	"gic_version", "vuart", "tee", "e820_host", "max_grant_frames",
	"max_maptrack_frames", "max_grant_version", "max_event_channels",
	"nomigrate", "driver_domain", "passthrough", "gfx_passthru",
	"pvshim*", "vpt_align", "dm_restrict", "vcpu_hard_affinity",
	"vcpu_soft_affinity", "trap_unknown_msrs", "xend_*",
};

/* "FILE:LINE" for an entry, "command line" for an override. */
static const char *keys_where(const struct keys *k,
			      const struct config_entry *e, char *buf,
			      size_t len)
{
	const char *file = k->cf->filename ? k->cf->filename : "(config)";

	if (!e)
		return file;
	if (!e->line)
		return "command line";
	snprintf(buf, len, "%s:%u", file, e->line);
	return buf;
}

/* "WHERE: key: msg" into k->err; returns -EINVAL. e NULL = missing key. */
static int __attribute__((format(printf, 4, 5)))
keys_error(struct keys *k, const struct config_entry *e, const char *key,
	   const char *fmt, ...)
{
	char where[512], msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(k->err, k->errlen, "%s: %s: %s",
		 keys_where(k, e, where, sizeof(where)), key, msg);
	return -EINVAL;
}

/* "WHERE: key: msg" through k->warn. */
static void __attribute__((format(printf, 3, 4)))
keys_warn(struct keys *k, const struct config_entry *e, const char *fmt, ...)
{
	char where[512], msg[256], line[800];
	va_list ap;

	if (!k->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s: %s: %s",
		 keys_where(k, e, where, sizeof(where)), e->key, msg);
	k->warn(k->ctx, line);
}

static int keys_match(const char *const *table, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(table[i]);

		if (table[i][len - 1] == '*' ? !strncmp(table[i], key, len - 1)
					     : !strcmp(table[i], key))
			return 1;
	}
	return 0;
}

/* One warning for each key that is not mapped, in file order. */
static void keys_warn_ignored(struct keys *k)
{
	const size_t ns = sizeof(keys_supported) / sizeof(keys_supported[0]);
	const size_t nu = sizeof(keys_unsupported) / sizeof(keys_unsupported[0]);

	for (size_t i = 0; i < k->cf->nentries; i++) {
		const struct config_entry *e = &k->cf->entries[i];

		if (keys_match(keys_supported, ns, e->key))
			continue;
		if (keys_match(keys_unsupported, nu, e->key))
			keys_warn(k, e, "not supported yet, ignored");
		else
			keys_warn(k, e, "unknown key, ignored");
	}
}

/* s as a whole integer (decimal without leading zeros, or 0x hex). */
static int keys_strtoll(const char *s, long long *v)
{
	int base = 10;
	long long n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		return -EINVAL;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' :
			*s >= 'a' && *s <= 'f' ? *s - 'a' + 10 :
			*s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : 99;

		if (d >= base || n > (0x7fffffffffffffffLL - d) / base)
			return -EINVAL;
		n = n * base + d;
	}
	*v = n;
	return 0;
}

/* Integer key in min..max, or def when absent. A quoted integer is
 * accepted, as xl does. */
static int keys_int(struct keys *k, const char *key, long long min,
		    long long max, long long def, long long *out)
{
	const struct config_entry *e = config_find(k->cf, key);

	*out = def;
	if (!e)
		return 0;
	if (e->value.type == CONFIG_INT)
		*out = e->value.num;
	else if (e->value.type == CONFIG_LIST ||
		 keys_strtoll(e->value.str, out))
		return keys_error(k, e, key, "expected an integer");
	if (*out < min || *out > max)
		return keys_error(k, e, key, "%lld is out of range (%lld-%lld)",
				  *out, min, max);
	return 0;
}

/* String key into buf (size bytes); "" when absent. An integer gives
 * its digits. Sets *found if given. */
static int keys_string(struct keys *k, const char *key, char *buf,
		       size_t size, const struct config_entry **found)
{
	const struct config_entry *e = config_find(k->cf, key);
	size_t len;

	buf[0] = '\0';
	if (found)
		*found = e;
	if (!e)
		return 0;
	if (e->value.type == CONFIG_LIST)
		return keys_error(k, e, key, "expected a string, not a list");
	len = strlen(e->value.str);
	if (len >= size)
		return keys_error(k, e, key, "too long (%zu bytes, at most %zu)",
				  len, size - 1);
	memcpy(buf, e->value.str, len + 1);
	return 0;
}

/* name: required, 1..31 of [A-Za-z0-9_.-]. */
static int keys_name(struct keys *k)
{
	const struct config_entry *e = config_find(k->cf, "name");
	const char *s;
	size_t len;

	if (!e)
		return keys_error(k, NULL, "name", "missing (required)");
	if (e->value.type == CONFIG_LIST)
		return keys_error(k, e, "name", "expected a string, not a list");
	s = e->value.str;
	len = strlen(s);
	if (!len)
		return keys_error(k, e, "name", "must not be empty");
	if (len > CONFIG_NAME_MAX)
		return keys_error(k, e, "name", "too long (%zu characters, at most %d)",
				  len, CONFIG_NAME_MAX);
	for (size_t i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_.-", s[i]))
			return keys_error(k, e, "name", "invalid character '%c' "
				"(allowed: A-Z a-z 0-9 _ . -)",
				s[i] >= ' ' && s[i] < 127 ? s[i] : '?');
	memcpy(k->dc->name, s, len + 1);
	return 0;
}

/* on_poweroff/on_reboot/on_crash; actions we cannot honour become the
 * nearest one, with a warning. */
static int keys_action(struct keys *k, const char *key,
		       enum config_action def, enum config_action *out)
{
	static const struct {
		const char *name;
		enum config_action action;
		const char *why;
	} actions[] = {
		{ "destroy", CONFIG_ACTION_DESTROY, NULL },
		{ "restart", CONFIG_ACTION_RESTART, NULL },
		{ "preserve", CONFIG_ACTION_PRESERVE, NULL },
		{ "rename-restart", CONFIG_ACTION_RESTART, "no renaming" },
		{ "coredump-destroy", CONFIG_ACTION_DESTROY, "no core dumps" },
		{ "coredump-restart", CONFIG_ACTION_RESTART, "no core dumps" },
		{ "soft-reset", CONFIG_ACTION_RESTART, "no soft reset" },
	};
	const struct config_entry *e = config_find(k->cf, key);

	*out = def;
	if (!e)
		return 0;
	if (e->value.type != CONFIG_STRING)
		return keys_error(k, e, key, "expected a string");
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(e->value.str, actions[i].name))
			continue;
		*out = actions[i].action;
		if (actions[i].why)
			keys_warn(k, e, "%s: %s yet, using %s", actions[i].name,
				  actions[i].why,
				  actions[i].action == CONFIG_ACTION_DESTROY ?
				  "destroy" : "restart");
		return 0;
	}
	return keys_error(k, e, key, "'%s' is not an action (destroy, restart, "
		"preserve, rename-restart, coredump-destroy, coredump-restart, "
		"soft-reset)", e->value.str);
}

/* One atom of cpus= (a CPU list string or a CPU number) into *mask. */
static int keys_cpu_atom(const struct config_value *v, uint64_t *mask,
			 char *why, size_t len)
{
	if (v->type == CONFIG_STRING)
		return config_parse_cpulist(v->str, mask, why, len);
	if (v->num >= CONFIG_MAX_CPUS) {
		snprintf(why, len, "CPU %lld is out of range (0-%d)", v->num,
			 CONFIG_MAX_CPUS - 1);
		return -EINVAL;
	}
	*mask = 1ULL << v->num;
	return 0;
}

/* cpus: one CPU list for every vCPU, or a list with one per vCPU (the
 * vCPUs past its end may run anywhere). Needs maxvcpus. */
static int keys_cpus(struct keys *k)
{
	const struct config_entry *e = config_find(k->cf, "cpus");
	struct domain_config *dc = k->dc;
	uint64_t mask = ~0ULL;
	char why[160];

	for (unsigned int i = 0; i < CONFIG_MAX_VCPUS; i++)
		dc->vcpu_affinity[i] = ~0ULL;
	dc->cpus = ~0ULL;
	if (!e)
		return 0;
	if (e->value.type != CONFIG_LIST) {
		if (keys_cpu_atom(&e->value, &mask, why, sizeof(why)))
			return keys_error(k, e, "cpus", "%s", why);
		for (unsigned int i = 0; i < CONFIG_MAX_VCPUS; i++)
			dc->vcpu_affinity[i] = mask;
		dc->cpus = mask;
		return 0;
	}
	if (e->value.nitems > dc->maxvcpus)
		return keys_error(k, e, "cpus", "%zu entries for %u vCPUs",
				  e->value.nitems, dc->maxvcpus);
	if (!e->value.nitems)
		return 0;
	dc->cpus = 0;
	for (unsigned int i = 0; i < dc->maxvcpus; i++) {
		if (i < e->value.nitems &&
		    keys_cpu_atom(&e->value.items[i], &dc->vcpu_affinity[i],
				  why, sizeof(why)))
			return keys_error(k, e, "cpus", "vCPU %u: %s", i, why);
		dc->cpus |= dc->vcpu_affinity[i];
	}
	return 0;
}

/* The kernel command line as xl builds it: cmdline= if given, else
 * "root=<root> <extra>" from the parts given. */
static int keys_cmdline(struct keys *k)
{
	const struct config_entry *ec, *er, *ex;
	char root[CONFIG_CMDLINE_MAX], extra[CONFIG_CMDLINE_MAX];
	char *out = k->dc->cmdline;
	int n, ret;

	ret = keys_string(k, "cmdline", out, CONFIG_CMDLINE_MAX, &ec);
	if (!ret)
		ret = keys_string(k, "root", root, sizeof(root), &er);
	if (!ret)
		ret = keys_string(k, "extra", extra, sizeof(extra), &ex);
	if (ret)
		return ret;
	if (ec) {
		if (er)
			keys_warn(k, er, "ignored: cmdline is given");
		if (ex)
			keys_warn(k, ex, "ignored: cmdline is given");
		return 0;
	}
	if (er && ex)
		n = snprintf(out, CONFIG_CMDLINE_MAX, "root=%s %s", root, extra);
	else if (er)
		n = snprintf(out, CONFIG_CMDLINE_MAX, "root=%s", root);
	else
		n = snprintf(out, CONFIG_CMDLINE_MAX, "%s", extra);
	if (n >= CONFIG_CMDLINE_MAX)
		return keys_error(k, ex ? ex : er, ex ? "extra" : "root",
			"the kernel command line is too long (%d bytes, at most %d)",
			n, CONFIG_CMDLINE_MAX - 1);
	return 0;
}

/* The paths, as written: a relative one is relative to xenoctl's
 * working directory, as with xl; then the disks and the bootloader. */
static int keys_paths(struct keys *k)
{
	const struct config_entry *e;
	int ret;

	ret = keys_string(k, "kernel", k->dc->kernel, CONFIG_PATH_MAX, &e);
	if (ret)
		return ret;
	if (e && !k->dc->kernel[0])
		return keys_error(k, e, "kernel", "must not be empty");
	ret = keys_string(k, "ramdisk", k->dc->ramdisk, CONFIG_PATH_MAX, NULL);
	if (ret)
		return ret;
	/* No kernel: pygrub takes it from a disk (config_disk.c). */
	return config_disks(k->cf, k->dc, k->err, k->errlen, k->warn, k->ctx);
}

/* The numbers: memory, maxmem, vcpus, maxvcpus, cpu_weight, cpu_cap, vmid. */
static int keys_numbers(struct keys *k)
{
	struct domain_config *dc = k->dc;
	long long v;
	int ret;

	ret = keys_int(k, "memory", CONFIG_MEMORY_MIN_MIB, CONFIG_MEMORY_MAX_MIB,
		       128, &v);
	if (ret)
		return ret;
	dc->memory_mib = (uint64_t)v;
	ret = keys_int(k, "maxmem", (long long)dc->memory_mib,
		       CONFIG_MEMORY_MAX_MIB, (long long)dc->memory_mib, &v);
	if (ret)
		return ret;
	dc->maxmem_mib = (uint64_t)v;
	ret = keys_int(k, "vcpus", 1, CONFIG_MAX_VCPUS, 1, &v);
	if (ret)
		return ret;
	dc->vcpus = (unsigned int)v;
	ret = keys_int(k, "maxvcpus", dc->vcpus, CONFIG_MAX_VCPUS, dc->vcpus, &v);
	if (ret)
		return ret;
	dc->maxvcpus = (unsigned int)v;
	ret = keys_int(k, "cpu_weight", 1, 65535, 256, &v);
	if (ret)
		return ret;
	dc->cpu_weight = (unsigned int)v;
	ret = keys_int(k, "cpu_cap", 0, 100LL * dc->maxvcpus, 0, &v);
	if (ret)
		return ret;
	dc->cpu_cap = (unsigned int)v;
	ret = keys_int(k, "vmid", 0, 0x7fffffffffffffffLL, -1, &v);
	dc->vmid = v;
	return ret;
}

int config_to_domain(const struct config_file *cf, struct domain_config *dc,
		     char *err, size_t errlen,
		     void (*warn)(void *ctx, const char *msg), void *ctx)
{
	struct keys k = {
		.cf = cf, .dc = dc, .err = err, .errlen = errlen,
		.warn = warn, .ctx = ctx,
	};
	int ret;

	memset(dc, 0, sizeof(*dc));
	keys_warn_ignored(&k);
	ret = keys_name(&k);
	if (!ret)
		ret = keys_paths(&k);
	if (!ret)
		ret = keys_numbers(&k);
	if (!ret)
		ret = keys_cpus(&k);
	if (!ret)
		ret = keys_cmdline(&k);
	if (!ret)
		ret = config_vifs(cf, dc, err, errlen, warn, ctx);
	if (!ret)
		ret = config_netboot(cf, dc, err, errlen);
	if (!ret)
		ret = keys_action(&k, "on_poweroff", CONFIG_ACTION_DESTROY,
				  &dc->on_poweroff);
	if (!ret)
		ret = keys_action(&k, "on_reboot", CONFIG_ACTION_RESTART,
				  &dc->on_reboot);
	if (!ret)
		ret = keys_action(&k, "on_crash", CONFIG_ACTION_DESTROY,
				  &dc->on_crash);
	return ret;
}
