/* Domus's own (EL2 stage-1) address space: an identity map. */
#ifndef ASM_MMU_H
#define ASM_MMU_H

#include <stdint.h>

/* Early coarse map: first GiB device, everything above normal memory. */
void mmu_enable(void);
uint64_t pa_range_bits(void);

#endif
