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
