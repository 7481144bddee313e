/* iov.c - scatter/gather helpers over resolved descriptor chains. */
#include <string.h>

#include "virtio/iov.h"

size_t iov_to_buf(const struct iovec *iov, unsigned int n, void *buf, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		size_t k = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;

		memcpy((char *)buf + done, iov[i].iov_base, k);
		done += k;
	}
	return done;
}

size_t iov_from_buf(const struct iovec *iov, unsigned int n, const void *buf, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		size_t k = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;

		memcpy(iov[i].iov_base, (const char *)buf + done, k);
		done += k;
	}
	return done;
}

void iov_drop_front(struct iovec **iov, unsigned int *n, size_t len)
{
	while (*n && len >= (*iov)->iov_len) {
		len -= (*iov)->iov_len;
		(*iov)++;
		(*n)--;
	}
	if (*n && len) {
		(*iov)->iov_base = (char *)(*iov)->iov_base + len;
		(*iov)->iov_len -= len;
	}
}

unsigned int iov_drop_back(struct iovec *iov, unsigned int n, size_t len)
{
	while (n && len >= iov[n - 1].iov_len) {
		len -= iov[n - 1].iov_len;
		n--;
	}
	if (n && len)
		iov[n - 1].iov_len -= len;
	return n;
}
