/*
 * xen_fuzz (hostile): 500000 Xen hypercalls on each of its two vCPUs at once
 * (so also racing each other on its own pages), with pseudo-random numbers
 * (mostly the implemented ones, also 0..63 and large values), sub-ops and
 * arguments: small and random values, domain ids, gfns and pointers into a
 * scratch part of its own RAM (never touched by the guest itself), into a
 * buffer refilled with random words before each call, at devices and at
 * unmapped space.  Left out: only calls that legitimately stop or park the
 * domain (sched_op shutdown/shutdown_code, block and poll); grant batches
 * and multicalls are kept short enough that what Domus writes back stays in
 * the buffer (longer ones are valid, and continued).  Then PASS;
 * xen_heartbeat runs alongside and must PASS too.
 */
#include "guest.h"

#define CALLS       500000      /* per vCPU: 10^6 in all */
#define SCRATCH     UL(0x41000000)      /* RAM + 16 MiB .. + 48 MiB */
#define SCRATCH_SZ  UL(0x02000000)

/* Pointers go into the first half; ops and entries written back stay in the rest. */
static u64 argbuf[1024] __attribute__((aligned(4096)));
/* Each vCPU draws from its own generator. */
static u64 seeds[2] = { 0x9e3779b97f4a7c15UL, 0x2545f4914f6cdd1dUL };
static volatile unsigned int finished;

static u64 rnd(void)
{
    u64 *seed = &seeds[cpu_id() & 1];

    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    return *seed;
}

static u64 value(void)
{
    u64 r = rnd();

    switch (r % 10) {
    case 0: case 1: return (r >> 8) % 17;                    /* never 29 (sched_op) */
    case 2: return rnd();
    case 3: case 4: return (u64)argbuf + (r >> 8) % (sizeof(argbuf) / 2);
    case 5: return SCRATCH + (r >> 8) % SCRATCH_SZ;
    case 6: return (SCRATCH >> 12) + (r >> 8) % (SCRATCH_SZ >> 12);  /* a scratch gfn */
    case 7: { static const u64 dev[] = { 0x22000000, 0x03001000, 0x03020000, 0x02f00000 };
              return dev[(r >> 8) % 4]; }
    case 8: { static const u64 hole[] = { 0, 0x10000000, 0x38000000, 0x44000000,
                                          0x8000000000UL, ~0xfffUL };
              return hole[(r >> 8) % 6] + (r >> 16) % 0x2000; }
    default: { static const u64 ids[] = { 0x7ff0, 1, 2, 0, 0x7ff1, 0xffff, 3 };
               return ids[(r >> 8) % 7]; }
    }
}

static void fuzz(void)
{
    static const u64 impl[] = { 12, 13, 17, 18, 20, 21, 24, 29, 32, 34 };
    static const u64 big[] = { 64, 100, 0xffff, 0x80000000UL, ~0UL };
    unsigned int enosys = 0, zero = 0;

    for (unsigned int i = 1; i <= CALLS; i++) {
        u64 r = rnd(), nr, a[5];

        nr = r % 8 < 6 ? impl[(r >> 8) % ARRAY_SIZE(impl)]
           : r % 8 == 6 ? (r >> 8) % 64 : big[(r >> 8) % ARRAY_SIZE(big)];
        a[0] = rnd() % 4 ? rnd() % 16 : value();             /* the sub-op */
        for (unsigned int k = 1; k < 5; k++)
            a[k] = value();
        if (nr == HYP_grant_table_op && rnd() % 2)
            a[2] = rnd() % 4;                                /* plausible counts */
        else if (nr == HYP_grant_table_op)
            a[2] %= 64;     /* any count is valid, but Domus writes each op back: keep them in argbuf */
        if (nr == HYP_multicall && rnd() % 2) {
            a[0] = (u64)argbuf + (rnd() % 64) * 8;
            a[1] = rnd() % 4;
        } else if (nr == HYP_multicall) {
            a[1] %= 32;     /* likewise for the entries' results */
        }
        if (nr == HYP_console_io)
            a[1] %= 2;      /* at most one byte of binary junk on the console per call */
        if (nr == HYP_sched_op && (a[0] == 1 || a[0] == 2 || a[0] == 3 || a[0] == 5 || a[0] == 6))
            continue;       /* block, shutdown, poll, shutdown_code, watchdog: would stop us */
        for (unsigned int k = 0; k < ARRAY_SIZE(argbuf); k++)
            argbuf[k] = value();
        s64 ret = hypercall(nr, a[0], a[1], a[2], a[3], a[4]);
        enosys += ret == -XEN_ENOSYS;
        zero += ret == 0;
        if (i % 100000 == 0)
            info("fuzz: vCPU %u: %u calls (%u -ENOSYS, %u zero)", cpu_id(), i, enosys, zero);
    }
}

static void vcpu1(u64 arg)
{
    (void)arg;
    fuzz();
    WRITE_ONCE(finished, 1);
}

void test_main(void)
{
    require_cpus(2);
    s64 r = start_cpu(1, vcpu1, 0);
    if (r)
        fail("CPU_ON(1) = %ld", r);
    fuzz();
    CHECK(wait_flag(&finished, 1, 300000), "vCPU 1 never finished its calls");
    s64 v = HYPERCALL2(HYP_xen_version, XENVER_version, 0);
    CHECK(v == 0x40011, "xen_version after the fuzz = 0x%lx", v);
}
