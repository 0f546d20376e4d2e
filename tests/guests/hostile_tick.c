/*
 * hostile_tick (domain 2; peer of hostile_longcall and hostile_console_flood,
 * its vCPU n on physical CPU n, beside domain 1's vCPU n): a latency victim.
 * On each vCPU the virtual timer ticks every millisecond, and it records
 * how late each interrupt comes, until domain 1 says in the mailbox (ref 11,
 * hostile_tick.h) that its attack is over and unmaps it; a heartbeat line
 * each second.  Whatever domain 1 does in a hypercall, Domus must take the
 * CPU back within a millisecond or so.  Under QEMU on a 2-core host a tick
 * comes up to ~100 ms late anyway (~170 ms while the other CPU floods the
 * emulated UART, ~700 ms seen while another QEMU hogged the host), but one
 * MAX_LATE_MS late means Domus held the CPU: the code before continuations
 * held it for as long as the attack went on (5-10 s).
 */
#include "guest.h"
#include "hostile_tick.h"

#define PERIOD_US    1000
#define MAX_LATE_MS  1000
#define MIN_TICKS    100        /* on each vCPU: it really ticked through the attack */
#define TIMEOUT_S    90

static volatile u64 deadline[2], worst[2], worst_at[2], ticks[2], spurious[2];
static volatile unsigned int over, finished;
static u64 start;

static void on_irq(unsigned int cpu, unsigned int intid)
{
    u64 now = cntvct(), late = now - deadline[cpu];

    if (intid != INTID_VTIMER)
        fail("unexpected INTID %u on vCPU %u", intid, cpu);
    /* Delivered, yet the timer condition does not hold (not yet due): nothing to measure. */
    if (!(read_sysreg(cntv_ctl_el0) & CNT_CTL_ISTATUS)) {
        spurious[cpu]++;
        return;
    }
    if (late > worst[cpu]) {
        worst[cpu] = late;
        worst_at[cpu] = now;
    }
    ticks[cpu]++;
    deadline[cpu] = now + ticks_from_us(PERIOD_US);
    write_sysreg(deadline[cpu], cntv_cval_el0);
    write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);     /* (the code before masked it on firing) */
    isb();
}

/* Ticks on this vCPU until `over`; vCPU 0 also watches the mailbox and beats. */
static void tick(unsigned int cpu)
{
    u64 beat = start;

    gic_cpu_init();
    gic_enable_ppi(INTID_VTIMER);
    deadline[cpu] = cntvct() + ticks_from_us(PERIOD_US);
    write_sysreg(deadline[cpu], cntv_cval_el0);
    write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
    isb();
    irq_enable();
    while (!READ_ONCE(over)) {
        wfi();
        if (cpu)
            continue;
        u64 now = cntvct(), late = worst[0] > worst[1] ? worst[0] : worst[1];
        tick_mail(TICK_MAIL_GFN, TICK_WORST_US) = (u32)us_from_ticks(late);
        if (now - beat >= cntfrq()) {
            beat = now;
            info("heartbeat %lu s: %lu + %lu ticks, the latest %lu us late",
                 us_from_ticks(now - start) / 1000000, ticks[0], ticks[1], us_from_ticks(late));
        }
        if (tick_mail(TICK_MAIL_GFN, TICK_OVER) == DONE || now - start > TIMEOUT_S * cntfrq())
            WRITE_ONCE(over, 1);
    }
    irq_disable();
    write_sysreg(0, cntv_ctl_el0);
    isb();
}

static void vcpu1(u64 arg)
{
    (void)arg;
    tick(1);
    WRITE_ONCE(finished, 1);
}

void test_main(void)
{
    s64 r = gnttab_map_frame(0, XEN_GNTTAB_BASE >> 12);

    require_cpus(2);
    if (r)
        fail("add_to_physmap(grant table frame 0) = %ld", r);
    for (u32 i = 0; i < 1024; i++)
        tick_mail(TICK_MAIL_GFN, i * 4) = 0;
    dsb_sy();
    gnttab_grant(TICK_REF_MAIL, 1, TICK_MAIL_GFN, false);
    gic_dist_init();
    irq_set_handler(on_irq);
    start = cntvct();
    r = start_cpu(1, vcpu1, 0);
    if (r)
        fail("CPU_ON(1) = %ld", r);
    tick_mail(TICK_MAIL_GFN, TICK_READY) = DONE;
    dsb_sy();
    tick(0);
    CHECK(wait_flag(&finished, 1, 10000), "vCPU 1 never stopped ticking");
    CHECK(tick_mail(TICK_MAIL_GFN, TICK_OVER) == DONE, "domain 1 never ended its attack");
    /* Until domain 1 unmaps the mailbox: ending now would pull it from under its feet. */
    volatile u16 *flags = &gnttab_entry(TICK_REF_MAIL)->flags;
    CHECK(WAIT_UNTIL(!(*flags & (GTF_reading | GTF_writing)), (void)0, 10000, 1000),
          "domain 1 never unmapped the mailbox");
    for (unsigned int cpu = 0; cpu < 2; cpu++) {
        info("vCPU %u: %lu ticks in %lu ms, the latest %lu us late (%lu ms after the start); "
             "%lu interrupts before the deadline", cpu, ticks[cpu],
             us_from_ticks(cntvct() - start) / 1000, us_from_ticks(worst[cpu]),
             us_from_ticks(worst_at[cpu] - start) / 1000, spurious[cpu]);
        CHECK(ticks[cpu] >= MIN_TICKS, "only %lu ticks on vCPU %u", ticks[cpu], cpu);
        CHECK(us_from_ticks(worst[cpu]) < MAX_LATE_MS * 1000ULL,
              "a tick on vCPU %u came %lu ms late: its CPU was held (bound %u ms)", cpu,
              us_from_ticks(worst[cpu]) / 1000, MAX_LATE_MS);
    }
}
