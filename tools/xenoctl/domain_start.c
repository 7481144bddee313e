/* domain_start.c - start a domain from its checked configuration: disks, boot loader, build, device model, unpause. */
#include <stdio.h>
#include "xenoctl.h"
#include "bootloader.h"
#include "config.h"

int domain_start(struct xl_handle *h, struct domain_config *dc, uint32_t *domid,
		 char *err, size_t errlen)
{
	struct disk_claims_env env = { saved_run_dir(), NULL, NULL };
	struct bootloader_files boot;
	char why[768];
	int ret;

	if (dc->ndisks) {
		ret = disk_claims_claim(&env, dc->name, dc->disks, dc->ndisks, err, errlen);
		if (ret)
			return ret;
	}
	ret = bootloader_prepare(dc, &boot, err, errlen);
	if (!ret) {
		ret = xl_domain_build(h, dc, domid, err, errlen);
		bootloader_files_remove(&boot);
	}
	if (!ret && (dc->ndisks || dc->nvifs)) {
		ret = devmodel_start(dc, *domid, why, sizeof(why));
		if (ret)
			xl_domain_undo(h, *domid, dc->name, why, err, errlen);
	}
	if (!ret) {
		ret = xl_domain_unpause(h, *domid, why, sizeof(why));
		if (ret)
			xl_domain_undo(h, *domid, dc->name, why, err, errlen);
	}
	if (ret && dc->ndisks)
		disk_claims_release(&env, dc->name);
	return ret;
}
