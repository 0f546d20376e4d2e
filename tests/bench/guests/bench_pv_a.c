/*
 * bench_pv_a (domain 1; bench_pv_b runs as domain 2): PV-interface costs,
 * for scripts/bench_hv.py.  All figures in CNTVCT ticks.
 *
 *   xen_version   HYPERVISOR_xen_version(XENVER_version), once domain 2
 *                 has had SETTLE_US to start: BATCHES batches of BATCH
 *                 calls, each batch timed; per-batch ticks reported
 *                 (divide by BATCH)
 *   psci_version  PSCI_VERSION over HVC #0, the same way (trap reference)
 *   evtchn_rtt    send on an interdomain channel to domain 2, which echoes
 *                 from its upcall handler; domain 1 sleeps in WFI until the
 *                 echo's upcall ran; each round trip timed
 *   grant_map_unmap  GNTTABOP_map_grant_ref of domain 2's ref 8 into a hole
 *                 of this domain's RAM, then GNTTABOP_unmap_grant_ref; each
 *                 pair timed
 */
#include "guest.h"
#include "bench_common.h"
#include "bench_pv_common.h"

#define BATCH   50
#define BATCHES 1000
#define SETTLE_US 300000

static u64 samples[BATCHES > EV_ROUNDS ? BATCHES : EV_ROUNDS];
static u32 my_port;
static volatile unsigned int received;

static void on_port(unsigned int cpu, u32 port)
{
    (void)cpu;
    if (port == my_port)
        received = received + 1;
}

static u64 psci_samples[BATCHES];

static void bench_calls(void)
{
    char extra[32];

    /*
     * Domain 2 starts on the other CPU at the same time: under QEMU its
     * console and hypercalls take the emulator's global lock, as every trap
     * here does, so the calls are timed once it has settled in WFI.  For the
     * same reason both results are printed only after both loops.
     */
    udelay(SETTLE_US);
    for (unsigned int b = 0; b < BATCHES + 2; b++) {
        u64 t0 = cntvct();
        for (unsigned int i = 0; i < BATCH; i++)
            HYPERCALL2(HYP_xen_version, XENVER_version, 0);
        u64 t1 = cntvct();
        if (b >= 2)
            samples[b - 2] = t1 - t0;
    }
    for (unsigned int b = 0; b < BATCHES + 2; b++) {
        u64 t0 = cntvct();
        for (unsigned int i = 0; i < BATCH; i++)
            smccc_call(CONDUIT_HVC, PSCI_VERSION, 0, 0, 0);
        u64 t1 = cntvct();
        if (b >= 2)
            psci_samples[b - 2] = t1 - t0;
    }
    snprintf(extra, sizeof(extra), "batch=%u", BATCH);
    report("xen_version", samples, BATCHES, extra);
    report("psci_version", psci_samples, BATCHES, extra);
}

static void bench_evtchn(void)
{
    s64 port = -1;
    u32 remote = 0;

    gic_dist_init();
    gic_cpu_init();
    xen_events_init(on_port);
    gic_enable_ppi(XEN_EVTCHN_PPI);
    if (xen_map_shared_info(SI_GFN))
        fail("cannot map shared_info");
    /* Domain 2's port number depends on the hypervisor (Domus: port 1 is the console). */
    u64 end = now_us() + 10000000;
    while (port <= 0 && now_us() < end) {
        for (remote = 1; remote <= 8 && port <= 0; remote++)
            port = evtchn_bind_interdomain(B_DOM, remote);
        if (port <= 0)
            udelay(10000);
    }
    if (port <= 0) {
        printf("bench: evtchn_rtt error=bind_interdomain(2,1..8)=%ld\n", port);
        return;
    }
    my_port = (u32)port;
    evtchn_clear(my_port);
    evtchn_unmask(my_port);
    irq_enable();
    udelay(1000);
    irq_disable();
    received = 0;
    for (unsigned int i = 0; i < EV_ROUNDS + WARMUP; i++) {
        u64 t0 = cntvct();
        evtchn_send(my_port);
        wfi_until(&received, i + 1);
        u64 t1 = cntvct();
        if (i >= WARMUP)
            samples[i - WARMUP] = t1 - t0;
    }
    char extra[48];
    snprintf(extra, sizeof(extra), "local_port=%u remote_port=%u", my_port, remote - 1);
    report("evtchn_rtt", samples, EV_ROUNDS, extra);
}

static void bench_grant(void)
{
    u32 h = 0;
    s16 st = -1;

    if (xen_decrease_reservation(HOLE_GFN) != 1)
        fail("decrease_reservation(0x%lx) failed", HOLE_GFN);
    if (!RETRY_UNTIL(st == GNTST_okay, st = gnttab_map(B_DOM, REF_DATA, HOLE_GFN << 12,
                                                       GNTMAP_host_map, &h), 30000, 10000))
        fail("map_grant_ref(dom 2, ref 8) = %d after 30 s", st);
    u32 w = *(volatile u32 *)((HOLE_GFN << 12) + 4 * 5);
    if (w != 5)
        fail("mapped page reads 0x%x at word 5, want 5", w);
    if ((st = gnttab_unmap(HOLE_GFN << 12, h)) != GNTST_okay)
        fail("unmap = %d", st);
    for (unsigned int i = 0; i < GNT_ROUNDS + WARMUP; i++) {
        u64 t0 = cntvct();
        s16 s1 = gnttab_map(B_DOM, REF_DATA, HOLE_GFN << 12, GNTMAP_host_map, &h);
        s16 s2 = gnttab_unmap(HOLE_GFN << 12, h);
        u64 t1 = cntvct();
        if (s1 != GNTST_okay || s2 != GNTST_okay)
            fail("round %u: map %d unmap %d", i, s1, s2);
        if (i >= WARMUP)
            samples[i - WARMUP] = t1 - t0;
    }
    report("grant_map_unmap", samples, GNT_ROUNDS, NULL);
}

void test_main(void)
{
    bench_calls();
    bench_evtchn();
    bench_grant();
    printf("bench: pv_done\n");
}
