/*
 * sys_pattern: a DomU for tests/system/test_dom0.py (not a test by itself).
 * It writes a known line at the start of its RAM page PATTERN_GFN, says so,
 * and waits (WFI, masked) for as long as the test runs: Dom0's user space
 * then maps that page through privcmd (XENMAPSPACE_gmfn_foreign) and reads it.
 */
#include "guest.h"

#define PATTERN_GFN 0x42000UL		/* 0x42000000: inside its RAM, above its image */

void test_main(void)
{
    static const char line[] = "DOMUS-FOREIGN-PAGE-OF-DOMU1";
    char *page = (char *)(PATTERN_GFN << 12);

    memcpy(page, line, sizeof(line));
    dsb_sy();
    printf("pattern: written at gfn 0x%lx\n", PATTERN_GFN);
    for (;;)
        wfi();
}
