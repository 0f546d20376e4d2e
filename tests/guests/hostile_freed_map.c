/*
 * hostile_freed_map (domain 1; hostile_freed_give runs as domain 2): the
 * attack "a page freed while another domain maps it".  Domain 2 grants a
 * page, domain 1 maps it writable, then domain 2 gives the page back
 * (decrease_reservation) and takes a fresh one at the same address.  Domain
 * 1 keeps writing its mapping; the page it maps must not be the one domain 2
 * got back, nor any other page handed out meanwhile: domain 2 checks that its
 * new page holds none of domain 1's writes.  Domus must keep the given-back
 * page alive, unreachable by anyone else, until domain 1 unmaps it.
 */
#include "guest.h"
#include "grant_common.h"

#define HOLE      0x42100UL
#define EVIL      0x6576696cU
#define at(gfn, off) (*(volatile u32 *)(((gfn) << 12) + (off)))

void test_main(void)
{
    u32 h = ~0U, hm = ~0U, phase = 0;
    s16 st = 0;

    CHECK(xen_decrease_reservation(HOLE) == 1, "decrease_reservation(0x%lx) failed", HOLE);
    if (!RETRY_UNTIL(st == GNTST_okay, st = gnttab_map(GIVE_DOM, REF_DATA, HOLE << 12,
                                                       GNTMAP_host_map, &h), 30000, 10000))
        fail("map_grant_ref(dom 2, ref 8) = %d after 30 s", st);
    CHECK(xen_decrease_reservation(HOLE + 1) == 1, "decrease_reservation(0x%lx)", HOLE + 1);
    if (!RETRY_UNTIL(st == GNTST_okay, st = gnttab_map(GIVE_DOM, REF_MAIL, (HOLE + 1) << 12,
                                                       GNTMAP_host_map, &hm), 30000, 10000))
        fail("map_grant_ref(dom 2, ref 11) = %d after 30 s", st);
    CHECK(at(HOLE, 0) == PATTERN(0), "the granted page does not hold the pattern");
    at(HOLE + 1, 0) = REPLY_MAP;                        /* mapped: give it back now */
    dsb_sy();
    CHECK(RETRY_UNTIL(phase == 1, phase = at(HOLE + 1, 4), 30000, 1000),
          "domain 2 never said it gave the page back");
    /* Still the page it was: not scrubbed and freed under our mapping. */
    unsigned gone = 0;
    for (u32 i = 0; i < REPLY_OFF / 4; i++)
        gone += at(HOLE, i * 4) != PATTERN(i);
    CHECK(!gone, "%u words of the mapped page changed when domain 2 gave it back: freed "
          "while mapped", gone);
    /* Write all over the page we still map, while domain 2 uses its new ones. */
    for (unsigned round = 0; round < 200; round++)
        for (u32 i = 0; i < 1024; i++)
            at(HOLE, i * 4) = EVIL;
    dsb_sy();
    /* Letting go of it: only now may Domus free the page. */
    CHECK(gnttab_unmap(HOLE << 12, h) == GNTST_okay, "unmap of the given-back page");
    at(HOLE + 1, 8) = DONE;            /* domain 2 checks its pages, and gives the verdict */
    dsb_sy();
}
