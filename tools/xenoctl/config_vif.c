/* config_vif.c - the vif= key of a domain configuration, into struct domain_config. */
#include <errno.h>
#include <stdio.h>

#include "libxenolith/libxenolith.h"
#include "config.h"

int config_vifs(const struct config_file *cf, struct domain_config *dc,
		char *err, size_t errlen,
		void (*warn)(void *ctx, const char *msg), void *ctx)
{
	const struct config_value *items;
	char what[32], why[512], msg[640];
	unsigned int bad;
	size_t n;

	if (config_string_list(cf, "vif", VIF_MAX, "'mac=00:16:3e:01:02:03, bridge=xenbr0'",
			       &items, &n, err, errlen))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct vif_spec *v = &dc->vifs[i];

		snprintf(what, sizeof(what), "vif[%zu]", i);
		v->line = items[i].line;
		v->entry = (unsigned int)i;
		if (vif_spec_parse(items[i].str, v, why, sizeof(why)))
			return config_item_error(cf, v->line, what, err, errlen, "%s", why);
		if (!v->has_mac)
			xl_mac_from_name(dc->name, v->entry, v->mac);
		if (v->ignored && warn) {
			config_item_error(cf, v->line, what, msg, sizeof(msg), "%s: ignored",
					  v->ignored);
			warn(ctx, msg);
		}
	}
	dc->nvifs = (unsigned int)n;
	if (vif_list_finish(dc->vifs, dc->nvifs, &bad, why, sizeof(why))) {
		snprintf(what, sizeof(what), "vif[%u]", bad);
		return config_item_error(cf, dc->vifs[bad].line, what, err, errlen, "%s", why);
	}
	return 0;
}
