/* xl_ioreq.c - a domU's I/O-request server: the shared page, ranges, requests and answers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "xl_private.h"

struct xl_ioreq_server {
	int fd;				/* the server's file */
	uint32_t domid;
	struct xl_ioreq_page *page;	/* shared with the hypervisor */
	unsigned int next;		/* the slot xl_ioreq_next() looks at first */
};

int xl_ioreq_server_create(struct xl_handle *h, uint32_t domid,
			   struct xl_ioreq_server **out, char *err, size_t errlen)
{
	struct xl_file_req req = { .domid = domid };
	struct xl_ioreq_server *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return xl_fail(-ENOMEM, err, errlen, "domain %u: ioreq server", domid);
	s->domid = domid;
	s->fd = ioctl(h->fd, XL_IOCTL_IOREQ_SERVER, &req);
	if (s->fd < 0) {
		ret = xl_fail(-errno, err, errlen, "domain %u: ioreq server", domid);
		free(s);
		return ret;
	}
	s->page = mmap(NULL, sizeof(*s->page), PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (s->page == MAP_FAILED) {
		ret = xl_fail(-errno, err, errlen, "domain %u: ioreq page", domid);
		close(s->fd);	/* the domain is crashed: it has no device model */
		free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void xl_ioreq_server_destroy(struct xl_ioreq_server *s)
{
	if (!s)
		return;
	munmap(s->page, sizeof(*s->page));
	close(s->fd);
	free(s);
}

int xl_ioreq_server_fd(const struct xl_ioreq_server *s)
{
	return s->fd;
}

/* MAP or UNMAP through the server's file. */
static int xl_ioreq_range(struct xl_ioreq_server *s, unsigned long cmd, uint32_t type,
			  uint64_t start, uint64_t len, char *err, size_t errlen)
{
	struct xl_dc_ioreq_range r = { .type = type, .start = start, .len = len };

	if (ioctl(s->fd, cmd, &r) < 0)
		return xl_fail(-errno, err, errlen, "domain %u: %s %s range %#llx+%#llx", s->domid,
			       cmd == XL_IOCTL_IOREQ_MAP ? "map" : "unmap",
			       type == XL_IOREQ_PIO ? "port" : "MMIO", (unsigned long long)start,
			       (unsigned long long)len);
	return 0;
}

int xl_ioreq_map_range(struct xl_ioreq_server *s, uint32_t type, uint64_t start,
		       uint64_t len, char *err, size_t errlen)
{
	return xl_ioreq_range(s, XL_IOCTL_IOREQ_MAP, type, start, len, err, errlen);
}

int xl_ioreq_unmap_range(struct xl_ioreq_server *s, uint32_t type, uint64_t start,
			 uint64_t len, char *err, size_t errlen)
{
	return xl_ioreq_range(s, XL_IOCTL_IOREQ_UNMAP, type, start, len, err, errlen);
}

int xl_ioreq_posted(struct xl_ioreq_server *s, uint32_t id, uint64_t start, uint32_t nr,
		    char *err, size_t errlen)
{
	struct xl_dc_ioreq_posted p = { .id = id, .nr = nr, .start = start };

	if (ioctl(s->fd, XL_IOCTL_IOREQ_POSTED, &p) < 0)
		return xl_fail(-errno, err, errlen, "domain %u: posted writes %u at %#llx (%u)",
			       s->domid, id, (unsigned long long)start, nr);
	return 0;
}

uint32_t xl_ioreq_take_kicks(struct xl_ioreq_server *s, uint64_t kicks[XL_IOREQ_POSTED_MAX])
{
	uint32_t ids = __atomic_exchange_n(&s->page->kicked, 0, __ATOMIC_ACQ_REL), taken = 0;
	unsigned int i;

	for (i = 0; i < XL_IOREQ_POSTED_MAX; i++) {
		kicks[i] = ids >> i & 1 ? __atomic_exchange_n(&s->page->kicks[i], 0, __ATOMIC_ACQ_REL)
					: 0;
		if (kicks[i])
			taken |= 1u << i;
	}
	return taken;
}

struct xl_ioreq *xl_ioreq_next(struct xl_ioreq_server *s)
{
	unsigned int i;

	for (i = 0; i < XL_IOREQ_SLOTS; i++) {
		struct xl_ioreq *r = &s->page->slot[(s->next + i) % XL_IOREQ_SLOTS];

		if (__atomic_load_n(&r->state, __ATOMIC_ACQUIRE) == XL_IOREQ_READY) {
			s->next = (s->next + i + 1) % XL_IOREQ_SLOTS;
			return r;
		}
	}
	return NULL;
}

int xl_ioreq_complete(struct xl_ioreq_server *s, struct xl_ioreq *req, char *err, size_t errlen)
{
	unsigned long slot = (unsigned long)(req - s->page->slot);

	if (req < s->page->slot || slot >= XL_IOREQ_SLOTS)
		return xl_fail(-EINVAL, err, errlen, "domain %u: complete: not a request of its page",
			       s->domid);
	__atomic_store_n(&req->state, XL_IOREQ_DONE, __ATOMIC_RELEASE);
	if (ioctl(s->fd, XL_IOCTL_IOREQ_COMPLETE, slot) < 0)
		return xl_fail(-errno, err, errlen, "domain %u: complete the request of vCPU %lu",
			       s->domid, slot);
	return 0;
}

int xl_irq_msi(struct xl_handle *h, uint32_t domid, uint64_t addr, uint32_t data,
	       char *err, size_t errlen)
{
	struct xl_domctl dc = { .cmd = XL_DOMCTL_MSI, .domid = domid };
	int ret;

	dc.u.msi.addr = addr;
	dc.u.msi.data = data;
	ret = xl_do_domctl(h, &dc);
	if (ret < 0)
		return xl_fail(ret, err, errlen, "domain %u: MSI address %#llx data %#x", domid,
			       (unsigned long long)addr, data);
	return 0;
}
