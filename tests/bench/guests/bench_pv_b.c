/*
 * bench_pv_b (domain 2; bench_pv_a is domain 1): the passive side of the PV
 * benchmarks.  Grants domain 1 a page (ref 8), allocates an unbound event
 * channel for it, and echoes every event back from its upcall handler,
 * sleeping in WFI in between.  Never ends (the benchmark kills QEMU).
 */
#include "guest.h"
#include "bench_pv_common.h"

static u32 my_port;
static volatile unsigned int echoed, never;

static void on_port(unsigned int cpu, u32 port)
{
    (void)cpu;
    if (port == my_port) {
        evtchn_send(my_port);
        echoed = echoed + 1;
    }
}

void test_main(void)
{
    s64 r = gnttab_map_frame(0, XEN_GNTTAB_BASE >> 12);
    if (r)
        fail("add_to_physmap(grant table frame 0) = %ld", r);
    for (u32 i = 0; i < 1024; i++)
        *(volatile u32 *)((DATA_GFN << 12) + i * 4) = i;
    dsb_sy();
    gnttab_grant(REF_DATA, A_DOM, DATA_GFN, false);

    gic_dist_init();
    gic_cpu_init();
    xen_events_init(on_port);
    gic_enable_ppi(XEN_EVTCHN_PPI);
    if (xen_map_shared_info(SI_GFN))
        fail("cannot map shared_info");
    s64 port = evtchn_alloc_unbound(A_DOM);
    if (port > 0) {
        my_port = (u32)port;
        evtchn_unmask(my_port);
    }
    /* On failure keep going: the grant benchmark does not need the channel. */
    printf("bench: pv_b_ready port=%ld\n", port);
    wfi_until(&never, 1);
}
