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
