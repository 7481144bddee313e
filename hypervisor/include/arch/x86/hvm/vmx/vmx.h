/* Intel VT-x backend: a vCPU's VMX state, shared by vmx.c and vmx_guest.c. */
#ifndef XENOLITH_ARCH_X86_VMX_H
#define XENOLITH_ARCH_X86_VMX_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/hvm/vcpu.h"

/* A guest segment as the VMCS holds it (§24.4.1). */
struct vmx_seg {
	uint16_t sel;
	uint32_t ar;		/* access rights, VMCS_AR_* */
	uint32_t limit;
	uint64_t base;
};

/* The MSRs of guest context VMX does not switch, which vmx.c switches
 * when a CPU takes a vCPU up or puts it down (the hypervisor never uses
 * them): STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE. */
#define VMX_LAZY_MSRS	5

/* One vCPU's VMX state; the vCPU's thread only, except where noted. */
struct vmx_vcpu {
	void *vmcs;
	uint64_t vmcs_pa;
	uint8_t *io_bitmap;		/* A and B, 8 KiB (§24.6.4) */
	uint64_t io_bitmap_pa;
	uint8_t *msr_bitmap;		/* 4 KiB (§24.6.9) */
	uint64_t msr_bitmap_pa;
	uint8_t *vapic;			/* virtual-APIC page: the TPR shadow, or NULL */
	uint64_t vapic_pa;
	uint16_t vpid;			/* constant */
	bool controls_written;		/* the VMCS has its controls */
	bool launched;			/* VMLAUNCH done since the last VMCLEAR */
	bool flush;			/* INVEPT before the next entry */
	uint64_t eptp;			/* the domain builder, then constant */
	bool eptp_dirty;		/* eptp not yet in the VMCS */
	/* A start state (set_flat32, set_sipi: the domain builder or the
	 * vCPU's thread while it is not in the guest), applied at entry. */
	bool start_pending;
	struct vmx_seg start_code, start_data;
	uint64_t start_cr0;
	/* The guest's EFER, CR0 and CR4 as it sees them. */
	uint64_t efer, cr0, cr4;
	/* The guest's CR2: no VMCS field holds it (SDM vol. 3 §27.3.1), so it
	 * is read at each exit and written back before an entry that finds
	 * another vCPU's page-fault address in the register. */
	uint64_t cr2;
	uint32_t entry_controls;	/* with IA-32e mode from EFER.LMA */
	uint64_t lazy_msrs[VMX_LAZY_MSRS];
	/* Events (§26.6): the one to deliver at the next entry (exception,
	 * NMI or one the last exit cut short), 0 none. */
	uint32_t event, event_error, event_len;
	bool nmi_waiting;		/* an NMI for the guest, not yet deliverable */
	int offered;			/* the vector offered (vmx_offer_irq), -1 none */
	int injected;			/* the offered vector delivered at this entry, -1 */
	int taken;			/* the guest took it (vmx_irq_taken), -1 */
	bool window;			/* exit once the guest can take an interrupt */
	uint32_t interruptibility;	/* the guest's, as of the last exit */
	uint64_t exit_rip;		/* its RIP at the last exit */
	/* Copies of the last exit and of the guest's state for dumps and
	 * instruction fetches (readable from any CPU). */
	uint32_t exit_reason, idt_info, insn_error;
	uint64_t exit_qual, guest_cr3;
	struct vmx_seg cs;
	uint32_t ss_ar;
};

static inline struct vmx_vcpu *vmx_of(struct vcpu *v)
{
	return v->vendor;
}

/*
 * vmx_guest_reset: write the start state set_flat32/set_sipi recorded
 * into the current VMCS (segments, control registers, EFER, PAT, no event
 * pending). The vCPU's thread, its VMCS current.
 */
void vmx_guest_reset(struct vmx_vcpu *x);

/* vmx_guest_cr: a control-register access exit (qualification qual,
 * instruction length len): done, or #GP queued. Its VMCS current. */
void vmx_guest_cr(struct vcpu *v, uint64_t qual, uint32_t len);

/* vmx_guest_xsetbv: an XSETBV exit: XCR0 set if valid, else #GP. */
void vmx_guest_xsetbv(struct vcpu *v, uint32_t len);

/* vmx_guest_cr0_mask / vmx_guest_cr4_mask: the CR0 and CR4 bits the guest
 * reads from the shadows and whose changes exit (VMX's fixed bits, CR0.PG
 * which long mode follows, CR4.VMXE); the guest owns the others. */
uint64_t vmx_guest_cr0_mask(void);
uint64_t vmx_guest_cr4_mask(void);

#endif
