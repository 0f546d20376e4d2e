/* Shared by grant_give (domain 2) and its peers grant_map / grant_copy (domain 1). */
#define PEER_DOM    1
#define GIVE_DOM    2
#define REF_DATA    8           /* rw, a page with PATTERN */
#define REF_RO      9           /* read-only */
#define REF_NONE    10          /* never granted */
#define REF_MAIL    11          /* rw: the peer writes DONE here when it is finished */
#define DATA_GFN    0x42010UL   /* give's pages */
#define RO_GFN      0x42011UL
#define MAIL_GFN    0x42012UL
#define PATTERN(i)  (0xa5000000U + (i))
#define REPLY_OFF   0x800       /* the peer's reply in the data page */
#define UNMAP_OFF   0x804       /* give asks the mapper to unmap */
#define REPLY_MAP   0x4d415050U
#define REPLY_COPY  0x434f5059U
#define DONE        0x444f4e45U
