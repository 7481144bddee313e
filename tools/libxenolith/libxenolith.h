/* libxenolith.h - the one library over /dev/xenolith: a typed call per domctl and sysctl. */
#ifndef LIBXENOLITH_H
#define LIBXENOLITH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include "../../hypervisor/include/public/xenolith.h"

/*
 * Tools never issue raw ioctls (STYLE.md rule 7); they call these. Every
 * function returns 0 (or a count, where said) or -errno, and on failure
 * writes one line into the caller's err[errlen] naming the domain, field
 * or file involved, e.g. "domain 3: pause: no such domain". The library
 * never prints and never exits (rule 14): the CLI prints err once.
 *
 * A handle is one open file of /dev/xenolith; it may be used by one
 * thread at a time. Domains are named by id here; xl_domain_lookup()
 * turns a user's "name or id" into an id.
 */

#define XL_DEVICE		"/dev/xenolith"

struct xl_handle;
struct domain_config;		/* tools/xenoctl/config.h */

/* Open path (NULL = XL_DEVICE). On failure returns NULL with the reason
 * in err (no device, no permission, not running under Xenolith). */
struct xl_handle *xl_open(const char *path, char *err, size_t errlen);
void xl_close(struct xl_handle *h);

/* Domains. */
int xl_domain_create(struct xl_handle *h, const char *name, uint32_t vcpus,
		     uint64_t memory_kib, uint32_t *domid,
		     char *err, size_t errlen);
int xl_domain_destroy(struct xl_handle *h, uint32_t domid, char *err, size_t errlen);
int xl_domain_pause(struct xl_handle *h, uint32_t domid, char *err, size_t errlen);
int xl_domain_unpause(struct xl_handle *h, uint32_t domid, char *err, size_t errlen);
/* Press the domain's ACPI power button. */
int xl_domain_shutdown(struct xl_handle *h, uint32_t domid, char *err, size_t errlen);
/* Reset the domain: it ends as shutdown(reboot) and its on_reboot applies. */
int xl_domain_reset(struct xl_handle *h, uint32_t domid, char *err, size_t errlen);
int xl_domain_rename(struct xl_handle *h, uint32_t domid, const char *name,
		     char *err, size_t errlen);

/* One domain's info; -ESRCH if there is no domain domid. */
int xl_domain_getinfo(struct xl_handle *h, uint32_t domid,
		      struct xl_domain_info *info, char *err, size_t errlen);
/* Every domain, by increasing id, into a malloc'ed array *out (free()
 * it); returns how many (>= 0) or -errno. */
int xl_domain_list(struct xl_handle *h, struct xl_domain_info **out,
		   char *err, size_t errlen);

/* Turn "name" or "id" into a domain id: a string of digits is an id
 * (which must exist), anything else a name. -ESRCH with "domain 'x': no
 * such domain" in err. */
int xl_domain_lookup(struct xl_handle *h, const char *name_or_id,
		     uint32_t *domid, char *err, size_t errlen);
/* The same against a list of n domains (no hypervisor involved). */
int xl_domain_lookup_in(const struct xl_domain_info *list, size_t n,
			const char *name_or_id, uint32_t *domid,
			char *err, size_t errlen);

/* Copy len bytes of data into the domain's RAM at gpa, in pieces of at
 * most XL_BUF_MAX. */
int xl_domain_write_memory(struct xl_handle *h, uint32_t domid, uint64_t gpa,
			   const void *data, size_t len, char *err, size_t errlen);
/* Set a vCPU's starting state (ctx->vcpu names it). */
int xl_vcpu_set_context(struct xl_handle *h, uint32_t domid,
			const struct xl_vcpu_context *ctx, char *err, size_t errlen);

/* Credit scheduler. On set, weight 0 keeps the weight and cap
 * XL_SCHED_KEEP keeps the cap. */
int xl_sched_get(struct xl_handle *h, uint32_t domid, uint32_t *weight,
		 uint32_t *cap, char *err, size_t errlen);
int xl_sched_set(struct xl_handle *h, uint32_t domid, uint32_t weight,
		 uint32_t cap, char *err, size_t errlen);
/* Let vCPU vcpu run only on the CPUs of cpumap (bit n = CPU n). */
int xl_vcpu_pin(struct xl_handle *h, uint32_t domid, uint32_t vcpu,
		uint64_t cpumap, char *err, size_t errlen);
/* vCPU vcpu's state, CPU, time and affinity into out (out->vcpu is set). */
int xl_vcpu_info(struct xl_handle *h, uint32_t domid, uint32_t vcpu,
		 struct xl_dc_vcpu *out, char *err, size_t errlen);

/* Console. Read up to len bytes of the domain's output from stream
 * position *pos; *pos becomes the position after them and *lost (may be
 * NULL) the bytes overwritten before the wanted position. Returns the
 * bytes read (0: nothing new). */
int xl_console_read(struct xl_handle *h, uint32_t domid, void *buf, size_t len,
		    uint64_t *pos, uint64_t *lost, char *err, size_t errlen);
/* Type len bytes into the domain's UART; returns the bytes taken. */
int xl_console_write(struct xl_handle *h, uint32_t domid, const void *buf,
		     size_t len, char *err, size_t errlen);

/* The machine and the hypervisor. */
int xl_sys_info(struct xl_handle *h, struct xl_sys_info *info, char *err, size_t errlen);
/* Read the hypervisor's log from *pos, as xl_console_read(). */
int xl_read_log(struct xl_handle *h, void *buf, size_t len, uint64_t *pos,
		uint64_t *lost, char *err, size_t errlen);
/* Run count XL_BENCH_* operations in the module; *cycles = TSC total. */
int xl_bench(struct xl_handle *h, uint32_t what, uint32_t count,
	     uint64_t *cycles, char *err, size_t errlen);

/*
 * For a device model (docs/device-model.md). A domU's RAM mapped into this
 * process: range[i] covers guest-physical [gpa, gpa + len) at host. The
 * mapping stays valid until xl_guest_ram_unmap(), even if the domain is
 * destroyed meanwhile (its pages then read as zeros and writes go nowhere).
 */
#define XL_GUEST_RAM_RANGES	2	/* below 3 GiB, and from 4 GiB */
struct xl_guest_ram_range {
	uint64_t gpa;
	uint64_t len;
	uint8_t *host;
};
struct xl_guest_ram {
	unsigned int nr;
	struct xl_guest_ram_range range[XL_GUEST_RAM_RANGES];
	int fd;				/* private: the mapping's file */
};
int xl_guest_ram_map(struct xl_handle *h, uint32_t domid, struct xl_guest_ram *ram,
		     char *err, size_t errlen);
void xl_guest_ram_unmap(struct xl_guest_ram *ram);

/*
 * The I/O-request server of domain domid: at most one per domain. Accesses
 * to the ranges it maps come to it as struct xl_ioreq in a shared page.
 * When the server is closed (or its process dies) while the domain still
 * runs, the domain is marked crashed. xl_ioreq_server_fd() is readable
 * (poll POLLIN) while a request or a posted write waits and reports
 * POLLHUP once the domain is gone.
 */
struct xl_ioreq_server;
int xl_ioreq_server_create(struct xl_handle *h, uint32_t domid,
			   struct xl_ioreq_server **out, char *err, size_t errlen);
void xl_ioreq_server_destroy(struct xl_ioreq_server *s);
int xl_ioreq_server_fd(const struct xl_ioreq_server *s);
/* Send the domain's accesses to [start, start + len) of space type
 * (XL_IOREQ_PIO or XL_IOREQ_MMIO) to this server; unmap takes them back
 * (a BAR that moves). Ranges may not overlap the hypervisor's own devices
 * or another range (-EEXIST). */
int xl_ioreq_map_range(struct xl_ioreq_server *s, uint32_t type, uint64_t start,
		       uint64_t len, char *err, size_t errlen);
int xl_ioreq_unmap_range(struct xl_ioreq_server *s, uint32_t type, uint64_t start,
			 uint64_t len, char *err, size_t errlen);
/* Make the nr kick addresses from MMIO start (XL_IOREQ_POSTED_STRIDE bytes
 * apart, inside a mapped range) posted writes under id (< XL_IOREQ_POSTED_MAX):
 * the guest's writes of 2 or 4 bytes there complete at once and are
 * recorded for xl_ioreq_take_kicks(); nr 0 takes id back (unmapping the
 * range does too). docs/device-model.md "Posted writes". */
int xl_ioreq_posted(struct xl_ioreq_server *s, uint32_t id, uint64_t start, uint32_t nr,
		    char *err, size_t errlen);
/* Take the posted writes recorded since the last call: bit id of the result
 * says kicks[id] holds some (bit q: kick address q); fd readiness includes them. */
uint32_t xl_ioreq_take_kicks(struct xl_ioreq_server *s, uint64_t kicks[XL_IOREQ_POSTED_MAX]);
/* The next request in state READY, or NULL (none waits). It points into
 * the shared page; answer it with xl_ioreq_complete(). */
struct xl_ioreq *xl_ioreq_next(struct xl_ioreq_server *s);
/* Mark req DONE (a READ's value already in req->data) and resume its vCPU. */
int xl_ioreq_complete(struct xl_ioreq_server *s, struct xl_ioreq *req,
		      char *err, size_t errlen);
/* Deliver a message-signalled interrupt to the domain (MSI/MSI-X address
 * and data as the guest programmed them: fixed or lowest-priority delivery,
 * physical or logical destination). */
int xl_irq_msi(struct xl_handle *h, uint32_t domid, uint64_t addr, uint32_t data,
	       char *err, size_t errlen);
/* Assert (level) or release the device model's share of the domain's SCI
 * (level 1 or 0; GSI 9, level-triggered; the line is high while it or PM1 asserts it):
 * the GPE0 block of PCI hotplug (docs/device-model.md "Hotplug"). */
int xl_irq_sci(struct xl_handle *h, uint32_t domid, uint32_t level, char *err, size_t errlen);

/* Build a domain from a checked configuration and start it: read the
 * kernel and ramdisk, build the guest image, create the domain, write
 * the image, set vCPU 0, apply the scheduler settings and affinities,
 * unpause. On success *domid is the new domain; on any failure whatever
 * was created is destroyed again (nothing half-made) and err names the
 * file, field or step. */
int xl_domain_build_and_start(struct xl_handle *h, const struct domain_config *dc,
			      uint32_t *domid, char *err, size_t errlen);
/* The same up to the start: the domain is left paused (its device model
 * is started before it runs), or destroyed again on failure. */
int xl_domain_build(struct xl_handle *h, const struct domain_config *dc,
		    uint32_t *domid, char *err, size_t errlen);
/* Destroy domain domid after a failed step why of its start, with one
 * line "domain 'NAME': WHY (the domain was destroyed again)" in err. */
void xl_domain_undo(struct xl_handle *h, uint32_t domid, const char *name,
		    const char *why, char *err, size_t errlen);

/* MAC addresses of virtual NICs (xl_mac.c), shared by xenoctl's vif specs
 * and xenolith-dm's --nic. */
#define XL_MAC_STRLEN		18	/* "xx:xx:xx:xx:xx:xx" and its NUL */
/* "xx:xx:xx:xx:xx:xx" (either case) into mac: 0; -EINVAL if it is not
 * that, -EDOM for a multicast address, -ERANGE for all zeros (mac is
 * left alone on failure). */
int xl_mac_parse(const char *s, uint8_t mac[6]);
/* What xl_mac_parse()'s return value ret means, for messages. */
const char *xl_mac_strerror(int ret);
void xl_mac_format(const uint8_t mac[6], char buf[XL_MAC_STRLEN]);
/* Xen's range, 00:16:3e:xx:xx:xx, the last three bytes a hash of the
 * domain's name and the vif's number: stable across restarts. */
void xl_mac_from_name(const char *name, unsigned int vif, uint8_t mac[6]);

/* A state as one letter of `xl list`'s "rbpscd", '-' if unknown. */
char xl_state_letter(uint32_t state);

#endif
