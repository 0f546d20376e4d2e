/*
 * hostile_ro_write (PV, hostile; hostile_granter runs as domain 2): the
 * attack "Domus writes through a read-only or foreign mapping".  Domain 1
 * maps domain 2's read-only grant at gfn G (and its writable grant at G2),
 * then names G and G2 as places for Domus to write: the destination frame
 * of a GNTTABOP_copy, the buffer of a hypercall result, a vcpu_info.  Domus
 * writes only to the caller's own RAM, so each is refused; the granter
 * checks that its pages still hold their patterns.
 */
#include "guest.h"
#include "grant_common.h"

#define HOLE_RO   0x42100UL     /* G: domain 2's read-only page */
#define HOLE_RW   0x42101UL     /* G2: its writable page, which this domain never writes */
#define HOLE_MAIL 0x42102UL
#define SRC_GFN   0x42110UL     /* a page of this domain's own */
#define at(gfn, off) (*(volatile u32 *)(((gfn) << 12) + (off)))

/* Every way this test knows to make Domus write into frame gfn. */
static void aim_at(u64 gfn, const char *what)
{
    struct gnttab_copy c = {
        .source = { .ref_or_gmfn = SRC_GFN, .domid = DOMID_SELF },
        .dest = { .ref_or_gmfn = gfn, .domid = DOMID_SELF, .offset = 0x100 },
        .len = 64,
    };
    struct vcpu_register_vcpu_info vi = { .mfn = gfn, .offset = 0x200 };
    s16 st = gnttab_copy1(&c);
    s64 r;

    CHECK(st == GNTST_bad_page, "copy into %s as a local frame: status %d, want %d", what, st,
          GNTST_bad_page);
    r = HYPERCALL2(HYP_xen_version, XENVER_extraversion, (gfn << 12) + 0x300);
    CHECK(r == -XEN_EFAULT, "xen_version(extraversion) into %s = %ld, want %d", what, r,
          -XEN_EFAULT);
    /* vCPU 0 has no vcpu_info of its own yet, so only the page can make this fail. */
    r = HYPERCALL3(HYP_vcpu_op, VCPUOP_register_vcpu_info, 0, &vi);
    CHECK(r == -XEN_EINVAL, "register_vcpu_info on %s = %ld, want %d", what, r, -XEN_EINVAL);
}

void test_main(void)
{
    u32 h_ro = ~0U, h_rw = ~0U, h_mail = ~0U;
    s16 st = 0;

    for (u64 g = HOLE_RO; g <= HOLE_MAIL; g++)
        CHECK(xen_decrease_reservation(g) == 1, "decrease_reservation(0x%lx)", g);
    if (!WAIT_UNTIL(st == GNTST_okay, st = gnttab_map(GIVE_DOM, REF_MAIL, HOLE_MAIL << 12,
                                                       GNTMAP_host_map, &h_mail), 30000, 10000))
        fail("map_grant_ref(dom 2, ref 11) = %d after 30 s", st);
    st = gnttab_map(GIVE_DOM, REF_RO, HOLE_RO << 12, GNTMAP_host_map | GNTMAP_readonly, &h_ro);
    CHECK(st == GNTST_okay, "read-only map of ref 9 = %d", st);
    st = gnttab_map(GIVE_DOM, REF_DATA, HOLE_RW << 12, GNTMAP_host_map, &h_rw);
    CHECK(st == GNTST_okay, "map of ref 8 = %d", st);
    CHECK(at(HOLE_RO, 0) == (PATTERN(0) ^ 0xffff) && at(HOLE_RW, 0) == PATTERN(0),
          "the mapped grants do not hold domain 2's patterns");
    for (u32 i = 0; i < 1024; i++)
        at(SRC_GFN, i * 4) = 0x11111111;
    dsb_sy();

    aim_at(HOLE_RO, "the read-only grant mapping");
    aim_at(HOLE_RW, "a writable foreign mapping");
    /* Control: the same calls aimed at a page of its own work. */
    char buf[32] = "";
    CHECK(HYPERCALL2(HYP_xen_version, XENVER_extraversion, buf) == 0 && buf[0],
          "xen_version(extraversion) into its own RAM fails");
    struct vcpu_register_vcpu_info vi = { .mfn = SRC_GFN, .offset = 0x200 };
    CHECK(HYPERCALL3(HYP_vcpu_op, VCPUOP_register_vcpu_info, 0, &vi) == 0,
          "register_vcpu_info on its own page fails");

    CHECK(gnttab_unmap(HOLE_RO << 12, h_ro) == GNTST_okay, "unmap of ref 9");
    CHECK(gnttab_unmap(HOLE_RW << 12, h_rw) == GNTST_okay, "unmap of ref 8");
    at(HOLE_MAIL, 0) = DONE;            /* domain 2 checks its pages now */
    dsb_sy();
    CHECK(gnttab_unmap(HOLE_MAIL << 12, h_mail) == GNTST_okay, "unmap of the mailbox");
}
