/*
 * psci_cpu_on: bring vCPU 1 up with a context value, see it run, let it
 * CPU_OFF itself, start it again at a different entry point, and check
 * CPU_ON's error cases (ALREADY_ON, INVALID_ADDRESS).
 *
 * Both vCPUs run with the MMU off: shared variables are Device memory, so
 * plain aligned loads/stores plus DSB are coherent between them.
 */
#include "guest.h"

#define CTX1    0x0123456789abcdefUL
#define CTX2    0xfedcba9876543210UL

static volatile u64 result;             /* written by vCPU 1: context + 1 */
static volatile unsigned int release;   /* vCPU 0 -> vCPU 1: you may CPU_OFF */
static volatile unsigned int running;   /* vCPU 1 -> vCPU 0: I am up */
volatile u64 alt_entered;               /* set by alt_entry (asm below) */

static void first_run(u64 ctx)
{
    WRITE_ONCE(result, ctx + 1);
}

static void second_run(u64 ctx)
{
    WRITE_ONCE(result, ctx + 1);
    WRITE_ONCE(running, 1);
    while (!READ_ONCE(release))
        cpu_relax();
}

/*
 * A second entry point: records that it was used, then joins the library's
 * secondary_entry with x0 (the context) untouched.
 */
void alt_entry(void);
asm(".pushsection .text\n"
    ".globl alt_entry\n"
    "alt_entry:\n"
    "   adrp x9, alt_entered\n"
    "   add  x9, x9, :lo12:alt_entered\n"
    "   mov  x10, #1\n"
    "   str  x10, [x9]\n"
    "   dsb  sy\n"
    "   b    secondary_entry\n"
    ".popsection\n");

static bool wait_result(u64 want, unsigned int timeout_ms)
{
    u64 end = now_us() + timeout_ms * 1000ULL;
    while (READ_ONCE(result) != want)
        if (now_us() > end)
            return false;
    return true;
}

void test_main(void)
{
    s64 r;

    require_cpus(2);

    /* 1. First start: x0 carries the context. */
    r = start_cpu(1, first_run, CTX1);
    CHECK(r == 0, "CPU_ON(1) = %ld, want 0", r);
    CHECK(wait_result(CTX1 + 1, 5000), "vCPU 1 did not report context+1 (got 0x%lx)", result);
    CHECK(wait_cpu_off(1, 5000), "AFFINITY_INFO(1) never became OFF after CPU_OFF (%ld)",
          psci_affinity_info(1));

    /* 2. Start it again; while it runs, CPU_ON must say ALREADY_ON. */
    alt_entered = 0;
    release = 0;
    running = 0;
    result = 0;
    dsb_sy();
    r = start_cpu(1, second_run, 0);
    CHECK(r == 0, "CPU_ON(1) again = %ld, want 0", r);
    CHECK(wait_flag(&running, 1, 5000), "vCPU 1 did not restart");
    r = psci_cpu_on(1, (uintptr_t)secondary_entry, 0);
    CHECK(r == PSCI_ALREADY_ON, "CPU_ON(1) while it runs = %ld, want -4 (ALREADY_ON)", r);
    r = psci_affinity_info(1);
    CHECK(r == 0, "AFFINITY_INFO(1) while it runs = %ld, want 0", r);
    WRITE_ONCE(release, 1);
    CHECK(wait_cpu_off(1, 5000), "vCPU 1 did not turn off the second time");

    /* 3. Restart at a different entry point, with another context. */
    release = 1;        /* second_run goes straight through this time */
    running = 0;
    result = 0;
    dsb_sy();
    r = psci_cpu_on(1, (uintptr_t)alt_entry, CTX2);
    CHECK(r == 0, "CPU_ON(1, alt_entry) = %ld, want 0", r);
    CHECK(wait_result(CTX2 + 1, 5000), "vCPU 1 did not report context+1 after restart (0x%lx)",
          result);
    CHECK(READ_ONCE(alt_entered) == 1, "vCPU 1 did not start at the new entry point");
    CHECK(wait_cpu_off(1, 5000), "vCPU 1 did not turn off the third time");

    /* 4. An entry point outside guest RAM. */
    if (IS_BARE) {
        info("bare QEMU does not validate CPU_ON entry points: skipped");
    } else {
        r = psci_cpu_on(1, 0x1000, 0);
        CHECK(r == PSCI_INVALID_ADDRESS, "CPU_ON(1, entry 0x1000) = %ld, want -9", r);
        if (r == 0)
            info("vCPU 1 was started at 0x1000");
    }
}
