/*
 * timer_level: the EL1 timers' interrupts are levels, as kvm-unit-tests'
 * timer test expects.  With interrupts masked at the CPU (so the guest never
 * takes them), for the virtual and the physical timer: a timer that fires
 * makes its PPI pending; disabling the timer, or moving its deadline into
 * the future, makes it not pending again; a disabled timer whose deadline
 * has passed raises nothing; and a timer whose deadline was moved fires
 * again when the new one passes.
 */
#include "guest.h"


struct timer {
    const char *name;
    unsigned int ppi;
    void (*set)(u64 ctl, u64 cval);
    u64 (*now)(void);
};

static void vset(u64 ctl, u64 cval)
{
    write_sysreg(cval, cntv_cval_el0);
    write_sysreg(ctl, cntv_ctl_el0);
    isb();
}

static void pset(u64 ctl, u64 cval)
{
    write_sysreg(cval, cntp_cval_el0);
    write_sysreg(ctl, cntp_ctl_el0);
    isb();
}

static u64 vnow(void) { isb(); return read_sysreg(cntvct_el0); }
static u64 pnow(void) { isb(); return read_sysreg(cntpct_el0); }

/* Whether the PPI becomes (or stays) pending within timeout_ms. */
static bool pending_within(unsigned int ppi, unsigned int timeout_ms)
{
    u64 end = now_us() + timeout_ms * 1000ULL;
    do {
        if (gic_ppi_pending(ppi))
            return true;
        udelay(200);
    } while (now_us() < end);
    return false;
}

static void check(const struct timer *t)
{
    u64 far = ticks_from_us(10 * 1000000ULL);

    t->set(CNT_CTL_ENABLE, t->now() - 1);
    CHECK(pending_within(t->ppi, 2000), "%s: the fired timer's PPI is not pending", t->name);
    t->set(0, t->now() - 1);
    CHECK(!gic_ppi_pending(t->ppi), "%s: still pending after the timer was disabled", t->name);
    udelay(20000);
    CHECK(!pending_within(t->ppi, 50), "%s: a disabled timer raised its PPI", t->name);

    t->set(CNT_CTL_ENABLE, t->now() - 1);
    CHECK(pending_within(t->ppi, 2000), "%s: the timer did not fire again", t->name);
    t->set(CNT_CTL_ENABLE, t->now() + far);      /* the deadline moves into the future */
    CHECK(!gic_ppi_pending(t->ppi), "%s: still pending after the deadline moved", t->name);
    t->set(CNT_CTL_ENABLE, t->now() + ticks_from_us(5000));
    CHECK(pending_within(t->ppi, 2000), "%s: the moved deadline never fired", t->name);
    t->set(0, 0);
    CHECK(!gic_ppi_pending(t->ppi), "%s: pending after the final disable", t->name);
}

void test_main(void)
{
    static const struct timer timers[] = {
        { "virtual timer", INTID_VTIMER, vset, vnow },
        { "physical timer", INTID_PTIMER, pset, pnow },
    };

    irq_disable();
    gic_dist_init();
    gic_cpu_init();
    gic_enable_ppi(INTID_VTIMER);
    gic_enable_ppi(INTID_PTIMER);
    for (unsigned int i = 0; i < 2; i++)
        check(&timers[i]);
}
