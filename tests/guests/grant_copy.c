/*
 * grant_copy (domain 1; grant_give runs as domain 2): GNTTABOP_copy from
 * domain 2's ref 8 into a local frame (retrying until it is granted), and a
 * reply back into the granted page; a copy whose offset + length crosses the
 * page end is GNTST_bad_copy_arg (-10); DONE goes to the mailbox (ref 11).
 */
#include "guest.h"
#include "grant_common.h"

static u32 local[1024] __attribute__((aligned(4096)));

static s16 copy(bool from_peer, u32 ref, u16 peer_off, u16 local_off, u16 len)
{
    struct gnttab_copy c = { .len = len };
    struct gnttab_copy_ptr peer = { .ref_or_gmfn = ref, .domid = GIVE_DOM, .offset = peer_off };
    struct gnttab_copy_ptr mine = { .ref_or_gmfn = (u64)local >> 12, .domid = DOMID_SELF,
                                    .offset = local_off };
    c.source = from_peer ? peer : mine;
    c.dest = from_peer ? mine : peer;
    c.flags = from_peer ? GNTCOPY_source_gref : GNTCOPY_dest_gref;
    return gnttab_copy1(&c);
}

void test_main(void)
{
    s16 st = 0;

    memset(local, 0, sizeof(local));
    if (!RETRY_UNTIL(st == GNTST_okay, st = copy(true, REF_DATA, 0, 0, REPLY_OFF), 30000, 10000))
        fail("copy from dom 2 ref 8 = %d after 30 s", st);
    unsigned int bad = 0;
    for (u32 i = 0; i < REPLY_OFF / 4; i++)
        bad += READ_ONCE(local[i]) != PATTERN(i);
    CHECK(!bad, "%u copied words differ from the pattern", bad);
    CHECK(READ_ONCE(local[REPLY_OFF / 4]) == 0, "copied past the length");

    st = copy(true, REF_DATA, 4000, 0, 200);
    CHECK(st == GNTST_bad_copy_arg, "source offset 4000 + 200 = %d, want -10", st);
    st = copy(false, REF_DATA, 0, 4000, 200);
    CHECK(st == GNTST_bad_copy_arg, "local offset 4000 + 200 = %d, want -10", st);
    st = copy(false, REF_DATA, 4095, 0, 2);
    CHECK(st == GNTST_bad_copy_arg, "dest offset 4095 + 2 = %d, want -10", st);
    st = copy(true, REF_NONE, 0, 0, 4);
    CHECK(st == GNTST_permission_denied || st == GNTST_bad_gntref,
          "copy from ungranted ref = %d, want -8 or -3", st);
    st = copy(false, REF_RO, 0, 0, 4);
    CHECK(st == GNTST_permission_denied, "copy into a read-only grant = %d, want -8", st);

    WRITE_ONCE(local[0], REPLY_COPY);
    st = copy(false, REF_DATA, REPLY_OFF, 0, 4);
    CHECK(st == GNTST_okay, "copy of the reply to dom 2 = %d", st);
    WRITE_ONCE(local[0], DONE);
    st = copy(false, REF_MAIL, 0, 0, 4);
    CHECK(st == GNTST_okay, "copy of DONE to the mailbox = %d", st);
}
