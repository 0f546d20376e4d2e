/*
 * Shared by the three domains of the "grant a page you only map" attack:
 * hostile_regrant (domain 1, the regranter), hostile_regrant_use (domain 2,
 * the one it regrants to) and hostile_regrant_own (domain 3, the owner).
 */
#define REGRANTER   1
#define USER        2
#define OWNER       3
/* The owner's grants: its page read-only to the regranter, its mailbox to both. */
#define OWN_REF_RO      8
#define OWN_REF_MAIL1   11
#define OWN_REF_MAIL2   12
#define OWN_GFN         0x42010UL
#define OWN_MAIL_GFN    0x42012UL
#define OWN_PATTERN(i)  (0x0c000000U + (i))
/* The regranter's grants of its mapping of the owner's page, to the user. */
#define RE_REF_RW       8
#define RE_REF_RO       9
/* Mailbox words (each a DONE once that step is over). */
#define MAIL_REGRANTED  0       /* the regranter's grants are in place */
#define MAIL_USED       4       /* the user has tried them all */
#define MAIL_UNMAPPED   8       /* the regranter has let go of the owner's page */
#define DONE            0x444f4e45U
#define EVIL            0x6576696cU
#define mail(gfn, off)  (*(volatile u32 *)(((gfn) << 12) + (off)))
