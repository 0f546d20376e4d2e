/*
 * sys_scrub_scan: the scrubbing probe of tests/system/test_lifecycle.py (not
 * a test by itself).  At every boot it searches every 8-byte-aligned IPA of
 * all its RAM for sys_iso_write's pattern (side 0 of sys_iso_pattern.h) and
 * prints
 *
 *      scrub_scan: scanned <MiB> MiB: <copies> copies: PASS | FAIL
 *
 * then waits DELAY_US and reboots itself (PSCI SYSTEM_RESET).  Started beside
 * sys_iso_write, a boot after that domain was destroyed gets (first-fit)
 * the memory it had: with scrubbing, no copy shows.
 */
#include "guest.h"
#include "sys_iso_pattern.h"

#define DELAY_US    1500000

static u64 probe[ISO_WORDS];

void test_main(void)
{
    struct mem_bank banks[4];
    unsigned int n = fdt_memory(banks, ARRAY_SIZE(banks));
    u64 first = 0, ram = 0;
    unsigned long found = 0;

    CHECK(n > 0, "no /memory in the device tree");
    CHECK(iso_matcher_works(probe), "the matcher misses a known copy");
    found = iso_scan_ram(banks, n, &first, &ram);
    printf("scrub_scan: scanned %lu MiB: %lu copies: %s\n", ram >> 20, found,
           found || checks_failed ? "FAIL" : "PASS");
    if (found)
        info("first copy at IPA 0x%lx", first);
    udelay(DELAY_US);
    s64 r = psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
    fail("SYSTEM_RESET returned %ld", r);
}
