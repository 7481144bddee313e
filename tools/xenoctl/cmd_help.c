/* cmd_help.c - the verb table and `xenoctl help [VERB]`, a short manual page per verb. */
#include <stdio.h>
#include <string.h>
#include "xenoctl.h"

#define DOM_NOTE "DOM is a domain's name or its numeric id.\n"

const struct cmd_verb cmd_verbs[] = {
	{ "create", cmd_create, "create CFG [-c] [-w] [key=value ...]",
	  "build a domain from a configuration file and start it",
	  "Reads CFG (xl.cfg syntax, see docs/config.md); each key=value replaces\n"
	  "that key of the file (name=vm2 memory=256). Loads the kernel and ramdisk,\n"
	  "creates the domain, starts vCPU 0, and leaves a monitor process behind\n"
	  "that applies on_poweroff, on_reboot and on_crash (log:\n"
	  "/var/log/xenolith/NAME.log). The configuration, overrides applied, is\n"
	  "kept as /run/xenolith/NAME.cfg while the domain lives.\n"
	  "Prints \"Started domain NAME (id N)\". On any error nothing is left over.\n\n"
	  "  -c   attach to the console once started (as `xenoctl console`)\n"
	  "  -w   wait until the domain ends, and exit with: the byte it wrote to\n"
	  "       port 0xf4 (exit), 0 (poweroff, reboot, suspend), 2 (crash);\n"
	  "       1 if it was destroyed before it ended\n"
	  "  -f CFG  the same as giving CFG\n" },
	{ "list", cmd_list, "list [-l] [DOM ...]",
	  "list domains",
	  "One line per domain: Name ID Mem VCPUs State Time(s). Mem is in MiB;\n"
	  "State has six places r b p s c d (running, blocked, paused, shut down,\n"
	  "crashed, dying), '-' where not so; Time is the CPU seconds used.\n"
	  "dom0 is Domain-0, id 0.\n\n"
	  "  -l   a JSON array of objects (domid, name, state, vcpus, running_vcpus,\n"
	  "       memory_kib, cpu_time_ns, uptime_ns, shutdown_reason, exit_status,\n"
	  "       weight, cap, config)\n" },
	{ "console", cmd_console, "console DOM",
	  "attach to a domain's console",
	  "Shows what the domain wrote to its serial port from the oldest byte\n"
	  "still kept, and types what you type into it. The terminal is in raw\n"
	  "mode: Ctrl-C goes to the domain. Ctrl-] detaches. Ends by itself when\n"
	  "the domain is destroyed. " DOM_NOTE },
	{ "pause", cmd_pause, "pause DOM", "stop a domain's vCPUs from running",
	  "The domain keeps its memory and state until `unpause`. " DOM_NOTE },
	{ "unpause", cmd_unpause, "unpause DOM", "let a paused domain run again", DOM_NOTE },
	{ "shutdown", cmd_shutdown, "shutdown [-w] DOM",
	  "ask a domain to power off (ACPI power button)",
	  "Presses the domain's power button; the guest shuts itself down, and\n"
	  "its on_poweroff action applies (destroy by default). A guest without\n"
	  "ACPI ignores it: use `destroy`. " DOM_NOTE "\n"
	  "  -w   wait until the domain is gone (or has shut down, if it is kept)\n" },
	{ "reboot", cmd_reboot, "reboot DOM",
	  "reset a domain; its on_reboot action applies",
	  "The domain ends as if it had rebooted itself: with on_reboot=restart\n"
	  "(the default) its monitor builds it again from the saved configuration\n"
	  "under the same name (with a new id). " DOM_NOTE },
	{ "destroy", cmd_destroy, "destroy DOM",
	  "end a domain at once and free its memory",
	  "Nothing of the guest is asked. Its monitor exits. " DOM_NOTE },
	{ "rename", cmd_rename, "rename DOM NEWNAME", "rename a domain",
	  "NEWNAME: 1 to 31 of A-Z a-z 0-9 _ . -, not all digits, unused. " DOM_NOTE },
	{ "uptime", cmd_uptime, "uptime [DOM ...]", "how long domains have run",
	  "Columns Name ID Uptime; uptime as H:MM:SS, after \"N days, \" past a day.\n" },
	{ "info", cmd_info, "info", "the machine and the hypervisor",
	  "Lines \"key : value\" (key padded to 20): host, release, machine,\n"
	  "nr_cpus, cpu_mhz, total_memory, free_memory, dom0_memory (MiB),\n"
	  "max_vcpus (per domain), nr_domains, xenolith_version, xenolith_abi,\n"
	  "xenoctl_abi.\n" },
	{ "dmesg", cmd_dmesg, "dmesg", "print the hypervisor's log",
	  "Everything still in the hypervisor's log ring, oldest first.\n" },
	{ "sched-credit", cmd_sched_credit, "sched-credit [-d DOM [-w WEIGHT] [-c CAP]]",
	  "show or set the credit scheduler's weight and cap",
	  "Without options: a table Name ID Weight Cap of every domain. With -d:\n"
	  "that domain's line, or with -w/-c set its weight (1..65535, default\n"
	  "256; twice the weight gets twice the CPU when CPUs are contended) or\n"
	  "cap (percent of one CPU, 100 per vCPU at most; 0 = no cap).\n" },
	{ "vcpu-pin", cmd_vcpu_pin, "vcpu-pin DOM VCPU CPUS",
	  "set the CPUs a domain's vCPU may run on",
	  "VCPU is a number or `all`; CPUS a list such as 0-1,3 or ^2 (all but\n"
	  "CPU 2) or `all`. CPUs the machine does not have are dropped.\n" },
	{ "vcpu-list", cmd_vcpu_list, "vcpu-list [DOM ...]",
	  "list the vCPUs of domains",
	  "Columns Name ID VCPU CPU State Time(s) Affinity. State: r-- running,\n"
	  "-b- blocked, --p paused, --- not started; CPU is '-' if not started;\n"
	  "Affinity as vcpu-pin's CPUS (all, or 0-1,3).\n" },
	{ "autostart", cmd_autostart, "autostart [DIR]",
	  "start every configuration in /etc/xenolith/auto",
	  "Creates a domain from each file (or symbolic link) in DIR (default\n"
	  "/etc/xenolith/auto), in name order, skipping names already running and\n"
	  "going on after a failure (then exits 1). Run at boot by systemd.\n" },
	{ "autostop", cmd_autostop, "autostop [-t SECONDS]",
	  "shut every domain down, at dom0's shutdown",
	  "Presses every domain's power button, waits up to SECONDS (default 60)\n"
	  "for them to end, then destroys what is left. While it runs, no\n"
	  "monitor restarts a domain. Run at shutdown by systemd.\n" },
	{ "vd", cmd_vd, "vd VERB ...",
	  "virtual disks of the storage pool: create, list, delete, clone, resize, pool",
	  "Disks live as NAME.img (raw) or NAME.qcow2 in the pool directory,\n"
	  "/var/lib/xenolith/pool ($XENOLITH_POOL), and a domain names them as\n"
	  "disk = [ 'vd:NAME,xvda,w' ] (docs/disks.md). NAME: 1 to 64 of\n"
	  "A-Z a-z 0-9 _ . -. SIZE: 512M, 4G, 1.5T (1M to 64T).\n\n"
	  "  vd create NAME SIZE [--fs ext4|ext3|ext2] [--from DIR|TAR] [--format raw|qcow2]\n"
	  "       a sparse image; --fs makes a file system, --from fills it from a\n"
	  "       directory or a tar file without mounting (implies --fs ext4)\n"
	  "  vd list\n"
	  "       NAME SIZE ALLOC FORMAT ATTACHED, one line per disk\n"
	  "  vd delete NAME       refused while a domain holds the disk\n"
	  "  vd clone SRC NEW     a full copy, same format (not while SRC is written)\n"
	  "  vd resize NAME SIZE  grow (raw images: their ext file system too);\n"
	  "                       shrinking is refused\n"
	  "  vd pool add DEVICE [--force]\n"
	  "       format a partition (ext4) and mount it as the pool; refused if it\n"
	  "       is mounted, or holds data unless --force; recorded in\n"
	  "       /etc/xenolith/pool so that later commands mount it again\n"
	  "  vd pool list         where the pool is, its device, size and free space\n"
	  "On a terminal, long work shows its progress. A failed or interrupted\n"
	  "command leaves no image behind.\n" },
	{ "block-attach", cmd_block_attach, "block-attach DOM SPEC",
	  "add a disk to a running domain",
	  "SPEC is a disk as a configuration writes it (docs/disks.md), e.g.\n"
	  "'/img/data.img,raw,xvdb,w' or 'vd:data,xvdb,r'; the same checks and\n"
	  "sharing rules apply as at create. The domain's device model plugs a\n"
	  "virtio disk into a free PCI slot and the guest's ACPI hotplug (Linux:\n"
	  "acpiphp) finds it: /dev/disk/by-id/virtio-xvdX names it. Only a domain\n"
	  "created with at least one disk has a device model; not Domain-0. The\n"
	  "disk is not added to the saved configuration: a restart drops it.\n"
	  DOM_NOTE },
	{ "block-detach", cmd_block_detach, "block-detach DOM VDEV [--force]",
	  "take a disk from a running domain",
	  "Asks the guest to give the disk up (ACPI eject request) and waits up\n"
	  "to 10 s for it to do so; then the disk is unplugged and its image\n"
	  "closed, everything written reaching it. A guest that does not let go\n"
	  "(Linux refuses nothing, but other guests may) leaves the disk attached\n"
	  "and the command fails. VDEV: xvdb, hdb, sdb name the same disk.\n\n"
	  "  --force  after the 10 s, close the image anyway: the guest keeps a\n"
	  "           disk that fails every request until it lets go\n" DOM_NOTE },
	{ "block-list", cmd_block_list, "block-list DOM",
	  "the disks of a running domain",
	  "Columns Vdev, Guest device (/dev/disk/by-id/virtio-VDEV in the guest),\n"
	  "Format (raw, qcow2), Access (r, w), Target. " DOM_NOTE },
	{ "network-attach", cmd_network_attach, "network-attach DOM SPEC",
	  "add a network interface to a running domain",
	  "SPEC is a vif as a configuration writes it (docs/networking.md), e.g.\n"
	  "'bridge=xenbr0' or 'mac=00:16:3e:00:00:02, bridge=xenbr1, vifname=web1'.\n"
	  "The domain's device model creates the tap (vifDOMID.DEVID unless\n"
	  "vifname= says otherwise), adds it to the bridge and plugs a virtio NIC\n"
	  "into a free PCI slot; the guest's ACPI hotplug (Linux: acpiphp) finds\n"
	  "it. DEVID is the lowest free one (0..7). Prints \"Attached TAP (devid N,\n"
	  "mac MAC) to domain DOM on bridge BR\". Only a domain created with at\n"
	  "least one disk or vif has a device model; not Domain-0. The vif is not\n"
	  "added to the saved configuration: a restart drops it.\n" DOM_NOTE },
	{ "network-detach", cmd_network_detach, "network-detach DOM DEVID",
	  "take a network interface from a running domain",
	  "Asks the guest to give the NIC up (ACPI eject request) and waits up to\n"
	  "10 s for it; then the NIC is unplugged and its tap deleted. A guest that\n"
	  "does not let go keeps the NIC and the command fails. DEVID: the Idx\n"
	  "column of network-list.\n" DOM_NOTE },
	{ "network-list", cmd_network_list, "network-list DOM",
	  "the network interfaces of a running domain, with counters",
	  "Columns Idx (devid), MAC, Tap, Bridge, State (attached, tap-failed),\n"
	  "RX-packets, RX-bytes (to the guest), TX-packets, TX-bytes (from the\n"
	  "guest), Dropped and Drop-reasons: frames the device model dropped, by\n"
	  "reason (tx_chain: malformed descriptor chain from the guest; tx_gso: a\n"
	  "segmentation type the guest did not negotiate; tx_tap: refused by the\n"
	  "tap; tx_ring/rx_ring: the guest broke a ring, the NIC stops until it is\n"
	  "reset; rx_frame: a frame from the tap the guest cannot take; rx_chain:\n"
	  "a malformed receive chain; rx_buffers: no receive buffers can hold it).\n"
	  DOM_NOTE },
	{ "nfs-export", cmd_nfs_export, "nfs-export DIR [--to SUBNET] | --list",
	  "serve a directory of dom0 over NFS, e.g. a domU's root",
	  "Exports DIR read-write (root not squashed) to SUBNET (default: xenbr0's\n"
	  "subnet, e.g. 10.0.2.0/24), and starts the NFS server (the kernel's nfsd,\n"
	  "rpc.mountd and rpcbind) if it is not running; nothing NFS runs at boot.\n"
	  "A domU boots from it with root = '/dev/nfs', nfs_server = dom0's address\n"
	  "and nfs_root = DIR (docs/networking.md). Exports are kept in\n"
	  "/etc/exports.d/xenolith.exports. A missing directory, a bad subnet or a\n"
	  "directory already exported is refused; a failed export leaves nothing.\n\n"
	  "  --list  the exports: Directory, Clients\n" },
	{ "nfs-unexport", cmd_nfs_unexport, "nfs-unexport DIR",
	  "stop serving a directory over NFS",
	  "Removes DIR's export; with the last one the NFS server stops. Guests\n"
	  "with their root there lose it.\n" },
	{ "help", cmd_help, "help [VERB]", "this text, or a verb's page", "" },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_help(int argc, char **argv)
{
	const struct cmd_verb *v;

	if (argc > 2)
		return cmd_fail("help: one verb at most");
	if (argc == 2) {
		v = cmd_find(argv[1]);
		if (!v)
			return cmd_fail("help: unknown command '%s'", argv[1]);
		printf("xenoctl %s - %s\n\nUsage: xenoctl %s\n\n%s", v->name, v->summary,
		       v->synopsis, v->details);
		return 0;
	}
	printf("Usage: xenoctl VERB [ARGS]   (the Xenolith toolstack, as Xen's xl)\n\n");
	for (v = cmd_verbs; v->name; v++)
		printf("  %-14s %s\n", v->name, v->summary);
	printf("\n`xenoctl help VERB` describes one. Errors go to stderr as one line\n"
	       "\"xenoctl: ...\" and exit with status 1.\n");
	return 0;
}
