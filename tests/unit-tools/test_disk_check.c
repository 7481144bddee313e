/* test_disk_check.c - unit tests of disk targets and images (tools/xenoctl/disk_check.c, disk_format.c, vd_pool.c, vd_size.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "xenoctl/config.h"
#include "xenoctl/vd.h"

static char dir[64], why[512];

/* A valid qcow2 v3 header of a 1 GiB disk with 64 KiB clusters. */
static void qcow2_header(unsigned char *h)
{
	memset(h, 0, 512);
	memcpy(h, "QFI\xfb\0\0\0\3", 8);
	h[23] = 16;			/* cluster_bits */
	h[28] = 0x40;			/* size = 1 GiB */
	h[39] = 1;			/* l1_size */
	h[45] = 0x03;			/* l1_table_offset = 0x30000 */
	h[53] = 0x01;			/* refcount_table_offset = 0x10000 */
	h[103] = 104;			/* header_length */
}

static void write_file(const char *name, const void *data, size_t n, off_t size)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, n, 0), (ssize_t)n);
	assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
}

static int setup(void **state)
{
	unsigned char h[512];
	char cmd[1024];

	(void)state;
	assert_non_null(tmpdir_make(dir, sizeof(dir), "test_disk_check"));
	setenv("XENOLITH_POOL", dir, 1);
	/* Images qemu opens, and two whose header is sound but qemu refuses:
	 * L1 table of size 0, refcount_order 9 (512-bit entries). */
	snprintf(cmd, sizeof(cmd), "cd %s && qemu-img create -q -f qcow2 q.qcow2 1G && cp q.qcow2 both.qcow2 && "
	   "cp q.qcow2 l1.qcow2 && cp q.qcow2 refcount.qcow2 && "
	   "printf '\\000\\000\\000\\000' | dd of=l1.qcow2 bs=1 seek=36 conv=notrunc status=none && "
	   "printf '\\000\\000\\000\\011' | dd of=refcount.qcow2 bs=1 seek=96 conv=notrunc "
	   "status=none", dir);
	assert_int_equal(system(cmd), 0);
	qcow2_header(h);
	write_file("r.img", "hello", 5, 1 << 20);
	write_file("both.img", "x", 1, 1 << 20);
	write_file("empty", "", 0, 0);
	write_file("a,b.img", "x", 1, 1 << 20);
	h[103] = 50;
	write_file("short.qcow2", h, sizeof(h), 0x40000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* spec against this test's directory: "%s" in it is the directory. */
static int check(const char *fmt, char *err, size_t errlen, struct disk_spec *d)
{
	char spec[256];

	snprintf(spec, sizeof(spec), fmt, dir, dir);
	d->line = 3;
	d->entry = 0;
	if (disk_spec_parse(spec, d, why, sizeof(why)))
		fail_msg("%s: %s", spec, why);
	return disk_check(d, 1, "t.cfg", err, errlen);
}

static void check_ok(const char *fmt, enum disk_format f)
{
	struct disk_spec d;
	char err[1024];
	int ret = check(fmt, err, sizeof(err), &d);

	if (ret)
		print_error("%s\n", err);
	assert_int_equal(ret, 0);
	assert_int_equal(d.format, f);
}

/* The error, with the directory replaced by DIR. */
static void check_err(const char *fmt, const char *want)
{
	struct disk_spec d;
	char err[1024], got[1024], *p, *q = got;
	size_t dl = strlen(dir);

	assert_int_not_equal(check(fmt, err, sizeof(err), &d), 0);
	for (p = err; *p; )
		if (!strncmp(p, dir, dl)) {
			q += sprintf(q, "DIR");
			p += dl;
		} else {
			*q++ = *p++;
		}
	*q = '\0';
	if (strcmp(got, want))
		print_error("expected: %s\nsaw: %s\n", want, got);
	assert_string_equal(got, want);
}

static void test_targets(void **state)
{
	(void)state;
	check_ok("file:%s/r.img,xvda,w", DISK_FORMAT_RAW);
	check_ok("%s/r.img,xvda,w", DISK_FORMAT_RAW);
	check_ok("tap:qcow2:%s/q.qcow2,xvda,w", DISK_FORMAT_QCOW2);
	check_ok("%s/q.qcow2,qcow2,xvda,w", DISK_FORMAT_QCOW2);
	check_ok("vd:q,xvda,r", DISK_FORMAT_QCOW2);
	check_ok("vd:r,xvda,r", DISK_FORMAT_RAW);
	check_err("file:%s/q.qcow2,xvda,w", "t.cfg:3: disk[0]: target 'DIR/q.qcow2' is a "
		  "qcow2 image, not raw (write tap:qcow2:DIR/q.qcow2 or format=qcow2)");
	check_err("%s/q.qcow2,xvda,w", "t.cfg:3: disk[0]: target 'DIR/q.qcow2' is a "
		  "qcow2 image, not raw (write tap:qcow2:DIR/q.qcow2 or format=qcow2)");
	check_err("tap:qcow2:%s/r.img,xvda,w", "t.cfg:3: disk[0]: target 'DIR/r.img': "
		  "not a qcow2 image (no QFI\\xfb magic)");
	check_err("tap:qcow2:%s/short.qcow2,xvda,w", "t.cfg:3: disk[0]: target "
		  "'DIR/short.qcow2': corrupt qcow2 header: v3 header too short");
	check_err("tap:qcow2:%s/l1.qcow2,xvda,w", "t.cfg:3: disk[0]: target 'DIR/l1.qcow2': "
		  "qemu cannot open it as qcow2: L1 table is too small");
	check_err("format=qcow2, vdev=xvda, target=%s/refcount.qcow2", "t.cfg:3: disk[0]: "
		  "target 'DIR/refcount.qcow2': qemu cannot open it as qcow2: Reference count "
		  "entry width too large; may not exceed 64 bits");
	check_err("file:%s/none,xvda,w", "t.cfg:3: disk[0]: target 'DIR/none': "
		  "No such file or directory");
	check_err("phy:%s/r.img,xvda,w", "t.cfg:3: disk[0]: target 'DIR/r.img': "
		  "phy: needs a block device (for a file write file:)");
	check_err("file:%s,xvda,w", "t.cfg:3: disk[0]: target 'DIR': not a regular file");
	check_err("%s,xvda,w", "t.cfg:3: disk[0]: target 'DIR': neither a file nor a block device");
	check_err("%s/empty,xvda,w", "t.cfg:3: disk[0]: target 'DIR/empty': empty (0 bytes)");
	check_err("vd:nothere,xvda,w", "t.cfg:3: disk[0]: no disk 'nothere' in the pool "
		  "DIR (`xenoctl vd list`)");
	check_err("vd:both,xvda,w", "t.cfg:3: disk[0]: disk 'both': both DIR/both.img "
		  "and DIR/both.qcow2 exist; remove one");
	check_err("vd:q,xvda,w,format=raw", "t.cfg:3: disk[0]: format raw: pool disk 'q' is qcow2");
	check_err("tap:qcow2:%s/q.qcow2,xvda,w!", "t.cfg:3: disk[0]: access w!: target "
		  "'DIR/q.qcow2' is qcow2, which two domains cannot write at once (its tables "
		  "would be corrupted); share a raw image");
	check_ok("%s/r.img,xvda,w!", DISK_FORMAT_RAW);
	check_err("vdev=xvda, access=w, target=%s/a,b.img", "t.cfg:3: disk[0]: target "
		  "'DIR/a,b.img': a comma in the path is not supported (rename the image or "
		  "link it from a path without one)");
}

/* A relative target becomes absolute, and a comma the cwd brings in is refused. */
static void test_relative_target(void **state)
{
	char cwd[PATH_MAX], err[1024], sub[128];
	struct disk_spec d = { 0 };

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(disk_spec_parse("r.img,raw,xvda,w", &d, why, sizeof(why)), 0);
	assert_int_equal(disk_check(&d, 1, "t.cfg", err, sizeof(err)), 0);
	snprintf(sub, sizeof(sub), "%s/r.img", dir);
	assert_string_equal(d.target, sub);
	snprintf(sub, sizeof(sub), "%s/x,y", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	write_file("x,y/s.img", "x", 1, 1 << 20);
	assert_int_equal(chdir(sub), 0);
	assert_int_equal(disk_spec_parse("s.img,raw,xvdb,w", &d, why, sizeof(why)), 0);
	assert_int_equal(disk_check(&d, 1, "t.cfg", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "command line: disk[0]: target '"));
	assert_non_null(strstr(err, "/x,y/s.img': a comma in the path"));
	assert_int_equal(chdir(cwd), 0);
}

static void header_err(void (*mod)(unsigned char *), uint64_t file_size, const char *want)
{
	unsigned char h[512];
	uint64_t vsize;

	qcow2_header(h);
	mod(h);
	assert_int_equal(disk_qcow2_header(h, sizeof(h), file_size, &vsize, why,
					   sizeof(why)), -EINVAL);
	assert_string_equal(why, want);
}

static void m_none(unsigned char *h) { (void)h; }
static void m_v4(unsigned char *h) { h[7] = 4; }
static void m_cluster(unsigned char *h) { h[23] = 30; }
static void m_size0(unsigned char *h) { h[28] = 0; }
static void m_crypt(unsigned char *h) { h[35] = 1; }
static void m_backing(unsigned char *h) { h[15] = 0x80; }
static void m_dirty(unsigned char *h) { h[79] = 1; }
static void m_zstd(unsigned char *h) { h[79] = 8; }
static void m_l1(unsigned char *h) { h[46] = 1; }

static void test_qcow2_header(void **state)
{
	unsigned char h[512];
	uint64_t vsize = 0;

	(void)state;
	qcow2_header(h);
	assert_int_equal(disk_qcow2_header(h, sizeof(h), 0x40000, &vsize, why, sizeof(why)), 0);
	assert_int_equal(vsize, 1ull << 30);
	h[7] = 2;	/* v2 has no header_length */
	h[103] = 0;
	assert_int_equal(disk_qcow2_header(h, 72, 0x40000, &vsize, why, sizeof(why)), 0);
	header_err(m_none, 0x20000, "corrupt qcow2 header: tables outside the file or not cluster-aligned");
	header_err(m_l1, 0x40000, "corrupt qcow2 header: tables outside the file or not cluster-aligned");
	header_err(m_v4, 0x40000, "qcow2 version 4 (2 or 3 expected)");
	header_err(m_cluster, 0x40000, "corrupt qcow2 header: cluster_bits 30 (9-21)");
	header_err(m_size0, 0x40000, "corrupt qcow2 header: size 0");
	header_err(m_crypt, 0x40000, "encrypted qcow2 images are not supported");
	header_err(m_backing, 0x40000, "qcow2 image with a backing file: not supported "
		   "(make it standalone: qemu-img convert -O qcow2)");
	header_err(m_dirty, 0x40000, "qcow2 image marked dirty (repair: qemu-img check -r all)");
	header_err(m_zstd, 0x40000, "qcow2 image with features 0x8 not supported "
		   "(external data file or zstd?)");
}

static void size_ok(const char *s, uint64_t want)
{
	uint64_t v = 0;
	int ret = vd_size_parse(s, &v, why, sizeof(why));

	if (ret)
		print_error("%s: %s\n", s, why);
	assert_int_equal(ret, 0);
	assert_int_equal(v, want);
}

static void size_err(const char *s, const char *want)
{
	uint64_t v;

	assert_int_equal(vd_size_parse(s, &v, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, want);
}

static void size_fmt(uint64_t v, const char *want)
{
	char buf[32];

	vd_size_format(v, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_sizes(void **state)
{
	(void)state;
	size_ok("512M", 512ull << 20);
	size_ok("4G", 4ull << 30);
	size_ok("10g", 10ull << 30);
	size_ok("1.5G", 3ull << 29);
	size_ok("2GiB", 2ull << 30);
	size_ok("2GB", 2ull << 30);
	size_ok("1024K", 1ull << 20);
	size_ok("1048576", 1ull << 20);
	size_ok("64T", 64ull << 40);
	size_err("", "size '': expected a number and K, M, G or T (512M, 4G, 1.5T)");
	size_err("G", "size 'G': expected a number and K, M, G or T (512M, 4G, 1.5T)");
	size_err("4X", "size '4X': expected a number and K, M, G or T (512M, 4G, 1.5T)");
	size_err("-4G", "size '-4G': expected a number and K, M, G or T (512M, 4G, 1.5T)");
	size_err("4 G", "size '4 G': expected a number and K, M, G or T (512M, 4G, 1.5T)");
	size_err("512K", "size '512K': must be 1M to 64T");
	size_err("65T", "size '65T': must be 1M to 64T");
	size_err("99999999999999999999T", "size '99999999999999999999T': must be 1M to 64T");
	size_err("1048577", "size '1048577': not a multiple of 512 bytes");
	size_fmt(512ull << 20, "512M");
	size_fmt(4ull << 30, "4G");
	size_fmt(3ull << 29, "1.5G");
	size_fmt(12345, "12.1K");
	size_fmt(100, "100B");
	size_fmt(0, "0B");
	size_fmt(2ull << 40, "2T");
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(vd_name_check("web-1_root.v2", why, sizeof(why)), 0);
	assert_int_equal(vd_name_check("a", why, sizeof(why)), 0);
	assert_int_equal(vd_name_check("", why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "name '': 1 to 64 characters");
	assert_int_equal(vd_name_check("a/b", why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "name 'a/b': invalid character '/' (allowed: A-Z a-z 0-9 _ . -)");
	assert_int_equal(vd_name_check(".x", why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "name '.x': must not start with '.'");
	assert_int_equal(vd_name_check("-x", why, sizeof(why)), -EINVAL);
	assert_int_equal(vd_name_check("a b", why, sizeof(why)), -EINVAL);
	assert_int_equal(vd_name_check("0123456789012345678901234567890123456789"
				       "012345678901234567890123", why, sizeof(why)), 0);
	assert_int_equal(vd_name_check("0123456789012345678901234567890123456789"
				       "0123456789012345678901234", why, sizeof(why)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_relative_target),
		cmocka_unit_test(test_qcow2_header),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("disk_check", tests, setup, teardown);
}
