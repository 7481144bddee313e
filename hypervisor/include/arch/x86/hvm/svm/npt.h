/* AMD-V nested page tables (NPT): their entry format for p2m.c. */
#ifndef XENOLITH_ARCH_X86_NPT_H
#define XENOLITH_ARCH_X86_NPT_H

#include "arch/x86/hvm/p2m.h"

/* npt_format: long-mode page-table entries (AMD APM vol. 2 §15.25.5). */
extern const struct p2m_format npt_format;

#endif
