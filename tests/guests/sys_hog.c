/*
 * sys_hog: a CPU hog for tests/system/test_sched.py (not a test by itself).
 *
 * It spins with interrupts masked, counting loop iterations, and about once
 * a second (by CNTVCT) prints
 *
 *      hog: count=<iterations in the interval> ticks=<CNTVCT ticks of the interval>
 *
 * forever.  The iterations per tick, compared between domains sharing a
 * physical CPU, give each one's share of the CPU.
 */
#include "guest.h"

#define BATCH   1000

void test_main(void)
{
    u64 second = cntfrq();

    printf("hog: start freq=%lu\n", second);
    u64 t0 = cntvct();
    for (;;) {
        u64 count = 0, t;
        do {
            for (unsigned int i = 0; i < BATCH; i++)
                asm volatile("" : "+r"(count));     /* kept in a register */
            count += BATCH;
            t = cntvct();
        } while (t - t0 < second);
        printf("hog: count=%lu ticks=%lu\n", count, t - t0);
        t0 = t;
    }
}
