/* domain_start.c - start a domain from its checked configuration: disks, address, boot loader, build, device model, vif scripts, unpause. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "xenoctl.h"
#include "block.h"
#include "bootloader.h"
#include "config.h"

/* Stop the device model dm of domain domid, which will not start: its
 * taps go with it; its log and control socket are removed. */
static void devmodel_stop(const struct domain_config *dc, uint32_t domid, pid_t dm)
{
	char path[1024];

	kill(dm, SIGKILL);
	while (waitpid(dm, NULL, 0) < 0 && errno == EINTR)
		;
	snprintf(path, sizeof(path), "%s/%s.dm.log", saved_run_dir(), dc->name);
	unlink(path);
	block_ctl_path(saved_run_dir(), domid, path, sizeof(path));
	unlink(path);
}

int domain_start(struct xl_handle *h, struct domain_config *dc, uint32_t *domid,
		 char *err, size_t errlen)
{
	struct disk_claims_env env = { saved_run_dir(), NULL, NULL };
	struct bootloader_files boot;
	char why[768];
	pid_t dm;
	int ret;

	if (dc->ndisks) {
		ret = disk_claims_claim(&env, dc->name, dc->disks, dc->ndisks, err, errlen);
		if (ret)
			return ret;
	}
	ret = netboot_auto(dc, err, errlen);
	if (!ret)
		ret = bootloader_prepare(dc, &boot, err, errlen);
	if (!ret) {
		ret = config_netboot_arg(dc, err, errlen);	/* after pygrub's command line */
		if (!ret)
			ret = xl_domain_build(h, dc, domid, err, errlen);
		bootloader_files_remove(&boot);
	}
	if (!ret && config_has_devices(dc)) {
		ret = devmodel_start(dc, *domid, &dm, why, sizeof(why));
		if (!ret && vif_scripts_online(dc, *domid, why, sizeof(why))) {
			devmodel_stop(dc, *domid, dm);
			ret = -1;
		}
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
	if (ret)
		netboot_auto_release(dc->name);
	return ret;
}
