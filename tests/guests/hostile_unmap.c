/*
 * hostile_unmap (PV, hostile; hostile_granter runs as domain 2): the attack
 * "unmap removes whatever is mapped", and its cousins: a grantee that gives
 * back or populates over the gfn G where it maps a grant, and that unmaps a
 * stale handle once a page of its own is at G.  Every round: map domain 2's
 * page at G; decrease_reservation(G) gives back nothing (it is not this
 * domain's page) and populate_physmap(G) finds it "already there", both
 * leaving the mapping as it was; unmap; populate G with a page of its own
 * and fill it; unmapping the old handle again is GNTST_bad_handle and leaves
 * the new page where it is; give it back.  The reservation must follow
 * exactly.  Last, shared_info may not be placed over the mapping either.
 * The granter checks that its page survived.
 */
#include "guest.h"
#include "grant_common.h"

#define ROUNDS    200
#define G         0x42100UL
#define HOLE_MAIL 0x42101UL
#define OWN(r, i) (0x0e000000U + ((r) << 12) + (i))
#define at(gfn, off) (*(volatile u32 *)(((gfn) << 12) + (off)))

/* Word 1 of G, or ~0 if G reads nothing (on the code before, G could be gone). */
static u32 g_word(void)
{
    u32 v;

    fault_expect();
    v = at(G, 4);
    return fault_taken() ? ~0U : v;
}

void test_main(void)
{
    u32 h = ~0U, hm = ~0U;
    s16 st = 0;
    s64 base, r, res;

    CHECK(xen_decrease_reservation(HOLE_MAIL) == 1, "decrease_reservation(0x%lx)", HOLE_MAIL);
    CHECK(xen_decrease_reservation(G) == 1, "decrease_reservation(0x%lx)", G);
    if (!WAIT_UNTIL(st == GNTST_okay, st = gnttab_map(GIVE_DOM, REF_MAIL, HOLE_MAIL << 12,
                                                       GNTMAP_host_map, &hm), 30000, 10000))
        fail("map_grant_ref(dom 2, ref 11) = %d after 30 s", st);
    base = xen_current_reservation();
    CHECK(base > 0, "current_reservation = %ld", base);

    for (u32 round = 0; round < ROUNDS && !checks_failed; round++) {
        st = gnttab_map(GIVE_DOM, REF_DATA, G << 12, GNTMAP_host_map, &h);
        CHECK(st == GNTST_okay, "round %u: map of ref 8 = %d", round, st);
        r = xen_decrease_reservation(G);
        CHECK(r == 0, "round %u: decrease_reservation of the mapped grant = %ld, want 0",
              round, r);
        CHECK(g_word() == PATTERN(1), "round %u: G reads 0x%x after decrease, not the grant",
              round, g_word());
        r = xen_populate_physmap(G);
        CHECK(r == 1, "round %u: populate_physmap over the grant = %ld, want 1", round, r);
        CHECK(g_word() == PATTERN(1), "round %u: G reads 0x%x after populate, not the grant",
              round, g_word());
        CHECK((res = xen_current_reservation()) == base,
              "round %u: reservation %ld with the grant mapped, want %ld", round, res, base);
        st = gnttab_unmap(G << 12, h);
        CHECK(st == GNTST_okay, "round %u: unmap = %d", round, st);
        CHECK(g_word() == ~0U, "round %u: G still reads after the unmap", round);

        /* A page of its own at G, and the stale handle aimed at it. */
        r = xen_populate_physmap(G);
        CHECK(r == 1, "round %u: populate_physmap(G) after the unmap = %ld", round, r);
        for (u32 i = 0; r == 1 && i < 1024; i += 64)
            at(G, i * 4) = OWN(round, i);
        dsb_sy();
        st = gnttab_unmap(G << 12, h);
        CHECK(st == GNTST_bad_handle, "round %u: unmap of the stale handle = %d, want %d",
              round, st, GNTST_bad_handle);
        unsigned lost = g_word() == ~0U ? 1024 : 0;
        for (u32 i = 0; !lost && i < 1024; i += 64)
            lost += at(G, i * 4) != OWN(round, i);
        CHECK(!lost, "round %u: its own page at G lost (%u words)", round, lost);
        CHECK((res = xen_current_reservation()) == base + 1,
              "round %u: reservation %ld with its own page at G, want %ld", round, res, base + 1);
        r = xen_decrease_reservation(G);
        CHECK(r == 1, "round %u: decrease_reservation of its own page = %ld", round, r);
        CHECK((res = xen_current_reservation()) == base,
              "round %u: reservation %ld at the end, want %ld", round, res, base);
    }
    info("%s after the rounds: reservation %ld, %ld before", checks_failed ? "stopped" : "done",
         xen_current_reservation(), base);
    /* Nor may shared_info take the mapping's place (once: it would move shared_info). */
    st = gnttab_map(GIVE_DOM, REF_DATA, G << 12, GNTMAP_host_map, &h);
    CHECK(st == GNTST_okay, "last map of ref 8 = %d", st);
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                    .gpfn = G };
    r = HYPERCALL2(HYP_memory_op, XENMEM_add_to_physmap, &x);
    CHECK(r == -XEN_EBUSY, "shared_info placed over the grant mapping = %ld, want %d", r,
          -XEN_EBUSY);
    CHECK(g_word() == PATTERN(1), "G reads 0x%x after add_to_physmap, not the grant", g_word());
    CHECK(gnttab_unmap(G << 12, h) == GNTST_okay, "last unmap");
    at(HOLE_MAIL, 0) = DONE;            /* domain 2 checks its page now */
    dsb_sy();
    CHECK(gnttab_unmap(HOLE_MAIL << 12, hm) == GNTST_okay, "unmap of the mailbox");
}
