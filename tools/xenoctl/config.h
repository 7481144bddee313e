/* config.h - domain configuration files (xl.cfg syntax): parse, override, map to a domain. */
#ifndef XENOCTL_CONFIG_H
#define XENOCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "disk.h"
#include "vif.h"

/*
 * Two stages, as xl does it: config_parse() turns the text into raw
 * key/value entries (syntax only), config_override() applies the
 * command line's key=value arguments, config_to_domain() checks the
 * known keys and fills a struct domain_config. docs/config.md is the
 * user's side of this.
 */

#define CONFIG_NAME_MAX		31	/* characters of a domain name */
#define CONFIG_PATH_MAX		1024	/* bytes of kernel/ramdisk, with NUL */
#define CONFIG_CMDLINE_MAX	2048	/* bytes of the kernel command line, with NUL */
#define CONFIG_MAX_VCPUS	32
#define CONFIG_MAX_CPUS		64	/* physical CPUs a cpus= mask can name */
#define CONFIG_MEMORY_MIN_MIB	16
#define CONFIG_MEMORY_MAX_MIB	(1024 * 1024)	/* 1 TiB */

enum config_type {
	CONFIG_STRING,		/* '...' or "...", escapes resolved */
	CONFIG_INT,		/* decimal or 0x hex, >= 0 */
	CONFIG_LIST,		/* [ atom, ... ]: strings and integers, not lists */
};

/* One value. Owned by its entry (or its list); freed by config_free(). */
struct config_value {
	enum config_type type;
	char *str;		/* STRING: the text; INT: the digits as written */
	long long num;		/* INT only */
	struct config_value *items;	/* LIST only: nitems atoms */
	size_t nitems;
	unsigned int line, col;	/* where it starts; line 0 = command line */
};

/* One `key = value`. Keys are unique: a later one replaces an earlier. */
struct config_entry {
	char *key;
	struct config_value value;
	unsigned int line;	/* of the key; 0 = given on the command line */
};

struct config_file {
	char *filename;		/* as given to config_parse(), for messages */
	struct config_entry *entries;	/* in order of first appearance */
	size_t nentries;
	size_t cap;		/* allocated entries */
};

/* What to do when the guest powers off, reboots or crashes. */
enum config_action {
	CONFIG_ACTION_DESTROY,
	CONFIG_ACTION_RESTART,
	CONFIG_ACTION_PRESERVE,
};

/* Where the kernel comes from. */
enum config_boot {
	CONFIG_BOOT_KERNEL,	/* kernel= (and ramdisk=) */
	CONFIG_BOOT_PYGRUB,	/* bootloader='pygrub', or no kernel and a disk */
};

/* The guest's own address: the ip, netmask, gateway, hostname and dhcp
 * keys, and its NFS root: root = '/dev/nfs', nfs_server and nfs_root
 * (config_netboot.c); "" = not given. */
struct config_netboot {
	char ip[16];			/* dotted IPv4; "auto" until domain_start resolves it */
	char netmask[16];
	char gateway[16];
	char hostname[64];
	bool dhcp;			/* dhcp = "dhcp" */
	bool ip_auto;			/* ip = "auto" (docs/networking.md) */
	bool nfs;			/* root = '/dev/nfs' */
	char nfs_server[16];		/* dotted IPv4 */
	char nfs_root[256];		/* /PATH[,OPTIONS] */
};

/* A domain as the configuration describes it, checked and with defaults. */
struct domain_config {
	char name[CONFIG_NAME_MAX + 1];
	char kernel[CONFIG_PATH_MAX];	/* as written: relative = to the cwd; "" = pygrub */
	char ramdisk[CONFIG_PATH_MAX];	/* "" = none */
	char cmdline[CONFIG_CMDLINE_MAX];	/* cmdline=, or root=/extra= */
	uint64_t memory_mib;		/* default 128, >= 16 */
	uint64_t maxmem_mib;		/* default memory_mib, >= memory_mib */
	unsigned int vcpus;		/* online at boot: 1..32, default 1 */
	unsigned int maxvcpus;		/* vcpus..32, default vcpus */
	uint64_t cpus;			/* union of vcpu_affinity[] */
	uint64_t vcpu_affinity[CONFIG_MAX_VCPUS];	/* hard affinity; ~0 = any */
	unsigned int cpu_weight;	/* 1..65535, default 256 */
	unsigned int cpu_cap;		/* percent of one CPU; 0 = no cap */
	enum config_action on_poweroff;	/* default destroy */
	enum config_action on_reboot;	/* default restart */
	enum config_action on_crash;	/* default destroy */
	long long vmid;			/* vmid=, -1 if absent; not used */
	enum config_boot boot;
	unsigned int ndisks;		/* 0..DISK_MAX */
	struct disk_spec disks[DISK_MAX];	/* by vdev letter (disk_list_finish) */
	unsigned int nvifs;		/* 0..VIF_MAX */
	struct vif_spec vifs[VIF_MAX];	/* in list order: vif[N] is vifDOMID.N */
	struct config_netboot net;
};

/* config_has_devices: dc's domain gets a device model (xenolith-dm), which
 * serves its PCI bus and the bus's hotplug GPE: it has a disk or a vif. */
static inline bool config_has_devices(const struct domain_config *dc)
{
	return dc->ndisks || dc->nvifs;
}

/* Syntax: parse len bytes of text (need not be NUL-terminated) into out,
 * which the caller later frees with config_free(). filename names the
 * file in messages. On a syntax error returns -EINVAL with one line
 * "FILE:LINE:COL: what is wrong" in err (columns count bytes from 1) and
 * out left empty; -ENOMEM if out of memory. */
int config_parse(const char *text, size_t len, const char *filename,
		 struct config_file *out, char *err, size_t errlen);

/* Apply one command-line argument "key=value" (or "key+=value") to cf.
 * The value has the file's syntax; a value that is not a quoted string,
 * a list or an integer is taken as a string, verbatim (name=vm2). The
 * entry replaces any from the file and gets line 0. Returns 0, -EINVAL
 * with one line in err, or -ENOMEM. */
int config_override(struct config_file *cf, const char *key_eq_value,
		    char *err, size_t errlen);

/* The last value given for key, or NULL. */
const struct config_entry *config_find(const struct config_file *cf,
				       const char *key);

/* Free what config_parse() and config_override() allocated; cf is left
 * empty and may be freed again. */
void config_free(struct config_file *cf);

/* Check cf's keys and fill dc with them and the defaults. Keys xenoctl
 * does not support yet, and unknown keys, each give one warning
 * "FILE:LINE: key: ..." through warn (may be NULL), as do values mapped
 * to something nearby. Returns 0, or -EINVAL with one line
 * "FILE:LINE: key: what is wrong" (or "FILE: key: ..." for a missing
 * key) in err. */
int config_to_domain(const struct config_file *cf, struct domain_config *dc,
		     char *err, size_t errlen,
		     void (*warn)(void *ctx, const char *msg), void *ctx);

/* disk= and bootloader= of cf into dc (config_disk.c, called by
 * config_to_domain after kernel=): each spec parsed, the list checked
 * (disk_list_finish); pygrub chosen by bootloader='pygrub' or by a
 * missing kernel= with a disk. No file is looked at. 0, or -EINVAL
 * with "FILE:LINE: disk[N]: ..." or "FILE:LINE: bootloader: ..." in err. */
int config_disks(const struct config_file *cf, struct domain_config *dc,
		 char *err, size_t errlen,
		 void (*warn)(void *ctx, const char *msg), void *ctx);

/* vif= of cf into dc (config_vif.c, called by config_to_domain after
 * name=): each spec parsed, a missing mac derived from the domain's name
 * and the vif's number (xl_mac_from_name), the list checked
 * (vif_list_finish); a Xen key that is ignored gives a warning. 0, or -EINVAL with "FILE:LINE: vif[N]: ..."
 * in err. */
int config_vifs(const struct config_file *cf, struct domain_config *dc,
		char *err, size_t errlen,
		void (*warn)(void *ctx, const char *msg), void *ctx);

/* ip, netmask, gateway, hostname, dhcp, nfs_server and nfs_root of cf
 * into dc->net (config_netboot.c, called by config_to_domain after the
 * command line): each checked, and together (not ip and dhcp; netmask
 * and gateway need ip; root = '/dev/nfs' needs nfs_server, nfs_root and
 * ip or dhcp, and they need it). 0, or -EINVAL with "FILE:LINE: key: ..."
 * in err. */
int config_netboot(const struct config_file *cf, struct domain_config *dc, char *err,
		   size_t errlen);

/* Append dc->net as the kernel's argument
 * ip=IP:NFS_SERVER:GATEWAY:NETMASK:HOSTNAME:eth0:off|dhcp to dc->cmdline,
 * then nfsroot=NFS_SERVER:NFS_ROOT for an NFS root (nothing if no key
 * was given; ip= must be resolved from "auto" first). 0, or
 * -EINVAL with one line in err when the line gets too long. */
int config_netboot_arg(struct domain_config *dc, char *err, size_t errlen);

/* "FILE:LINE: what: msg" (or "command line: what: msg" for line 0) into
 * err, for a key's item such as disk[2]; returns -EINVAL
 * (config_items.c). */
int __attribute__((format(printf, 6, 7)))
config_item_error(const struct config_file *cf, unsigned int line, const char *what,
		  char *err, size_t errlen, const char *fmt, ...);

/* The items of key (a single string is a list of one): *items and *n
 * (NULL and 0 if the key is absent). At most max, every one a string,
 * else -EINVAL with "FILE:LINE: key: N keys, at most max" or
 * "FILE:LINE: key[i]: expected a string such as EXAMPLE" in err
 * (config_items.c). */
int config_string_list(const struct config_file *cf, const char *key, size_t max,
		       const char *example, const struct config_value **items, size_t *n,
		       char *err, size_t errlen);

/* Parse a CPU list "0-3,5,^1" or "all" into *mask. Returns 0, or -EINVAL
 * with the reason (no file or key) in err. */
int config_parse_cpulist(const char *s, uint64_t *mask, char *err,
			 size_t errlen);

#endif
