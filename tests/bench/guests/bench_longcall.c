/*
 * bench_longcall (PV): the longest hypercalls a guest can make, for
 * scripts/bench_hv.py: for SECONDS, gives back 4096 pages of its RAM in one
 * decrease_reservation and takes them again in one populate_physmap, and
 * runs multicalls of 32 such calls.  Domus continues them every 500 us; the
 * benchmark reads how long one part held the CPU (Domus's power-off line)
 * and the timer latency of bench_vtlat beside it.  Prints
 *
 *      bench: longcall calls=.. pages=..
 */
#include "guest.h"

#define SECONDS  4
#define EXTENTS  4096
#define FIRST    0x40800UL      /* RAM + 8 MiB: clear of the image and its stack */

static u64 gfns[EXTENTS];

static struct multicall_entry mc[32];

static s64 reservation(u64 op, u64 n)
{
    struct xen_memory_reservation r = { .extent_start = (u64)gfns, .nr_extents = n,
                                        .domid = DOMID_SELF };
    return HYPERCALL2(HYP_memory_op, op, &r);
}

void test_main(void)
{
    static struct xen_memory_reservation small = { .nr_extents = EXTENTS / 32,
                                                   .domid = DOMID_SELF };
    u64 end = now_us() + SECONDS * 1000000ULL, calls = 0, pages = 0;

    for (u64 i = 0; i < EXTENTS; i++)
        gfns[i] = FIRST + i;
    small.extent_start = (u64)gfns;
    while (now_us() < end) {
        s64 d = reservation(XENMEM_decrease_reservation, EXTENTS);
        s64 p = reservation(XENMEM_populate_physmap, EXTENTS);
        CHECK(d == EXTENTS && p == EXTENTS, "decrease %ld, populate %ld of %u", d, p, EXTENTS);
        for (unsigned i = 0; i < 32; i++)
            mc[i] = (struct multicall_entry){ HYP_memory_op, 0,
                { i % 2 ? XENMEM_populate_physmap : XENMEM_decrease_reservation, (u64)&small } };
        CHECK(HYPERCALL2(HYP_multicall, mc, 32) == 0, "multicall");
        calls += 3;
        pages += 2 * EXTENTS + 32 * EXTENTS / 32;
    }
    printf("bench: longcall calls=%lu pages=%lu\n", calls, pages);
}
