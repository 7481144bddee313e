/* version.h - the build's identity (version.in, compiled by the Makefile). */
#ifndef XENOLITH_VERSION_H
#define XENOLITH_VERSION_H

/* "Xenolith hypervisor VERSION (built by BUILDER, DATE)": the first line
 * the hypervisor prints. */
extern const char version_banner[];
extern const char version_string[];

#endif
