/*
 * hostile_granter (domain 2; peer of hostile_ro_write and hostile_unmap):
 * the granter a hostile grantee aims at.  Grants domain 1 a page with a
 * pattern writable (ref 8), another read-only (ref 9) and a mailbox (ref
 * 11).  Domain 1 never writes either page itself, so once it writes DONE in
 * the mailbox both must still hold their patterns: a change means Domus
 * wrote where the grantee pointed it, or freed the page under the grant and
 * handed it out again.  No grant may be left in use, and each one revokes.
 */
#include "guest.h"
#include "grant_common.h"

#define word(gfn, off) (*(volatile u32 *)(((gfn) << 12) + (off)))
#define RO_PATTERN(i)  (PATTERN(i) ^ 0xffff)

void test_main(void)
{
    u32 done = 0;
    unsigned rw_bad = 0, ro_bad = 0;
    s64 r = gnttab_map_frame(0, XEN_GNTTAB_BASE >> 12);

    if (r)
        fail("add_to_physmap(grant table frame 0) = %ld", r);
    for (u32 i = 0; i < 1024; i++) {
        word(DATA_GFN, i * 4) = PATTERN(i);
        word(RO_GFN, i * 4) = RO_PATTERN(i);
        word(MAIL_GFN, i * 4) = 0;
    }
    dsb_sy();
    /* The mailbox last: once domain 1 maps it, the other two are granted. */
    gnttab_grant(REF_DATA, PEER_DOM, DATA_GFN, false);
    gnttab_grant(REF_RO, PEER_DOM, RO_GFN, true);
    gnttab_grant(REF_MAIL, PEER_DOM, MAIL_GFN, false);
    CHECK(WAIT_UNTIL(done == DONE, done = word(MAIL_GFN, 0), 60000, 1000),
          "domain 1 never wrote DONE (0x%x)", done);
    for (u32 i = 0; i < 1024; i++) {
        rw_bad += word(DATA_GFN, i * 4) != PATTERN(i);
        ro_bad += word(RO_GFN, i * 4) != RO_PATTERN(i);
    }
    CHECK(!rw_bad, "%u words of the writable grant changed (word 0: 0x%x)", rw_bad,
          word(DATA_GFN, 0));
    CHECK(!ro_bad, "%u words of the read-only grant changed (word 0: 0x%x)", ro_bad,
          word(RO_GFN, 0));
    /* Domain 1 unmapped everything before DONE: nothing may still hold a grant. */
    for (u32 ref = REF_DATA; ref <= REF_RO; ref++) {
        u16 f = gnttab_entry(ref)->flags;
        CHECK(!(f & (GTF_reading | GTF_writing)), "ref %u still in use (flags 0x%x)", ref, f);
        CHECK(gnttab_end(ref), "ref %u cannot be revoked", ref);
    }
}
