/*
 * demo: the small micro-guest that `make run` boots beside the two Linux
 * domains.  It greets, then prints a heartbeat line with its uptime every
 * few seconds, forever.  Between lines it sleeps in WFI on its virtual
 * timer, so it uses no CPU.  Not a test: it never prints a verdict, and
 * tests/guests/test_guests.py leaves it out (see NOT_TESTS there).
 */
#include "guest.h"

#define HEARTBEAT_US    5000000

static volatile unsigned int ticks;

static void on_irq(unsigned int cpu, unsigned int intid)
{
    (void)cpu;
    if (intid == INTID_VTIMER) {
        write_sysreg(0, cntv_ctl_el0);          /* one shot; re-armed below */
        isb();
        ticks = ticks + 1;
    }
}

void test_main(void)
{
    struct mem_bank banks[4];
    unsigned int n = fdt_memory(banks, ARRAY_SIZE(banks));
    u64 ram = 0;

    for (unsigned int i = 0; i < n; i++)
        ram += banks[i].size;
    printf("demo: hello from the Domus demo micro-guest (%u vCPU%s, %lu MiB)\n",
           nr_cpus(), nr_cpus() == 1 ? "" : "s", ram >> 20);
    printf("demo: a heartbeat every %u s; idle in WFI in between\n", HEARTBEAT_US / 1000000);

    irq_set_handler(on_irq);
    gic_dist_init();
    gic_cpu_init();
    write_sysreg(0, cntv_ctl_el0);
    gic_enable_ppi(INTID_VTIMER);

    u64 start = now_us();
    for (unsigned int beat = 1;; beat++) {
        write_sysreg(ticks_from_us(HEARTBEAT_US), cntv_tval_el0);
        write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
        isb();
        wfi_until(&ticks, beat);
        u64 up = now_us() - start;
        printf("demo: heartbeat %u, up %lu.%lu s\n", beat, up / 1000000, up / 100000 % 10);
    }
}
