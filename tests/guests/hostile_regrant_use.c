/*
 * hostile_regrant_use (domain 2; peer of hostile_regrant): the accomplice.
 * Domain 1 grants it (writable as ref 8, read-only as ref 9) the gfn where
 * domain 1 maps domain 3's page read-only.  A grant names only the
 * granter's own RAM, so mapping either is GNTST_bad_page and so is a copy
 * into or out of them; on the code before, the writable map worked, and
 * this domain writes domain 3's page through it to show it.
 */
#include "guest.h"
#include "hostile_regrant.h"

#define HOLE      0x42100UL
#define HOLE_MAIL 0x42101UL
#define OWN_PAGE  0x42110UL
#define at(gfn, off) (*(volatile u32 *)(((gfn) << 12) + (off)))

static s16 copy(u64 flags, u64 src, u16 src_dom, u64 dst, u16 dst_dom)
{
    struct gnttab_copy c = { .source = { .ref_or_gmfn = src, .domid = src_dom },
                             .dest = { .ref_or_gmfn = dst, .domid = dst_dom },
                             .len = 64, .flags = flags };
    return gnttab_copy1(&c);
}

void test_main(void)
{
    u32 h = ~0U, hm = ~0U, ready = 0;
    s16 st = 0;

    CHECK(xen_decrease_reservation(HOLE) == 1, "decrease_reservation(0x%lx)", HOLE);
    CHECK(xen_decrease_reservation(HOLE_MAIL) == 1, "decrease_reservation(0x%lx)", HOLE_MAIL);
    if (!WAIT_UNTIL(st == GNTST_okay, st = gnttab_map(OWNER, OWN_REF_MAIL2, HOLE_MAIL << 12,
                                                       GNTMAP_host_map, &hm), 30000, 10000))
        fail("map_grant_ref(dom 3, ref 12) = %d after 30 s", st);
    if (!WAIT_UNTIL(ready == DONE, ready = mail(HOLE_MAIL, MAIL_REGRANTED), 30000, 1000))
        fail("domain 1 never regranted");
    for (u32 i = 0; i < 1024; i++)
        at(OWN_PAGE, i * 4) = EVIL;
    dsb_sy();

    st = gnttab_map(REGRANTER, RE_REF_RW, HOLE << 12, GNTMAP_host_map, &h);
    CHECK(st == GNTST_bad_page, "writable map of the regranted page = %d, want %d", st,
          GNTST_bad_page);
    if (st == GNTST_okay) {
        info("mapped domain 3's page writable: reads 0x%x; writing it", at(HOLE, 0));
        for (u32 i = 0; i < 1024; i++)
            at(HOLE, i * 4) = EVIL;
        dsb_sy();
        gnttab_unmap(HOLE << 12, h);
    }
    st = gnttab_map(REGRANTER, RE_REF_RO, HOLE << 12, GNTMAP_host_map | GNTMAP_readonly, &h);
    CHECK(st == GNTST_bad_page, "read-only map of the regranted page = %d, want %d", st,
          GNTST_bad_page);
    if (st == GNTST_okay)
        gnttab_unmap(HOLE << 12, h);
    st = copy(GNTCOPY_dest_gref, OWN_PAGE, DOMID_SELF, RE_REF_RW, REGRANTER);
    CHECK(st == GNTST_bad_page, "copy into the regranted page = %d, want %d", st,
          GNTST_bad_page);
    st = copy(GNTCOPY_source_gref, RE_REF_RO, REGRANTER, OWN_PAGE, DOMID_SELF);
    CHECK(st == GNTST_bad_page, "copy out of the regranted page = %d, want %d", st,
          GNTST_bad_page);
    CHECK(at(OWN_PAGE, 0) == EVIL, "a refused copy changed this domain's page");
    fault_expect();
    (void)at(HOLE, 0);
    CHECK(fault_taken(), "something is mapped at 0x%lx", HOLE << 12);

    mail(HOLE_MAIL, MAIL_USED) = DONE;
    dsb_sy();
    CHECK(gnttab_unmap(HOLE_MAIL << 12, hm) == GNTST_okay, "unmap of the mailbox");
}
