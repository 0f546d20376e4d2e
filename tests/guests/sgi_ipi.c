/*
 * sgi_ipi: inter-processor interrupts through the virtual GICv3.
 * vCPU 0 sends SGI 3 to vCPU 1 (sleeping in WFI) with ICC_SGI1R_EL1;
 * vCPU 1 answers with SGI 5 to vCPU 0.  Each must arrive exactly once.
 */
#include "guest.h"

#define SGI_PING 3
#define SGI_PONG 5

static volatile unsigned int got[NR_CPUS][16];  /* [cpu][sgi] */
static volatile unsigned int other[NR_CPUS];    /* any other INTID */
static volatile unsigned int other_intid;
static volatile unsigned int ready;             /* vCPU 1: GIC set up */
static volatile unsigned int done;              /* vCPU 1: pong sent */
static volatile unsigned int stop;              /* vCPU 0: you may go */

static void on_irq(unsigned int cpu, unsigned int intid)
{
    if (intid < 16) {
        got[cpu][intid]++;
    } else {
        other[cpu]++;
        other_intid = intid;
    }
}

static void vcpu1(u64 arg)
{
    (void)arg;
    gic_cpu_init();
    gic_enable_ppi(SGI_PING);
    WRITE_ONCE(ready, 1);
    wfi_until(&got[1][SGI_PING], 1);
    gic_send_sgi(SGI_PONG, 0);
    WRITE_ONCE(done, 1);
    /* Stay receptive so that a duplicate SGI 3 would be counted. */
    irq_enable();
    while (!READ_ONCE(stop))
        cpu_relax();
    irq_disable();
}

void test_main(void)
{
    require_cpus(2);
    irq_set_handler(on_irq);
    gic_dist_init();
    gic_cpu_init();
    gic_enable_ppi(SGI_PONG);
    irq_enable();

    s64 r = start_cpu(1, vcpu1, 0);
    if (r)
        fail("CPU_ON(1) = %ld", r);
    if (!wait_flag(&ready, 1, 5000))
        fail("vCPU 1 did not come up");
    /* Let it reach WFI (not required for correctness, but that is the point). */
    udelay(20000);

    info("sending SGI %u to vCPU 1", SGI_PING);
    gic_send_sgi(SGI_PING, 1);
    CHECK(wait_flag(&got[1][SGI_PING], 1, 5000), "vCPU 1 never got SGI %u", SGI_PING);
    CHECK(wait_flag(&done, 1, 5000), "vCPU 1 did not send SGI %u", SGI_PONG);
    CHECK(wait_flag(&got[0][SGI_PONG], 1, 5000), "vCPU 0 never got SGI %u", SGI_PONG);

    /* Give duplicates a chance to show up. */
    udelay(100000);
    WRITE_ONCE(stop, 1);
    CHECK(wait_cpu_off(1, 5000), "vCPU 1 did not turn off");
    irq_disable();

    for (unsigned int cpu = 0; cpu < 2; cpu++)
        for (unsigned int sgi = 0; sgi < 16; sgi++) {
            unsigned int want = (cpu == 1 && sgi == SGI_PING) || (cpu == 0 && sgi == SGI_PONG);
            CHECK(got[cpu][sgi] == want, "vCPU %u got SGI %u %u times, want %u", cpu, sgi,
                  got[cpu][sgi], want);
        }
    CHECK(!other[0] && !other[1], "unexpected interrupts (last INTID %u)", other_intid);
}
