/*
 * Host unit tests: the architecture hooks the common code calls.  Guest
 * virtual addresses are guest physical ones (no stage 1), the counter is a
 * variable the tests advance, and host_support.c implements the rest.
 */
#ifndef ASM_ARCH_H
#define ASM_ARCH_H

#include <domus/lib.h>

struct vcpu;

extern uint64_t fake_counter;		/* what arch_counter() reads */
#define FAKE_COUNTER_FREQ 1000000ull

static inline void arch_smp_mb(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline uint64_t arch_counter(void) { return fake_counter; }
static inline uint64_t arch_counter_freq(void) { return FAKE_COUNTER_FREQ; }

void arch_zero_pages(uint64_t pa, uint64_t size);
/* Identity: a guest's VA is its IPA. */
bool arch_gva_to_ipa(uint64_t va, bool write, uint64_t *ipa);

#endif
