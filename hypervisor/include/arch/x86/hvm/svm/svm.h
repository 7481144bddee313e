/* AMD-V (SVM) hardware structures: the VMCB (AMD APM vol. 2, appendix B). */
#ifndef XENOLITH_ARCH_X86_SVM_H
#define XENOLITH_ARCH_X86_SVM_H

#include <stdint.h>

/* Intercept vector 3 (offset 0x0c) and 4 (0x10) bits, APM vol. 2 §15.9-15.13. */
#define SVM_INTERCEPT_INTR		(1u << 0)
#define SVM_INTERCEPT_VINTR		(1u << 4)
#define SVM_INTERCEPT_CPUID		(1u << 18)
#define SVM_INTERCEPT_INVD		(1u << 22)
#define SVM_INTERCEPT_HLT		(1u << 24)
#define SVM_INTERCEPT_INVLPGA		(1u << 26)
#define SVM_INTERCEPT_IOIO		(1u << 27)
#define SVM_INTERCEPT_MSR		(1u << 28)
#define SVM_INTERCEPT_SHUTDOWN		(1u << 31)
#define SVM_INTERCEPT_VMRUN		(1u << 0)
#define SVM_INTERCEPT_VMMCALL		(1u << 1)
#define SVM_INTERCEPT_VMLOAD		(1u << 2)
#define SVM_INTERCEPT_VMSAVE		(1u << 3)
#define SVM_INTERCEPT_STGI		(1u << 4)
#define SVM_INTERCEPT_CLGI		(1u << 5)
#define SVM_INTERCEPT_SKINIT		(1u << 6)

/* Exit codes (APM vol. 2, appendix C). */
#define SVM_EXIT_EXCP_BASE	0x40
#define SVM_EXIT_INTR		0x60
#define SVM_EXIT_NMI		0x61
#define SVM_EXIT_VINTR		0x64
#define SVM_EXIT_CPUID		0x72
#define SVM_EXIT_INVD		0x76
#define SVM_EXIT_HLT		0x78
#define SVM_EXIT_IOIO		0x7b
#define SVM_EXIT_MSR		0x7c
#define SVM_EXIT_SHUTDOWN	0x7f
#define SVM_EXIT_VMRUN		0x80
#define SVM_EXIT_VMMCALL	0x81
#define SVM_EXIT_VMLOAD		0x82
#define SVM_EXIT_VMSAVE		0x83
#define SVM_EXIT_STGI		0x84
#define SVM_EXIT_CLGI		0x85
#define SVM_EXIT_SKINIT		0x86
#define SVM_EXIT_NPF		0x400
#define SVM_EXIT_INVALID	((uint64_t)-1)

/* IOIO EXITINFO1 (APM vol. 2 §15.10.2). */
#define SVM_IOIO_IN		(1u << 0)
#define SVM_IOIO_STR		(1u << 2)
#define SVM_IOIO_REP		(1u << 3)
#define SVM_IOIO_SIZE_SHIFT	4
#define SVM_IOIO_PORT_SHIFT	16

/* EVENTINJ (APM vol. 2 §15.20). */
#define SVM_EVTINJ_VALID	(1u << 31)
#define SVM_EVTINJ_ERR_VALID	(1u << 11)
#define SVM_EVTINJ_TYPE_INTR	(0u << 8)
#define SVM_EVTINJ_TYPE_NMI	(2u << 8)
#define SVM_EVTINJ_TYPE_EXCP	(3u << 8)

/* VMCB offset 0x60, the virtual interrupt controls (APM vol. 2 §15.21). */
#define SVM_VINTR_V_IRQ		(1ull << 8)
#define SVM_VINTR_PRIO_SHIFT	16
#define SVM_VINTR_IGN_TPR	(1ull << 20)
#define SVM_VINTR_MASKING	(1ull << 24)
#define SVM_VINTR_VECTOR_SHIFT	32

/* VMCB offset 0x68: the guest is in an interrupt shadow (MOV SS, STI). */
#define SVM_INT_SHADOW		(1ull << 0)

/* The SVM MSRs, VM_CR to SVM_KEY, and their bits (APM vol. 2 §15.30). */
#define MSR_VM_CR		0xC0010114
#define MSR_VM_HSAVE_PA		0xC0010117
#define MSR_SVM_KEY		0xC0010118
#define VM_CR_SVMDIS		(1u << 4)
#define EFER_SVME		(1u << 12)

#define SVM_CPUID_SVM		(1u << 2)	/* CPUID 0x80000001 ECX */
#define SVM_CPUID_NP		(1u << 0)	/* CPUID 0x8000000A EDX */
#define SVM_CPUID_NRIPS		(1u << 3)

struct vmcb_seg {
	uint16_t selector;	/* 0x0 */
	uint16_t attrib;	/* 0x2: descriptor bits 40-47, 52-55 packed */
	uint32_t limit;		/* 0x4 */
	uint64_t base;		/* 0x8 */
};
_Static_assert(sizeof(struct vmcb_seg) == 16, "VMCB segment size");

struct vmcb_control {
	uint16_t intercept_cr_read;	/* 0x000 */
	uint16_t intercept_cr_write;	/* 0x002 */
	uint16_t intercept_dr_read;	/* 0x004 */
	uint16_t intercept_dr_write;	/* 0x006 */
	uint32_t intercept_exceptions;	/* 0x008 */
	uint32_t intercept_misc1;	/* 0x00c */
	uint32_t intercept_misc2;	/* 0x010 */
	uint32_t intercept_misc3;	/* 0x014 */
	uint8_t reserved1[0x03c - 0x018];
	uint16_t pause_filter_thresh;	/* 0x03c */
	uint16_t pause_filter_count;	/* 0x03e */
	uint64_t iopm_base_pa;		/* 0x040 */
	uint64_t msrpm_base_pa;		/* 0x048 */
	uint64_t tsc_offset;		/* 0x050 */
	uint32_t asid;			/* 0x058 */
	uint8_t tlb_control;		/* 0x05c */
	uint8_t reserved2[3];
	uint64_t vintr;			/* 0x060 */
	uint64_t interrupt_shadow;	/* 0x068 */
	uint64_t exit_code;		/* 0x070 */
	uint64_t exit_info1;		/* 0x078 */
	uint64_t exit_info2;		/* 0x080 */
	uint64_t exit_int_info;		/* 0x088 */
	uint64_t np_enable;		/* 0x090 */
	uint8_t reserved3[0x0a8 - 0x098];
	uint64_t event_inj;		/* 0x0a8 */
	uint64_t n_cr3;			/* 0x0b0 */
	uint64_t virt_ext;		/* 0x0b8 */
	uint32_t clean;			/* 0x0c0 */
	uint32_t reserved4;		/* 0x0c4 */
	uint64_t next_rip;		/* 0x0c8 */
	uint8_t insn_len;		/* 0x0d0 */
	uint8_t insn_bytes[15];		/* 0x0d1 */
	uint8_t reserved5[0x400 - 0x0e0];
};
_Static_assert(sizeof(struct vmcb_control) == 0x400, "VMCB control area size");

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs;	/* 0x000 */
	struct vmcb_seg gdtr, ldtr, idtr, tr;	/* 0x060 */
	uint8_t reserved1[0x0cb - 0x0a0];
	uint8_t cpl;			/* 0x0cb */
	uint32_t reserved2;		/* 0x0cc */
	uint64_t efer;			/* 0x0d0 */
	uint8_t reserved3[0x148 - 0x0d8];
	uint64_t cr4;			/* 0x148 */
	uint64_t cr3;			/* 0x150 */
	uint64_t cr0;			/* 0x158 */
	uint64_t dr7;			/* 0x160 */
	uint64_t dr6;			/* 0x168 */
	uint64_t rflags;		/* 0x170 */
	uint64_t rip;			/* 0x178 */
	uint8_t reserved4[0x1d8 - 0x180];
	uint64_t rsp;			/* 0x1d8 */
	uint8_t reserved5[0x1f8 - 0x1e0];
	uint64_t rax;			/* 0x1f8 */
	uint64_t star;			/* 0x200 */
	uint64_t lstar;			/* 0x208 */
	uint64_t cstar;			/* 0x210 */
	uint64_t sfmask;		/* 0x218 */
	uint64_t kernel_gs_base;	/* 0x220 */
	uint64_t sysenter_cs;		/* 0x228 */
	uint64_t sysenter_esp;		/* 0x230 */
	uint64_t sysenter_eip;		/* 0x238 */
	uint64_t cr2;			/* 0x240 */
	uint8_t reserved6[0x268 - 0x248];
	uint64_t g_pat;			/* 0x268 */
	uint64_t dbgctl;		/* 0x270 */
	uint8_t reserved7[0xc00 - 0x278];
};
_Static_assert(sizeof(struct vmcb_save) == 0xc00, "VMCB save area size");

struct vmcb {
	struct vmcb_control control;	/* 0x000 */
	struct vmcb_save save;		/* 0x400 */
};
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB size");

#endif
