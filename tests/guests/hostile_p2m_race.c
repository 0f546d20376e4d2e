/*
 * hostile_p2m_race (PV, hostile, 2 vCPUs on 2 CPUs): both vCPUs hammer the
 * pages of one 2 MiB block at once, so that the block is split and its
 * entries change under each other: each gives back (decrease_reservation,
 * then remove_from_physmap) and takes again its own pages (vCPU 0 the even
 * ones, vCPU 1 the odd ones), both race for the same shared pages, and
 * vCPU 1 has Domus write a hypercall result into the page vCPU 0 is giving
 * back.  Every call must answer as if it ran alone (a page
 * is given back by one of them only), the reservation must add up at the
 * end, every page must hold what its owner last wrote, and Domus must not
 * lose or double-free a page (its own check at power-off: no LEAK).
 */
#include "guest.h"

#define BLOCK     0x42200UL     /* a 2 MiB-aligned block of guest frames */
#define PAGES     512
#define ROUNDS    30
#define SHARED    8             /* the first pages: both vCPUs race for them */

static volatile unsigned int go, finished;
static volatile s64 given[2], taken[2];
static volatile unsigned int bad_answers[2], bad_pages[2], faulted_results;

static volatile u32 *page(u64 gfn)
{
    return (volatile u32 *)(gfn << 12);
}

static s64 remove_from_physmap(u64 gfn)
{
    struct { u16 domid; u16 pad[3]; u64 gpfn; } r = { DOMID_SELF, { 0 }, gfn };
    return HYPERCALL2(HYP_memory_op, XENMEM_remove_from_physmap, &r);
}

/*
 * remove_from_physmap holds what it takes out until a TLB flush (64 pages,
 * or the domain's next other call): both vCPUs take out all their pages in a
 * row and the shared ones at once, while the other's calls let go of what
 * is held, then take them again.
 */
static void remove_all(unsigned int cpu)
{
    for (u64 i = SHARED + cpu; i < PAGES; i += 2) {
        s64 r = remove_from_physmap(BLOCK + i);
        bad_answers[cpu] += r != 0;
        given[cpu] += r == 0;
    }
    for (u64 i = 0; i < SHARED; i++) {
        s64 r = remove_from_physmap(BLOCK + i);
        bad_answers[cpu] += r != 0 && r != -XEN_ENOENT;
        given[cpu] += r == 0;
    }
    for (u64 i = 0; i < SHARED; i++)
        bad_answers[cpu] += xen_populate_physmap(BLOCK + i) != 1;
    for (u64 i = SHARED + cpu; i < PAGES; i += 2) {
        s64 p = xen_populate_physmap(BLOCK + i);
        bad_answers[cpu] += p != 1;
        taken[cpu] += p == 1;
        for (u32 w = 0; w < 1024; w += 64)
            page(BLOCK + i)[w] = (u32)(cpu << 24 | (ROUNDS - 1) << 12 | i);
    }
}

/* One vCPU's share of the work: pages of its parity, plus the shared ones. */
static void hammer(unsigned int cpu)
{
    for (unsigned int round = 0; round < ROUNDS; round++) {
        for (u64 i = SHARED + cpu; i < PAGES; i += 2) {
            s64 d = xen_decrease_reservation(BLOCK + i), p;
            bad_answers[cpu] += d != 1;
            given[cpu] += d == 1;
            if (cpu == 1 && i + 1 < PAGES) {
                /* A result written where vCPU 0 may be giving its page back. */
                s64 r = HYPERCALL2(HYP_xen_version, XENVER_extraversion,
                                   ((BLOCK + i + 1) << 12) + 128);
                faulted_results += r == -XEN_EFAULT;
                bad_answers[cpu] += r != 0 && r != -XEN_EFAULT;
            }
            p = xen_populate_physmap(BLOCK + i);
            bad_answers[cpu] += p != 1;
            taken[cpu] += p == 1;
            for (u32 w = 0; w < 1024; w += 64)
                page(BLOCK + i)[w] = (u32)(cpu << 24 | round << 12 | i);
        }
        /* The shared pages: both give them back and take them again, at once. */
        for (u64 i = 0; i < SHARED; i++) {
            s64 d = xen_decrease_reservation(BLOCK + i);
            bad_answers[cpu] += d != 0 && d != 1;
            given[cpu] += d == 1;
            s64 p = xen_populate_physmap(BLOCK + i);
            bad_answers[cpu] += p != 1;
        }
    }
    for (unsigned int round = 0; round < 4; round++)
        remove_all(cpu);
    for (u64 i = SHARED + cpu; i < PAGES; i += 2)
        for (u32 w = 0; w < 1024; w += 64)
            bad_pages[cpu] += page(BLOCK + i)[w] != (u32)(cpu << 24 | (ROUNDS - 1) << 12 | i);
}

static void vcpu1(u64 arg)
{
    (void)arg;
    wait_flag(&go, 1, 10000);
    hammer(1);
    WRITE_ONCE(finished, 1);
}

void test_main(void)
{
    s64 before, after, r;

    require_cpus(2);
    before = xen_current_reservation();
    CHECK(before > 0, "current_reservation = %ld", before);
    r = start_cpu(1, vcpu1, 0);
    if (r)
        fail("CPU_ON(1) = %ld", r);
    WRITE_ONCE(go, 1);
    hammer(0);
    CHECK(wait_flag(&finished, 1, 120000), "vCPU 1 never finished");
    after = xen_current_reservation();
    info("given back %ld + %ld, taken %ld + %ld, %u results refused on a page being given back",
         given[0], given[1], taken[0], taken[1], faulted_results);
    CHECK(!bad_answers[0] && !bad_answers[1], "%u + %u calls answered wrongly",
          bad_answers[0], bad_answers[1]);
    CHECK(!bad_pages[0] && !bad_pages[1], "%u + %u pages lost what their vCPU wrote",
          bad_pages[0], bad_pages[1]);
    /* Every shared page was given back once per round by one vCPU or the other, never twice. */
    CHECK(after == before, "reservation %ld at the end, %ld before", after, before);
}
