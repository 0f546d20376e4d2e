/*
 * hostile_longcall (PV, hostile; hostile_tick runs as domain 2, and vCPU n
 * of both domains runs on physical CPU n): hypercalls that would hold a CPU
 * for seconds.  A populate_physmap of 2^20 extents (a reservation 64 times
 * this domain's, but every gfn is one it has, so each extent is "already
 * there" and cheap), then a multicall of 64 of them.  Domus must continue
 * them every 500 us, so that domain 2's timer keeps ticking on CPU 0 (it
 * checks).  The multicall would run for minutes: after STOP_MS, vCPU 1 (on
 * CPU 1) ends it by overwriting the extent list with a gfn outside RAM, where
 * each call stops.  Every result must be sane and the reservation unchanged.
 */
#include "guest.h"
#include "hostile_tick.h"

#define EXTENTS   (1UL << 20)
#define CALLS     64
#define LIST      UL(0x40800000)        /* RAM + 8 MiB: the 8 MiB extent list */
#define LIST_GFNS (EXTENTS * 8 >> 12)
#define STOP_MS   10000
#define HOLE_MAIL 0x42101UL

static struct multicall_entry mc[CALLS];
static struct xen_memory_reservation res[CALLS];
static volatile unsigned int go, stopping;

static u64 *list(void)
{
    return (u64 *)LIST;
}

/* vCPU 1: ends the multicall by making every extent left a gfn outside RAM. */
static void stopper(u64 arg)
{
    (void)arg;
    wait_flag(&go, 1, 60000);
    udelay(STOP_MS * 1000ULL);
    WRITE_ONCE(stopping, 1);
    for (u64 i = 0; i < EXTENTS; i++)
        list()[i] = 0;
    dsb_sy();
}

void test_main(void)
{
    u32 hm;
    s64 before, r;
    u64 t0, t1, sum = 0;
    unsigned insane = 0, full = 0, unordered = 0;

    require_cpus(2);
    hm = tick_attach(HOLE_MAIL);
    /* Gfns of its own, cycling over the list's own pages. */
    for (u64 i = 0; i < EXTENTS; i++)
        list()[i] = (LIST >> 12) + i % LIST_GFNS;
    dsb_sy();
    before = xen_current_reservation();

    t0 = now_us();
    r = xen_reservation_list(XENMEM_populate_physmap, (u64)list(), EXTENTS);
    t1 = now_us();
    info("populate_physmap of %lu extents: %ld in %lu ms", EXTENTS, r, (t1 - t0) / 1000);
    CHECK(r == (s64)EXTENTS, "populate_physmap of %lu present extents = %ld", EXTENTS, r);
    CHECK(xen_current_reservation() == before, "reservation %ld after it, %ld before",
          xen_current_reservation(), before);

    for (unsigned i = 0; i < CALLS; i++) {
        res[i] = (struct xen_memory_reservation){ .extent_start = (u64)list(),
                                                  .nr_extents = EXTENTS, .domid = DOMID_SELF };
        mc[i] = (struct multicall_entry){ HYP_memory_op, ~0UL,
                                          { XENMEM_populate_physmap, (u64)&res[i] } };
    }
    r = start_cpu(1, stopper, 0);
    if (r)
        fail("CPU_ON(1) = %ld", r);
    WRITE_ONCE(go, 1);
    t0 = now_us();
    r = HYPERCALL2(HYP_multicall, mc, CALLS);
    t1 = now_us();
    CHECK(r == 0, "multicall = %ld", r);
    for (unsigned i = 0; i < CALLS; i++) {
        s64 n = (s64)mc[i].result;
        insane += n < 0 || n > (s64)EXTENTS;
        /* Whole calls, then the one the stop cut short, then calls that found it at once. */
        unordered += i && n && (s64)mc[i - 1].result != (s64)EXTENTS;
        full += n == (s64)EXTENTS;
        sum += n > 0 ? (u64)n : 0;
    }
    info("multicall of %u x %lu extents: %u calls done in full, %lu extents in all, in %lu ms",
         CALLS, EXTENTS, full, sum, (t1 - t0) / 1000);
    CHECK(!insane, "%u results out of 0..%lu (the first: %ld)", insane, EXTENTS,
          (s64)mc[0].result);
    CHECK(!unordered, "%u calls did extents after one that stopped short", unordered);
    CHECK(READ_ONCE(stopping), "the multicall ended before vCPU 1 stopped it");
    CHECK(xen_current_reservation() == before, "reservation %ld after the multicall, %ld before",
          xen_current_reservation(), before);
    info("domain 2's latest tick so far: %u us late", tick_mail(HOLE_MAIL, TICK_WORST_US));
    tick_mail(HOLE_MAIL, TICK_OVER) = DONE;
    dsb_sy();
    CHECK(gnttab_unmap(HOLE_MAIL << 12, hm) == GNTST_okay, "unmap of the mailbox");
}
