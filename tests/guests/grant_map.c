/*
 * grant_map (domain 1; grant_give runs as domain 2): makes a hole in its RAM
 * (decrease_reservation) and maps domain 2's ref 8 there (retrying until it
 * is granted), reads the pattern, replies through the mapping, and unmaps
 * when grant_give (which checks that it cannot revoke meanwhile) asks.
 * Then: an ungranted ref is refused, a read-only mapping of the read-only
 * ref 9 faults on write, mapping ref 9 writable is refused.  Finally it maps
 * the mailbox (ref 11) and writes DONE.
 */
#include "guest.h"
#include "grant_common.h"

#define HOLE1   0x42100UL
#define HOLE2   0x42101UL
#define at(gfn, off) (*(volatile u32 *)(((gfn) << 12) + (off)))

void test_main(void)
{
    u32 h = ~0U;
    s16 st = 0;

    CHECK(xen_decrease_reservation(HOLE1) == 1, "decrease_reservation(0x%lx) failed", HOLE1);
    CHECK(xen_decrease_reservation(HOLE2) == 1, "decrease_reservation(0x%lx) failed", HOLE2);

    if (!RETRY_UNTIL(st == GNTST_okay, st = gnttab_map(GIVE_DOM, REF_DATA, HOLE1 << 12,
                                                       GNTMAP_host_map, &h), 30000, 10000))
        fail("map_grant_ref(dom 2, ref 8) = %d after 30 s", st);
    unsigned int bad = 0;
    for (u32 i = 0; i < REPLY_OFF / 4; i++)
        bad += at(HOLE1, i * 4) != PATTERN(i);
    CHECK(!bad, "%u words of the granted page differ from the pattern", bad);
    at(HOLE1, REPLY_OFF) = REPLY_MAP;
    dsb_sy();
    u32 req = 0;
    CHECK(RETRY_UNTIL(req == 1, req = at(HOLE1, UNMAP_OFF), 20000, 1000),
          "grant_give never asked to unmap");
    st = gnttab_unmap(HOLE1 << 12, h);
    CHECK(st == GNTST_okay, "unmap = %d", st);
    fault_expect();
    (void)at(HOLE1, 0);
    CHECK(fault_taken(), "the hole still reads after unmap");

    st = gnttab_map(GIVE_DOM, REF_NONE, HOLE1 << 12, GNTMAP_host_map, &h);
    CHECK(st == GNTST_permission_denied || st == GNTST_bad_gntref,
          "mapping ungranted ref %u = %d, want -8 or -3", REF_NONE, st);
    st = gnttab_map(GIVE_DOM, 100000, HOLE1 << 12, GNTMAP_host_map, &h);
    CHECK(st == GNTST_bad_gntref, "mapping ref 100000 = %d, want -3", st);
    st = gnttab_map(GIVE_DOM, REF_RO, HOLE1 << 12, GNTMAP_host_map, &h);
    CHECK(st == GNTST_permission_denied, "read-only ref mapped writable = %d, want -8", st);

    st = gnttab_map(GIVE_DOM, REF_RO, HOLE1 << 12, GNTMAP_host_map | GNTMAP_readonly, &h);
    CHECK(st == GNTST_okay, "read-only map of ref 9 = %d", st);
    if (st == GNTST_okay) {
        CHECK(at(HOLE1, 8) == (PATTERN(2) ^ 0xffff), "read-only page reads 0x%x", at(HOLE1, 8));
        fault_expect();
        at(HOLE1, 8) = 0xdead;
        bool faulted = fault_taken();
        CHECK(faulted && fault_last()->ec == EC_DABT_CUR,
              "write to a read-only grant mapping: %s (EC 0x%x)", faulted ? "fault" : "no fault",
              fault_last()->ec);
        CHECK(at(HOLE1, 8) == (PATTERN(2) ^ 0xffff), "read-only page changed");
        CHECK(gnttab_unmap(HOLE1 << 12, h) == GNTST_okay, "unmap of ref 9 failed");
    }

    st = gnttab_map(GIVE_DOM, REF_MAIL, HOLE2 << 12, GNTMAP_host_map, &h);
    CHECK(st == GNTST_okay, "mapping the mailbox = %d", st);
    if (st == GNTST_okay) {
        at(HOLE2, 0) = DONE;
        dsb_sy();
        gnttab_unmap(HOLE2 << 12, h);
    }
}
