/* Intel VT-x VMCS: field encodings, control bits, exit reasons (SDM vol. 3, appendices A-C).
 * Plain constants: the entry stub includes it too. */
#ifndef XENOLITH_ARCH_X86_VMCS_H
#define XENOLITH_ARCH_X86_VMCS_H

/*
 * A field's encoding (SDM vol. 3 §24.11.2, appendix B): bit 0 the access
 * type (high half of a 64-bit field), bits 9:1 the index, bits 11:10 the
 * type (control, exit information, guest state, host state), bits 14:13
 * the width.
 */
#define VMCS_WIDTH_16		0u
#define VMCS_WIDTH_64		1u
#define VMCS_WIDTH_32		2u
#define VMCS_WIDTH_NATURAL	3u
#define VMCS_TYPE_CONTROL	0u
#define VMCS_TYPE_EXIT_INFO	1u
#define VMCS_TYPE_GUEST		2u
#define VMCS_TYPE_HOST		3u

/* VMCS_FIELD_WIDTH / VMCS_FIELD_TYPE: decoded from an encoding. */
#define VMCS_FIELD_WIDTH(enc)	(((enc) >> 13) & 3u)
#define VMCS_FIELD_TYPE(enc)	(((enc) >> 10) & 3u)

/* 16-bit fields (appendix B.1). */
#define VMCS_VPID			0x0000
#define VMCS_GUEST_ES_SEL		0x0800	/* + 2 * segment (ES CS SS DS FS GS LDTR TR) */
#define VMCS_HOST_ES_SEL		0x0c00
#define VMCS_HOST_CS_SEL		0x0c02
#define VMCS_HOST_SS_SEL		0x0c04
#define VMCS_HOST_DS_SEL		0x0c06
#define VMCS_HOST_FS_SEL		0x0c08
#define VMCS_HOST_GS_SEL		0x0c0a
#define VMCS_HOST_TR_SEL		0x0c0c

/* 64-bit fields (appendix B.2). */
#define VMCS_IO_BITMAP_A		0x2000
#define VMCS_IO_BITMAP_B		0x2002
#define VMCS_MSR_BITMAP			0x2004
#define VMCS_EXIT_MSR_STORE_ADDR	0x2006
#define VMCS_EXIT_MSR_LOAD_ADDR		0x2008
#define VMCS_ENTRY_MSR_LOAD_ADDR	0x200a
#define VMCS_TSC_OFFSET			0x2010
#define VMCS_VIRTUAL_APIC_ADDR		0x2012
#define VMCS_EPT_POINTER		0x201a
#define VMCS_GUEST_PHYS_ADDR		0x2400
#define VMCS_LINK_POINTER		0x2800
#define VMCS_GUEST_DEBUGCTL		0x2802
#define VMCS_GUEST_PAT			0x2804
#define VMCS_GUEST_EFER			0x2806
#define VMCS_HOST_PAT			0x2c00
#define VMCS_HOST_EFER			0x2c02

/* 32-bit fields (appendix B.3). */
#define VMCS_PIN_CONTROLS		0x4000
#define VMCS_PROC_CONTROLS		0x4002
#define VMCS_EXCEPTION_BITMAP		0x4004
#define VMCS_CR3_TARGET_COUNT		0x400a
#define VMCS_EXIT_CONTROLS		0x400c
#define VMCS_EXIT_MSR_STORE_COUNT	0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT	0x4010
#define VMCS_ENTRY_CONTROLS		0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT	0x4014
#define VMCS_ENTRY_INTR_INFO		0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR	0x4018
#define VMCS_ENTRY_INSN_LEN		0x401a
#define VMCS_TPR_THRESHOLD		0x401c
#define VMCS_PROC_CONTROLS2		0x401e
#define VMCS_INSN_ERROR			0x4400
#define VMCS_EXIT_REASON		0x4402
#define VMCS_EXIT_INTR_INFO		0x4404
#define VMCS_EXIT_INTR_ERROR		0x4406
#define VMCS_IDT_VECTORING_INFO		0x4408
#define VMCS_IDT_VECTORING_ERROR	0x440a
#define VMCS_EXIT_INSN_LEN		0x440c
#define VMCS_EXIT_INSN_INFO		0x440e
#define VMCS_GUEST_ES_LIMIT		0x4800	/* + 2 * segment */
#define VMCS_GUEST_GDTR_LIMIT		0x4810
#define VMCS_GUEST_IDTR_LIMIT		0x4812
#define VMCS_GUEST_ES_AR		0x4814	/* + 2 * segment */
#define VMCS_GUEST_INTERRUPTIBILITY	0x4824
#define VMCS_GUEST_ACTIVITY		0x4826
#define VMCS_GUEST_SYSENTER_CS		0x482a
#define VMCS_GUEST_PREEMPT_TIMER	0x482e
#define VMCS_HOST_SYSENTER_CS		0x4c00

/* Natural-width fields (appendix B.4). */
#define VMCS_CR0_MASK			0x6000
#define VMCS_CR4_MASK			0x6002
#define VMCS_CR0_SHADOW			0x6004
#define VMCS_CR4_SHADOW			0x6006
#define VMCS_EXIT_QUALIFICATION		0x6400
#define VMCS_GUEST_LINEAR_ADDR		0x640a
#define VMCS_GUEST_CR0			0x6800
#define VMCS_GUEST_CR3			0x6802
#define VMCS_GUEST_CR4			0x6804
#define VMCS_GUEST_ES_BASE		0x6806	/* + 2 * segment */
#define VMCS_GUEST_GDTR_BASE		0x6816
#define VMCS_GUEST_IDTR_BASE		0x6818
#define VMCS_GUEST_DR7			0x681a
#define VMCS_GUEST_RSP			0x681c
#define VMCS_GUEST_RIP			0x681e
#define VMCS_GUEST_RFLAGS		0x6820
#define VMCS_GUEST_PENDING_DBG		0x6822
#define VMCS_GUEST_SYSENTER_ESP		0x6824
#define VMCS_GUEST_SYSENTER_EIP		0x6826
#define VMCS_HOST_CR0			0x6c00
#define VMCS_HOST_CR3			0x6c02
#define VMCS_HOST_CR4			0x6c04
#define VMCS_HOST_FS_BASE		0x6c06
#define VMCS_HOST_GS_BASE		0x6c08
#define VMCS_HOST_TR_BASE		0x6c0a
#define VMCS_HOST_GDTR_BASE		0x6c0c
#define VMCS_HOST_IDTR_BASE		0x6c0e
#define VMCS_HOST_SYSENTER_ESP		0x6c10
#define VMCS_HOST_SYSENTER_EIP		0x6c12
#define VMCS_HOST_RSP			0x6c14
#define VMCS_HOST_RIP			0x6c16

/* Guest segment registers, in the order of their fields' indexes. */
#define VMCS_ES		0
#define VMCS_CS		1
#define VMCS_SS		2
#define VMCS_DS		3
#define VMCS_FS		4
#define VMCS_GS		5
#define VMCS_LDTR	6
#define VMCS_TR		7

/* Segment access rights (§24.4.1): descriptor bits 40-47 and 52-55 as
 * bits 0-7 and 12-15, bit 16 "unusable". */
#define VMCS_AR_L		(1u << 13)
#define VMCS_AR_DB		(1u << 14)
#define VMCS_AR_UNUSABLE	(1u << 16)
#define VMCS_AR_DPL(ar)		(((ar) >> 5) & 3)

/* Pin-based controls (§24.6.1). */
#define VMX_PIN_EXTINT_EXITING		(1u << 0)
#define VMX_PIN_NMI_EXITING		(1u << 3)
#define VMX_PIN_VIRTUAL_NMIS		(1u << 5)
#define VMX_PIN_PREEMPT_TIMER		(1u << 6)

/* Primary processor-based controls (§24.6.2, table 24-6). */
#define VMX_PROC_IRQ_WINDOW		(1u << 2)
#define VMX_PROC_HLT_EXITING		(1u << 7)
#define VMX_PROC_INVLPG_EXITING		(1u << 9)
#define VMX_PROC_MWAIT_EXITING		(1u << 10)
#define VMX_PROC_RDPMC_EXITING		(1u << 11)
#define VMX_PROC_RDTSC_EXITING		(1u << 12)
#define VMX_PROC_CR3_LOAD_EXITING	(1u << 15)
#define VMX_PROC_CR3_STORE_EXITING	(1u << 16)
#define VMX_PROC_CR8_LOAD_EXITING	(1u << 19)
#define VMX_PROC_CR8_STORE_EXITING	(1u << 20)
#define VMX_PROC_TPR_SHADOW		(1u << 21)
#define VMX_PROC_NMI_WINDOW		(1u << 22)
#define VMX_PROC_MOV_DR_EXITING		(1u << 23)
#define VMX_PROC_UNCOND_IO_EXITING	(1u << 24)
#define VMX_PROC_IO_BITMAPS		(1u << 25)
#define VMX_PROC_MSR_BITMAPS		(1u << 28)
#define VMX_PROC_MONITOR_EXITING	(1u << 29)
#define VMX_PROC_SECONDARY		(1u << 31)

/* Secondary processor-based controls (§24.6.2, table 24-7). */
#define VMX_PROC2_EPT			(1u << 1)
#define VMX_PROC2_RDTSCP		(1u << 3)
#define VMX_PROC2_VPID			(1u << 5)
#define VMX_PROC2_UNRESTRICTED		(1u << 7)
#define VMX_PROC2_INVPCID		(1u << 12)
#define VMX_PROC2_XSAVES		(1u << 20)

/* VM-exit controls (§24.7.1). */
#define VMX_EXIT_SAVE_DEBUG		(1u << 2)
#define VMX_EXIT_HOST_64BIT		(1u << 9)
#define VMX_EXIT_ACK_INTR		(1u << 15)
#define VMX_EXIT_SAVE_PAT		(1u << 18)
#define VMX_EXIT_LOAD_PAT		(1u << 19)
#define VMX_EXIT_SAVE_EFER		(1u << 20)
#define VMX_EXIT_LOAD_EFER		(1u << 21)

/* VM-entry controls (§24.8.1). */
#define VMX_ENTRY_LOAD_DEBUG		(1u << 2)
#define VMX_ENTRY_IA32E_GUEST		(1u << 9)
#define VMX_ENTRY_LOAD_PAT		(1u << 14)
#define VMX_ENTRY_LOAD_EFER		(1u << 15)

/* Interruption information: VM-entry, VM-exit and IDT-vectoring
 * (§24.8.3, §24.9.2, §24.9.3). */
#define VMX_INTR_VECTOR(i)		((i) & 0xffu)
#define VMX_INTR_TYPE(i)		(((i) >> 8) & 7u)
#define VMX_INTR_TYPE_EXTERNAL		0u
#define VMX_INTR_TYPE_NMI		2u
#define VMX_INTR_TYPE_HW_EXCEPTION	3u
#define VMX_INTR_TYPE_SW_INTERRUPT	4u
#define VMX_INTR_TYPE_PRIV_SW_EXC	5u
#define VMX_INTR_TYPE_SW_EXCEPTION	6u
#define VMX_INTR_ERROR_VALID		(1u << 11)
#define VMX_INTR_NMI_UNBLOCKED		(1u << 12)
#define VMX_INTR_VALID			(1u << 31)

/* Guest interruptibility state (§24.4.2, table 24-3). */
#define VMX_BLOCK_STI			(1u << 0)
#define VMX_BLOCK_MOV_SS		(1u << 1)
#define VMX_BLOCK_NMI			(1u << 3)

/* Basic exit reasons (appendix C); bit 31 of the field: entry failed. */
#define VMX_EXIT_REASON(r)		((r) & 0xffffu)
#define VMX_EXIT_FAILED_ENTRY		(1u << 31)
#define VMX_EXIT_EXCEPTION_NMI		0
#define VMX_EXIT_EXTERNAL_INTR		1
#define VMX_EXIT_TRIPLE_FAULT		2
#define VMX_EXIT_INIT			3
#define VMX_EXIT_SIPI			4
#define VMX_EXIT_IRQ_WINDOW		7
#define VMX_EXIT_NMI_WINDOW		8
#define VMX_EXIT_TASK_SWITCH		9
#define VMX_EXIT_CPUID			10
#define VMX_EXIT_GETSEC			11
#define VMX_EXIT_HLT			12
#define VMX_EXIT_INVD			13
#define VMX_EXIT_VMCALL			18
#define VMX_EXIT_VMCLEAR		19
#define VMX_EXIT_VMLAUNCH		20
#define VMX_EXIT_VMPTRLD		21
#define VMX_EXIT_VMPTRST		22
#define VMX_EXIT_VMREAD			23
#define VMX_EXIT_VMRESUME		24
#define VMX_EXIT_VMWRITE		25
#define VMX_EXIT_VMXOFF			26
#define VMX_EXIT_VMXON			27
#define VMX_EXIT_CR_ACCESS		28
#define VMX_EXIT_IO			30
#define VMX_EXIT_RDMSR			31
#define VMX_EXIT_WRMSR			32
#define VMX_EXIT_INVALID_GUEST		33
#define VMX_EXIT_MSR_LOADING		34
#define VMX_EXIT_MWAIT			36
#define VMX_EXIT_MONITOR		39
#define VMX_EXIT_MACHINE_CHECK		41
#define VMX_EXIT_TPR_BELOW_THRESHOLD	43
#define VMX_EXIT_EPT_VIOLATION		48
#define VMX_EXIT_EPT_MISCONFIG		49
#define VMX_EXIT_INVEPT			50
#define VMX_EXIT_PREEMPT_TIMER		52
#define VMX_EXIT_INVVPID		53
#define VMX_EXIT_WBINVD			54
#define VMX_EXIT_XSETBV			55
#define VMX_EXIT_VMFUNC			59

/* I/O exit qualification (table 27-5). */
#define VMX_IO_SIZE(q)			(((q) & 7u) + 1)
#define VMX_IO_IN			(1u << 3)
#define VMX_IO_STRING			(1u << 4)
#define VMX_IO_REP			(1u << 5)
#define VMX_IO_PORT(q)			(((q) >> 16) & 0xffffu)

/* Control-register access exit qualification (table 27-3). */
#define VMX_CR_NUMBER(q)		((q) & 0xfu)
#define VMX_CR_ACCESS_TYPE(q)		(((q) >> 4) & 3u)
#define VMX_CR_MOV_TO			0u
#define VMX_CR_MOV_FROM			1u
#define VMX_CR_CLTS			2u
#define VMX_CR_LMSW			3u
#define VMX_CR_GPR(q)			(((q) >> 8) & 0xfu)
#define VMX_CR_LMSW_DATA(q)		(((q) >> 16) & 0xffffu)

/* EPT violation exit qualification (table 27-7). */
#define VMX_EPT_READ			(1u << 0)
#define VMX_EPT_WRITE			(1u << 1)
#define VMX_EPT_FETCH			(1u << 2)
#define VMX_EPT_NMI_UNBLOCKED		(1u << 12)

#endif
