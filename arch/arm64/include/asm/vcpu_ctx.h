/* Loading and saving a vCPU's architectural state on the current physical CPU. */
#ifndef ASM_VCPU_CTX_H
#define ASM_VCPU_CTX_H

#include <domus/lib.h>

struct vcpu;
struct cpu_regs;

/* Saves the loaded vCPU's state (arch_vcpu_unload() adds its timer deadline). */
void vcpu_arch_save(struct vcpu *v);
/* Per-CPU EL2 configuration that is the same for every guest. */
void cpu_virt_init(void);
uint64_t enter_guest(struct cpu_regs *regs);

#endif
