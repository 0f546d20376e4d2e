/* Exceptions Domus delivers to a guest at EL1, as the CPU itself would take them. */
#include <asm/traps.h>
#include <asm/sysreg.h>
#include <domus/domain.h>

#define SPSR_PAN        (1ull << 22)
#define SCTLR_SPAN      (1ull << 23)
#define VECTOR_CUR_SP0  0x000
#define VECTOR_CUR_SPX  0x200
#define VECTOR_LOWER64  0x400
#define FSC_EXT_ABORT   0x10
#define ISS_WNR         (1u << 6)

static void enter_el1_exception(struct vcpu *v, uint64_t esr)
{
	v->faults_reflected++;
	struct cpu_regs *r = &v->arch.regs;
	uint64_t mode = r->pstate & 0xf, offset;

	if (mode == PSR_MODE_EL1H)
		offset = VECTOR_CUR_SPX;
	else if (mode == 0x4)
		offset = VECTOR_CUR_SP0;
	else
		offset = VECTOR_LOWER64;
	write_sysreg(esr_el1, esr);
	write_sysreg(elr_el1, r->pc);
	write_sysreg(spsr_el1, r->pstate);
	r->pc = read_sysreg(vbar_el1) + offset;
	/* EL1h, all of DAIF masked; PAN set on entry unless SCTLR_EL1.SPAN says otherwise. */
	r->pstate = (r->pstate & SPSR_PAN) | PSR_DAIF_MASK | PSR_MODE_EL1H;
	if (!(read_sysreg(sctlr_el1) & SCTLR_SPAN))
		r->pstate |= SPSR_PAN;
}

void inject_undef(struct vcpu *v)
{
	enter_el1_exception(v, (uint64_t)EC_UNKNOWN << 26 | ESR_IL);
}

void inject_abort(struct vcpu *v, bool data, uint64_t va, bool write)
{
	bool from_el0 = (v->arch.regs.pstate & 0xf) == 0;
	uint64_t ec = data ? (from_el0 ? EC_DABT_LOW : EC_DABT_CUR)
			   : (from_el0 ? EC_IABT_LOW : EC_IABT_CUR);

	write_sysreg(far_el1, va);
	enter_el1_exception(v, ec << 26 | ESR_IL | FSC_EXT_ABORT | (data && write ? ISS_WNR : 0));
}

void advance_pc(struct vcpu *v)
{
	v->arch.regs.pc += 4;
}
