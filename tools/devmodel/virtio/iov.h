/* iov.h - copying to and from scattered guest buffers, and trimming them in place. */
#ifndef DEVMODEL_VIRTIO_IOV_H
#define DEVMODEL_VIRTIO_IOV_H

#include <stddef.h>
#include <sys/uio.h>

/* Copy up to len bytes from the n buffers of iov into buf; returns how many. */
size_t iov_to_buf(const struct iovec *iov, unsigned int n, void *buf, size_t len);
/* Copy up to len bytes of buf into the n buffers of iov; returns how many. */
size_t iov_from_buf(const struct iovec *iov, unsigned int n, const void *buf, size_t len);
/* Drop len bytes from the front of *iov (n buffers, at least len bytes in
 * all): *iov and *n move past emptied buffers, the first is shortened. */
void iov_drop_front(struct iovec **iov, unsigned int *n, size_t len);
/* Drop len bytes from the end of the n buffers of iov; returns the new n. */
unsigned int iov_drop_back(struct iovec *iov, unsigned int n, size_t len);

#endif
