/*
 * hostile_console_flood (PV, hostile; hostile_tick runs as domain 2, and
 * vCPU n of both domains runs on physical CPU n): console output that
 * never ends.  For FLOOD_S seconds both vCPUs keep the PV console ring full
 * and signal its event channel, and write BIG bytes at a time with
 * console_io, as fast as they can.  Domus may drop what it cannot print,
 * but every call must succeed and domain 2's timer must keep ticking on
 * both CPUs (it checks); then this domain stops, and its verdict line must
 * still get out.
 */
#include "guest.h"
#include "hostile_tick.h"

#define FLOOD_S   4
#define BIG       (1UL << 20)           /* the most console_io takes in one call */
#define TEXT      UL(0x40800000)        /* RAM + 8 MiB: BIG bytes of text */
#define HOLE_MAIL 0x42101UL
#define LINE      64

struct xencons {
    char in[1024], out[2048];
    u32 in_cons, in_prod, out_cons, out_prod;
};

static struct xencons *ring;
static u32 port;
static u64 end_us;
static volatile unsigned int bad[2], sends[2], writes[2], finished;
static volatile u64 longest_us[2];

/* A line of text, "flood <cpu> <n> xxxx...\n", LINE bytes. */
static void line(char *p, unsigned int cpu, u64 n)
{
    int k = snprintf(p, LINE, "flood %u %lu ", cpu, n);

    for (; k < LINE - 1; k++)
        p[k] = 'x';
    p[LINE - 1] = '\n';
}

static void note(unsigned int cpu, u64 t0, bool ok)
{
    u64 took = now_us() - t0;

    if (took > longest_us[cpu])
        longest_us[cpu] = took;
    bad[cpu] += !ok;
}

static void flood(unsigned int cpu)
{
    for (u64 n = 0; now_us() < end_us; n++) {
        /* Fill the ring right up (racing the other vCPU: Domus must cope) and kick it. */
        for (u32 i = 0; i < sizeof(ring->out); i += LINE)
            line(&ring->out[i], cpu, n);
        dsb_sy();
        u32 cons = READ_ONCE(ring->out_cons);
        WRITE_ONCE(ring->out_prod, cons + sizeof(ring->out));
        u64 t0 = now_us();
        s64 r = evtchn_send(port);
        note(cpu, t0, r == 0);
        sends[cpu]++;
        t0 = now_us();
        r = HYPERCALL3(HYP_console_io, CONSOLEIO_write, BIG, TEXT);
        note(cpu, t0, r == 0);
        writes[cpu]++;
    }
}

static void vcpu1(u64 arg)
{
    (void)arg;
    flood(1);
    WRITE_ONCE(finished, 1);
}

void test_main(void)
{
    u32 hm;
    u64 pfn = 0, evtchn = 0;
    s64 r;

    require_cpus(2);
    hm = tick_attach(HOLE_MAIL);
    if (xen_hvm_param(HVM_PARAM_CONSOLE_PFN, &pfn) || xen_hvm_param(HVM_PARAM_CONSOLE_EVTCHN,
                                                                     &evtchn) || !pfn || !evtchn)
        fail("no PV console: pfn 0x%lx, port %lu", pfn, evtchn);
    ring = (struct xencons *)(pfn << 12);
    port = (u32)evtchn;
    for (u64 i = 0; i < BIG; i += LINE)
        line((char *)TEXT + i, 9, i / LINE);
    dsb_sy();

    end_us = now_us() + FLOOD_S * 1000000ULL;
    r = start_cpu(1, vcpu1, 0);
    if (r)
        fail("CPU_ON(1) = %ld", r);
    flood(0);
    CHECK(wait_flag(&finished, 1, 60000), "vCPU 1 never finished flooding");
    info("flooded %u s: %u + %u console kicks, %u + %u console_io writes of %lu bytes; "
         "the longest call %lu us", FLOOD_S, sends[0], sends[1], writes[0], writes[1], BIG,
         longest_us[0] > longest_us[1] ? longest_us[0] : longest_us[1]);
    info("domain 2's latest tick so far: %u us late", tick_mail(HOLE_MAIL, TICK_WORST_US));
    CHECK(!bad[0] && !bad[1], "%u + %u calls failed", bad[0], bad[1]);
    tick_mail(HOLE_MAIL, TICK_OVER) = DONE;
    dsb_sy();
    CHECK(gnttab_unmap(HOLE_MAIL << 12, hm) == GNTST_okay, "unmap of the mailbox");
}
