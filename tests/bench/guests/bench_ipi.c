/*
 * bench_ipi: SGI ping-pong between the two vCPUs of one domain, for
 * scripts/bench_hv.py.  vCPU 0 sends SGI 1 to vCPU 1 and sleeps in WFI;
 * vCPU 1 (asleep in WFI) takes it and sends SGI 2 back.  ROUNDS round trips
 * (after WARMUP), each timed on vCPU 0 from before the send to after its
 * handler ran.  With both vCPUs on one physical CPU every round trip needs
 * two vCPU context switches; on two physical CPUs none.  Prints
 *
 *      bench: sgi_rtt n=.. min=.. median=.. p90=.. p99=.. max=.. freq=..
 */
#include "guest.h"
#include "bench_common.h"

#define ROUNDS  1000
#define WARMUP  20
#define SGI_PING 1
#define SGI_PONG 2

static u64 rtt[ROUNDS];
static volatile unsigned int pongs, pings, stop, ready;

static void on_irq(unsigned int cpu, unsigned int intid)
{
    if (cpu == 1 && intid == SGI_PING) {
        pings = pings + 1;
        gic_send_sgi(SGI_PONG, 0);
    } else if (cpu == 0 && intid == SGI_PONG) {
        pongs = pongs + 1;
    }
}

static void responder(u64 arg)
{
    (void)arg;
    gic_cpu_init();
    gic_enable_ppi(SGI_PING);
    WRITE_ONCE(ready, 1);
    wfi_until(&stop, 1);
}

void test_main(void)
{
    require_cpus(2);
    gic_dist_init();
    gic_cpu_init();
    irq_set_handler(on_irq);
    gic_enable_ppi(SGI_PONG);
    if (start_cpu(1, responder, 0) != PSCI_SUCCESS)
        fail("CPU_ON(1) failed");
    if (!wait_flag(&ready, 1, 10000))
        fail("vCPU 1 never came up");
    for (unsigned int i = 0; i < ROUNDS + WARMUP; i++) {
        u64 t0 = cntvct();
        gic_send_sgi(SGI_PING, 1);
        wfi_until(&pongs, i + 1);
        u64 t1 = cntvct();
        if (i >= WARMUP)
            rtt[i - WARMUP] = t1 - t0;
    }
    WRITE_ONCE(stop, 1);
    gic_send_sgi(SGI_PING, 1);
    report("sgi_rtt", rtt, ROUNDS, NULL);
    wait_cpu_off(1, 2000);
}
