/*
 * hvc_unknown: calls the hypervisor does not implement must fail cleanly.
 * Unknown SMCCC function IDs return -1 (and preserve x4-x17), a Xen
 * hypercall from this non-PV guest returns -ENOSYS, an HVC with another
 * immediate raises UNDEF in the guest, and the guest keeps running.
 */
#include "guest.h"

#define XEN_HYPERCALL_TAG   0xea1
#define HYPERVISOR_xen_version 17
#define ENOSYS              38

static const u32 unknown_ids[] = { 0x84000099U, 0xc5000000U, 0x12345678U };

/* HVC #0 with x0 = fn and x1..x17 = 0x100 + n; regs[] = x0..x17 afterwards. */
static void hvc0_regs(u32 fn, u64 regs[18])
{
    asm volatile("mov x0, %[fn]\n"
                 ".irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\n"
                 "mov x\\n, #(0x100 + \\n)\n"
                 ".endr\n"
                 "hvc #0\n"
                 "stp x0, x1, [%[out]]\n"
                 "stp x2, x3, [%[out], #16]\n"
                 "stp x4, x5, [%[out], #32]\n"
                 "stp x6, x7, [%[out], #48]\n"
                 "stp x8, x9, [%[out], #64]\n"
                 "stp x10, x11, [%[out], #80]\n"
                 "stp x12, x13, [%[out], #96]\n"
                 "stp x14, x15, [%[out], #112]\n"
                 "stp x16, x17, [%[out], #128]\n"
                 :
                 : [fn] "r"((u64)fn), [out] "r"(regs)
                 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
                   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
}

static void unknown_smccc(void)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(unknown_ids); i++) {
        u32 fn = unknown_ids[i];
        u64 regs[18];
        hvc0_regs(fn, regs);
        bool ok = (fn & (1U << 30)) ? regs[0] == ~0UL : (u32)regs[0] == ~0U;
        CHECK(ok, "HVC #0 fn 0x%x: x0 = 0x%lx, want -1", fn, regs[0]);
        for (unsigned int n = 4; n <= 17; n++)
            CHECK(regs[n] == 0x100 + n, "HVC #0 fn 0x%x clobbered x%u (0x%lx)", fn, n, regs[n]);
    }

    /* Vendor-specific hypervisor service UID: -1 or a UID are both fine. */
    u64 uid = smccc_call(CONDUIT_HVC, 0x8600ff01U, 0, 0, 0);
    info("HVC #0 vendor hyp UID (0x8600ff01): x0 = 0x%lx", uid);

    u64 x0 = smccc_call(CONDUIT_SMC, 0x84000099U, 0, 0, 0);
    CHECK((u32)x0 == ~0U, "SMC #0 fn 0x84000099: x0 = 0x%lx, want -1", x0);
}

static void xen_hypercall(void)
{
    u64 r;

    /* xen_version(XENVER_version, NULL): x16 = op, x0.. = arguments. */
    asm volatile("mov x0, #0\n"
                 "mov x1, #0\n"
                 "mov x16, %1\n"
                 "hvc #0xea1\n"
                 "mov %0, x0"
                 : "=r"(r)
                 : "r"((u64)HYPERVISOR_xen_version)
                 : "x0", "x1", "x2", "x3", "x4", "x16", "memory");
    info("HVC #0x%x xen_version: x0 = %ld", XEN_HYPERCALL_TAG, (s64)r);
    CHECK_HV(r == (u64)-ENOSYS, "Xen hypercall returned %ld, want -%d (ENOSYS)", (s64)r, ENOSYS);
}

static void hvc_other_imm(void)
{
    u64 insn;

    fault_expect();
    asm volatile("mov x0, #0x84000000\n"
                 "movk x0, #0x99\n"
                 "adr %0, 1f\n"
                 "1: hvc #0x1234\n"
                 "nop\n"                /* lands here whether ELR was the HVC or after it */
                 : "=&r"(insn)
                 :
                 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
                   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
    bool taken = fault_taken();
    const struct fault_info *f = fault_last();
    CHECK_HV(taken, "HVC #0x1234 did not raise an exception");
    if (taken) {
        info("HVC #0x1234: EC 0x%x ESR 0x%lx ELR 0x%lx (HVC at 0x%lx)", f->ec, f->esr, f->elr,
             insn);
        CHECK(f->ec == EC_UNKNOWN, "HVC #0x1234: EC 0x%x, want 0 (UNDEF)", f->ec);
        /*
         * Architecturally an UNDEFINED instruction reports its own address;
         * a Xen-style injection copies the trapped PC, which for HVC is the
         * preferred return address (the next instruction).  Accept both.
         */
        CHECK(f->elr == insn || f->elr == insn + 4,
              "HVC #0x1234: ELR 0x%lx, want 0x%lx (the HVC) or 0x%lx (after it)", f->elr, insn,
              insn + 4);
        info("HVC #0x1234: ELR points %s", f->elr == insn ? "at the HVC" : "after the HVC");
    }
}

static void smc_other_imm(void)
{
    u64 r;

    fault_expect();
    asm volatile("mov x0, #0x84000000\n"
                 "movk x0, #0x99\n"
                 "smc #7\n"
                 "nop\n"
                 "mov %0, x0"
                 : "=r"(r)
                 :
                 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
                   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
    if (fault_taken()) {
        const struct fault_info *f = fault_last();
        info("SMC #7: exception EC 0x%x ESR 0x%lx", f->ec, f->esr);
        CHECK(f->ec == EC_UNKNOWN, "SMC #7: EC 0x%x, want 0 (UNDEF) or a -1 result", f->ec);
    } else {
        info("SMC #7: x0 = 0x%lx", r);
        CHECK((u32)r == ~0U, "SMC #7 returned 0x%lx, want -1 or UNDEF", r);
    }
}

void test_main(void)
{
    unknown_smccc();
    xen_hypercall();
    hvc_other_imm();
    smc_other_imm();
    /* Still alive, and the hypervisor still answers. */
    s64 v = psci_call(PSCI_VERSION, 0, 0, 0);
    CHECK(v >= 0x10000, "PSCI_VERSION after all that = 0x%lx", v);
}
