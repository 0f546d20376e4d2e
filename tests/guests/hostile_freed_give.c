/*
 * hostile_freed_give (domain 2; peer of hostile_freed_map): grants a page
 * with a pattern (ref 8) and a mailbox (ref 11), gives the page back once
 * domain 1 has mapped it, takes fresh pages (at that address and in seven
 * holes it made at the start), fills them, and checks after domain 1's
 * writes through its old mapping that none of them reached a new page.
 */
#include "guest.h"
#include "grant_common.h"

#define EVIL      0x6576696cU
#define EXTRA     0x42020UL     /* pages given back at the start: holes to fill later */
#define NEW_PAGES 8
#define word(gfn, off) (*(volatile u32 *)(((gfn) << 12) + (off)))

/* The pages taken after the give-back: the allocator hands out its lowest free pages first. */
static const u64 fresh[NEW_PAGES] = { DATA_GFN, EXTRA, EXTRA + 1, EXTRA + 2, EXTRA + 3,
                                      EXTRA + 4, EXTRA + 5, EXTRA + 6 };

void test_main(void)
{
    u32 reply = 0, done = 0, evil = 0;
    s64 r = gnttab_map_frame(0, XEN_GNTTAB_BASE >> 12);

    if (r)
        fail("add_to_physmap(grant table frame 0) = %ld", r);
    for (unsigned k = 1; k < NEW_PAGES; k++)
        CHECK(xen_decrease_reservation(fresh[k]) == 1, "decrease_reservation(0x%lx)", fresh[k]);
    for (u32 i = 0; i < 1024; i++) {
        word(DATA_GFN, i * 4) = PATTERN(i);
        word(MAIL_GFN, i * 4) = 0;
    }
    dsb_sy();
    gnttab_grant(REF_DATA, PEER_DOM, DATA_GFN, false);
    gnttab_grant(REF_MAIL, PEER_DOM, MAIL_GFN, false);
    if (!RETRY_UNTIL(reply == REPLY_MAP, reply = word(MAIL_GFN, 0), 30000, 1000))
        fail("domain 1 never mapped the page");
    /*
     * The attack: give the mapped page back, then take pages again, enough of
     * them that a freed page would be among them (the few pages freed before
     * are lower: domain 1's holes and the pages shared_info replaced; this
     * domain's extra holes are higher).
     */
    CHECK(xen_decrease_reservation(DATA_GFN) == 1, "decrease_reservation of the mapped page");
    for (unsigned k = 0; k < NEW_PAGES; k++) {
        CHECK(xen_populate_physmap(fresh[k]) == 1, "populate_physmap(0x%lx)", fresh[k]);
        for (u32 i = 0; i < 1024; i++)
            word(fresh[k], i * 4) = 0x600d0000U + i;
    }
    dsb_sy();
    word(MAIL_GFN, 4) = 1;
    dsb_sy();
    CHECK(RETRY_UNTIL(done == DONE, done = word(MAIL_GFN, 8), 60000, 1000),
          "domain 1 never finished writing");
    for (unsigned k = 0; k < NEW_PAGES; k++)
        for (u32 i = 0; i < 1024; i++)
            evil += word(fresh[k], i * 4) != 0x600d0000U + i;
    CHECK(!evil, "%u words of the pages domain 2 took afterwards were written by domain 1", evil);
}
