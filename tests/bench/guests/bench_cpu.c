/*
 * bench_cpu: a fixed CPU-bound loop for scripts/bench.py (not a test).
 *
 * The loop mixes a small table (1 KiB, so every access hits the same page and
 * the soft TLB) with integer multiplies, shifts and a data-dependent branch.
 * It makes no system calls, takes no exceptions and touches no device, so
 * any slowdown under a hypervisor comes from the hypervisor itself (its timer
 * ticks, its scheduling, stage-2 translation of the few pages involved).
 * It prints
 *
 *      bench: cpu_loop start
 *      bench: cpu_loop ticks=<CNTVCT delta> freq=<CNTFRQ>
 *      info: bench_cpu: rounds=<n> checksum=<x>
 *
 * Then a page-strided loop: one word read and written in each 4 KiB page of
 * 32 MiB, round after round, so nearly every access misses the (soft) TLB
 * and costs a translation -- stage 2's under a hypervisor:
 *
 *      bench: mem_loop ticks=<CNTVCT delta> freq=<CNTFRQ>
 *
 * and then the usual verdict line (always PASS) and PSCI SYSTEM_OFF.
 * A benchmark guest (tests/bench/guests/), not run by tests/guests/test_guests.py.
 *
 * BENCH_ROUNDS sets the work: each round hashes the whole table once (about
 * 12 instructions per element).  The default takes about 5-10 s under TCG.
 */
#include "guest.h"

#ifndef BENCH_ROUNDS
#define BENCH_ROUNDS    7000000
#endif

#define TABLE_WORDS     256             /* 1 KiB */
#define MEM_ROUNDS      300
#define STRIDE_BASE     0x41000000UL    /* RAM + 16 MiB: past the image, below the tree */
#define STRIDE_SIZE     0x02000000UL    /* 32 MiB: 8192 pages */
#define STRIDE          0x1000UL

static u32 table[TABLE_WORDS];

static u64 __attribute__((noinline)) stride_round(u64 sum)
{
    for (u64 a = STRIDE_BASE; a < STRIDE_BASE + STRIDE_SIZE; a += STRIDE) {
        volatile u64 *w = (volatile u64 *)a;

        sum += *w;
        *w = sum;
    }
    return sum;
}

/* One round: an FNV-1a/xorshift mix over the table, written back. */
static u32 __attribute__((noinline)) hash_round(u32 h)
{
    for (unsigned int i = 0; i < TABLE_WORDS; i++) {
        u32 v = table[i];
        h = (h ^ v) * 16777619u;
        h ^= h >> 13;
        if (h & 1)
            h += v << 3;
        else
            h -= v >> 2;
        table[i] = v + (h >> 7);
    }
    return h;
}

void test_main(void)
{
    u32 seed = 0x12345678;
    u32 h = 2166136261u;
    u64 t0, t1, sum;

    for (unsigned int i = 0; i < TABLE_WORDS; i++) {
        seed = seed * 1103515245u + 12345u;
        table[i] = seed;
    }

    printf("bench: cpu_loop start\n");
    t0 = cntvct();
    for (unsigned int r = 0; r < BENCH_ROUNDS; r++)
        h = hash_round(h);
    t1 = cntvct();

    printf("bench: cpu_loop ticks=%lu freq=%lu\n", t1 - t0, cntfrq());
    info("bench_cpu: rounds=%u checksum=%08x", (unsigned int)BENCH_ROUNDS, h);

    sum = stride_round(h);      /* first touches (zeroing under a hypervisor): not timed */
    t0 = cntvct();
    for (unsigned int r = 0; r < MEM_ROUNDS; r++)
        sum = stride_round(sum);
    t1 = cntvct();
    printf("bench: mem_loop ticks=%lu freq=%lu\n", t1 - t0, cntfrq());
    info("bench_cpu: mem rounds=%u checksum=%lx", (unsigned int)MEM_ROUNDS, sum);
}
