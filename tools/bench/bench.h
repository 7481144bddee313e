/* bench.h - what the subcommands of xenolith-bench share. */
#ifndef XENOLITH_BENCH_H
#define XENOLITH_BENCH_H

/* ioreq DOMID: serve the scratch device of tests/guest-kernels/ioreq.c
 * for domain DOMID until it is gone; 0 or 1 (an error, on stderr). */
int bench_ioreq(int argc, char **argv);

#endif
