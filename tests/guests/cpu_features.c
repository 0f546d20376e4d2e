/*
 * cpu_features: what the vCPU advertises and what it really does.
 *  - the PMU is hidden (ID_AA64DFR0_EL1.PMUVer == 0) and PMCR_EL0 is UNDEF
 *  - pointer authentication is hidden (ID_AA64ISAR1/ISAR2 APA/API/GPA/GPI/APA3/GPA3)
 *  - SVE is hidden (ID_AA64PFR0_EL1.SVE == 0)
 *  - a hardware breakpoint (DBGBVR0/DBGBCR0) fires in the guest (EC 0x31)
 *  - software step from EL1 to EL1 works (EC 0x33)
 */
#include "guest.h"

#define FIELD(v, lo)    (((v) >> (lo)) & 0xf)

#define MDSCR_SS        (1UL << 0)
#define MDSCR_KDE       (1UL << 13)
#define MDSCR_MDE       (1UL << 15)
#define SPSR_SS         (1UL << 21)

/* Breakpoint target and single-step helper, in assembly for exact addresses. */
void bp_target(void);
void single_step(void);
extern char step_first[], step_second[];
asm(".pushsection .text\n"
    ".globl bp_target\n"
    "bp_target:\n"
    "   nop\n"
    "   ret\n"
    /*
     * ERET to step_first with SPSR.SS = 1 and PSTATE.D clear: one instruction
     * executes, then the software step exception is taken at step_second.
     */
    ".globl single_step, step_first, step_second\n"
    "single_step:\n"
    "   adr  x9, step_first\n"
    "   msr  elr_el1, x9\n"
    "   mov  x9, #0x3c5\n"                  /* EL1h, DAIF = D.A.I.F masked... */
    "   bic  x9, x9, #(1 << 9)\n"           /* ...except D */
    "   orr  x9, x9, #(1 << 21)\n"          /* SPSR.SS */
    "   msr  spsr_el1, x9\n"
    "   isb\n"
    "   eret\n"
    "step_first:\n"
    "   nop\n"
    "step_second:\n"
    "   nop\n"
    "   ret\n"
    ".popsection\n");

static void id_registers(void)
{
    u64 dfr0 = read_sysreg(id_aa64dfr0_el1);
    u64 isar1 = read_sysreg(id_aa64isar1_el1);
    u64 isar2 = read_sysreg(S3_0_C0_C6_2);      /* ID_AA64ISAR2_EL1 */
    u64 pfr0 = read_sysreg(id_aa64pfr0_el1);

    info("ID_AA64DFR0 0x%lx ISAR1 0x%lx ISAR2 0x%lx PFR0 0x%lx", dfr0, isar1, isar2, pfr0);
    CHECK_HV(FIELD(dfr0, 8) == 0, "PMUVer = 0x%lx, want 0 (PMU hidden)", FIELD(dfr0, 8));
    CHECK_HV(FIELD(isar1, 4) == 0 && FIELD(isar1, 8) == 0, "ISAR1 APA/API = %lu/%lu, want 0",
             FIELD(isar1, 4), FIELD(isar1, 8));
    CHECK_HV(FIELD(isar1, 24) == 0 && FIELD(isar1, 28) == 0, "ISAR1 GPA/GPI = %lu/%lu, want 0",
             FIELD(isar1, 24), FIELD(isar1, 28));
    CHECK_HV(FIELD(isar2, 8) == 0 && FIELD(isar2, 12) == 0, "ISAR2 GPA3/APA3 = %lu/%lu, want 0",
             FIELD(isar2, 8), FIELD(isar2, 12));
    CHECK_HV(FIELD(pfr0, 32) == 0, "PFR0.SVE = %lu, want 0 (SVE hidden)", FIELD(pfr0, 32));
}

static void pmu_undef(void)
{
    u64 v = 0;

    fault_expect();
    asm volatile("mrs %0, pmcr_el0\n nop" : "+r"(v) : : "memory");
    bool taken = fault_taken();
    CHECK_HV(taken, "PMCR_EL0 read did not fault (0x%lx)", v);
    if (taken)
        CHECK(fault_last()->ec == EC_UNKNOWN, "PMCR_EL0 read: EC 0x%x, want 0 (UNDEF)",
              fault_last()->ec);
}

static void debug_unlock(void)
{
    write_sysreg(0, oslar_el1);         /* clear the OS lock */
    write_sysreg(0, osdlr_el1);         /* and the OS double lock */
    isb();
}

static void hw_breakpoint(void)
{
    u64 addr = (uintptr_t)bp_target;

    debug_unlock();
    write_sysreg(addr, dbgbvr0_el1);
    /* E=1, PMC=0b01 (EL1), BAS=0b1111, unlinked address match. */
    write_sysreg(1 | (1 << 1) | (0xf << 5), dbgbcr0_el1);
    write_sysreg(read_sysreg(mdscr_el1) | MDSCR_MDE | MDSCR_KDE, mdscr_el1);
    isb();
    u64 bvr = read_sysreg(dbgbvr0_el1), bcr = read_sysreg(dbgbcr0_el1);

    fault_expect();
    debug_enable();
    bp_target();
    debug_disable();
    bool taken = fault_taken();

    write_sysreg(0, dbgbcr0_el1);
    write_sysreg(read_sysreg(mdscr_el1) & ~MDSCR_MDE, mdscr_el1);
    isb();

    if (!taken) {
        check_failed(__FILE__, __LINE__, "breakpoint at 0x%lx did not fire (BVR 0x%lx BCR 0x%lx)",
                     addr, bvr, bcr);
        return;
    }
    const struct fault_info *f = fault_last();
    info("breakpoint: EC 0x%x ESR 0x%lx ELR 0x%lx", f->ec, f->esr, f->elr);
    CHECK(f->ec == EC_BREAKPT_CUR, "breakpoint: EC 0x%x, want 0x31", f->ec);
    CHECK(f->elr == addr, "breakpoint: ELR 0x%lx, want 0x%lx", f->elr, addr);
}

static void software_step(void)
{
    debug_unlock();
    write_sysreg(read_sysreg(mdscr_el1) | MDSCR_SS | MDSCR_KDE, mdscr_el1);
    isb();

    fault_expect();
    single_step();
    bool taken = fault_taken();

    write_sysreg(read_sysreg(mdscr_el1) & ~(MDSCR_SS | MDSCR_KDE), mdscr_el1);
    isb();

    if (!taken) {
        check_failed(__FILE__, __LINE__, "software step exception not taken");
        return;
    }
    const struct fault_info *f = fault_last();
    info("software step: EC 0x%x ESR 0x%lx ELR 0x%lx", f->ec, f->esr, f->elr);
    CHECK(f->ec == EC_SSTEP_CUR, "software step: EC 0x%x, want 0x33", f->ec);
    CHECK(f->elr == (uintptr_t)step_second, "software step: ELR 0x%lx, want 0x%lx", f->elr,
          (u64)(uintptr_t)step_second);
}

void test_main(void)
{
    id_registers();
    pmu_undef();
    hw_breakpoint();
    software_step();
}
