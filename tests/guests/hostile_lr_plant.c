/*
 * hostile_lr_plant (domain 2; peer of hostile_lr_victim, on the same
 * physical CPU): 50 times, vCPU 1 masks its interrupts, sends itself SGI 5
 * (which Domus puts in a list register), spins so that it enters the guest
 * with it pending, and powers itself off, leaving the CPU to the victim.
 */
#include "guest.h"

#define SGI_PLANT 5
#define PLANTS    50

static void plant(u64 arg)
{
    (void)arg;
    gic_cpu_init();
    gic_enable_ppi(SGI_PLANT);
    irq_disable();
    gic_send_sgi(SGI_PLANT, cpu_id());
    udelay(2000);
    /* Returning powers the vCPU off (CPU_OFF) with SGI 5 still pending. */
}

void test_main(void)
{
    require_cpus(2);
    gic_dist_init();
    gic_cpu_init();
    for (unsigned int i = 0; i < PLANTS; i++) {
        s64 r = start_cpu(1, plant, 0);
        CHECK(r == 0, "CPU_ON(1) = %ld (round %u)", r, i);
        CHECK(wait_cpu_off(1, 5000), "vCPU 1 did not power off (round %u)", i);
        udelay(20000);          /* the victim runs meanwhile */
    }
}
