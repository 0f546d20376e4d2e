/* Handling of guest exits and faults on arm64. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <domus/mmio.h>
#include <asm/exit_profile.h>

struct vcpu;
struct cpu_regs;

/* Handles one exit; what class of exit it was (asm/exit_profile.h). */
enum exit_class handle_guest_exit(struct vcpu *v, uint64_t kind);
/* Decodes a data-abort syndrome for emulation; false if it carries no instruction syndrome. */
bool mmio_decode_dabt(uint32_t esr, uint64_t ipa, const uint64_t *xregs, struct mmio_access *a);
void inject_undef(struct vcpu *v);
void inject_abort(struct vcpu *v, bool data, uint64_t va, bool write);
bool sysreg_trap(struct vcpu *v, uint32_t esr);
void dump_guest_state(struct vcpu *v, const char *why);
void advance_pc(struct vcpu *v);

#endif
