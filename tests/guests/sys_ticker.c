/*
 * sys_ticker: a heartbeat domain for tests/system/test_sched.py and
 * test_lifecycle.py (not a test by itself).  It sleeps in WFI on its
 * virtual timer, TICKS times TICK_US apart, printing a line every 5 ticks,
 * then PASSes (and powers off).
 */
#include "guest.h"

#define TICKS       20
#define TICK_US     100000

static volatile unsigned int ticks;

static void on_irq(unsigned int cpu, unsigned int intid)
{
    (void)cpu;
    if (intid == INTID_VTIMER) {
        write_sysreg(0, cntv_ctl_el0);
        isb();
        ticks = ticks + 1;
    }
}

void test_main(void)
{
    irq_set_handler(on_irq);
    gic_dist_init();
    gic_cpu_init();
    write_sysreg(0, cntv_ctl_el0);
    gic_enable_ppi(INTID_VTIMER);

    u64 start = now_us();
    printf("ticker: start\n");
    for (unsigned int t = 1; t <= TICKS; t++) {
        write_sysreg(ticks_from_us(TICK_US), cntv_tval_el0);
        write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
        isb();
        wfi_until(&ticks, t);
        if (t % 5 == 0)
            printf("ticker: tick %u, up %lu ms\n", t, (now_us() - start) / 1000);
    }
    CHECK(now_us() - start >= (u64)TICKS * TICK_US, "%u ticks took only %lu us", TICKS,
          now_us() - start);
    finish();
}
