/* lib.h - string, memory, number-parsing and formatting helpers. */
#ifndef XENOLITH_LIB_H
#define XENOLITH_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The standard C names are kept (the compiler emits calls to memcpy and
 * memset on its own), so these prototypes match the C library's exactly:
 * in host unit tests the C library provides them and hypervisor/lib/ is
 * only linked (renamed) into its own tests. Non-standard helpers carry the
 * lib_ prefix. Include as "lib.h".
 */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/*
 * vsnprintf/snprintf: C99 semantics for the subset the hypervisor uses:
 * conversions d i u x X o p s c % with the length modifiers hh h l ll z t,
 * flags '-' and '0', a field width and precision (also as '*'). %p prints
 * 0x followed by 16 hex digits. Always NUL-terminates when size > 0;
 * returns the length the full output would have had.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * lib_strlcpy: copy src into dst (capacity size, size > 0), truncating and
 * always NUL-terminating. Returns strlen(src), so truncation happened iff
 * the result is >= size.
 */
size_t lib_strlcpy(char *dst, const char *src, size_t size);

/*
 * lib_strtoull: parse an unsigned number at s. base 0 accepts 0x/0X (hex),
 * a leading 0 (octal) or decimal; base 10 or 16 force that base (16 also
 * accepts a 0x prefix). *end (if end != NULL) is set past the last digit,
 * or to s if there was none. Returns 0 with *end == s when no digit was
 * found, -ERANGE on overflow (the value is then saturated), else 0.
 */
int lib_strtoull(const char *s, const char **end, unsigned int base,
		 uint64_t *value);

static inline bool lib_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool lib_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\f' || c == '\v';
}
static inline bool lib_isxdigit(int c)
{
	return lib_isdigit(c) || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}
static inline int lib_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/*
 * A minimal test-and-set spinlock on an int (0 = free), for the pieces in
 * this layer that must not depend on arch code. It does not mask
 * interrupts: callers that can be re-entered from an interrupt on the same
 * CPU must keep interrupts off around it.
 */
static inline void lib_spin_lock(volatile int *lock)
{
	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(lock, __ATOMIC_RELAXED))
			__asm__ volatile("pause");
}

static inline bool lib_spin_trylock(volatile int *lock)
{
	return !__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE);
}

static inline void lib_spin_unlock(volatile int *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

#define LIB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define LIB_MIN(a, b) ((a) < (b) ? (a) : (b))
#define LIB_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
