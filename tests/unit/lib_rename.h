/* lib_rename.h - give hypervisor/lib's C-library names a test_ prefix on the host. */
/*
 * Forced (-include) into hypervisor/lib/string.c, vsnprintf.c and their
 * tests, so the host's C library keeps its own memcpy/snprintf (cmocka
 * uses them) while the tests call ours.
 */
#define memcpy test_memcpy
#define memmove test_memmove
#define memset test_memset
#define memcmp test_memcmp
#define memchr test_memchr
#define strlen test_strlen
#define strnlen test_strnlen
#define strcmp test_strcmp
#define strncmp test_strncmp
#define strchr test_strchr
#define strrchr test_strrchr
#define vsnprintf test_vsnprintf
#define snprintf test_snprintf
