/* disk_vdev.c - vdev names (xvda, hdb, sdc, vdd) to letters, and a domain's disks in the guest's order. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "disk.h"

int disk_vdev_index(const char *vdev, unsigned int *index, char *why,
		    size_t len)
{
	static const char *const prefixes[] = { "xvd", "hd", "sd", "vd" };
	const char *s = vdev, *colon;
	size_t plen = 0;

	if (!strncmp(s, "ioemu:", 6))
		s += 6;		/* xm's HVM prefix; all disks are virtio here */
	colon = strchr(s, ':');
	if (colon && !strcmp(colon, ":cdrom")) {
		snprintf(why, len, "vdev '%s': CD-ROM drives are not supported "
			 "(give the ISO as a read-only disk)", vdev);
		return -EINVAL;
	}
	if (colon && strcmp(colon, ":disk")) {
		snprintf(why, len, "vdev '%s': unknown device type '%s' (disk only)",
			 vdev, colon + 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(s, prefixes[i], strlen(prefixes[i])))
			plen = strlen(prefixes[i]);
	if (!plen || s[plen] < 'a' || s[plen] > 'z') {
		snprintf(why, len, "vdev '%s': expected xvdX, hdX, sdX or vdX "
			 "with X a letter a-z", vdev);
		return -EINVAL;
	}
	if (s[plen + 1] >= '0' && s[plen + 1] <= '9') {
		snprintf(why, len, "vdev '%s': a partition cannot be a disk: give "
			 "the whole disk (%.*s) and root=/dev/vd%c%s in the kernel "
			 "command line", vdev, (int)(plen + 1), s, s[plen],
			 s + plen + 1);
		return -EINVAL;
	}
	if (s[plen + 1] && s[plen + 1] != ':') {
		snprintf(why, len, "vdev '%s': expected one letter a-z after '%.*s'",
			 vdev, (int)plen, s);
		return -EINVAL;
	}
	*index = (unsigned int)(s[plen] - 'a');
	return 0;
}

int disk_list_finish(struct disk_spec *disks, unsigned int n, unsigned int *bad,
		     char *why, size_t len)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < i; j++)
			if (disks[j].vdev_index == disks[i].vdev_index) {
				*bad = i;
				snprintf(why, len, "vdev '%s': the same disk as "
					 "disk[%u]'s '%s'", disks[i].vdev,
					 disks[j].entry, disks[j].vdev);
				return -EINVAL;
			}
	/* Insertion sort by letter: the guest finds them in this order. */
	for (unsigned int i = 1; i < n; i++) {
		struct disk_spec d = disks[i];
		unsigned int j = i;

		for (; j && disks[j - 1].vdev_index > d.vdev_index; j--)
			disks[j] = disks[j - 1];
		disks[j] = d;
	}
	for (unsigned int i = 0; i < n; i++)
		snprintf(disks[i].guest_dev, sizeof(disks[i].guest_dev), "vd%c",
			 'a' + i);
	return 0;
}
