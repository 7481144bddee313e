/* The Xenolith ABI: hypercalls, their argument structures and the /dev/xenolith ioctls. */
#ifndef XENOLITH_PUBLIC_XENOLITH_H
#define XENOLITH_PUBLIC_XENOLITH_H

/*
 * One header for the hypervisor, dom0's module and the tools (STYLE.md
 * rule 6). Every field is fixed-width with explicit padding; the layout is
 * checked by _Static_assert at the end. docs/hypercalls.md describes every
 * call: arguments, errors and who may call it.
 *
 * Calling convention (AMD-V VMMCALL, Intel VT-x VMCALL): RAX = XL_HC_*,
 * RDI, RSI, RDX = arguments; the result comes back in RAX: 0 or a
 * positive value on success, -errno (Linux numbers) on failure. No other
 * register changes. A pointer argument is a guest-physical address in the
 * caller's memory; a structure must not cross a 4 KiB page.
 */
#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define XL_ABI_VERSION		0x00010001u	/* major << 16 | minor */

/* Hypercall numbers (RAX). */
#define XL_HC_NULL		0	/* any domain: returns 0 (benchmarks) */
#define XL_HC_VERSION		1	/* any domain: returns XL_ABI_VERSION */
#define XL_HC_DOMCTL		2	/* dom0: RDI = struct xl_domctl */
#define XL_HC_SYSCTL		3	/* dom0: RDI = struct xl_sysctl */

#define XL_NAME_MAX		32	/* with the NUL: 31 characters */
#define XL_MAX_VCPUS		32	/* per domU */
#define XL_BUF_MAX		(1u << 20)	/* bulk buffers: at most 1 MiB */
#define XL_DOMID_SELF		0x7ff0u

/* Domain states (struct xl_domain_info.state), as `xl list` shows them. */
#define XL_STATE_RUNNING	0	/* r: a vCPU is on a CPU */
#define XL_STATE_BLOCKED	1	/* b: every vCPU waits (HLT, or for INIT/SIPI) */
#define XL_STATE_PAUSED		2	/* p */
#define XL_STATE_SHUTDOWN	3	/* s: it ended itself (see shutdown_reason) */
#define XL_STATE_CRASHED	4	/* c */
#define XL_STATE_DYING		5	/* d: being destroyed */
#define XL_STATE_RUNNABLE	6	/* -: none on a CPU, one waits for a CPU */

/* Why a domain shut down (Xen's SHUTDOWN_* numbers, plus exit). */
#define XL_SHUTDOWN_POWEROFF	0	/* ACPI S5, or halted for good */
#define XL_SHUTDOWN_REBOOT	1	/* a reset path */
#define XL_SHUTDOWN_SUSPEND	2
#define XL_SHUTDOWN_CRASH	3	/* triple fault or unemulated access */
#define XL_SHUTDOWN_EXIT	6	/* a byte written to port 0xf4 */

/* vCPU start modes (struct xl_vcpu_context.mode). */
#define XL_VCPU_MODE_FLAT32	1	/* 32-bit protected mode, paging off,
					 * flat 4 GiB CS/DS/ES/SS (Linux boot
					 * protocol, PVH, multiboot) */

/* struct xl_domctl.cmd */
#define XL_DOMCTL_CREATE	1
#define XL_DOMCTL_DESTROY	2
#define XL_DOMCTL_PAUSE		3
#define XL_DOMCTL_UNPAUSE	4
#define XL_DOMCTL_GETINFO	5
#define XL_DOMCTL_WRITE_MEMORY	6
#define XL_DOMCTL_SET_VCPU	7
#define XL_DOMCTL_SHUTDOWN	8
#define XL_DOMCTL_SET_SCHED	9
#define XL_DOMCTL_GET_SCHED	10
#define XL_DOMCTL_VCPU_PIN	11
#define XL_DOMCTL_VCPU_INFO	12
#define XL_DOMCTL_CONSOLE_READ	13
#define XL_DOMCTL_CONSOLE_WRITE	14
#define XL_DOMCTL_RENAME	15
#define XL_DOMCTL_RESET		16
#define XL_DOMCTL_IOREQ_SERVER	17	/* device model: docs/device-model.md */
#define XL_DOMCTL_IOREQ_SERVER_END 18
#define XL_DOMCTL_IOREQ_MAP	19
#define XL_DOMCTL_IOREQ_UNMAP	20
#define XL_DOMCTL_IOREQ_COMPLETE 21
#define XL_DOMCTL_MSI		22
#define XL_DOMCTL_RAM_WINDOW	23
#define XL_DOMCTL_RAM_WINDOW_END 24
#define XL_DOMCTL_DM_SCI	25	/* device model's share of the SCI line (its GPE0 block) */
#define XL_DOMCTL_IOREQ_POSTED	26	/* posted notify writes: docs/device-model.md */
#define XL_DOMCTL_RAM_P2M	27	/* where a domain's RAM is in machine memory */

/* XL_DOMCTL_GETINFO flags */
#define XL_GETINFO_NEXT		1u	/* the first domain with id >= domid */

/* XL_DOMCTL_SHUTDOWN kinds */
#define XL_SHUTDOWN_REQ_POWER_BUTTON	0	/* press the ACPI power button */

struct xl_domain_info {
	uint32_t domid;
	uint32_t state;			/* XL_STATE_* */
	char name[XL_NAME_MAX];
	uint32_t vcpus;			/* vCPUs it has */
	uint32_t running_vcpus;		/* of which on a CPU now */
	uint64_t memory_kib;		/* RAM given to it */
	uint64_t cpu_time_ns;		/* all its vCPUs, in guest mode */
	uint64_t uptime_ns;		/* since create */
	uint32_t shutdown_reason;	/* XL_SHUTDOWN_*, with state SHUTDOWN/CRASHED */
	uint32_t exit_status;		/* with XL_SHUTDOWN_EXIT: the byte */
	uint32_t weight, cap;		/* credit scheduler */
	uint32_t flags;			/* XL_GETINFO_* (in) */
	uint32_t pad;
};

struct xl_dc_create {
	char name[XL_NAME_MAX];		/* in: unique, [A-Za-z0-9_.-], 1..31 */
	uint32_t vcpus;			/* in: 1..XL_MAX_VCPUS */
	uint32_t pad;
	uint64_t memory_kib;		/* in: RAM, a multiple of 4 KiB, >= 4 MiB */
	uint64_t wallclock_s;		/* in: Unix time for its RTC (0: 1970) */
};

/* Copy len bytes from the caller's buffer into the domain's RAM at gpa. */
struct xl_dc_memory {
	uint64_t gpa;			/* in: domain's guest-physical address */
	uint64_t buf;			/* in: caller's buffer (see below) */
	uint32_t len;			/* in: 1..XL_BUF_MAX */
	uint32_t pad;
};

struct xl_vcpu_context {
	uint32_t vcpu;			/* in: 0..vcpus-1; others wait for INIT/SIPI */
	uint32_t mode;			/* in: XL_VCPU_MODE_* */
	uint64_t rip;
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
};

struct xl_dc_shutdown {
	uint32_t kind;			/* in: XL_SHUTDOWN_REQ_* */
	uint32_t pad;
};

struct xl_dc_sched {
	uint32_t weight;		/* 1..65535; 0 on SET keeps it */
	uint32_t cap;			/* percent of one CPU, 0 = none; on SET
					 * XL_SCHED_KEEP keeps it */
};
#define XL_SCHED_KEEP		0xffffffffu

struct xl_dc_vcpu {
	uint32_t vcpu;			/* in */
	uint32_t state;			/* out: XL_STATE_RUNNING/BLOCKED/PAUSED/RUNNABLE */
	uint64_t cpumap;		/* in (PIN) / out (INFO): CPUs it may run on */
	uint64_t cpu_time_ns;		/* out */
	uint32_t cpu;			/* out: the CPU it runs or ran on */
	uint32_t online;		/* out: started (not waiting for INIT/SIPI) */
};

/* Console: bytes the domain wrote to its UART / bytes to type into it. */
struct xl_dc_console {
	uint64_t buf;			/* in: caller's buffer */
	uint32_t len;			/* in: its size; out: bytes moved */
	uint32_t pad;
	uint64_t pos;			/* READ in: stream position wanted;
					 * out: position after the bytes */
	uint64_t lost;			/* READ out: bytes overwritten before pos */
};

struct xl_dc_rename {
	char name[XL_NAME_MAX];
};

/* IOREQ_SERVER: the shared ioreq page (struct xl_ioreq_page) is this
 * page of dom0's RAM. IOREQ_COMPLETE: vcpu's slot is DONE. */
struct xl_dc_ioreq_server {
	uint64_t page_gpa;		/* in: SERVER, 4 KiB aligned */
	uint32_t vcpu;			/* in: COMPLETE */
	uint32_t pad;
};

/* IOREQ_MAP / IOREQ_UNMAP: [start, start + len) of space type. */
struct xl_dc_ioreq_range {
	uint32_t type;			/* XL_IOREQ_PIO / XL_IOREQ_MMIO */
	uint32_t pad;
	uint64_t start;
	uint64_t len;
};

/* IOREQ_POSTED: a guest's write of 2 or 4 bytes at start + 4q (q < nr; 4 is
 * XL_IOREQ_POSTED_STRIDE) sets bit q of kicks[id] in the ioreq page instead
 * of stopping the vCPU; [start, start + stride * nr) lies in one MMIO range of the
 * server and leaves with it. nr 0: posted range id is taken back. */
#define XL_IOREQ_POSTED_MAX	32	/* ids 0..31 */
#define XL_IOREQ_POSTED_QUEUES	64	/* nr 1..64: bits of one kicks[] word */
#define XL_IOREQ_POSTED_STRIDE	4	/* bytes between two queues' addresses */
struct xl_dc_ioreq_posted {
	uint32_t id;			/* in: < XL_IOREQ_POSTED_MAX */
	uint32_t nr;			/* in: queues, 0 to take the range back */
	uint64_t start;			/* in: guest-physical, 4-byte aligned */
};

/* MSI: the address and data a guest programmed into an MSI(-X) entry. */
struct xl_dc_msi {
	uint64_t addr;
	uint32_t data;
	uint32_t pad;
};

/* XL_DOMCTL_DM_SCI: the device model's GPE0 block asserts (1) or releases
 * (0) the SCI; the line is high while it or PM1 asserts it. */
struct xl_dc_dm_sci {
	uint32_t level;			/* in: 0 or 1 */
	uint32_t pad;
};

/* RAM_WINDOW: the domain's RAM seen by dom0 at guest-physical base + gpa
 * for every gpa < len; range[] lists where that RAM is (gpa, len).
 * RAM_WINDOW_END: base in, domid ignored (the domain may be gone). */
#define XL_RAM_WINDOW_RANGES	2
struct xl_dc_ram_window {
	uint64_t base;			/* out (END: in) */
	uint64_t len;			/* out */
	uint32_t nr;			/* out: ranges */
	uint32_t pad;
	struct {
		uint64_t gpa, len;
	} range[XL_RAM_WINDOW_RANGES];	/* out */
};

/* RAM_P2M, while dom0 holds the domain's RAM window: the domain's RAM from
 * gpa on, as runs of machine-contiguous memory (gpa, hpa, len), at most
 * XL_RAM_P2M_RUNS of them; nr 0 when no RAM lies at or above gpa. While
 * the window is held, dom0 also sees those pages at their own machine
 * addresses (guest-physical hpa), so that its devices can DMA into them. */
#define XL_RAM_P2M_RUNS		9
struct xl_ram_run {
	uint64_t gpa, hpa, len;
};
struct xl_dc_ram_p2m {
	uint64_t gpa;			/* in */
	uint32_t nr;			/* out */
	uint32_t pad;
	struct xl_ram_run run[XL_RAM_P2M_RUNS];	/* out */
};

struct xl_domctl {
	uint32_t cmd;			/* in: XL_DOMCTL_* */
	uint32_t domid;			/* in; CREATE: out */
	union {
		struct xl_dc_create create;
		struct xl_domain_info info;
		struct xl_dc_memory memory;
		struct xl_vcpu_context vcpu_context;
		struct xl_dc_shutdown shutdown;
		struct xl_dc_sched sched;
		struct xl_dc_vcpu vcpu;
		struct xl_dc_console console;
		struct xl_dc_rename rename;
		struct xl_dc_ioreq_server ioreq_server;
		struct xl_dc_ioreq_range ioreq_range;
		struct xl_dc_ioreq_posted ioreq_posted;
		struct xl_dc_msi msi;
		struct xl_dc_dm_sci dm_sci;
		struct xl_dc_ram_window ram_window;
		struct xl_dc_ram_p2m ram_p2m;
		uint8_t pad[248];
	} u;
};

/*
 * I/O requests (docs/device-model.md). A domU's access to a range its
 * device model registered stops the vCPU and fills that vCPU's slot of
 * the ioreq page shared with the device model (slot n = vCPU n); the
 * device model handles it, sets state DONE (a read's value in data) and
 * tells the hypervisor, which finishes the instruction and resumes the
 * vCPU. String and REP accesses arrive one element at a time.
 */
#define XL_IOREQ_PIO		0	/* addr is an I/O port */
#define XL_IOREQ_MMIO		1	/* addr is a guest-physical address */
#define XL_IOREQ_READ		0
#define XL_IOREQ_WRITE		1
#define XL_IOREQ_NONE		0	/* slot empty */
#define XL_IOREQ_READY		1	/* filled by the hypervisor, for the device model */
#define XL_IOREQ_DONE		2	/* handled by the device model */

struct xl_ioreq {
	uint64_t addr;
	uint64_t data;			/* WRITE: the value; READ: the device model's answer */
	uint32_t size;			/* 1, 2, 4 or 8 bytes */
	uint8_t type;			/* XL_IOREQ_PIO / XL_IOREQ_MMIO */
	uint8_t dir;			/* XL_IOREQ_READ / XL_IOREQ_WRITE */
	uint8_t state;			/* XL_IOREQ_NONE / READY / DONE */
	uint8_t pad;
	uint32_t vcpu;			/* the vCPU waiting for it */
	uint32_t pad2;
};

/* The vector the hypervisor raises in a dom0 vCPU's virtual LAPIC when a
 * request waits or a served domain is gone (Linux's otherwise unused
 * POSTED_INTR_WAKEUP_VECTOR: dom0 has no KVM). */
#define XL_EVENT_VECTOR		0xf1

/* The shared ioreq page: one slot per vCPU, what the hypervisor says of
 * the domain (gone: destroyed, the server has nothing more to do), and the
 * posted writes not yet taken: the hypervisor sets bit q of kicks[id]
 * (atomically), and bit id of kicked when kicks[id] was 0, signalling dom0
 * only when kicked was 0; the device model takes kicked, then each word it
 * names, with atomic exchanges to 0. */
#define XL_IOREQ_SLOTS		XL_MAX_VCPUS
struct xl_ioreq_page {
	struct xl_ioreq slot[XL_IOREQ_SLOTS];
	uint32_t gone;			/* written by the hypervisor only */
	uint32_t kicked;		/* bit id: kicks[id] may be non-zero */
	uint64_t kicks[XL_IOREQ_POSTED_MAX];	/* bit q: queue q of posted range id */
	uint32_t pad[702];
};

/* struct xl_sysctl.cmd */
#define XL_SYSCTL_INFO		1
#define XL_SYSCTL_READLOG	2
#define XL_SYSCTL_HIDDEN_RAM	3

struct xl_sys_info {
	uint32_t nr_cpus;
	uint32_t cpu_khz;
	uint64_t total_kib;		/* RAM of the machine */
	uint64_t free_kib;		/* RAM free for new domains */
	uint64_t dom0_kib;
	uint32_t max_vcpus;		/* per domU */
	uint32_t nr_domains;
	uint32_t abi_version;
	uint32_t pad;
	char version[64];		/* the hypervisor's version string */
};

struct xl_sys_log {
	uint64_t buf;			/* in: caller's buffer */
	uint32_t len;			/* in: its size; out: bytes copied */
	uint32_t pad;
	uint64_t pos;			/* in: log position wanted; out: after */
	uint64_t lost;			/* out: bytes overwritten before pos */
};

/* HIDDEN_RAM: the machine's RAM that is not dom0's (the hypervisor's and
 * the domUs'), lowest first; nr 0 past the last range; first: in, the
 * index of the first range wanted. */
#define XL_HIDDEN_RAM_RANGES	14
struct xl_sys_hidden_ram {
	uint32_t first;			/* in */
	uint32_t nr;			/* out */
	struct {
		uint64_t start, len;
	} range[XL_HIDDEN_RAM_RANGES];	/* out */
};

struct xl_sysctl {
	uint32_t cmd;			/* in: XL_SYSCTL_* */
	uint32_t pad;
	union {
		struct xl_sys_info info;
		struct xl_sys_log log;
		struct xl_sys_hidden_ram hidden_ram;
		uint8_t pad[248];
	} u;
};

/*
 * /dev/xenolith ioctls. The structures are those of the hypercalls, with
 * one difference: a `buf` field holds the calling process's pointer; the
 * module copies through a buffer of its own and passes that buffer's
 * guest-physical address to the hypervisor.
 */
#define XL_IOCTL_MAGIC		'X'
#define XL_IOCTL_DOMCTL		_IOWR(XL_IOCTL_MAGIC, 1, struct xl_domctl)
#define XL_IOCTL_SYSCTL		_IOWR(XL_IOCTL_MAGIC, 2, struct xl_sysctl)
#define XL_IOCTL_BENCH		_IOWR(XL_IOCTL_MAGIC, 3, struct xl_bench)
/* A file for a domain: its ioreq server / its RAM window (result: the fd). */
#define XL_IOCTL_IOREQ_SERVER	_IOW(XL_IOCTL_MAGIC, 4, struct xl_file_req)
#define XL_IOCTL_GUEST_RAM	_IOWR(XL_IOCTL_MAGIC, 5, struct xl_file_req)
/* On an ioreq server's file. */
#define XL_IOCTL_IOREQ_MAP	_IOW(XL_IOCTL_MAGIC, 6, struct xl_dc_ioreq_range)
#define XL_IOCTL_IOREQ_UNMAP	_IOW(XL_IOCTL_MAGIC, 7, struct xl_dc_ioreq_range)
#define XL_IOCTL_IOREQ_COMPLETE	_IO(XL_IOCTL_MAGIC, 8)	/* arg: the vCPU number */
#define XL_IOCTL_IOREQ_POSTED	_IOW(XL_IOCTL_MAGIC, 9, struct xl_dc_ioreq_posted)

/* XL_IOCTL_IOREQ_SERVER / _GUEST_RAM. */
struct xl_file_req {
	uint32_t domid;			/* in */
	uint32_t pad;
	struct xl_dc_ram_window window;	/* GUEST_RAM out */
};

/* XL_IOCTL_BENCH: run count XL_HC_NULL hypercalls (or CPUIDs of leaf 0)
 * in the module and report the TSC cycles they took. */
#define XL_BENCH_NULL_HYPERCALL	0
#define XL_BENCH_CPUID		1
struct xl_bench {
	uint32_t what;			/* in: XL_BENCH_* */
	uint32_t count;			/* in: 1..1000000 */
	uint64_t cycles;		/* out: total */
};

_Static_assert(sizeof(struct xl_domain_info) == 96, "xl_domain_info layout");
_Static_assert(sizeof(struct xl_domctl) == 256, "xl_domctl layout");
_Static_assert(sizeof(struct xl_sysctl) == 256, "xl_sysctl layout");
_Static_assert(sizeof(struct xl_vcpu_context) == 80, "xl_vcpu_context layout");
_Static_assert(sizeof(struct xl_ioreq) == 32, "xl_ioreq layout");
_Static_assert(sizeof(struct xl_ioreq_page) == 4096, "xl_ioreq_page layout");
_Static_assert(sizeof(struct xl_dc_ioreq_posted) == 16, "xl_dc_ioreq_posted layout");
_Static_assert(sizeof(struct xl_dc_ram_window) == 56, "xl_dc_ram_window layout");
_Static_assert(sizeof(struct xl_dc_ram_p2m) <= 248, "xl_dc_ram_p2m layout");
_Static_assert(sizeof(struct xl_sys_hidden_ram) <= 248, "xl_sys_hidden_ram layout");

#endif
