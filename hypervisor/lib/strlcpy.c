/* lib/strlcpy.c - bounded, always-terminated string copy. */
#include "lib.h"

size_t lib_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = 0;

	while (src[len])
		len++;
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		size_t i;

		for (i = 0; i < n; i++)
			dst[i] = src[i];
		dst[n] = '\0';
	}
	return len;
}
