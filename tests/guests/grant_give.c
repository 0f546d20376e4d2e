/*
 * grant_give (domain 2; peer of grant_map and grant_copy): grants domain 1
 * a page with a pattern (ref 8), a read-only page (ref 9) and a mailbox
 * (ref 11) in its grant frame 0, mapped at 0x38000000.  It waits for the
 * peer's reply in the page; a mapper's reply means the page is mapped, so
 * revoking (32-bit CAS on flags) must be refused with GTF_reading/writing
 * set until the mapper unmaps; a copier holds nothing, so revoking works at
 * once.  Then it waits for the peer's DONE in the mailbox.
 */
#include "guest.h"
#include "grant_common.h"

#define word(gfn, off) (*(volatile u32 *)(((gfn) << 12) + (off)))

void test_main(void)
{
    s64 r = gnttab_map_frame(0, XEN_GNTTAB_BASE >> 12);
    if (r)
        fail("add_to_physmap(grant table frame 0) = %ld", r);
    for (u32 i = 0; i < 1024; i++) {
        word(DATA_GFN, i * 4) = PATTERN(i);
        word(RO_GFN, i * 4) = PATTERN(i) ^ 0xffff;
        word(MAIL_GFN, i * 4) = 0;
    }
    word(DATA_GFN, REPLY_OFF) = 0;
    word(DATA_GFN, UNMAP_OFF) = 0;
    dsb_sy();
    gnttab_grant(REF_DATA, PEER_DOM, DATA_GFN, false);
    gnttab_grant(REF_RO, PEER_DOM, RO_GFN, true);
    gnttab_grant(REF_MAIL, PEER_DOM, MAIL_GFN, false);

    u32 reply = 0;
    if (!RETRY_UNTIL(reply, reply = word(DATA_GFN, REPLY_OFF), 30000, 1000))
        fail("no reply from domain 1 in 30 s");
    info("reply 0x%x", reply);
    volatile u16 *flags = &gnttab_entry(REF_DATA)->flags;
    if (reply == REPLY_MAP) {
        u16 f = *flags;
        CHECK((f & (GTF_reading | GTF_writing)) == (GTF_reading | GTF_writing),
              "flags 0x%x while mapped rw, want GTF_reading|GTF_writing", f);
        CHECK(!gnttab_end(REF_DATA), "revoked a grant that is mapped");
        CHECK(*flags & GTF_permit_access, "grant lost permit_access while mapped");
        word(DATA_GFN, UNMAP_OFF) = 1;
        dsb_sy();
        bool clear = RETRY_UNTIL(!(*flags & (GTF_reading | GTF_writing)), (void)0, 10000, 1000);
        CHECK(clear, "flags 0x%x: never cleared after the unmap", *flags);
    } else {
        CHECK(reply == REPLY_COPY, "unknown reply 0x%x", reply);
        CHECK(!(*flags & (GTF_reading | GTF_writing)), "flags 0x%x after a copy", *flags);
    }
    CHECK(gnttab_end(REF_DATA), "revoke failed (flags 0x%x)", *flags);
    CHECK(*flags == 0, "flags 0x%x after revoke", *flags);

    u32 done = 0;
    CHECK(RETRY_UNTIL(done == DONE, done = word(MAIL_GFN, 0), 30000, 1000),
          "domain 1 never wrote DONE (0x%x)", done);
}
