/*
 * The domain-isolation probes' patterns: side 0 is sys_iso_write's (found or
 * not by sys_iso_scan and sys_scrub_scan), sides 1 and 2 are sys_iso_a's and
 * sys_iso_b's (sys_iso_mutual.h).
 */
#ifndef SYS_ISO_PATTERN_H
#define SYS_ISO_PATTERN_H

#define ISO_WORDS       16              /* 128 bytes per copy */

/*
 * Word k of the pattern, computed (never stored as a table): the scanner's
 * own image then holds no copy of it that a scan could find.
 */
static inline u64 iso_side_word(unsigned int side, unsigned int k)
{
    u64 x = 0x9e3779b97f4a7c15ULL * (k + 1) ^ 0xd0e5150be11a7e55ULL ^
            0x94d049bb133111ebULL * side;
    x ^= x >> 29;
    return x * 0xbf58476d1ce4e5b9ULL;
}

static inline u64 iso_word(unsigned int k)
{
    return iso_side_word(0, k);
}

static inline bool iso_side_match(unsigned int side, const volatile u64 *p)
{
    for (unsigned int k = 0; k < ISO_WORDS; k++)
        if (p[k] != iso_side_word(side, k))
            return false;
    return true;
}

static inline bool iso_match(const volatile u64 *p)
{
    return iso_side_match(0, p);
}

/* Copies of side's pattern at 8-byte-aligned addresses in [base, base + size). */
static inline unsigned long iso_scan(unsigned int side, u64 base, u64 size, u64 *first)
{
    u64 w0 = iso_side_word(side, 0);
    unsigned long found = 0;

    for (u64 a = base; a + ISO_WORDS * 8 <= base + size; a += 8) {
        if (*(volatile u64 *)a == w0 && iso_side_match(side, (volatile u64 *)a)) {
            if (!found++)
                *first = a;
        }
    }
    return found;
}

/*
 * Whether iso_scan finds side 0's pattern written into probe (so a scan that
 * finds nothing means something); probe is cleared again afterwards.
 */
static inline bool iso_matcher_works(u64 *probe)
{
    u64 first = 0;
    bool works;

    for (unsigned int k = 0; k < ISO_WORDS; k++)
        WRITE_ONCE(probe[k], iso_word(k));
    works = iso_scan(0, (u64)probe, ISO_WORDS * 8, &first) == 1;
    for (unsigned int k = 0; k < ISO_WORDS; k++)
        WRITE_ONCE(probe[k], 0);
    return works;
}

/* Copies of side 0's pattern in all of the domain's RAM; *ram gets its size. */
static inline unsigned long iso_scan_ram(const struct mem_bank *banks, unsigned int n,
                                         u64 *first, u64 *ram)
{
    unsigned long found = 0;

    *ram = 0;
    for (unsigned int b = 0; b < n; b++) {
        found += iso_scan(0, banks[b].base, banks[b].size, first);
        *ram += banks[b].size;
    }
    return found;
}

#endif
