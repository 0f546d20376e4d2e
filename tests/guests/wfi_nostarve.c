/*
 * wfi_nostarve: two vCPUs make progress at the same time.  vCPU 1 spins
 * with interrupts masked, counting; vCPU 0 sleeps in WFI on its virtual
 * timer.  vCPU 0's timer must still fire on time, and vCPU 1's counter
 * must advance while vCPU 0 sleeps.
 */
#include "guest.h"

#define PERIOD_US   10000
#define ROUNDS      20
#define MAX_LATE_US 500000

static volatile u64 counter;            /* vCPU 1 only writes it */
static volatile unsigned int stop;
static volatile unsigned int fired;
static volatile u64 fired_at;

static void spinner(u64 arg)
{
    (void)arg;
    irq_disable();
    while (!stop)
        counter = counter + 1;
}

static void on_irq(unsigned int cpu, unsigned int intid)
{
    (void)cpu;
    if (intid != INTID_VTIMER)
        fail("unexpected INTID %u", intid);
    fired_at = cntvct();
    write_sysreg(0, cntv_ctl_el0);
    isb();
    fired++;
}

void test_main(void)
{
    require_cpus(2);
    irq_set_handler(on_irq);
    gic_dist_init();
    gic_cpu_init();
    write_sysreg(0, cntv_ctl_el0);
    gic_enable_ppi(INTID_VTIMER);

    s64 r = start_cpu(1, spinner, 0);
    if (r)
        fail("CPU_ON(1) = %ld", r);
    u64 end = now_us() + 5000000;
    while (!counter)
        if (now_us() > end)
            fail("vCPU 1 never started counting");

    unsigned int advanced = 0;
    u64 worst_us = 0, first = counter;
    for (unsigned int i = 0; i < ROUNDS; i++) {
        u64 c0 = counter;
        write_sysreg(ticks_from_us(PERIOD_US), cntv_tval_el0);
        write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
        isb();
        u64 deadline = read_sysreg(cntv_cval_el0);
        wfi_until(&fired, i + 1);
        u64 c1 = counter;

        CHECK(fired_at >= deadline, "round %u: timer fired before its deadline", i);
        u64 late = fired_at > deadline ? us_from_ticks(fired_at - deadline) : 0;
        CHECK(late < MAX_LATE_US, "round %u: timer %lu us late", i, late);
        if (late > worst_us)
            worst_us = late;
        if (c1 > c0)
            advanced++;
    }
    WRITE_ONCE(stop, 1);
    info("%u/%u rounds saw vCPU 1 advance (%lu increments); worst timer lateness %lu us",
         advanced, ROUNDS, counter - first, worst_us);
    /* Allow for a host scheduler hiccup in a round or two. */
    CHECK(advanced >= ROUNDS * 8 / 10, "vCPU 1 advanced in only %u of %u rounds", advanced,
          ROUNDS);
    CHECK(wait_cpu_off(1, 5000), "vCPU 1 did not stop");
}
