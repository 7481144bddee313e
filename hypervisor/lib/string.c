/* lib/string.c - memory and string functions for the freestanding hypervisor. */
#include "lib.h"

/*
 * GCC may turn a byte loop into a call to memset/memcpy, which inside
 * these very functions would recurse; the attribute forbids that.
 */
#define LIB_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

LIB_NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n >= sizeof(uint64_t) &&
	       !(((uintptr_t)d | (uintptr_t)s) & (sizeof(uint64_t) - 1))) {
		*(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
		d += sizeof(uint64_t);
		s += sizeof(uint64_t);
		n -= sizeof(uint64_t);
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

/* memmove: copies forwards or backwards so overlapping buffers work. */
LIB_NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

LIB_NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t pattern = 0x0101010101010101ull * (unsigned char)c;

	while (n && ((uintptr_t)d & (sizeof(uint64_t) - 1))) {
		*d++ = (unsigned char)c;
		n--;
	}
	while (n >= sizeof(uint64_t)) {
		*(uint64_t *)(void *)d = pattern;
		d += sizeof(uint64_t);
		n -= sizeof(uint64_t);
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (*x > *y) - (*x < *y);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
		if (!*x)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}
