/*
 * sys_reboot_pv: a PV domain that sets up Xen's interface (shared_info, a
 * grant-table frame, an event channel, vcpu_info), gives a page back, and
 * reboots itself with SCHEDOP_shutdown, for tests/system/test_lifecycle.py
 * (not a test by itself).  Once the machine has run RUN_S seconds (the
 * physical counter, which survives its reboots) it powers off instead, so
 * that Domus checks that every page of all its lives is back.
 */
#include "guest.h"

#define RUN_S       12
#define SHARED_GFN  0x40f00UL
#define GNT_GFN     (XEN_GNTTAB_BASE >> 12)
#define VINFO_GFN   0x40f01UL
#define HOLE_GFN    0x40f02UL

static void shutdown(u32 reason)
{
    struct { u32 reason; } s = { reason };
    HYPERCALL2(HYP_sched_op, 2 /* SCHEDOP_shutdown */, &s);
    fail("SCHEDOP_shutdown(%u) returned", reason);
}

void test_main(void)
{
    u64 machine_s = read_sysreg(cntpct_el0) / cntfrq();

    CHECK(xen_map_shared_info(SHARED_GFN) == 0, "shared_info");
    CHECK(gnttab_map_frame(0, GNT_GFN) == 0, "grant frame 0");
    CHECK(evtchn_alloc_unbound(0) > 0, "evtchn_alloc_unbound");
    CHECK(xen_register_vcpu_info(0, VINFO_GFN, 0) == 0, "vcpu_info");
    CHECK(xen_decrease_reservation(HOLE_GFN) == 1, "decrease_reservation");
    printf("reboot_pv: boot at %lu s\n", machine_s);
    if (machine_s < RUN_S)
        shutdown(1 /* SHUTDOWN_reboot */);
    printf("reboot_pv: done\n");
}
