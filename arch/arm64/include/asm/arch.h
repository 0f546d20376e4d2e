/* The hooks common code calls into the architecture through. */
#ifndef ASM_ARCH_H
#define ASM_ARCH_H

#include <domus/lib.h>
#include <asm/sysreg.h>

struct vcpu;

static inline void arch_smp_mb(void) { dmb(ish); }
static inline uint64_t arch_counter(void) { isb(); return read_sysreg(cntpct_el0); }
static inline uint64_t arch_counter_freq(void) { return read_sysreg(cntfrq_el0); }

void arch_kick_cpu(unsigned cpu);
void arch_vcpu_reset(struct vcpu *v, uint64_t pc, uint64_t x0);
void arch_vcpu_load(struct vcpu *v);
/* Saves the vCPU; returns when its guest timers fire (counter ticks), 0 for never. */
uint64_t arch_vcpu_unload(struct vcpu *v);
/* Arms this CPU's own timer for a counter value (0: off). */
void arch_set_cpu_timer(uint64_t when);
/* Runs the loaded vCPU once and handles its exit; returns the counter ticks it ran. */
uint64_t arch_run_vcpu(struct vcpu *v);
/* Waits for an interrupt and handles it; returns the ticks spent waiting. */
uint64_t arch_idle(void);
/* Zeroes whole pages through Domus's map (scrubbing). */
void arch_zero_pages(uint64_t pa, uint64_t size);
void arch_vcpu_dump(struct vcpu *v);
/* Stage-1 translation of a guest VA for the loaded vCPU; false if it faults. */
bool arch_gva_to_ipa(uint64_t va, bool write, uint64_t *ipa);
void __attribute__((noreturn)) arch_system_off(void);
void __attribute__((noreturn)) arch_halt(void);

#endif
