/*
 * sys_spin_masked: a domain that spins forever with every exception masked
 * (DAIF all set), for tests/system/test_sched.py (not a test by itself).
 * It never traps: only Domus's own timer can take the physical CPU back.
 */
#include "guest.h"

void test_main(void)
{
    printf("spin_masked: spinning with DAIF set\n");
    asm volatile("msr daifset, #0xf\n"
                 "isb\n"
                 "1: b 1b" ::: "memory");
}
