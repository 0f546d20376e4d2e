/*
 * The mailbox of hostile_tick (domain 2) and the domain it measures beside
 * (domain 1): a page of domain 2's, granted to domain 1 as ref 11.
 */
#define TICK_DOM        2
#define TICK_REF_MAIL   11
#define TICK_MAIL_GFN   0x42012UL
#define TICK_READY      0       /* domain 2: its timer ticks (DONE) */
#define TICK_OVER       4       /* domain 1: the attack is over (DONE) */
#define TICK_WORST_US   8       /* domain 2: the latest tick so far, in us */
#define DONE            0x444f4e45U
#define tick_mail(gfn, off) (*(volatile u32 *)(((gfn) << 12) + (off)))

/*
 * Domain 1's side: gives up its page at `hole`, maps domain 2's mailbox
 * there and waits for its timer to tick; returns the grant handle.
 */
static inline u32 tick_attach(u64 hole)
{
    u32 hm = ~0U, ready = 0;
    s16 st = 0;

    CHECK(xen_decrease_reservation(hole) == 1, "decrease_reservation(0x%lx)", hole);
    if (!WAIT_UNTIL(st == GNTST_okay, st = gnttab_map(TICK_DOM, TICK_REF_MAIL, hole << 12,
                                                      GNTMAP_host_map, &hm), 30000, 10000))
        fail("map_grant_ref(dom 2, ref 11) = %d after 30 s", st);
    if (!WAIT_UNTIL(ready == DONE, ready = tick_mail(hole, TICK_READY), 30000, 1000))
        fail("domain 2 never started ticking");
    return hm;
}
