/* xl_guest_ram.c - a domU's RAM mapped into the calling process (its window in dom0). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "xl_private.h"

int xl_guest_ram_map(struct xl_handle *h, uint32_t domid, struct xl_guest_ram *ram,
		     char *err, size_t errlen)
{
	struct xl_file_req req = { .domid = domid };
	unsigned int i;
	int fd, ret;

	memset(ram, 0, sizeof(*ram));
	ram->fd = -1;
	fd = ioctl(h->fd, XL_IOCTL_GUEST_RAM, &req);
	if (fd < 0)
		return xl_fail(-errno, err, errlen, "domain %u: map its RAM", domid);
	ram->fd = fd;
	for (i = 0; i < req.window.nr && i < XL_GUEST_RAM_RANGES; i++) {
		void *p = mmap(NULL, req.window.range[i].len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, (off_t)req.window.range[i].gpa);

		if (p == MAP_FAILED) {
			ret = xl_fail(-errno, err, errlen, "domain %u: mmap of its RAM at %#llx",
				      domid, (unsigned long long)req.window.range[i].gpa);
			xl_guest_ram_unmap(ram);
			return ret;
		}
		ram->range[i].gpa = req.window.range[i].gpa;
		ram->range[i].len = req.window.range[i].len;
		ram->range[i].host = p;
		ram->nr = i + 1;
	}
	return 0;
}

void xl_guest_ram_unmap(struct xl_guest_ram *ram)
{
	unsigned int i;

	for (i = 0; i < ram->nr; i++)
		munmap(ram->range[i].host, ram->range[i].len);
	if (ram->fd >= 0)
		close(ram->fd);
	memset(ram, 0, sizeof(*ram));
	ram->fd = -1;
}
