/*
 * The fake machine's inline primitives: a counter that the tests advance, and
 * host pointers as "physical" addresses.  Shared by the fake port and by the
 * arm64 port's pure logic when the unit tests build it for the host.
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <stdint.h>

extern uint64_t fake_counter;		/* what arch_counter() reads */
extern uint64_t fake_counter_step;	/* ... and how far each read moves it on */
#define FAKE_COUNTER_FREQ 1000000ull

static inline void arch_smp_mb(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline uint64_t arch_counter(void) { return fake_counter += fake_counter_step; }
static inline uint64_t arch_counter_freq(void) { return FAKE_COUNTER_FREQ; }

static inline void *pa_to_va(uint64_t pa) { return (void *)(uintptr_t)pa; }
static inline uint64_t va_to_pa(const void *va) { return (uintptr_t)va; }

#endif
