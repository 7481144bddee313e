/* test_vdebug_exit.c - unit tests of the debug exit port: the status byte, byte lanes, reads, hostile sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/vdev/vdebug_exit.h"

static struct vdebug_exit d;
static unsigned int nexit;
static int status;

static void fake_exit(void *o, uint8_t s)
{
	assert_ptr_equal(o, &d);
	nexit++;
	status = s;
}

static const struct vdebug_exit_ops ops = { .exit = fake_exit };

static void test_exit(void **state)
{
	struct vdebug_exit_ops none = { 0 };
	uint32_t v;
	unsigned int size;

	(void)state;
	assert_int_equal(vdebug_exit_init(&d, VDEBUG_EXIT_PORT, NULL, NULL), -EINVAL);
	assert_int_equal(vdebug_exit_init(&d, VDEBUG_EXIT_PORT, &none, NULL), -EINVAL);
	assert_int_equal(vdebug_exit_init(&d, VDEBUG_EXIT_PORT, &ops, &d), 0);
	v = 0x42;
	vdebug_exit_io(&d, VDEBUG_EXIT_PORT, 1, false, &v);
	assert_int_equal(nexit, 1);
	assert_int_equal(status, 0x42);
	v = 0x12345600;				/* outl: the 0xf4 lane is 0 */
	vdebug_exit_io(&d, VDEBUG_EXIT_PORT, 4, false, &v);
	assert_int_equal(nexit, 2);
	assert_int_equal(status, 0);
	v = 0x3100;				/* outw at 0xf3: 0x31 on 0xf4 */
	vdebug_exit_io(&d, VDEBUG_EXIT_PORT - 1, 2, false, &v);
	assert_int_equal(status, 0x31);
	vdebug_exit_io(&d, VDEBUG_EXIT_PORT + 1, 4, false, &v);
	vdebug_exit_io(&d, VDEBUG_EXIT_PORT, 1, true, &v);
	assert_int_equal(v, 0xff);
	vdebug_exit_io(&d, VDEBUG_EXIT_PORT, 4, true, &v);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(nexit, 3);
	for (size = 0; size < 9; size++) {
		if (size == 1 || size == 2 || size == 4)
			continue;
		v = 1;
		vdebug_exit_io(&d, VDEBUG_EXIT_PORT, size, false, &v);
		vdebug_exit_io(&d, VDEBUG_EXIT_PORT, size, true, &v);
		assert_int_equal(v, 0xffffffff);
	}
	vdebug_exit_io(&d, VDEBUG_EXIT_PORT, 1, false, NULL);
	assert_int_equal(nexit, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
