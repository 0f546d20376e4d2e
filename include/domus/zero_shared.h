/* Zeroing a large range with the idle CPUs' help (core/zero_shared.c). */
#ifndef DOMUS_ZERO_SHARED_H
#define DOMUS_ZERO_SHARED_H

#include <domus/lib.h>

/* Zeroes [pa, pa + size) (as arch_zero_pages()), sharing it with idle CPUs. */
void zero_shared(uint64_t pa, uint64_t size);
/* An idle CPU's share of a range being zeroed: one chunk; false if there is none. */
bool zero_help(void);

/* zero_shared()'s steps: opens the range to helpers (false: too small, or */
/* another range is open), then takes what is left, waits for them, closes it. */
bool zero_open(uint64_t pa, uint64_t size);
void zero_finish(void);

#endif
