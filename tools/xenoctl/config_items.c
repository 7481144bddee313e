/* config_items.c - keys whose value is a list of specs (disk=, vif=): walking them, and errors naming one item. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "config.h"

int config_item_error(const struct config_file *cf, unsigned int line, const char *what,
		      char *err, size_t errlen, const char *fmt, ...)
{
	const char *file = cf->filename ? cf->filename : "(config)";
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(err, errlen, "%s:%u: %s: %s", file, line, what, msg);
	else
		snprintf(err, errlen, "command line: %s: %s", what, msg);
	return -EINVAL;
}

int config_string_list(const struct config_file *cf, const char *key, size_t max,
		       const char *example, const struct config_value **items, size_t *n,
		       char *err, size_t errlen)
{
	const struct config_entry *e = config_find(cf, key);
	char what[48];

	*items = NULL;
	*n = 0;
	if (!e)
		return 0;
	/* A single string is taken as a list of one. */
	*items = e->value.type == CONFIG_LIST ? e->value.items : &e->value;
	*n = e->value.type == CONFIG_LIST ? e->value.nitems : 1;
	if (*n > max)
		return config_item_error(cf, e->line, key, err, errlen, "%zu %ss, at most %zu",
					 *n, key, max);
	for (size_t i = 0; i < *n; i++)
		if ((*items)[i].type != CONFIG_STRING) {
			snprintf(what, sizeof(what), "%s[%zu]", key, i);
			return config_item_error(cf, (*items)[i].line, what, err, errlen,
						 "expected a string such as %s", example);
		}
	return 0;
}
