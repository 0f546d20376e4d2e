/*
 * sys_crash_loop: a domain that faults forever, for tests/system/
 * test_lifecycle.py (not a test by itself).  It prints
 * "crash_loop: boot", points VBAR_EL1 at 0x1000 (no RAM there: stage 2 maps
 * nothing) and loads from the unmapped IPA 0x10000000.  Domus reflects the
 * data abort to the guest's vector at 0x1200, whose fetch is an instruction
 * abort reflected to the same vector, and so on: every exit is a fault the
 * guest cannot handle, and Domus should crash it ("faulting in a loop").
 * tests/system/test_xl.py has xl build it (no PL011 there: it prints
 * through console_io) to see xl apply on_crash.
 */
#include "guest.h"

#define BAD_VBAR    0x1000UL
#define BAD_IPA     0x10000000UL

void test_main(void)
{
    printf("crash_loop: boot\n");
    write_sysreg(BAD_VBAR, vbar_el1);
    isb();
    (void)mmio_read32(BAD_IPA);
    fail("the load from IPA 0x%lx returned", BAD_IPA);
}
