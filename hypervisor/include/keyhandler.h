/* keyhandler.h - debug keys: one handler per key, 'h' lists them. */
#ifndef XENOLITH_KEYHANDLER_H
#define XENOLITH_KEYHANDLER_H

#include <stdint.h>

/* A handler runs in the context that read the key (serial input path);
 * it prints with printk and must not block. */
typedef void (*keyhandler_fn)(uint8_t key);

/*
 * keyhandler_init: clear the table and register 'h' (list the keys). Boot
 * CPU, before any keyhandler_register().
 */
void keyhandler_init(void);

/*
 * keyhandler_register: bind key to fn with a one-line description (a
 * string that lives forever). Returns 0, -EINVAL (NULL fn or desc, key not
 * printable) or -EEXIST (key taken). Boot CPU, at init.
 */
int keyhandler_register(uint8_t key, const char *desc, keyhandler_fn fn);

/*
 * keyhandler_handle: run the handler for key. Unknown keys print a hint to
 * press 'h'. Returns 0 or -ENOENT.
 */
int keyhandler_handle(uint8_t key);

#endif
