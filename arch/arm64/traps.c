/*
 * Guest exits.  One table maps each exception class to its handler; an
 * exception class with no handler is the guest's fault, and crashes only
 * that guest.
 */
#include <domus/arch.h>
#include <asm/traps.h>
#include <asm/exits.h>
#include <asm/irq.h>
#include <asm/sysreg.h>
#include <asm/p2m.h>
#include <domus/console.h>
#include <domus/domain.h>
#include <xen/hypercall.h>
#include <domus/sched.h>
#include <asm/vpsci.h>
#include <asm/vgic.h>
#include <asm/vpl011.h>

#define XEN_HYPERCALL_TAG 0xea1
#define ISS_WFE           1
#define DABT_S1PTW        (1u << 7)
#define DABT_WNR          (1u << 6)
#define FSC_TYPE(iss)     ((iss) & 0x3c)
#define FSC_TRANSLATION   0x04
#define FSC_ACCESS_FLAG   0x08	/* first touch of RAM mapped unscrubbed (p2m.c) */
#define FSC_PERMISSION    0x0c	/* among others, a write to a device's register view (vpl011.c) */
#define FAULT_STORM       10000

typedef enum exit_class (*exit_handler_t)(struct vcpu *v, uint32_t esr);

static void crash(struct vcpu *v, const char *why)
{
	dump_guest_state(v, why);
	domain_shutdown(v->dom, SHUTDOWN_CRASH);
}

static enum exit_class handle_wfx(struct vcpu *v, uint32_t esr)
{
	advance_pc(v);
	/* WFE waits for an event another vCPU will signal: just let it spin on. */
	if (esr & ISS_WFE)
		return EXITC_WFE;
	vcpu_block(v);
	return EXITC_WFI;
}

static enum exit_class handle_hvc(struct vcpu *v, uint32_t esr)
{
	switch (esr & 0xffff) {
	case 0:
		vpsci_call(v);
		return EXITC_PSCI;
	case XEN_HYPERCALL_TAG:
		hypercall_dispatch(v);
		return EXITC_HYPERCALL;
	default:
		/* As if HVC were undefined: the exception returns to the HVC itself. */
		v->arch.regs.pc -= 4;
		inject_undef(v);
		return EXITC_OTHER;
	}
}

static enum exit_class handle_smc(struct vcpu *v, uint32_t esr)
{
	advance_pc(v);		/* a trapped SMC leaves ELR at the SMC itself */
	if ((esr & 0xffff) == 0)
		vpsci_call(v);
	else
		vcpu_reg(v, 0) = (uint64_t)-1;	/* SMCCC: NOT_SUPPORTED */
	return EXITC_PSCI;
}

static enum exit_class handle_sysreg(struct vcpu *v, uint32_t esr)
{
	if (sysreg_trap(v, esr))
		advance_pc(v);
	else
		inject_undef(v);
	return EXITC_SYSREG;
}

static enum exit_class handle_undef(struct vcpu *v, uint32_t esr)
{
	(void)esr;
	inject_undef(v);
	return EXITC_OTHER;
}

static uint64_t fault_ipa(void)
{
	return (read_sysreg(hpfar_el2) & 0xffffffffff0ull) << 8 | (read_sysreg(far_el2) & 0xfff);
}

/* A fault on a page mapped meanwhile (a block being split, say): just retry. */
static bool mapped_now(struct vcpu *v, uint64_t ipa)
{
	bool mapped;

	spin_lock(&v->dom->p2m_lock);
	mapped = p2m_touch(v->dom, ipa);
	spin_unlock(&v->dom->p2m_lock);
	if (mapped)
		p2m_refresh(v->dom);	/* mapped where this CPU's walks did not reach yet */
	return mapped;
}

/* Which device an emulated access reached, for the exit profile. */
static enum exit_class mmio_class(const struct mmio_access *a)
{
	if (a->ops == &vpl011_ops)
		return EXITC_MMIO_UART;
	if (a->ops == &vgic_dist_ops || a->ops == &vgic_rdist_ops)
		return EXITC_MMIO_GIC;
	return EXITC_MMIO_OTHER;
}

static enum exit_class handle_dabt(struct vcpu *v, uint32_t esr)
{
	uint64_t ipa = fault_ipa(), va = read_sysreg(far_el2);
	struct mmio_access a;

	if (FSC_TYPE(esr) == FSC_ACCESS_FLAG && mapped_now(v, ipa))
		return EXITC_SCRUB;	/* zeroed now (p2m_touch()) */

	if ((FSC_TYPE(esr) == FSC_TRANSLATION || FSC_TYPE(esr) == FSC_PERMISSION) &&
	    !(esr & DABT_S1PTW) && mmio_decode_dabt(esr, ipa, v->arch.regs.x, &a) &&
	    mmio_dispatch(v, &a) == MMIO_DONE) {
		if (!a.write && a.reg != 31)
			v->arch.regs.x[a.reg] = mmio_load_result(&a);
		advance_pc(v);
		return mmio_class(&a);
	}
	if (FSC_TYPE(esr) == FSC_TRANSLATION && mapped_now(v, ipa))
		return EXITC_ABORT;
	/* No RAM, no device, or an access Domus cannot emulate: the guest sees an abort. */
	pr_debug("%s v%u: data abort at IPA %lx (VA %lx, ESR %x)\n", v->dom->name, v->id,
		 ipa, va, esr);
	inject_abort(v, true, va, esr & DABT_WNR);
	return EXITC_ABORT;
}

static enum exit_class handle_iabt(struct vcpu *v, uint32_t esr)
{
	if (FSC_TYPE(esr) == FSC_ACCESS_FLAG && mapped_now(v, fault_ipa()))
		return EXITC_SCRUB;	/* zeroed now (p2m_touch()) */
	if (FSC_TYPE(esr) != FSC_TRANSLATION || !mapped_now(v, fault_ipa()))
		inject_abort(v, false, read_sysreg(far_el2), false);
	return EXITC_ABORT;
}

static const exit_handler_t exit_handlers[64] = {
	[EC_WFX] = handle_wfx,
	[EC_HVC64] = handle_hvc,
	[EC_SMC64] = handle_smc,
	[EC_SYSREG] = handle_sysreg,
	[EC_SVE] = handle_undef,
	[0x09] = handle_undef,		/* pointer authentication, which is hidden */
	[0x1d] = handle_undef,		/* SME, hidden */
	[EC_DABT_LOW] = handle_dabt,
	[EC_IABT_LOW] = handle_iabt,
};

enum exit_class handle_guest_exit(struct vcpu *v, uint64_t kind)
{
	enum exit_class class = EXITC_OTHER;
	uint64_t reflected;
	uint32_t esr;

	switch (kind) {
	case EXIT_IRQ:
	case EXIT_FIQ:
		irq_handle_pending();
		return EXITC_IRQ;
	case EXIT_SYNC:
		esr = (uint32_t)read_sysreg(esr_el2);
		reflected = v->faults_reflected;
		if (exit_handlers[ESR_EC(esr)])
			class = exit_handlers[ESR_EC(esr)](v, esr);
		else
			crash(v, "unhandled exception class");
		/* A guest whose every exit is a fault it cannot handle makes no progress. */
		if (v->faults_reflected == reflected)
			v->fault_streak = 0;
		else if (++v->fault_streak == FAULT_STORM)
			crash(v, "faulting in a loop (" STR(FAULT_STORM) " exceptions in a row)");
		return class;
	case EXIT_SERROR:
		crash(v, "SError");
		return EXITC_OTHER;
	default:
		crash(v, "AArch32 exception (AArch32 guests are not supported)");
		return EXITC_OTHER;
	}
}
