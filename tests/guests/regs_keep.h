/*
 * Shared by regs_keep and regs_keep_peer: two domains on one physical CPU
 * fill their FP/SIMD registers, FPCR/FPSR and EL1 system registers with
 * patterns of their own, spin while Domus switches between them, and check
 * every register afterwards.  A round counts only if the domain really lost
 * the CPU meanwhile (its counter jumped), and at least MIN_SWITCHES must.
 */
#include "guest.h"

#define ROUNDS       80
#define SPIN_US      40000     /* longer than the credit scheduler's 30 ms slice */
#define MIN_SWITCHES 10
#define GAP_US       5000      /* a jump of the counter this large: we were switched out */

#define CONTEXTIDR_MASK 0xffffffffUL
#define PAR_MASK        0x0000fffffffff000UL   /* PA, with F = 0 */
#define CNTKCTL_MASK    0x3UL                  /* EL0PCTEN, EL0VCTEN */

static u64 vin[64] __attribute__((aligned(16)));
static u64 vout[64] __attribute__((aligned(16)));

static void fp_enable(void)
{
    write_sysreg(read_sysreg(cpacr_el1) | (3UL << 20), cpacr_el1);   /* FPEN: no trap */
    isb();
}

static void v_load(const u64 *p)
{
    asm volatile("ldp q0, q1, [%0, #0]\n ldp q2, q3, [%0, #32]\n ldp q4, q5, [%0, #64]\n"
                 "ldp q6, q7, [%0, #96]\n ldp q8, q9, [%0, #128]\n ldp q10, q11, [%0, #160]\n"
                 "ldp q12, q13, [%0, #192]\n ldp q14, q15, [%0, #224]\n"
                 "ldp q16, q17, [%0, #256]\n ldp q18, q19, [%0, #288]\n"
                 "ldp q20, q21, [%0, #320]\n ldp q22, q23, [%0, #352]\n"
                 "ldp q24, q25, [%0, #384]\n ldp q26, q27, [%0, #416]\n"
                 "ldp q28, q29, [%0, #448]\n ldp q30, q31, [%0, #480]\n"
                 : : "r"(p) : "memory");
}

static void v_store(u64 *p)
{
    asm volatile("stp q0, q1, [%0, #0]\n stp q2, q3, [%0, #32]\n stp q4, q5, [%0, #64]\n"
                 "stp q6, q7, [%0, #96]\n stp q8, q9, [%0, #128]\n stp q10, q11, [%0, #160]\n"
                 "stp q12, q13, [%0, #192]\n stp q14, q15, [%0, #224]\n"
                 "stp q16, q17, [%0, #256]\n stp q18, q19, [%0, #288]\n"
                 "stp q20, q21, [%0, #320]\n stp q22, q23, [%0, #352]\n"
                 "stp q24, q25, [%0, #384]\n stp q26, q27, [%0, #416]\n"
                 "stp q28, q29, [%0, #448]\n stp q30, q31, [%0, #480]\n"
                 : : "r"(p) : "memory");
}

/* Spins for SPIN_US; whether the counter jumped (another domain had the CPU). */
static bool spin(void)
{
    u64 last = now_us(), end = last + SPIN_US, t;
    bool switched = false;

    do {
        t = now_us();
        switched |= t - last > GAP_US;      /* also the jump that ends the spin */
        last = t;
    } while (t < end);
    return switched;
}

static void regs_keep_main(u64 seed)
{
    unsigned switches = 0, bad = 0;

    fp_enable();
    for (unsigned round = 0; round < ROUNDS && !bad; round++) {
        u64 base = (seed ^ ((u64)round << 40)) & ~0xffffUL, fpcr = (round & 3) << 22;  /* RMode */
        u64 fpsr = (round & 1) ? 0x1f : 0;                                  /* IOC..IXC */

        for (unsigned i = 0; i < 64; i++)
            vin[i] = base + i * 0x0101010101010101UL;
        v_load(vin);
        write_sysreg(fpcr, fpcr);
        write_sysreg(fpsr, fpsr);
        write_sysreg(base + 0x1000, tpidr_el1);
        write_sysreg(base + 0x2000, tpidr_el0);
        write_sysreg(base + 0x3000, tpidrro_el0);
        write_sysreg((base + 0x4000) & CONTEXTIDR_MASK, contextidr_el1);
        write_sysreg((base + 0x5000) & PAR_MASK, par_el1);
        write_sysreg(round & CNTKCTL_MASK, cntkctl_el1);
        isb();
        switches += spin();
        v_store(vout);
        for (unsigned i = 0; i < 64; i++)
            bad += vout[i] != vin[i];
        CHECK(!bad, "round %u: %u FP/SIMD register halves changed", round, bad);
        CHECK(read_sysreg(fpcr) == fpcr, "round %u: FPCR 0x%lx, want 0x%lx", round,
              read_sysreg(fpcr), fpcr);
        CHECK((read_sysreg(fpsr) & 0x1f) == fpsr, "round %u: FPSR 0x%lx, want 0x%lx", round,
              read_sysreg(fpsr), fpsr);
        CHECK(read_sysreg(tpidr_el1) == base + 0x1000, "round %u: TPIDR_EL1", round);
        CHECK(read_sysreg(tpidr_el0) == base + 0x2000, "round %u: TPIDR_EL0", round);
        CHECK(read_sysreg(tpidrro_el0) == base + 0x3000, "round %u: TPIDRRO_EL0", round);
        CHECK(read_sysreg(contextidr_el1) == ((base + 0x4000) & CONTEXTIDR_MASK),
              "round %u: CONTEXTIDR_EL1 0x%lx", round, read_sysreg(contextidr_el1));
        CHECK((read_sysreg(par_el1) & PAR_MASK) == ((base + 0x5000) & PAR_MASK),
              "round %u: PAR_EL1 0x%lx", round, read_sysreg(par_el1));
        CHECK((read_sysreg(cntkctl_el1) & CNTKCTL_MASK) == (round & CNTKCTL_MASK),
              "round %u: CNTKCTL_EL1 0x%lx", round, read_sysreg(cntkctl_el1));
    }
    info("%u of %u rounds lost the CPU meanwhile", switches, ROUNDS);
    CHECK(switches >= MIN_SWITCHES, "only %u rounds were switched out: the test proves nothing",
          switches);
}
