/* Domus's own (EL2 stage-1) address space: an identity map. */
#ifndef ASM_MMU_H
#define ASM_MMU_H

#include <stdint.h>

/* Physical memory is identity mapped at EL2. */
static inline void *pa_to_va(uint64_t pa) { return (void *)(uintptr_t)pa; }
static inline uint64_t va_to_pa(const void *va) { return (uintptr_t)va; }

/* Early coarse map: first GiB device, everything above normal memory. */
void mmu_enable(void);
/* Final map: RAM banks normal, the first GiB device, the rest unmapped. */
void mmu_restrict_to_ram(const uint64_t (*banks)[2], unsigned nr);
uint64_t pa_range_bits(void);
void clean_dcache_range(const void *p, uint64_t size);

#endif
