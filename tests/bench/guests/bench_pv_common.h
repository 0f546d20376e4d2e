/* Shared by bench_pv_a (domain 1) and bench_pv_b (domain 2). */
#define A_DOM       1
#define B_DOM       2
#define SI_GFN      0x42000UL   /* shared_info, in each domain's RAM */
#define DATA_GFN    0x42010UL   /* B's granted page */
#define HOLE_GFN    0x42100UL   /* A's hole where it maps B's page */
#define REF_DATA    8
#define EV_ROUNDS   1000
#define GNT_ROUNDS  1000
#define WARMUP      20
