/* disk_format.c - what an image holds: a qcow2 header checked field by field and opened by qemu, or raw. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "disk.h"
#include "vd_cmd.h"

#define QCOW2_MAGIC		0x514649fbu	/* "QFI\xfb" */
#define QCOW2_V3_HEADER_MIN	104
#define QCOW2_INCOMPAT_DIRTY	(1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT	(1ull << 1)

/* Big-endian fields of the qcow2 header (qemu docs/interop/qcow2.txt). */
static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

int disk_qcow2_is(const unsigned char *buf, size_t n)
{
	return n >= 4 && be(buf, 4) == QCOW2_MAGIC;
}

int disk_qcow2_header(const unsigned char *buf, size_t n, uint64_t file_size,
		      uint64_t *virtual_size, char *why, size_t len)
{
	uint64_t version, cluster_bits, size, l1_size, l1_off, rc_off, incompat;
	uint64_t cluster;

	if (n < 72 || !disk_qcow2_is(buf, n)) {
		snprintf(why, len, "not a qcow2 image (no QFI\\xfb magic)");
		return -EINVAL;
	}
	version = be(buf + 4, 4);
	cluster_bits = be(buf + 20, 4);
	size = be(buf + 24, 8);
	l1_size = be(buf + 36, 4);
	l1_off = be(buf + 40, 8);
	rc_off = be(buf + 48, 8);
	if (version != 2 && version != 3) {
		snprintf(why, len, "qcow2 version %llu (2 or 3 expected)",
			 (unsigned long long)version);
		return -EINVAL;
	}
	if (cluster_bits < 9 || cluster_bits > 21) {
		snprintf(why, len, "corrupt qcow2 header: cluster_bits %llu (9-21)",
			 (unsigned long long)cluster_bits);
		return -EINVAL;
	}
	cluster = 1ull << cluster_bits;
	if (!size || size > (1ull << 60)) {
		snprintf(why, len, "corrupt qcow2 header: size %llu",
			 (unsigned long long)size);
		return -EINVAL;
	}
	if (!l1_off || l1_off % cluster || !rc_off || rc_off % cluster ||
	    l1_off + l1_size * 8 > file_size || rc_off >= file_size) {
		snprintf(why, len, "corrupt qcow2 header: tables outside the file "
			 "or not cluster-aligned");
		return -EINVAL;
	}
	if (be(buf + 32, 4)) {
		snprintf(why, len, "encrypted qcow2 images are not supported");
		return -EINVAL;
	}
	if (be(buf + 8, 8)) {
		snprintf(why, len, "qcow2 image with a backing file: not supported "
			 "(make it standalone: qemu-img convert -O qcow2)");
		return -EINVAL;
	}
	if (version == 3) {
		if (n < QCOW2_V3_HEADER_MIN || be(buf + 100, 4) < QCOW2_V3_HEADER_MIN) {
			snprintf(why, len, "corrupt qcow2 header: v3 header too short");
			return -EINVAL;
		}
		incompat = be(buf + 72, 8);
		if (incompat & (QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT)) {
			snprintf(why, len, "qcow2 image marked %s (repair: qemu-img "
				 "check -r all)", incompat & QCOW2_INCOMPAT_CORRUPT ?
				 "corrupt" : "dirty");
			return -EINVAL;
		}
		if (incompat) {
			snprintf(why, len, "qcow2 image with features 0x%llx not "
				 "supported (external data file or zstd?)",
				 (unsigned long long)incompat);
			return -EINVAL;
		}
	}
	*virtual_size = size;
	return 0;
}

int disk_qcow2_opens(const char *path, char *why, size_t len)
{
	const char *const argv[] = { "qemu-img", "info", "-U", "-f", "qcow2", "--", path, NULL };
	static const char cannot[] = "qemu-img: Could not open '";
	const char *reason;
	char line[512];
	int ret = vd_run_read(argv, 0, line, sizeof(line));

	if (!ret)
		return 0;
	if (ret < 0) {
		snprintf(why, len, "qemu-img: %s", strerror(-ret));
		return -EINVAL;
	}
	/* "qemu-img: Could not open 'PATH': REASON": REASON alone */
	reason = strncmp(line, cannot, sizeof(cannot) - 1) ? NULL : strstr(line, "': ");
	reason = reason ? reason + 3 : line;
	snprintf(why, len, "qemu cannot open it as qcow2: %s", reason[0] ? reason :
		 "qemu-img info failed");
	return -EINVAL;
}
