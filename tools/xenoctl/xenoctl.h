/* xenoctl.h - what xenoctl's files share: verbs, messages, formats, arguments, saved state. */
#ifndef XENOCTL_H
#define XENOCTL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "libxenolith/libxenolith.h"

struct config_file;
struct domain_config;
struct disk_spec;
struct vif_spec;

/* ---- main.c: verbs and messages ---- */

/* A verb: run it with argv[0] = the verb; returns the exit status. */
struct cmd_verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;		/* "create CFG [-c] [-w] [key=value ...]" */
	const char *summary;		/* one line for `xenoctl help` */
	const char *details;		/* the rest of `xenoctl help VERB` */
};
extern const struct cmd_verb cmd_verbs[];
const struct cmd_verb *cmd_find(const char *name);

/* Print "xenoctl: MESSAGE" on stderr; returns 1 (the exit status). */
int cmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Open /dev/xenolith, or print why and return NULL. */
struct xl_handle *cmd_open(void);
/* Look a domain up by name or id, or print why; 0 or -errno. */
int cmd_lookup(struct xl_handle *h, const char *dom, uint32_t *domid);

/* Verbs (cmd_*.c). */
int cmd_create(int argc, char **argv);
int cmd_autostart(int argc, char **argv);
int cmd_autostop(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_uptime(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
int cmd_reboot(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_rename(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dmesg(int argc, char **argv);
int cmd_sched_credit(int argc, char **argv);
int cmd_vcpu_pin(int argc, char **argv);
int cmd_vcpu_list(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_vd(int argc, char **argv);		/* cmd_vd.c */
int cmd_block_attach(int argc, char **argv);	/* cmd_block.c */
int cmd_block_detach(int argc, char **argv);
int cmd_block_list(int argc, char **argv);
int cmd_network_attach(int argc, char **argv);	/* cmd_network.c */
int cmd_network_detach(int argc, char **argv);
int cmd_network_list(int argc, char **argv);
int cmd_nfs_export(int argc, char **argv);	/* cmd_nfs.c */
int cmd_nfs_unexport(int argc, char **argv);

/* Build and start one configuration file with overrides (create and
 * autostart); *domid is the new domain. Prints its own errors; 0 or 1. */
int cmd_create_file(struct xl_handle *h, const char *path, const char *const *over,
		    int nover, uint32_t *domid, char *name, size_t namelen);
/* Attach to domain domid's console until Ctrl-] or its end (cmd_console.c). */
int cmd_console_attach(struct xl_handle *h, uint32_t domid);
/* Wait until domain domid has ended (shut down, crashed or gone); *status
 * is what `create -w` exits with. 0, or 1 after printing why. */
int cmd_wait_end(struct xl_handle *h, uint32_t domid, int *status);

/* ---- format.c: output formats (plain logic, unit-tested) ---- */

#define FORMAT_STATE_LEN	7	/* "r-----" and its NUL */

/* The 6-letter state of `xenoctl list`: "r-----", "-b----", ... "-----d". */
void format_state(const struct xl_domain_info *d, char out[FORMAT_STATE_LEN]);
/* The name shown for a domain: "Domain-0" for id 0. */
const char *format_name(const struct xl_domain_info *d);
/* `xenoctl list`'s header and one line for d, without a newline. */
void format_list_header(char *buf, size_t len);
void format_list_line(const struct xl_domain_info *d, char *buf, size_t len);
/* An uptime: "0:00:07", "3:25:01", "1 day, 0:00:07", "12 days, 4:00:00". */
void format_uptime(uint64_t ns, char *buf, size_t len);
/* A CPU map for nr_cpus CPUs: "all" (every CPU), "none", or "0-1,3". */
void format_cpumap(uint64_t map, unsigned int nr_cpus, char *buf, size_t len);
/* A vCPU's state in `vcpu-list`: "r--", "-b-", "--p", "---" (offline). */
const char *format_vcpu_state(const struct xl_dc_vcpu *v);
/* What `create -w` exits with for a domain that ended this way:
 * XL_SHUTDOWN_EXIT: the byte; poweroff, reboot, suspend: 0; crash: 2. */
int format_exit_status(uint32_t state, uint32_t reason, uint32_t exit_status);
/* The reason's word: "poweroff", "reboot", "suspend", "crash", "exit". */
const char *format_reason(uint32_t reason);

/* ---- args.c: command lines (plain logic, unit-tested) ---- */

#define ARGS_MAX_POS	64

/* One option letter: a flag (*flag set to 1) or one taking a value. */
struct args_opt {
	char letter;
	int *flag;			/* NULL if it takes a value */
	const char **value;		/* its value, if flag is NULL */
};

/* Split argv[1..] into options (anywhere; "-cw" groups flags; "-d X"
 * or "-dX"; "--" ends them) and at most maxpos positional arguments.
 * err gets "VERB: what is wrong". 0 or -EINVAL. */
int args_parse(int argc, char **argv, const struct args_opt *opts,
	       const char **pos, int maxpos, int *npos, char *err, size_t errlen);
/* A decimal number in [min, max] into *out; err names what. */
int args_uint(const char *s, unsigned long long min, unsigned long long max,
	      const char *what, unsigned long long *out, char *err, size_t errlen);

struct create_args {
	const char *cfg;
	int console, wait;
	const char *over[ARGS_MAX_POS];	/* key=value overrides, in order */
	int nover;
};
int args_create(int argc, char **argv, struct create_args *a, char *err, size_t errlen);

#define ARGS_UNSET	(-1LL)
struct sched_args {
	const char *dom;		/* NULL: every domain */
	long long weight, cap;		/* ARGS_UNSET if not given */
};
int args_sched_credit(int argc, char **argv, struct sched_args *a, char *err, size_t errlen);

struct pin_args {
	const char *dom;
	long long vcpu;			/* ARGS_UNSET: all */
	uint64_t cpumap;
};
int args_vcpu_pin(int argc, char **argv, struct pin_args *a, char *err, size_t errlen);

/* ---- saved.c: /run/xenolith and /var/log/xenolith ---- */

/* Directories; $XENOLITH_RUN_DIR and $XENOLITH_LOG_DIR replace them. */
const char *saved_run_dir(void);
const char *saved_log_dir(void);
/* Write cf as the domain's saved configuration (RUN/NAME.cfg), with
 * name, kernel and ramdisk taken from dc. 0 or -errno with err. */
int saved_config_write(const struct config_file *cf, const struct domain_config *dc,
		       char *err, size_t errlen);
/* Print cf in the configuration syntax, name/kernel/ramdisk and the
 * disks (absolute, key=value form) from dc (no kernel/ramdisk when pygrub
 * boots the domain: it reads them again). */
int saved_config_print(FILE *f, const struct config_file *cf, const struct domain_config *dc);
/* Read RUN/NAME.cfg back (its name set to name) into dc. */
int saved_config_load(const char *name, struct domain_config *dc, char *err, size_t errlen);
/* Put disk add (checked by disk_check) into domain name's saved
 * configuration, or with add NULL take the disk of vdev letter vdev_index
 * out of it, so that a restart by the monitor has what block-attach and
 * block-detach did (as xl keeps them). Nothing to do (already there, not
 * there) is 0. 0, or -errno with err (-ENOENT: no saved configuration). */
int saved_config_disk(const char *name, const struct disk_spec *add, unsigned int vdev_index,
		      char *err, size_t errlen);
/* The saved file's path. */
void saved_config_path(const char *name, char *buf, size_t len);
void saved_config_remove(const char *name);
int saved_config_rename(const char *from, const char *to);
/* How domain domid ended, left by its monitor for `create -w` (RUN/ID.exit). */
void saved_exit_write(const struct xl_domain_info *d);
int saved_exit_read(uint32_t domid, uint32_t *state, uint32_t *reason, uint32_t *exit_status);
/* RUN/stopping exists while autostop runs: monitors then never restart. */
void saved_set_stopping(int on);
int saved_stopping(void);

/* ---- monitor.c ---- */

/* Fork the background monitor of domain domid (built from dc), which
 * applies on_poweroff/on_reboot/on_crash. 0, or 1 after printing why. */
int monitor_start(const struct domain_config *dc, uint32_t domid);

/* Start the domain of dc (checked by config_to_domain and disk_check):
 * claim its disks, run its boot loader, build it paused, start its
 * device model if it has disks or vifs, unpause. On failure nothing is left: no
 * domain, no claim, no device model; one line in err. */
int domain_start(struct xl_handle *h, struct domain_config *dc, uint32_t *domid,
		 char *err, size_t errlen);
/* Start xenolith-dm for domain domid (built, paused) with dc's disks and vifs
 * (their taps made, left down), its log in RUN/NAME.dm.log, and wait until
 * it serves; its pid in *dm_pid (a child of this process). 0, or -1 with
 * "device model: <its last log line>" in err (it is stopped again and
 * its log removed). */
int devmodel_start(const struct domain_config *dc, uint32_t domid, pid_t *dm_pid, char *err,
		   size_t errlen);
/* Resolve ip = "auto" of dc (netboot_auto.c): the first address after
 * dom0's on the first vif's bridge (xenbr0 without vifs) that no other
 * domain claims, kept across restarts in RUN/NAME.ip; netmask and
 * gateway (dom0's default gateway there, else dom0) unless given.
 * Nothing to do without "auto". 0, or -1 with "ip: auto: ..." in err. */
int netboot_auto(struct domain_config *dc, char *err, size_t errlen);
/* Drop domain name's claim of an address (RUN/NAME.ip), if any. */
void netboot_auto_release(const char *name);
/* A script's path (vif_script.c): script as given when it holds a '/',
 * else in the scripts directory (/etc/xenolith/scripts, or
 * $XENOLITH_SCRIPTS). */
void script_path(const char *script, char *buf, size_t len);

/* Run vif v's script (vif_script.c) with "online" for domain domid (of
 * name domname), whose tap exists: 0, or -1 with "vifD.N: script
 * PATH failed (exit N): LAST LINE OF ITS OUTPUT" in err. */
int vif_script_online(const char *domname, const struct vif_spec *v, uint32_t domid, char *err,
		      size_t errlen);
/* The same for each of dc's vifs in turn, up to the first failure. */
int vif_scripts_online(const struct domain_config *dc, uint32_t domid, char *err,
		       size_t errlen);
/* The device model's NIC spec for vif v (its --nic value, and
 * network-attach's): mac, vifname and rate where set; never bridge=: the
 * vif's script puts the tap where it belongs. */
void devmodel_nic_arg(const struct vif_spec *v, char *buf, size_t len);

#endif
