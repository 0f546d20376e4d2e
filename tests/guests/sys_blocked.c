/*
 * sys_blocked: a domain that blocks forever for tests/system/test_sched.py
 * (not a test by itself).  It prints one line, then sleeps in WFI with
 * interrupts masked and none enabled, so nothing ever wakes it.  It should
 * take no CPU time from the other domains.
 */
#include "guest.h"

void test_main(void)
{
    printf("blocked: sleeping in WFI forever\n");
    irq_disable();
    for (;;)
        wfi();
}
