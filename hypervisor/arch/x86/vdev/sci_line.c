/* sci_line.c - the SCI as a wired OR of its drivers (ACPI 6.4 §4.8.2.1: PM1 and GPE events share the SCI). */
#include "arch/x86/vdev/sci_line.h"

bool sci_line_set(struct sci_line *l, enum sci_share s, bool level)
{
	unsigned int i;
	bool pin = false;

	l->share[s] = level;
	for (i = 0; i < SCI_SHARES; i++)
		pin = pin || l->share[i];
	return pin;
}
