/*
 * xen_hvm_enosys: a domain without xen,enhanced (no PV interface) gets
 * -ENOSYS for every Xen hypercall number, valid arguments or not.
 */
#include "guest.h"

static u64 arg[64] __attribute__((aligned(16)));

void test_main(void)
{
    static const u64 big[] = { 64, 65, 100, 0xffff, 0x80000000UL, ~0UL };
    unsigned int bad = 0;

    for (u64 nr = 0; nr < 64 + ARRAY_SIZE(big); nr++) {
        u64 n = nr < 64 ? nr : big[nr - 64];
        for (u64 cmd = 0; cmd < 4; cmd++) {
            s64 r = hypercall(n, cmd, (u64)arg, 1, 0, 0);
            if (r != -XEN_ENOSYS && bad++ < 5)
                CHECK_HV(false, "hypercall %lu cmd %lu = %ld, want -38", n, cmd, r);
        }
    }
    CHECK_HV(!bad, "%u hypercalls did not return -ENOSYS", bad);
}
