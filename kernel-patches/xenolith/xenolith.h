/* What the files of the dom0 module share: the ioctl handlers behind /dev/xenolith. */
#ifndef XENOLITH_MODULE_H
#define XENOLITH_MODULE_H

#include <linux/compiler_types.h>
#include <public/xenolith.h>

long xl_ctl_domctl(struct xl_domctl __user *arg);
long xl_ctl_sysctl(struct xl_sysctl __user *arg);
long xl_bench(struct xl_bench __user *arg);

#endif
