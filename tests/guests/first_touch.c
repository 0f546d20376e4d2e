/*
 * first_touch (PV, 2 vCPUs on 2 CPUs): a guest's RAM is zeroed on its first
 * touch of each 2 MiB block (p2m.c: mapped unscrubbed, access flag clear;
 * with stage 2 in pages, the first touch of a page zeroes the untouched
 * pages of its 2 MiB), so the order of the zeroing against everything else
 * that writes the block matters.  Four untouched blocks:
 *   - Domus writes a hypercall result into one first (XENVER_extraversion):
 *     it must be zeroed before that write, not after, so the guest reads
 *     the result, and zeros around it;
 *   - the same into the middle of another, whose first page the guest then
 *     touches first: zeroing the rest must leave the result alone;
 *   - the guest reads one: all zero;
 *   - both vCPUs touch one at the same moment, each writing its own half:
 *     it must be zeroed exactly once, so both halves hold what was written.
 */
#include "guest.h"

#define BLOCK_A   0x42000000UL  /* untouched blocks between the image and the tree */
#define BLOCK_B   0x42200000UL
#define BLOCK_C   0x42400000UL
#define BLOCK_D   0x42600000UL
#define BLOCK     0x200000UL
#define STRIDE    0x1000UL      /* one word a page is enough to see a page's zeroing */

static volatile unsigned int go, done1;

static volatile u64 *word(u64 addr)
{
    return (volatile u64 *)addr;
}

/* Addresses with a non-zero word, every STRIDE from `from` to `to`, but `skip`'s page. */
static unsigned int dirty_words(u64 from, u64 to, u64 skip)
{
    unsigned int n = 0;

    for (u64 a = from; a < to; a += STRIDE)
        if (a != (skip & ~(STRIDE - 1)) && *word(a))
            n++;
    return n;
}

static void fill(u64 base, u64 tag)
{
    for (u64 a = base; a < base + BLOCK / 2; a += STRIDE)
        *word(a) = tag ^ a;
}

static unsigned int mismatches(u64 base, u64 tag)
{
    unsigned int n = 0;

    for (u64 a = base; a < base + BLOCK / 2; a += STRIDE)
        n += *word(a) != (tag ^ a);
    return n;
}

static void vcpu1(u64 arg)
{
    (void)arg;
    while (!go)
        cpu_relax();
    fill(BLOCK_C + BLOCK / 2, 0xc1c1c1c1c1c1c1c1UL);
    done1 = 1;
}

void test_main(void)
{
    char *res = (char *)(BLOCK_A + 0x100);
    s64 r;

    require_cpus(2);
    r = HYPERCALL2(HYP_xen_version, XENVER_extraversion, res);
    CHECK(r == 0 && !strncmp(res, "-domus", 6) , "extraversion written into an untouched block: "
          "%ld \"%.8s\"", r, res);
    CHECK(*word(BLOCK_A) == 0, "the word before the result is 0x%lx", *word(BLOCK_A));
    CHECK(!dirty_words(BLOCK_A, BLOCK_A + BLOCK, BLOCK_A), "block A holds data it was never given");

    res = (char *)(BLOCK_D + 5 * STRIDE + 0x80);
    r = HYPERCALL2(HYP_xen_version, XENVER_extraversion, res);
    CHECK(r == 0 && *word(BLOCK_D) == 0 && !strncmp(res, "-domus", 6),
          "extraversion written into page 5 of a block whose page 0 is touched next: %ld \"%.8s\"",
          r, res);
    CHECK(!dirty_words(BLOCK_D, BLOCK_D + BLOCK, (u64)res), "block D holds data it was never given");

    CHECK(!dirty_words(BLOCK_B, BLOCK_B + BLOCK, 0), "an untouched block read by the guest is not zero");

    r = start_cpu(1, vcpu1, 0);
    CHECK(r == 0, "CPU_ON = %ld", r);
    go = 1;
    fill(BLOCK_C, 0xc0c0c0c0c0c0c0c0UL);
    CHECK(RETRY_UNTIL(done1, (void)0, 5000, 100), "vCPU 1 did not finish");
    CHECK(!mismatches(BLOCK_C, 0xc0c0c0c0c0c0c0c0UL), "vCPU 0's half lost writes");
    CHECK(!mismatches(BLOCK_C + BLOCK / 2, 0xc1c1c1c1c1c1c1c1UL), "vCPU 1's half lost writes");
}
