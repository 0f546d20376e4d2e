/*
 * sys_reboot: a domain that reboots itself, for tests/system/
 * test_lifecycle.py (not a test by itself).  It prints "reboot: boot",
 * waits DELAY_US, prints "reboot: calling SYSTEM_RESET" and calls PSCI
 * SYSTEM_RESET.  If that returns it FAILs.
 */
#include "guest.h"

#define DELAY_US    500000

void test_main(void)
{
    printf("reboot: boot\n");
    udelay(DELAY_US);
    printf("reboot: calling SYSTEM_RESET\n");
    s64 r = psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
    fail("SYSTEM_RESET returned %ld", r);
}
