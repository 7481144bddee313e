/* test_vmx.c - unit tests of the VT-x backend's plain logic: VMCS encodings, controls, exits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "arch/x86/hvm/vcpu.h"
#include "arch/x86/hvm/vmx/vmcs.h"
#include "arch/x86/hvm/vmx/vmx_caps.h"
#include "arch/x86/hvm/vmx/vmx_exit.h"

/* Every field the backend uses, with the width and type the SDM's
 * appendix B lists it under: the encoding must say the same. */
static const struct {
	uint32_t enc;
	unsigned int width, type;
} fields[] = {
	{ VMCS_VPID, VMCS_WIDTH_16, VMCS_TYPE_CONTROL },
	{ VMCS_GUEST_ES_SEL, VMCS_WIDTH_16, VMCS_TYPE_GUEST },
	{ VMCS_GUEST_ES_SEL + 2 * VMCS_TR, VMCS_WIDTH_16, VMCS_TYPE_GUEST },
	{ VMCS_HOST_CS_SEL, VMCS_WIDTH_16, VMCS_TYPE_HOST },
	{ VMCS_HOST_TR_SEL, VMCS_WIDTH_16, VMCS_TYPE_HOST },
	{ VMCS_IO_BITMAP_A, VMCS_WIDTH_64, VMCS_TYPE_CONTROL },
	{ VMCS_MSR_BITMAP, VMCS_WIDTH_64, VMCS_TYPE_CONTROL },
	{ VMCS_EPT_POINTER, VMCS_WIDTH_64, VMCS_TYPE_CONTROL },
	{ VMCS_GUEST_PHYS_ADDR, VMCS_WIDTH_64, VMCS_TYPE_EXIT_INFO },
	{ VMCS_LINK_POINTER, VMCS_WIDTH_64, VMCS_TYPE_GUEST },
	{ VMCS_GUEST_EFER, VMCS_WIDTH_64, VMCS_TYPE_GUEST },
	{ VMCS_GUEST_PAT, VMCS_WIDTH_64, VMCS_TYPE_GUEST },
	{ VMCS_HOST_EFER, VMCS_WIDTH_64, VMCS_TYPE_HOST },
	{ VMCS_PIN_CONTROLS, VMCS_WIDTH_32, VMCS_TYPE_CONTROL },
	{ VMCS_PROC_CONTROLS2, VMCS_WIDTH_32, VMCS_TYPE_CONTROL },
	{ VMCS_ENTRY_INTR_INFO, VMCS_WIDTH_32, VMCS_TYPE_CONTROL },
	{ VMCS_EXIT_REASON, VMCS_WIDTH_32, VMCS_TYPE_EXIT_INFO },
	{ VMCS_IDT_VECTORING_INFO, VMCS_WIDTH_32, VMCS_TYPE_EXIT_INFO },
	{ VMCS_EXIT_INSN_LEN, VMCS_WIDTH_32, VMCS_TYPE_EXIT_INFO },
	{ VMCS_GUEST_ES_AR + 2 * VMCS_CS, VMCS_WIDTH_32, VMCS_TYPE_GUEST },
	{ VMCS_GUEST_INTERRUPTIBILITY, VMCS_WIDTH_32, VMCS_TYPE_GUEST },
	{ VMCS_HOST_SYSENTER_CS, VMCS_WIDTH_32, VMCS_TYPE_HOST },
	{ VMCS_CR0_MASK, VMCS_WIDTH_NATURAL, VMCS_TYPE_CONTROL },
	{ VMCS_EXIT_QUALIFICATION, VMCS_WIDTH_NATURAL, VMCS_TYPE_EXIT_INFO },
	{ VMCS_GUEST_CR0, VMCS_WIDTH_NATURAL, VMCS_TYPE_GUEST },
	{ VMCS_GUEST_ES_BASE + 2 * VMCS_TR, VMCS_WIDTH_NATURAL, VMCS_TYPE_GUEST },
	{ VMCS_GUEST_RFLAGS, VMCS_WIDTH_NATURAL, VMCS_TYPE_GUEST },
	{ VMCS_HOST_RSP, VMCS_WIDTH_NATURAL, VMCS_TYPE_HOST },
	{ VMCS_HOST_RIP, VMCS_WIDTH_NATURAL, VMCS_TYPE_HOST },
};

static void test_field_encodings(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		assert_int_equal(VMCS_FIELD_WIDTH(fields[i].enc), fields[i].width);
		assert_int_equal(VMCS_FIELD_TYPE(fields[i].enc), fields[i].type);
		assert_int_equal(fields[i].enc & 1, 0);	/* the full field, never the high half */
	}
	/* Segment fields step by 2 in the order ES CS SS DS FS GS LDTR TR. */
	assert_int_equal(VMCS_GUEST_ES_SEL + 2 * VMCS_TR, 0x080e);
	assert_int_equal(VMCS_GUEST_ES_AR + 2 * VMCS_TR, 0x4822);
	assert_int_equal(VMCS_GUEST_ES_BASE + 2 * VMCS_CS, 0x6808);
	assert_int_equal(VMCS_GUEST_ES_LIMIT + 2 * VMCS_SS, 0x4804);
}

/* Allowed 0-settings (must be 1) come in whatever is asked; optional
 * bits only where the allowed 1-settings have them; a required bit the
 * CPU lacks fails and is named. */
static void test_caps_adjust(void **state)
{
	uint64_t cap = ((uint64_t)0x0000ffffu << 32) | 0x00000016u;
	uint32_t out = 0, missing = 0;

	(void)state;
	assert_int_equal(vmx_caps_adjust(cap, 0x1, 0x300, &out, &missing), 0);
	assert_int_equal(out, 0x16 | 0x1 | 0x300);
	assert_int_equal(missing, 0);
	assert_int_equal(vmx_caps_adjust(cap, 0x1, 0x30000, &out, &missing), 0);
	assert_int_equal(out, 0x17);
	assert_int_equal(vmx_caps_adjust(cap, 0x10001, 0, &out, &missing), -ENODEV);
	assert_int_equal(missing, 0x10000);
	/* A control word with everything allowed and nothing forced. */
	assert_int_equal(vmx_caps_adjust(0xffffffff00000000ull, 0, 0x80000004u, &out, &missing), 0);
	assert_int_equal(out, 0x80000004u);
}

/* CR0 under VMX: NE (and PE, PG) forced by FIXED0; with unrestricted
 * guest PE and PG are the guest's; FIXED1 clears what may not be 1. */
static void test_caps_fixed(void **state)
{
	const uint64_t fixed0 = 0x80000021, fixed1 = 0xffffffff;

	(void)state;
	assert_int_equal(vmx_caps_fixed(0x11, fixed0, fixed1, 0), 0x80000031);
	assert_int_equal(vmx_caps_fixed(0x10, fixed0, fixed1, 0x80000001), 0x30);
	assert_int_equal(vmx_caps_fixed(0x80000011, fixed0, fixed1, 0x80000001), 0x80000031);
	assert_int_equal(vmx_caps_fixed(0x100002000ull, 0x2000, 0x3ffff, 0), 0x2000);
}

static void test_feature_control(void **state)
{
	(void)state;
	assert_int_equal(vmx_caps_feature_control(0), VMX_FC_UNLOCKED);
	assert_int_equal(vmx_caps_feature_control(FEATURE_CONTROL_VMX_OUTSIDE_SMX), VMX_FC_UNLOCKED);
	assert_int_equal(vmx_caps_feature_control(FEATURE_CONTROL_LOCKED), VMX_FC_LOCKED_OFF);
	assert_int_equal(vmx_caps_feature_control(FEATURE_CONTROL_LOCKED | (1ull << 1)),
			 VMX_FC_LOCKED_OFF);	/* VMX inside SMX only */
	assert_int_equal(vmx_caps_feature_control(FEATURE_CONTROL_LOCKED |
						  FEATURE_CONTROL_VMX_OUTSIDE_SMX),
			 VMX_FC_ENABLED);
}

static void decode(uint32_t reason, uint64_t qual, uint32_t len, struct vcpu_exit *e)
{
	struct vmx_exit_info x = {
		.reason = reason, .qual = qual, .insn_len = len, .gpa = 0xfee00300,
		.rip = 0x1000, .intr_info = 0,
	};

	vmx_exit_decode(&x, e);
}

/* I/O qualification (table 27-5): size-1 in bits 2:0, IN bit 3, string
 * bit 4, REP bit 5, port 31:16; RIP after the instruction. */
static void test_decode_io(void **state)
{
	struct vcpu_exit e;

	(void)state;
	decode(VMX_EXIT_IO, (0x3f8u << 16) | 0x8 | 0x0, 1, &e);	/* in al, dx */
	assert_int_equal(e.reason, VCPU_EXIT_IO);
	assert_int_equal(e.io.port, 0x3f8);
	assert_int_equal(e.io.size, 1);
	assert_true(e.io.in);
	assert_false(e.io.string);
	assert_int_equal(e.next_rip, 0x1001);
	decode(VMX_EXIT_IO, (0xcfcu << 16) | 0x3 | 0x40, 2, &e);	/* out imm8, eax */
	assert_int_equal(e.io.port, 0xcfc);
	assert_int_equal(e.io.size, 4);
	assert_false(e.io.in);
	decode(VMX_EXIT_IO, (0x1f0u << 16) | 0x1 | 0x8 | 0x10 | 0x20, 2, &e);	/* rep insw */
	assert_int_equal(e.io.size, 2);
	assert_true(e.io.string);
	assert_true(e.io.rep);
	assert_int_equal(e.next_rip, 0x1002);
}

/* EPT violations: the guest-physical address, write from bit 1; no RIP
 * change (the access is emulated or retried). */
static void test_decode_ept(void **state)
{
	struct vcpu_exit e;

	(void)state;
	decode(VMX_EXIT_EPT_VIOLATION, VMX_EPT_WRITE | 0x180, 3, &e);
	assert_int_equal(e.reason, VCPU_EXIT_NPF);
	assert_int_equal(e.gpa, 0xfee00300);
	assert_true(e.write);
	assert_int_equal(e.next_rip, 0);
	assert_int_equal(e.raw_info2, 0xfee00300);
	decode(VMX_EXIT_EPT_VIOLATION, VMX_EPT_READ | VMX_EPT_FETCH, 3, &e);
	assert_false(e.write);
}

/* The fixed-length instructions, the reasons with no instruction, what
 * the backend keeps, and failures. */
static void test_decode_reasons(void **state)
{
	struct vcpu_exit e;

	(void)state;
	decode(VMX_EXIT_CPUID, 0, 2, &e);
	assert_int_equal(e.reason, VCPU_EXIT_CPUID);
	assert_int_equal(e.next_rip, 0x1002);
	decode(VMX_EXIT_VMCALL, 0, 3, &e);
	assert_int_equal(e.reason, VCPU_EXIT_HYPERCALL);
	assert_int_equal(e.next_rip, 0x1003);
	decode(VMX_EXIT_WRMSR, 0, 2, &e);
	assert_int_equal(e.reason, VCPU_EXIT_MSR_WRITE);
	decode(VMX_EXIT_RDMSR, 0, 2, &e);
	assert_int_equal(e.reason, VCPU_EXIT_MSR_READ);
	decode(VMX_EXIT_HLT, 0, 1, &e);
	assert_int_equal(e.reason, VCPU_EXIT_HLT);
	assert_int_equal(e.next_rip, 0x1001);
	decode(VMX_EXIT_EXTERNAL_INTR, 0, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_INTR);
	decode(VMX_EXIT_IRQ_WINDOW, 0, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_IRQ_WINDOW);
	decode(VMX_EXIT_NMI_WINDOW, 0, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_IRQ_WINDOW);
	decode(VMX_EXIT_TRIPLE_FAULT, 0, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_SHUTDOWN);
	decode(VMX_EXIT_VMXON, 0, 4, &e);
	assert_int_equal(e.reason, VCPU_EXIT_VIRT_INSN);
	assert_int_equal(e.next_rip, 0);
	decode(VMX_EXIT_CR_ACCESS, 0, 3, &e);
	assert_int_equal(e.reason, VCPU_EXIT_NONE);
	decode(VMX_EXIT_XSETBV, 0, 3, &e);
	assert_int_equal(e.reason, VCPU_EXIT_NONE);
	decode(VMX_EXIT_FAILED_ENTRY | VMX_EXIT_INVALID_GUEST, 0, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_ENTRY_FAILED);
	assert_int_equal(e.raw_code, VMX_EXIT_FAILED_ENTRY | VMX_EXIT_INVALID_GUEST);
	decode(VMX_EXIT_EPT_MISCONFIG, 0, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_UNKNOWN);
	decode(VMX_EXIT_TASK_SWITCH, 0, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_UNKNOWN);
}

/* Exception-or-NMI exits: a host NMI is the backend's; anything else
 * (no exception is intercepted) is unexpected. */
static void test_decode_nmi(void **state)
{
	struct vmx_exit_info x = { .reason = VMX_EXIT_EXCEPTION_NMI };
	struct vcpu_exit e;

	(void)state;
	x.intr_info = VMX_INTR_VALID | (VMX_INTR_TYPE_NMI << 8) | 2;
	vmx_exit_decode(&x, &e);
	assert_int_equal(e.reason, VCPU_EXIT_NONE);
	assert_int_equal(e.raw_info2, x.intr_info);
	x.intr_info = VMX_INTR_VALID | (VMX_INTR_TYPE_HW_EXCEPTION << 8) | 14;
	vmx_exit_decode(&x, &e);
	assert_int_equal(e.reason, VCPU_EXIT_UNKNOWN);
}

/* Control-register qualification (table 27-3) and the SDM's register
 * numbering. */
static void test_decode_cr(void **state)
{
	struct vmx_cr_access a;
	struct cpu_regs r;

	(void)state;
	vmx_exit_cr(0x0000 | (0 << 4) | (3 << 8) | 0, &a);	/* mov cr0, rbx */
	assert_int_equal(a.cr, 0);
	assert_int_equal(a.type, VMX_CR_MOV_TO);
	assert_int_equal(a.gpr, 3);
	vmx_exit_cr((1 << 4) | (12 << 8) | 8, &a);	/* mov r12, cr8 */
	assert_int_equal(a.cr, 8);
	assert_int_equal(a.type, VMX_CR_MOV_FROM);
	assert_int_equal(a.gpr, 12);
	vmx_exit_cr(((uint64_t)0x0011 << 16) | (3 << 4), &a);	/* lmsw */
	assert_int_equal(a.type, VMX_CR_LMSW);
	assert_int_equal(a.lmsw, 0x11);
	vmx_exit_cr(2 << 4, &a);
	assert_int_equal(a.type, VMX_CR_CLTS);

	memset(&r, 0, sizeof(r));
	assert_ptr_equal(vmx_exit_gpr(&r, 0), &r.rax);
	assert_ptr_equal(vmx_exit_gpr(&r, 1), &r.rcx);
	assert_ptr_equal(vmx_exit_gpr(&r, 2), &r.rdx);
	assert_ptr_equal(vmx_exit_gpr(&r, 3), &r.rbx);
	assert_ptr_equal(vmx_exit_gpr(&r, 4), &r.rsp);
	assert_ptr_equal(vmx_exit_gpr(&r, 5), &r.rbp);
	assert_ptr_equal(vmx_exit_gpr(&r, 6), &r.rsi);
	assert_ptr_equal(vmx_exit_gpr(&r, 7), &r.rdi);
	assert_ptr_equal(vmx_exit_gpr(&r, 8), &r.r8);
	assert_ptr_equal(vmx_exit_gpr(&r, 15), &r.r15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_encodings),
		cmocka_unit_test(test_caps_adjust),
		cmocka_unit_test(test_caps_fixed),
		cmocka_unit_test(test_feature_control),
		cmocka_unit_test(test_decode_io),
		cmocka_unit_test(test_decode_ept),
		cmocka_unit_test(test_decode_reasons),
		cmocka_unit_test(test_decode_nmi),
		cmocka_unit_test(test_decode_cr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
