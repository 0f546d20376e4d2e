/* SMCCC calls (HVC #0 / SMC #0), PSCI wrappers and secondary vCPU start-up. */
#include "guest.h"

u64 smccc_call(enum conduit c, u32 fn, u64 a1, u64 a2, u64 a3)
{
#ifdef BARE
    /*
     * Without EL3, QEMU's built-in PSCI has no SMC conduit: SMC is UNDEFINED
     * at EL1.  Turn that into NOT_SUPPORTED as a firmware would answer.
     */
    fault_expect();
#endif
    u64 ret;
    /* SMCCC 1.0 allows x4-x17 to be clobbered; x0-x3 carry arguments/results. */
#define SMCCC_INSN(insn)                                                      \
    asm volatile("mov x0, %1\n mov x1, %2\n mov x2, %3\n mov x3, %4\n"        \
                 insn "\n mov %0, x0"                                          \
                 : "=r"(ret)                                                  \
                 : "r"((u64)fn), "r"(a1), "r"(a2), "r"(a3)                     \
                 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9",  \
                   "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",    \
                   "memory")
    if (c == CONDUIT_HVC)
        SMCCC_INSN("hvc #0");
    else
        SMCCC_INSN("smc #0");
#undef SMCCC_INSN
#ifdef BARE
    if (fault_taken())
        return (u64)-1;
#endif
    return ret;
}

s64 smccc_result(u32 fn, u64 x0)
{
    /* Bit 30 of the function ID: SMC64 returns a 64-bit value, SMC32 a 32-bit one. */
    return (fn & (1U << 30)) ? (s64)x0 : (s64)(s32)x0;
}

s64 psci_call(u32 fn, u64 a1, u64 a2, u64 a3)
{
    return smccc_result(fn, smccc_call(CONDUIT_HVC, fn, a1, a2, a3));
}

s64 psci_cpu_on(u64 mpidr, u64 entry, u64 context)
{
    return psci_call(PSCI_CPU_ON_64, mpidr, entry, context);
}

s64 psci_affinity_info(u64 mpidr)
{
    return psci_call(PSCI_AFFINITY_INFO_64, mpidr, 0, 0);
}

void psci_cpu_off(void)
{
    s64 r = psci_call(PSCI_CPU_OFF, 0, 0, 0);
    info("vCPU %u: CPU_OFF returned %ld", cpu_id(), r);
    for (;;)
        wfi();
}

void psci_system_off(void)
{
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    puts_uart("info: SYSTEM_OFF returned\n");
    irq_disable();
    for (;;)
        wfi();
}

/* ---- SMP ------------------------------------------------------------------ */

static void (*volatile cpu_fn[NR_CPUS])(u64);

unsigned int cpu_id(void)
{
    return read_sysreg(mpidr_el1) & 0xff;
}

unsigned int nr_cpus(void)
{
    static unsigned int n;
    if (!n)
        n = fdt_cpu_count();
    return n ? n : 1;
}

void require_cpus(unsigned int n)
{
    if (!fdt_cpu_count())
        fail("cannot count vCPUs: no /cpus/cpu@N nodes in the device tree at 0x%lx", boot_dtb);
    if (nr_cpus() < n)
        skip("needs %u vCPUs, the device tree has %u", n, nr_cpus());
    if (n > NR_CPUS)
        skip("needs %u vCPUs, the guest library supports %u", n, NR_CPUS);
}

s64 start_cpu(unsigned int cpu, void (*fn)(u64), u64 arg)
{
    WRITE_ONCE(cpu_fn[cpu], fn);
    return psci_cpu_on(cpu, (uintptr_t)secondary_entry, arg);
}

void secondary_start(u64 context)
{
    void (*fn)(u64) = READ_ONCE(cpu_fn[cpu_id()]);

    if (!fn)
        fail("vCPU %u started with no function (context 0x%lx)", cpu_id(), context);
    fn(context);
    psci_cpu_off();
}

bool wait_cpu_off(unsigned int cpu, unsigned int timeout_ms)
{
    u64 end = now_us() + timeout_ms * 1000ULL;
    do {
        if (psci_affinity_info(cpu) == 1)
            return true;
        udelay(100);
    } while (now_us() < end);
    return false;
}
