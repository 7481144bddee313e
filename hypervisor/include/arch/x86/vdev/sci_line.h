/* sci_line.h - a domU's SCI pin, shared by the PM1 block and the device model's GPE0 block. */
#ifndef XENOLITH_ARCH_X86_VDEV_SCI_LINE_H
#define XENOLITH_ARCH_X86_VDEV_SCI_LINE_H

#include <stdbool.h>

/* Who drives the line. */
enum sci_share {
	SCI_SHARE_PM1,		/* arch/x86/vdev/acpi_pm.c */
	SCI_SHARE_DM,		/* the device model (XL_DOMCTL_DM_SCI) */
	SCI_SHARES,
};

/* Under the platform's lock. */
struct sci_line {
	bool share[SCI_SHARES];
};

/* sci_line_set: share s now asserts (level) or releases the line; the
 * pin's level: high while any share asserts it (a wired OR). */
bool sci_line_set(struct sci_line *l, enum sci_share s, bool level);

#endif
