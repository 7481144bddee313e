/* test_xenoctl_block.c - xenoctl's side of the device model's control socket: the socket's path, the attach argument, a request against a fake device model. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "xenoctl/block.h"
#include "tmpdir.h"

static char dir[64], sock[96];

static int setup(void **state)
{
	(void)state;
	if (!tmpdir_make(dir, sizeof(dir), "test_xenoctl_block"))
		return -1;
	snprintf(sock, sizeof(sock), "%s/7.dm.sock", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void test_path_and_spec(void **state)
{
	struct disk_spec d = { .target = "/img/a.qcow2", .format = DISK_FORMAT_QCOW2,
			       .vdev_index = 1, .access = DISK_ACCESS_RO };
	char buf[256];

	(void)state;
	block_ctl_path("/run/xenolith", 7, buf, sizeof(buf));
	assert_string_equal(buf, "/run/xenolith/7.dm.sock");
	block_dm_spec(&d, buf, sizeof(buf));
	assert_string_equal(buf, "/img/a.qcow2,vdev=xvdb,access=ro,format=qcow2");
	d.format = DISK_FORMAT_RAW;
	d.access = DISK_ACCESS_RW_SHARED;
	d.vdev_index = 25;
	block_dm_spec(&d, buf, sizeof(buf));
	assert_string_equal(buf, "/img/a.qcow2,vdev=xvdz,access=shared,format=raw");
	d.access = DISK_ACCESS_RW;
	block_dm_spec(&d, buf, sizeof(buf));
	assert_string_equal(buf, "/img/a.qcow2,vdev=xvdz,access=rw,format=raw");
}

/* A fake device model in a child: accepts one connection, checks the
 * line, waits delay_s, answers (or closes without a word). */
static pid_t fake_dm(const char *want, const char *answer, unsigned int delay_s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	strcpy(sa.sun_path, sock);
	unlink(sock);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		char buf[256] = "";
		int c = accept(fd, NULL, NULL);
		size_t got = 0;
		ssize_t n = 1;

		while (n > 0 && !strchr(buf, '\n') && got < sizeof(buf) - 1) {	/* a line may come in pieces */
			n = read(c, buf + got, sizeof(buf) - 1 - got);
			got += n > 0 ? (size_t)n : 0;
		}
		sleep(delay_s);
		if (!strcmp(buf, want) && answer)
			(void)!write(c, answer, strlen(answer));
		_exit(0);
	}
	close(fd);
	return pid;
}

static void test_request(void **state)
{
	char reply[BLOCK_REPLY_MAX], err[256];
	pid_t pid;

	(void)state;
	pid = fake_dm("list\n", "xvda\t/dev/disk/by-id/virtio-xvda\t00:01.0\t/a\traw\trw\tattached\nok\n", 0);
	assert_int_equal(block_ctl_request(sock, "list", 5000, reply, sizeof(reply), err,
					   sizeof(err)), 0);
	assert_string_equal(reply, "xvda\t/dev/disk/by-id/virtio-xvda\t00:01.0\t/a\traw\trw\tattached\nok\n");
	waitpid(pid, NULL, 0);

	pid = fake_dm("detach xvdb\n", "error: the guest did not release xvdb within 10 s\n", 0);
	assert_int_equal(block_ctl_request(sock, "detach xvdb", 5000, reply, sizeof(reply), err,
					   sizeof(err)), 0);
	assert_string_equal(reply, "error: the guest did not release xvdb within 10 s\n");
	waitpid(pid, NULL, 0);

	pid = fake_dm("list\n", NULL, 0);		/* closes without an answer */
	assert_int_equal(block_ctl_request(sock, "list", 5000, reply, sizeof(reply), err,
					   sizeof(err)), -EPIPE);
	assert_string_equal(err, "the device model closed the connection without an answer");
	waitpid(pid, NULL, 0);

	pid = fake_dm("list\n", "ok\n", 2);		/* too slow */
	assert_int_equal(block_ctl_request(sock, "list", 500, reply, sizeof(reply), err,
					   sizeof(err)), -ETIMEDOUT);
	assert_string_equal(err, "no answer from the device model");
	waitpid(pid, NULL, 0);

	unlink(sock);					/* no device model */
	assert_int_equal(block_ctl_request(sock, "list", 500, reply, sizeof(reply), err,
					   sizeof(err)), -ENOENT);
}

/* The reader asks for a whole window once and serves small reads from it;
 * the device model's refusal and a garbled answer are errors. */
static void test_reader(void **state)
{
	static struct block_reader r;
	static char answer[2 * BLOCK_READ_MAX + 8];
	unsigned char b[4];
	pid_t pid;

	(void)state;
	strcpy(answer, "ok ");
	for (int i = 0; i < BLOCK_READ_MAX; i++)
		snprintf(answer + 3 + 2 * i, 3, "%02x", i & 0xff);
	strcat(answer, "\n");
	r = (struct block_reader){ .path = sock, .vdev = "xvdb" };
	pid = fake_dm("read xvdb 4096 32768\n", answer, 0);
	assert_int_equal(block_reader_read(&r, 4096, b, 2), 0);
	assert_int_equal(b[0], 0);
	assert_int_equal(b[1], 1);
	waitpid(pid, NULL, 0);
	assert_int_equal(block_reader_read(&r, 4096 + 1026, b, 4), 0);	/* no second connection */
	assert_memory_equal(b, "\x02\x03\x04\x05", 4);
	assert_int_equal(block_reader_read(&r, 0, b, BLOCK_READ_MAX + 1), -EINVAL);

	/* Refused or garbled, then (the fake served its one connection) the
	 * retry of just the 4 bytes finds nobody: an error either way. */
	pid = fake_dm("read xvdb 0 32768\n", "error: xvdb: read: Input/output error\n", 0);
	assert_int_equal(block_reader_read(&r, 0, b, 4), -EIO);
	waitpid(pid, NULL, 0);
	assert_int_equal(r.have, 0);
	pid = fake_dm("read xvdb 0 32768\n", "ok 0102\n", 0);
	assert_int_equal(block_reader_read(&r, 0, b, 4), -EIO);
	waitpid(pid, NULL, 0);
	assert_true(r.err[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_and_spec),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_reader),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
