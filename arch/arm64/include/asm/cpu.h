/* arm64's inline primitives the core uses (see domus/arch.h). */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/sysreg.h>

static inline void arch_smp_mb(void) { dmb(ish); }
static inline uint64_t arch_counter(void) { isb(); return read_sysreg(cntpct_el0); }
static inline uint64_t arch_counter_freq(void) { return read_sysreg(cntfrq_el0); }

/*
 * MIDR implementer 0 is "reserved for software use": what QEMU's own "max"
 * CPU reports.  Where emulation costs differ from a real CPU's, the port
 * chooses by it (stage 2's block size, how pages are zeroed).
 */
static inline bool arch_cpu_emulated(void) { return (read_sysreg(midr_el1) >> 24 & 0xff) == 0; }

/* Physical memory is identity mapped at EL2. */
static inline void *pa_to_va(uint64_t pa) { return (void *)(uintptr_t)pa; }
static inline uint64_t va_to_pa(const void *va) { return (uintptr_t)va; }

#endif
