/*
 * bench_vtlat: virtual-timer interrupt latency, for scripts/bench_hv.py.
 *
 * SAMPLES times: program CNTV_CVAL_EL0 = now + a pseudo-random 200-1200 us,
 * enable the timer, sleep in WFI; the IRQ handler reads CNTVCT first thing
 * (after the library's vector entry and ICC_IAR1 acknowledge) and records
 * CNTVCT - CVAL.  The first WARMUP samples are dropped.  Prints
 *
 *      bench: vtimer_lat n=.. min=.. median=.. p90=.. p99=.. max=.. freq=.. over1ms=..
 *
 * (ticks of the virtual counter), the 5 largest samples, then PASS and
 * SYSTEM_OFF.
 */
#include "guest.h"
#include "bench_common.h"

#define SAMPLES 1000
#define WARMUP  20

static u64 lat[SAMPLES];
static volatile unsigned int fired;
static volatile u64 deadline, at_irq;

static void on_irq(unsigned int cpu, unsigned int intid)
{
    u64 now = cntvct();
    (void)cpu;
    if (intid != INTID_VTIMER)
        return;
    write_sysreg(CNT_CTL_IMASK, cntv_ctl_el0);      /* disabled + masked */
    isb();
    at_irq = now;
    fired = fired + 1;
}

void test_main(void)
{
    u32 seed = 0x2545f491;
    u64 t_start;

    gic_dist_init();
    gic_cpu_init();
    irq_set_handler(on_irq);
    gic_enable_ppi(INTID_VTIMER);
    printf("bench: vtimer_lat_start freq=%lu\n", cntfrq());
    t_start = cntvct();
    for (unsigned int i = 0; i < SAMPLES + WARMUP; i++) {
        seed = seed * 1103515245u + 12345u;
        u64 us = 200 + (seed >> 8) % 1000;
        u64 d = cntvct() + ticks_from_us(us);
        deadline = d;
        write_sysreg(d, cntv_cval_el0);
        write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
        isb();
        wfi_until(&fired, i + 1);
        if (i >= WARMUP)
            lat[i - WARMUP] = at_irq - d;
    }
    u64 t_total = cntvct() - t_start;
    unsigned int over = 0;
    for (unsigned int i = 0; i < SAMPLES; i++)
        over += lat[i] > ticks_from_us(1000);
    char extra[64];
    snprintf(extra, sizeof(extra), "over1ms=%u", over);
    report("vtimer_lat", lat, SAMPLES, extra);
    printf("bench: vtimer_lat_top5 t1=%lu t2=%lu t3=%lu t4=%lu t5=%lu total_ticks=%lu\n",
           lat[SAMPLES - 1], lat[SAMPLES - 2], lat[SAMPLES - 3], lat[SAMPLES - 4],
           lat[SAMPLES - 5], t_total);
}
