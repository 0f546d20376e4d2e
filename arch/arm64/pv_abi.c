/*
 * How Xen's PV interface reaches an arm64 guest: a hypercall is HVC #0xEA1
 * with its number in x16, its arguments in x0-x5 and its result in x0, and a
 * continued one is the same HVC executed again with new arguments; the
 * event-channel upcall is PPI 31, level-triggered and active-low.
 */
#include <domus/arch.h>
#include <domus/domain.h>
#include <asm/vgic.h>
#include <public/arch-arm64.h>

uint64_t hypercall_arch_args(struct vcpu *v, uint64_t args[HYPERCALL_MAX_ARGS])
{
	for (unsigned i = 0; i < HYPERCALL_MAX_ARGS; i++)
		args[i] = vcpu_reg(v, i);
	return vcpu_reg(v, 16);
}

void hypercall_arch_return(struct vcpu *v, int64_t ret)
{
	vcpu_reg(v, 0) = (uint64_t)ret;
}

/* The HVC's exception returns after it: step back onto it, x16 still holds the number. */
void hypercall_arch_continue(struct vcpu *v, const uint64_t args[HYPERCALL_MAX_ARGS])
{
	for (unsigned i = 0; i < HYPERCALL_MAX_ARGS; i++)
		vcpu_reg(v, i) = args[i];
	v->arch.regs.pc -= 4;
}

void evtchn_arch_upcall(struct vcpu *v)
{
	vgic_inject_private(v, GUEST_EVTCHN_PPI);
}

/* HVM_PARAM_CALLBACK_IRQ in Xen's encoding: type PPI, level, active-low, the INTID. */
uint64_t evtchn_arch_callback_via(void)
{
	return 2ull << 56 | 2ull << 8 | GUEST_EVTCHN_PPI;
}

/* Xen's is_guest_pv64_psr(): AArch64 at EL1 (either stack pointer) or EL0. */
static bool guest64_psr(uint64_t psr)
{
	unsigned mode = psr & 0x1f;

	return mode == PSR_MODE_EL1h || mode == PSR_MODE_EL1t || mode == PSR_MODE_EL0t;
}

bool arch_vcpu_boot_context(const struct vcpu_guest_context *c, uint64_t *pc, uint64_t *arg)
{
	if (!guest64_psr(c->user_regs.cpsr) ||
	    (c->user_regs.spsr_el1 && !guest64_psr(c->user_regs.spsr_el1)))
		return false;
	*pc = c->user_regs.pc64;
	*arg = c->user_regs.x[0];
	return true;
}
