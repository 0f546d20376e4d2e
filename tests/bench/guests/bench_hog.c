/*
 * bench_hog: a CPU hog for scripts/bench_hv.py (not a test).
 *
 * Spins with interrupts masked, counting loop iterations, and about once a
 * second (by CNTVCT, which is wall-clock time) prints
 *
 *      bench: hog sec=<interval> count=<iterations> ticks=<CNTVCT ticks>
 *
 * forever; the benchmark kills QEMU once it has enough intervals.  The
 * iterations per tick, compared between domains, give each one's CPU share.
 */
#include "guest.h"

#define BATCH   1000

void test_main(void)
{
    u64 second = cntfrq();

    printf("bench: hog_start freq=%lu\n", second);
    u64 t0 = cntvct();
    for (unsigned long sec = 0;; sec++) {
        u64 count = 0, t;
        do {
            for (unsigned int i = 0; i < BATCH; i++)
                asm volatile("" : "+r"(count));     /* kept in a register */
            count += BATCH;
            t = cntvct();
        } while (t - t0 < second);
        printf("bench: hog sec=%lu count=%lu ticks=%lu\n", sec, count, t - t0);
        t0 = t;
    }
}
