/*
 * xen_shared_info: shared_info and vcpu_info of a PV domain, and 2-level
 * event delivery on PPI 31.  Mapping shared_info at a RAM gfn (not outside
 * RAM); vcpu_info registration for vCPU 0 and, after CPU_ON, vCPU 1, each
 * followed by the deliberate upcall; -EBUSY for a second registration,
 * -EINVAL for a bad offset or gfn; an IPI port to self delivers with its
 * pending bit and selector bit set; a masked port raises no upcall;
 * unmasking it while pending does.
 */
#include "guest.h"

#define SI_GFN      0x42000UL       /* RAM base + 32 MiB */
#define VI_GFN      0x42001UL
#define OUTSIDE_GFN 0x10000UL       /* 0x10000000: no RAM there */

static volatile unsigned int got[NR_CPUS];      /* ports handed to the handler */
static volatile u32 last_port[NR_CPUS];
static volatile unsigned int v1_state;

static void on_port(unsigned int cpu, u32 port)
{
    last_port[cpu] = port;
    got[cpu]++;
}

static bool wait_upcall(unsigned int cpu, unsigned int before)
{
    return wait_flag(&xen_upcalls[cpu], before + 1, 2000);
}

static void vcpu1(u64 arg)
{
    (void)arg;
    gic_cpu_init();
    gic_enable_ppi(XEN_EVTCHN_PPI);
    s64 r = xen_register_vcpu_info(1, VI_GFN, 128);
    struct xen_vcpu_info *vi = (struct xen_vcpu_info *)((VI_GFN << 12) + 128);
    if (r) {
        WRITE_ONCE(v1_state, 100 + (unsigned int)-r);
        return;
    }
    bool flag = READ_ONCE(vi->evtchn_upcall_pending) == 1;
    irq_enable();
    bool up = wait_upcall(1, 0);
    irq_disable();
    WRITE_ONCE(v1_state, flag && up ? 1 : 2 + !flag * 10 + !up * 20);
}

void test_main(void)
{
    s64 r;

    require_cpus(2);
    gic_dist_init();
    gic_cpu_init();
    xen_events_init(on_port);
    gic_enable_ppi(XEN_EVTCHN_PPI);

    r = xen_map_shared_info(OUTSIDE_GFN);
    CHECK(r == -XEN_EINVAL, "shared_info at gfn 0x%lx (outside RAM) = %ld, want -22",
          OUTSIDE_GFN, r);
    xen_shared = NULL;
    r = xen_map_shared_info(SI_GFN);
    if (r)
        fail("mapping shared_info at gfn 0x%lx = %ld", SI_GFN, r);

    /* Bad registrations first (for vCPU 1, which is not registered yet). */
    r = xen_register_vcpu_info(1, VI_GFN, 4);
    CHECK(r == -XEN_EINVAL, "vcpu_info offset 4 (unaligned) = %ld, want -22", r);
    r = xen_register_vcpu_info(1, VI_GFN, 4096 - 16);
    CHECK(r == -XEN_EINVAL, "vcpu_info offset 4080 (crosses the page) = %ld, want -22", r);
    r = xen_register_vcpu_info(1, OUTSIDE_GFN, 0);
    CHECK(r == -XEN_EINVAL, "vcpu_info at gfn 0x%lx (outside RAM) = %ld, want -22",
          OUTSIDE_GFN, r);

    /* vCPU 0: the deliberate upcall after registration. */
    r = xen_register_vcpu_info(0, VI_GFN, 64);
    if (r)
        fail("register_vcpu_info(0) = %ld", r);
    struct xen_vcpu_info *vi = xen_vcpu_info(0);
    CHECK(READ_ONCE(vi->evtchn_upcall_pending) == 1,
          "evtchn_upcall_pending = %u after registration, want 1", vi->evtchn_upcall_pending);
    CHECK(gic_ppi_pending(XEN_EVTCHN_PPI), "PPI 31 not pending after registration");
    irq_enable();
    CHECK(wait_upcall(0, 0), "no upcall after register_vcpu_info(0)");
    irq_disable();
    r = xen_register_vcpu_info(0, VI_GFN, 256);
    CHECK(r == -XEN_EBUSY, "second register_vcpu_info(0) = %ld, want -16", r);

    /* vCPU 1, after CPU_ON, registers its own. */
    r = start_cpu(1, vcpu1, 0);
    CHECK(r == 0, "CPU_ON(1) = %ld", r);
    CHECK(wait_flag(&v1_state, 1, 5000) && v1_state == 1,
          "vCPU 1 vcpu_info: state %u (1 ok, >=100 register error, 12 flag not set, 22 no upcall)",
          v1_state);
    CHECK(wait_cpu_off(1, 5000), "vCPU 1 did not turn off");

    /* An IPI port to ourselves. */
    s64 port = evtchn_bind_ipi(0);
    CHECK(port == 2, "bind_ipi = %ld, want port 2 (port 1 is the console)", port);
    if (port <= 0)
        finish();
    u32 p = (u32)port;
    CHECK(evtchn_unmask(p) == 0, "unmask(%u) failed", p);
    unsigned int up = xen_upcalls[0], n = got[0];
    CHECK(evtchn_send(p) == 0, "send(%u) failed", p);
    CHECK(evtchn_pending(p), "port %u not pending after send", p);
    CHECK(READ_ONCE(vi->evtchn_pending_sel) & (1UL << (p / 64)), "selector bit %u not set", p / 64);
    CHECK(READ_ONCE(vi->evtchn_upcall_pending) == 1, "evtchn_upcall_pending not set by send");
    CHECK(gic_ppi_pending(XEN_EVTCHN_PPI), "PPI 31 not pending after send");
    irq_enable();
    CHECK(wait_upcall(0, up), "no upcall for send on port %u", p);
    CHECK(wait_flag(&got[0], n + 1, 1000) && last_port[0] == p,
          "handler saw %u ports (last %u), want port %u", got[0] - n, last_port[0], p);

    /* Masked: pending, but no upcall. */
    evtchn_mask(p);
    up = xen_upcalls[0];
    n = got[0];
    CHECK(evtchn_send(p) == 0, "send(%u) masked failed", p);
    udelay(50000);
    CHECK(evtchn_pending(p), "masked port %u not pending after send", p);
    CHECK(xen_upcalls[0] == up && got[0] == n, "upcall for a masked port");
    CHECK(!READ_ONCE(vi->evtchn_upcall_pending), "evtchn_upcall_pending set for a masked port");

    /* Unmask while pending: the upcall comes now. */
    CHECK(evtchn_unmask(p) == 0, "unmask(%u) failed", p);
    CHECK(wait_upcall(0, up), "no upcall after unmasking pending port %u", p);
    CHECK(wait_flag(&got[0], n + 1, 1000) && last_port[0] == p, "port %u not delivered on unmask", p);
    irq_disable();

    struct evtchn_status st;
    CHECK(evtchn_status(p, &st) == 0 && st.status == EVTCHNSTAT_ipi,
          "status(%u) = %u, want ipi (5)", p, st.status);
    CHECK(evtchn_close(p) == 0, "close(%u) failed", p);
    CHECK(evtchn_status(p, &st) == 0 && st.status == EVTCHNSTAT_closed,
          "status(%u) after close = %u, want closed", p, st.status);
    CHECK(!xen_other_irqs, "%u unexpected interrupts", xen_other_irqs);
}
