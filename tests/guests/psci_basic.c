/*
 * psci_basic: PSCI 1.0 / SMCCC discovery and argument checking, through the
 * HVC #0 conduit and then the SMC #0 conduit, which must answer the same.
 */
#include "guest.h"

static const u32 implemented[] = {
    PSCI_VERSION, PSCI_CPU_OFF, PSCI_CPU_ON_64, PSCI_AFFINITY_INFO_64,
    PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET, PSCI_FEATURES,
};

static const u32 unimplemented[] = {
    PSCI_SYSTEM_SUSPEND_64, PSCI_CPU_FREEZE, 0x8400001fU,
};

/* MPIDRs of vCPUs that do not exist: Aff0 = 15, and Aff1 = 1 (vCPU 16). */
static const u64 bogus_mpidr[] = { 0xf, 0x100 };

static s64 call(enum conduit c, u32 fn, u64 a1, u64 a2, u64 a3)
{
    return smccc_result(fn, smccc_call(c, fn, a1, a2, a3));
}

static void check_conduit(enum conduit c)
{
    const char *cn = c == CONDUIT_HVC ? "HVC" : "SMC";
    s64 r;

    r = call(c, PSCI_VERSION, 0, 0, 0);
    info("%s: PSCI_VERSION = 0x%lx", cn, r);
    CHECK_HV(r >= 0x10000, "%s: PSCI_VERSION 0x%lx < 1.0", cn, r);

    r = call(c, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0);
    CHECK_HV(r == 2, "%s: MIGRATE_INFO_TYPE = %ld, want 2", cn, r);

    for (unsigned int i = 0; i < ARRAY_SIZE(implemented); i++) {
        r = call(c, PSCI_FEATURES, implemented[i], 0, 0);
        CHECK_HV(r == 0, "%s: PSCI_FEATURES(0x%x) = %ld, want 0", cn, implemented[i], r);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(unimplemented); i++) {
        r = call(c, PSCI_FEATURES, unimplemented[i], 0, 0);
        CHECK_HV(r == PSCI_NOT_SUPPORTED, "%s: PSCI_FEATURES(0x%x) = %ld, want -1", cn,
                 unimplemented[i], r);
    }

    r = call(c, SMCCC_VERSION, 0, 0, 0);
    info("%s: SMCCC_VERSION = 0x%lx", cn, r);
    CHECK_HV(r >= 0x10001, "%s: SMCCC_VERSION 0x%lx < 1.1", cn, r);
    r = call(c, SMCCC_ARCH_FEATURES, 0x8000ff00U, 0, 0);
    CHECK_HV(r == PSCI_NOT_SUPPORTED, "%s: SMCCC_ARCH_FEATURES(unknown) = %ld, want -1", cn, r);

    u64 self = read_sysreg(mpidr_el1) & 0xff00ffffffUL;
    r = call(c, PSCI_AFFINITY_INFO_64, self, 0, 0);
    CHECK_HV(r == 0, "%s: AFFINITY_INFO(self 0x%lx) = %ld, want 0 (ON)", cn, self, r);
    if (nr_cpus() >= 2) {
        r = call(c, PSCI_AFFINITY_INFO_64, 1, 0, 0);
        CHECK_HV(r == 1, "%s: AFFINITY_INFO(vCPU 1, never started) = %ld, want 1 (OFF)", cn, r);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(bogus_mpidr); i++) {
        r = call(c, PSCI_AFFINITY_INFO_64, bogus_mpidr[i], 0, 0);
        CHECK_HV(r == PSCI_INVALID_PARAMETERS, "%s: AFFINITY_INFO(0x%lx) = %ld, want -2", cn,
                 bogus_mpidr[i], r);
        r = call(c, PSCI_CPU_ON_64, bogus_mpidr[i], (uintptr_t)secondary_entry, 0);
        CHECK_HV(r == PSCI_INVALID_PARAMETERS, "%s: CPU_ON(0x%lx) = %ld, want -2", cn,
                 bogus_mpidr[i], r);
    }
    r = call(c, PSCI_CPU_ON_64, self, (uintptr_t)secondary_entry, 0);
    CHECK_HV(r == PSCI_ALREADY_ON, "%s: CPU_ON(self) = %ld, want -4 (ALREADY_ON)", cn, r);

    /* A 64-bit function's error is a 64-bit negative number in x0. */
    u64 raw = smccc_call(c, PSCI_CPU_ON_64, self, (uintptr_t)secondary_entry, 0);
    CHECK_HV(raw == (u64)PSCI_ALREADY_ON, "%s: CPU_ON(self) x0 = 0x%lx, want 0x%lx", cn, raw,
             (u64)PSCI_ALREADY_ON);
}

void test_main(void)
{
    check_conduit(CONDUIT_HVC);
    if (IS_BARE)
        info("bare QEMU has no SMC conduit: SMC checks skipped");
    else
        check_conduit(CONDUIT_SMC);
}
