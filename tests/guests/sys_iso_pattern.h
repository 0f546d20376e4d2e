/* The domain-isolation probe's pattern, shared by sys_iso_write/sys_iso_scan. */
#ifndef SYS_ISO_PATTERN_H
#define SYS_ISO_PATTERN_H

#define ISO_WORDS       16              /* 128 bytes per copy */

/*
 * Word k of the pattern, computed (never stored as a table): the scanner's
 * own image then holds no copy of it that a scan could find.
 */
static inline u64 iso_word(unsigned int k)
{
    u64 x = 0x9e3779b97f4a7c15ULL * (k + 1) ^ 0xd0e5150be11a7e55ULL;
    x ^= x >> 29;
    return x * 0xbf58476d1ce4e5b9ULL;
}

static inline bool iso_match(const volatile u64 *p)
{
    for (unsigned int k = 0; k < ISO_WORDS; k++)
        if (p[k] != iso_word(k))
            return false;
    return true;
}

#endif
