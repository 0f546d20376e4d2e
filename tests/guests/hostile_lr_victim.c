/*
 * hostile_lr_victim (domain 1; hostile_lr_plant runs as domain 2, and all
 * their vCPUs share physical CPU 0): the attack "stale list registers".  The
 * planter leaves an SGI pending in the list registers (interrupts masked)
 * and powers its vCPU off, again and again; this domain keeps running with
 * interrupts enabled and must never take an interrupt it was not sent.
 */
#include "guest.h"

static volatile unsigned int taken, last_intid;

static void on_irq(unsigned int cpu, unsigned int intid)
{
    (void)cpu;
    taken++;
    last_intid = intid;
}

void test_main(void)
{
    gic_dist_init();
    gic_cpu_init();
    for (unsigned int sgi = 0; sgi < 16; sgi++)
        gic_enable_ppi(sgi);
    irq_set_handler(on_irq);
    irq_enable();
    /* Run (not sleep): the planter's vCPUs and this one take turns on the CPU. */
    u64 end = now_us() + 6000000;
    while (now_us() < end)
        cpu_relax();
    irq_disable();
    CHECK(!taken, "took %u interrupts it was never sent (the last: INTID %u)", taken, last_intid);
}
