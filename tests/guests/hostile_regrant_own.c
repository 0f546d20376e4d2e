/*
 * hostile_regrant_own (domain 3; peer of hostile_regrant): the owner.
 * Grants domain 1 one page read-only, and a mailbox to domains 1 and 2.
 * Domain 2 was never granted anything of it, so when domain 1 has let go
 * of the page, it must hold its pattern still, and the grant must be free.
 */
#include "guest.h"
#include "hostile_regrant.h"

#define page(gfn) ((volatile u32 *)((gfn) << 12))

void test_main(void)
{
    u32 done = 0;
    unsigned bad = 0;
    s64 r = gnttab_map_frame(0, XEN_GNTTAB_BASE >> 12);

    if (r)
        fail("add_to_physmap(grant table frame 0) = %ld", r);
    for (u32 i = 0; i < 1024; i++) {
        page(OWN_GFN)[i] = OWN_PATTERN(i);
        page(OWN_MAIL_GFN)[i] = 0;
    }
    dsb_sy();
    gnttab_grant(OWN_REF_RO, REGRANTER, OWN_GFN, true);
    gnttab_grant(OWN_REF_MAIL1, REGRANTER, OWN_MAIL_GFN, false);
    gnttab_grant(OWN_REF_MAIL2, USER, OWN_MAIL_GFN, false);
    CHECK(WAIT_UNTIL(done == DONE, done = mail(OWN_MAIL_GFN, MAIL_UNMAPPED), 60000, 1000),
          "domain 1 never let go of the page");
    for (u32 i = 0; i < 1024; i++)
        bad += page(OWN_GFN)[i] != OWN_PATTERN(i);
    CHECK(!bad, "%u words of the page granted read-only changed (word 0: 0x%x)", bad,
          page(OWN_GFN)[0]);
    u16 f = gnttab_entry(OWN_REF_RO)->flags;
    CHECK(!(f & (GTF_reading | GTF_writing)), "the grant is still in use (flags 0x%x)", f);
    CHECK(gnttab_end(OWN_REF_RO), "the grant cannot be revoked");
}
