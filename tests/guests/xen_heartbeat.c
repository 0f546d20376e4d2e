/*
 * xen_heartbeat (peer of xen_fuzz, domain 2): for 10 s, every 10 ms, checks
 * that xen_version still answers 0x40011 and that time goes on; prints a
 * heartbeat each second.  PASS if it never missed.
 */
#include "guest.h"

void test_main(void)
{
    u64 start = now_us(), last = start, beats = 0;
    unsigned int bad = 0;

    while (now_us() - start < 10000000) {
        s64 v = HYPERCALL2(HYP_xen_version, XENVER_version, 0);
        bad += v != 0x40011;
        udelay(10000);
        u64 t = now_us();
        CHECK(t > last, "time went backwards");
        last = t;
        if ((t - start) / 1000000 > beats)
            info("heartbeat %lu", ++beats);
    }
    CHECK(!bad, "%u xen_version calls failed", bad);
}
