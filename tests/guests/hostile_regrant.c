/*
 * hostile_regrant (PV, hostile; hostile_regrant_use runs as domain 2 and
 * hostile_regrant_own as domain 3): the attack "grant a page you do not
 * own".  Domain 3 grants this domain a page read-only; this domain maps it
 * at gfn G and grants G to domain 2, writable (ref 8) and read-only (ref
 * 9).  Domain 2 must get GNTST_bad_page for every map and copy of them (it
 * checks), domain 3's page must be untouched (it checks), and here the
 * refused uses must leave the grants free, so that they revoke.
 */
#include "guest.h"
#include "hostile_regrant.h"

#define G         0x42100UL
#define HOLE_MAIL 0x42101UL

void test_main(void)
{
    u32 h = ~0U, hm = ~0U, used = 0;
    s16 st = 0;
    s64 r = gnttab_map_frame(0, XEN_GNTTAB_BASE >> 12);

    if (r)
        fail("add_to_physmap(grant table frame 0) = %ld", r);
    CHECK(xen_decrease_reservation(G) == 1, "decrease_reservation(0x%lx)", G);
    CHECK(xen_decrease_reservation(HOLE_MAIL) == 1, "decrease_reservation(0x%lx)", HOLE_MAIL);
    if (!WAIT_UNTIL(st == GNTST_okay, st = gnttab_map(OWNER, OWN_REF_MAIL1, HOLE_MAIL << 12,
                                                       GNTMAP_host_map, &hm), 30000, 10000))
        fail("map_grant_ref(dom 3, ref 11) = %d after 30 s", st);
    st = gnttab_map(OWNER, OWN_REF_RO, G << 12, GNTMAP_host_map | GNTMAP_readonly, &h);
    if (st != GNTST_okay)
        fail("read-only map of domain 3's page = %d", st);
    CHECK(mail(G, 4) == OWN_PATTERN(1), "domain 3's page reads 0x%x", mail(G, 4));

    gnttab_grant(RE_REF_RW, USER, G, false);
    gnttab_grant(RE_REF_RO, USER, G, true);
    mail(HOLE_MAIL, MAIL_REGRANTED) = DONE;
    dsb_sy();
    CHECK(WAIT_UNTIL(used == DONE, used = mail(HOLE_MAIL, MAIL_USED), 60000, 1000),
          "domain 2 never finished");
    for (u32 ref = RE_REF_RW; ref <= RE_REF_RO; ref++) {
        u16 f = gnttab_entry(ref)->flags;
        CHECK(!(f & (GTF_reading | GTF_writing)), "ref %u left in use (flags 0x%x)", ref, f);
        CHECK(gnttab_end(ref), "ref %u cannot be revoked", ref);
    }
    CHECK(gnttab_unmap(G << 12, h) == GNTST_okay, "unmap of domain 3's page");
    mail(HOLE_MAIL, MAIL_UNMAPPED) = DONE;
    dsb_sy();
    CHECK(gnttab_unmap(HOLE_MAIL << 12, hm) == GNTST_okay, "unmap of the mailbox");
}
