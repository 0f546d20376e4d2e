/*
 * regs_keep (regs_keep_peer runs beside it, both on physical CPU 0): FP/SIMD
 * registers, FPCR/FPSR and EL1 system registers keep this domain's values
 * across many switches to and from another domain (regs_keep.h).
 */
#include "regs_keep.h"

void test_main(void)
{
    regs_keep_main(0x1111222233334444UL);
}
