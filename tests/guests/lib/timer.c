/* Generic timer helpers (virtual counter). */
#include "guest.h"

u64 ticks_from_us(u64 us)
{
    return us * cntfrq() / 1000000;
}

u64 us_from_ticks(u64 ticks)
{
    return ticks * 1000000 / cntfrq();
}

u64 now_us(void)
{
    return us_from_ticks(cntvct());
}

void udelay(u64 us)
{
    u64 end = cntvct() + ticks_from_us(us);
    while (cntvct() < end)
        cpu_relax();
}

void usleep(u64 us)
{
    static volatile bool ready[NR_CPUS];
    unsigned int cpu = cpu_id();
    u64 end = cntvct() + ticks_from_us(us);

    if (cpu < NR_CPUS && !ready[cpu]) {
        gic_dist_init();
        gic_cpu_init();
        gic_enable_ppi(INTID_VTIMER);
        ready[cpu] = true;
    }
    write_sysreg(end, cntv_cval_el0);
    write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
    isb();
    /* The masked interrupt is never taken: WFI just returns once it is pending. */
    while (cntvct() < end)
        wfi();
    write_sysreg(0, cntv_ctl_el0);
    isb();
}

bool wait_flag(volatile unsigned int *flag, unsigned int value, unsigned int timeout_ms)
{
    u64 end = cntvct() + ticks_from_us(timeout_ms * 1000ULL);
    while (*flag < value) {
        if (cntvct() >= end)
            return false;
        cpu_relax();
    }
    return true;
}

void wfi_until(volatile unsigned int *flag, unsigned int value)
{
    for (;;) {
        irq_disable();
        if (*flag >= value)
            return;
        wfi();
        irq_enable();   /* the pending IRQ is taken here */
    }
}
