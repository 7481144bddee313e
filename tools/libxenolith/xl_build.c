/* xl_build.c - a domain from its configuration: build the image, create, load, start. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "xl_private.h"
#include "guest.h"
#include "xenoctl/config.h"

#define FILE_MAX	(1ull << 31)	/* a kernel or ramdisk of 2 GiB is surely a mistake */

/* Read the whole file path (kind: "kernel", "ramdisk") into *data. */
static int read_file(const char *path, const char *kind, void **data, size_t *len,
		     char *err, size_t errlen)
{
	struct stat st;
	size_t done = 0;
	uint8_t *buf;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s %s: %s", kind, path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > FILE_MAX) {
		snprintf(err, errlen, "%s %s: not a regular file of at most 2 GiB", kind, path);
		close(fd);
		return -EINVAL;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		snprintf(err, errlen, "%s %s: out of memory for %lld bytes", kind, path,
			 (long long)st.st_size);
		close(fd);
		return -ENOMEM;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			snprintf(err, errlen, "%s %s: read: %s", kind, path,
				 n < 0 ? strerror(errno) : "file shrank while read");
			free(buf);
			close(fd);
			return ret;
		}
		done += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = done;
	return 0;
}

/* Whether [p, p + len) holds only zero bytes. */
static bool all_zero(const uint8_t *p, size_t len)
{
	return !len || (!p[0] && !memcmp(p, p + 1, len - 1));
}

/*
 * Write a chunk into the domain's RAM, leaving out its whole pages of
 * zeros: a new domain's RAM reads as zero and chunks never overlap
 * (guest.h), and a kernel's zero-filled sections are half of an ELF
 * vmlinux.
 */
static int write_chunk(struct xl_handle *h, uint32_t domid, const struct guest_chunk *c,
		       char *err, size_t errlen)
{
	const uint8_t *data = c->data;
	size_t run = 0, at = 0;

	while (at < c->len) {
		size_t page = GUEST_PAGE_SIZE - (size_t)((c->gpa + at) % GUEST_PAGE_SIZE);
		size_t n = page < c->len - at ? page : c->len - at;
		int ret;

		if (!all_zero(data + at, n)) {
			at += n;
			continue;
		}
		if (at > run) {
			ret = xl_domain_write_memory(h, domid, c->gpa + run, data + run,
						     at - run, err, errlen);
			if (ret)
				return ret;
		}
		at += n;
		run = at;
	}
	if (at > run)
		return xl_domain_write_memory(h, domid, c->gpa + run, data + run, at - run,
					      err, errlen);
	return 0;
}

/* Load the built image into domain domid and apply the configuration's
 * scheduler settings and affinities; the domain stays paused. */
static int load(struct xl_handle *h, uint32_t domid, const struct domain_config *dc,
		const struct guest_image *img, char *err, size_t errlen)
{
	unsigned int i;
	int ret;

	for (i = 0; i < img->nr_chunks; i++) {
		ret = write_chunk(h, domid, &img->chunks[i], err, errlen);
		if (ret)
			return ret;
	}
	ret = xl_vcpu_set_context(h, domid, &img->boot, err, errlen);
	if (ret)
		return ret;
	if (dc->cpu_weight != 256 || dc->cpu_cap != 0) {
		ret = xl_sched_set(h, domid, dc->cpu_weight, dc->cpu_cap, err, errlen);
		if (ret)
			return ret;
	}
	for (i = 0; i < dc->vcpus && i < CONFIG_MAX_VCPUS; i++) {
		if (dc->vcpu_affinity[i] == ~0ull)
			continue;
		ret = xl_vcpu_pin(h, domid, i, dc->vcpu_affinity[i], err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

int xl_domain_build(struct xl_handle *h, const struct domain_config *dc,
		    uint32_t *domid, char *err, size_t errlen)
{
	struct guest_params p = { 0 };
	struct guest_image img = { 0 };
	struct xl_sys_info info;
	void *kernel = NULL, *ramdisk = NULL;
	size_t kernel_len = 0, ramdisk_len = 0;
	char sub[512];
	uint32_t id;
	int ret;

	ret = read_file(dc->kernel, "kernel", &kernel, &kernel_len, err, errlen);
	if (ret)
		goto out;
	if (dc->ramdisk[0]) {
		ret = read_file(dc->ramdisk, "ramdisk", &ramdisk, &ramdisk_len, err, errlen);
		if (ret)
			goto out;
	}
	p.kernel = kernel;
	p.kernel_len = kernel_len;
	p.kernel_name = dc->kernel;
	p.ramdisk = ramdisk;
	p.ramdisk_len = ramdisk_len;
	p.ramdisk_name = dc->ramdisk[0] ? dc->ramdisk : NULL;
	p.cmdline = dc->cmdline;
	p.memory_bytes = dc->memory_mib << 20;
	p.vcpus = dc->vcpus;
	ret = xl_sys_info(h, &info, sub, sizeof(sub));
	if (ret) {
		snprintf(err, errlen, "domain '%s': %s", dc->name, sub);
		goto out;
	}
	p.tsc_khz = info.cpu_khz;
	p.pci_hotplug = config_has_devices(dc);
	ret = guest_build(&p, &img, sub, sizeof(sub));
	if (ret) {
		snprintf(err, errlen, "domain '%s': %s", dc->name, sub);
		goto out;
	}
	/* The image borrows from kernel and ramdisk: they are freed after the load. */
	ret = xl_domain_create(h, dc->name, dc->vcpus, dc->memory_mib << 10, &id, err, errlen);
	if (ret)
		goto out;
	ret = load(h, id, dc, &img, sub, sizeof(sub));
	if (ret) {
		xl_domain_undo(h, id, dc->name, sub, err, errlen);
		goto out;
	}
	*domid = id;
out:
	guest_image_free(&img);
	free(kernel);
	free(ramdisk);
	return ret;
}

void xl_domain_undo(struct xl_handle *h, uint32_t domid, const char *name,
		    const char *why, char *err, size_t errlen)
{
	char derr[256];

	if (xl_domain_destroy(h, domid, derr, sizeof(derr)) == 0)
		snprintf(err, errlen, "domain '%s': %s (the domain was destroyed again)", name, why);
	else
		snprintf(err, errlen, "domain '%s': %s; and then %s", name, why, derr);
}

int xl_domain_build_and_start(struct xl_handle *h, const struct domain_config *dc,
			      uint32_t *domid, char *err, size_t errlen)
{
	char sub[512];
	int ret;

	ret = xl_domain_build(h, dc, domid, err, errlen);
	if (ret)
		return ret;
	ret = xl_domain_unpause(h, *domid, sub, sizeof(sub));
	if (ret)
		xl_domain_undo(h, *domid, dc->name, sub, err, errlen);
	return ret;
}
