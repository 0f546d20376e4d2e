/*
 * xen_watchdog (PV): SCHEDOP_watchdog as Xen's.  Two timers a domain: id 0
 * takes a free one (ids 1 and 2, then -ENOSPC), a wrong or free id is
 * -EINVAL, a timeout of 0 stops and frees one.  A 2 s watchdog re-armed
 * every 0.3 s for 6 s never fires (a stall of 1.7 s would be needed); a
 * stopped one never fires.  Then it prints its verdict without powering
 * off and lets a 1 s watchdog run out: Domus must
 * shut the domain down (SHUTDOWN_watchdog, destroy by default), so the run
 * ends; if the watchdog did not fire, the run times out and the test fails.
 */
#include "guest.h"

#define SCHEDOP_watchdog 6

struct sched_watchdog { u32 id, timeout; };
static struct sched_watchdog wd __attribute__((aligned(64)));

static s64 watchdog(u32 id, u32 timeout)
{
    wd = (struct sched_watchdog){ id, timeout };
    return HYPERCALL2(HYP_sched_op, SCHEDOP_watchdog, &wd);
}

void test_main(void)
{
    CHECK(watchdog(0, 1) == 1, "the first watchdog");
    CHECK(watchdog(0, 60) == 2, "the second watchdog");
    CHECK(watchdog(0, 60) == -XEN_ENOSPC, "a third");
    CHECK(watchdog(3, 60) == -XEN_EINVAL, "watchdog 3");
    CHECK(watchdog(2, 0) == 0, "stop watchdog 2");
    CHECK(watchdog(2, 60) == -XEN_EINVAL, "re-arm a stopped watchdog");
    CHECK(watchdog(1, 2) == 0, "re-arm watchdog 1");
    for (unsigned int i = 0; i < 20; i++) {     /* 6 s of a 2 s watchdog, re-armed every 0.3 s */
        udelay(300000);
        CHECK(watchdog(1, 2) == 0, "re-arm watchdog 1");
    }
    CHECK(watchdog(1, 0) == 0, "stop watchdog 1");
    udelay(2000000);                            /* stopped: it must not fire */
    if (checks_failed)
        finish();
    printf("domus-test: xen_watchdog: PASS\n");
    CHECK(watchdog(0, 1) == 1, "arm the last watchdog");
    for (;;)
        wfi();                                  /* until the watchdog ends the domain */
}
