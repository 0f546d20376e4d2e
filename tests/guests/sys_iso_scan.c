/*
 * sys_iso_scan: domain B of the isolation probe (tests/system/
 * test_isolation.py; also a short-lived domain in test_sched.py; not a test
 * by itself).  After DELAY_US (domain A, sys_iso_write, has filled its RAM
 * with the pattern by then) it searches every 8-byte-aligned
 * IPA of all its own RAM for the pattern.  Finding it means it can see
 * another domain's memory: FAIL.  A self-check first proves the matcher
 * finds a copy it wrote itself (then wipes it).
 */
#include "guest.h"
#include "sys_iso_pattern.h"

#define DELAY_US    2000000

static u64 probe[ISO_WORDS];

void test_main(void)
{
    struct mem_bank banks[4];
    unsigned int n = fdt_memory(banks, ARRAY_SIZE(banks));
    u64 first = 0, ram = 0;
    unsigned long found = 0;

    CHECK(n > 0, "no /memory in the device tree");
    CHECK(iso_matcher_works(probe), "the matcher misses a known copy");
    udelay(DELAY_US);
    found = iso_scan_ram(banks, n, &first, &ram);
    printf("iso_scan: scanned %lu MiB of own RAM: %lu copies of the pattern\n", ram >> 20, found);
    CHECK(found == 0, "another domain's pattern is visible at IPA 0x%lx (%lu copies)", first, found);
    finish();
}
