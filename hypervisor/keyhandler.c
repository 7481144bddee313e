/* keyhandler.c - debug keys: one handler per key, 'h' lists them. */
#include "errno.h"
#include "keyhandler.h"
#include "lib.h"
#include "printk.h"

struct keyhandler_entry {
	const char *desc;
	keyhandler_fn fn;
};

/* Written at boot by the boot CPU only, read afterwards. */
static struct keyhandler_entry keyhandler_table[128];

static bool keyhandler_printable(uint8_t key)
{
	return key > ' ' && key < 0x7f;
}

static void keyhandler_help(uint8_t key)
{
	(void)key;
	printk(PRINTK_INFO, "Debug keys:\n");
	for (unsigned int k = 0; k < LIB_ARRAY_SIZE(keyhandler_table); k++)
		if (keyhandler_table[k].fn)
			printk(PRINTK_INFO, "  '%c'  %s\n", (char)k,
			       keyhandler_table[k].desc);
}

void keyhandler_init(void)
{
	memset(keyhandler_table, 0, sizeof(keyhandler_table));
	keyhandler_register('h', "show this list of debug keys",
			    keyhandler_help);
}

int keyhandler_register(uint8_t key, const char *desc, keyhandler_fn fn)
{
	if (!fn || !desc || !keyhandler_printable(key))
		return -EINVAL;
	if (keyhandler_table[key].fn)
		return -EEXIST;
	keyhandler_table[key].desc = desc;
	keyhandler_table[key].fn = fn;
	return 0;
}

int keyhandler_handle(uint8_t key)
{
	keyhandler_fn fn = key < LIB_ARRAY_SIZE(keyhandler_table) ?
			   keyhandler_table[key].fn : NULL;

	if (!fn) {
		if (keyhandler_printable(key))
			printk(PRINTK_WARNING,
			       "'%c' is not a debug key ('h' lists them)\n",
			       (char)key);
		return -ENOENT;
	}
	printk_everything_begin();
	fn(key);
	printk_everything_end();
	return 0;
}
