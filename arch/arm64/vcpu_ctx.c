/*
 * vCPU context on arm64.  General registers are switched on every entry and
 * exit (entry.S); everything below is switched only when a different vCPU
 * is loaded on the physical CPU.  FP/SIMD is switched eagerly with the rest:
 * vCPUs rarely change on a physical CPU, and a lazy scheme would trap the
 * guest's first FP instruction after every switch.
 */
#include <domus/arch.h>
#include <asm/vcpu_ctx.h>
#include <asm/vtimer.h>
#include <asm/gic.h>
#include <asm/p2m.h>
#include <asm/sysreg.h>
#include <domus/domain.h>

#define SCTLR_EL1_RESET  0x00c50078ull	/* MMU and caches off, RES1 bits */
#define PSTATE_EL1H_MASKED (PSR_DAIF_MASK | PSR_MODE_EL1H)
#define SPSR_D           (1ull << 9)

void fpsimd_save(struct fp_state *fp);
void fpsimd_load(const struct fp_state *fp);

void arch_vcpu_reset(struct vcpu *v, uint64_t pc, uint64_t x0)
{
	struct arch_vcpu *a = &v->arch;

	memset(&a->regs, 0, sizeof(a->regs));
	memset(a->sys, 0, sizeof(a->sys));
	memset(&a->fp, 0, sizeof(a->fp));
	memset(&a->timer, 0, sizeof(a->timer));
	memset(&a->gic, 0, sizeof(a->gic));
	memset(&a->dbg, 0, sizeof(a->dbg));
	a->regs.pc = pc;
	a->regs.x[0] = x0;
	a->regs.pstate = PSTATE_EL1H_MASKED;
	a->sys[SR_SCTLR] = SCTLR_EL1_RESET;
	a->vmpidr = BIT(31) | arch_vcpu_hwid(v->id);
}

#define SYSREGS(X) \
	X(SR_SCTLR, sctlr_el1) X(SR_CPACR, cpacr_el1) X(SR_ESR, esr_el1) \
	X(SR_AFSR0, afsr0_el1) X(SR_AFSR1, afsr1_el1) X(SR_FAR, far_el1) \
	X(SR_MAIR, mair_el1) X(SR_AMAIR, amair_el1) X(SR_VBAR, vbar_el1) \
	X(SR_CONTEXTIDR, contextidr_el1) X(SR_CNTKCTL, cntkctl_el1) X(SR_PAR, par_el1) \
	X(SR_MDSCR, mdscr_el1) X(SR_SP_EL0, sp_el0) X(SR_SP_EL1, sp_el1) \
	X(SR_ELR, elr_el1) X(SR_SPSR, spsr_el1) X(SR_TPIDR_EL0, tpidr_el0) \
	X(SR_TPIDRRO_EL0, tpidrro_el0) X(SR_TPIDR_EL1, tpidr_el1) X(SR_CSSELR, csselr_el1) \
	X(SR_ACTLR, actlr_el1)

/*
 * The translation registers, written only if they change: under QEMU a write
 * of TCR_EL1, or of a TTBR with another ASID, flushes this CPU's whole TLB,
 * Domus's own entries too, and vCPUs of one kernel often share their TCR.
 */
#define TRANSLATION_SYSREGS(X) X(SR_TTBR0, ttbr0_el1) X(SR_TTBR1, ttbr1_el1) X(SR_TCR, tcr_el1)

#define SAVE_SYSREG(idx, name) a->sys[idx] = read_sysreg(name);
#define LOAD_SYSREG(idx, name) write_sysreg(name, a->sys[idx]);
#define LOAD_CHANGED(idx, name) if (read_sysreg(name) != a->sys[idx]) write_sysreg(name, a->sys[idx]);

/* Breakpoint and watchpoint registers, up to the number the CPU implements. */
#define DBG_REGS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) \
	X(12) X(13) X(14) X(15)
#define SAVE_BP(n) if (n < nbp) { d->bvr[n] = read_sysreg(dbgbvr##n##_el1); \
	d->bcr[n] = read_sysreg(dbgbcr##n##_el1); }
#define LOAD_BP(n) if (n < nbp) { write_sysreg(dbgbvr##n##_el1, d->bvr[n]); \
	write_sysreg(dbgbcr##n##_el1, d->bcr[n]); }
#define SAVE_WP(n) if (n < nwp) { d->wvr[n] = read_sysreg(dbgwvr##n##_el1); \
	d->wcr[n] = read_sysreg(dbgwcr##n##_el1); }
#define LOAD_WP(n) if (n < nwp) { write_sysreg(dbgwvr##n##_el1, d->wvr[n]); \
	write_sysreg(dbgwcr##n##_el1, d->wcr[n]); }

static unsigned nr_breakpoints(void)
{
	return ((read_sysreg(id_aa64dfr0_el1) >> 12) & 0xf) + 1;
}

static unsigned nr_watchpoints(void)
{
	return ((read_sysreg(id_aa64dfr0_el1) >> 20) & 0xf) + 1;
}

static void debug_save(struct debug_state *d)
{
	unsigned nbp = nr_breakpoints(), nwp = nr_watchpoints();

	DBG_REGS(SAVE_BP)
	DBG_REGS(SAVE_WP)
	d->mdccint = read_sysreg(mdccint_el1);
	d->oslk = (read_sysreg(oslsr_el1) >> 1) & 1;
}

static void debug_load(const struct debug_state *d)
{
	unsigned nbp = nr_breakpoints(), nwp = nr_watchpoints();

	DBG_REGS(LOAD_BP)
	DBG_REGS(LOAD_WP)
	write_sysreg(mdccint_el1, d->mdccint);
	write_sysreg(oslar_el1, d->oslk);
}

void arch_vcpu_load(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	p2m_activate(v->dom);
	write_sysreg(vmpidr_el2, a->vmpidr);
	SYSREGS(LOAD_SYSREG)
	TRANSLATION_SYSREGS(LOAD_CHANGED)
	fpsimd_load(&a->fp);
	debug_load(&a->dbg);
	write_sysreg(cntvoff_el2, v->dom->arch.cntvoff);
	write_sysreg(cntv_cval_el0, a->timer.cntv_cval);
	write_sysreg(cntv_ctl_el0, a->timer.cntv_ctl);
	write_sysreg(cntp_cval_el0, a->timer.cntp_cval);
	write_sysreg(cntp_ctl_el0, a->timer.cntp_ctl);
	gic_vcpu_state_load(v);
	gic_lrs_clear();
	vtimer_load();
	isb();
}

void vcpu_arch_save(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	SYSREGS(SAVE_SYSREG)
	TRANSLATION_SYSREGS(SAVE_SYSREG)
	fpsimd_save(&a->fp);
	debug_save(&a->dbg);
	a->timer.cntv_ctl = read_sysreg(cntv_ctl_el0);
	a->timer.cntv_cval = read_sysreg(cntv_cval_el0);
	a->timer.cntp_ctl = read_sysreg(cntp_ctl_el0);
	a->timer.cntp_cval = read_sysreg(cntp_cval_el0);
	/* Its timers must not fire while another vCPU owns this CPU. */
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	gic_vcpu_state_save(v);
	isb();
}

void cpu_virt_init(void)
{
	uint64_t pmcr_n = (read_sysreg(pmcr_el0) >> 11) & 0x1f;

	/*
	 * As Xen: set/way cache maintenance, ACTLR_EL1 and implementation-defined
	 * registers trap (sysreg_emul.c), and a stage-1 walk that touches a
	 * device is a stage-2 fault.
	 */
	write_sysreg(hcr_el2, HCR_VM | HCR_SWIO | HCR_PTW | HCR_FMO | HCR_IMO | HCR_AMO |
			      HCR_FB | HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TID3 | HCR_TSC |
			      HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_RW |
			      (p2m_forces_cacheable() ? HCR_FWB : 0));
	write_sysreg(vtcr_el2, p2m_vtcr());
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	/* The PMU is hidden: its registers trap (and the guest gets an UNDEF). */
	write_sysreg(mdcr_el2, MDCR_TPM | MDCR_TPMCR | pmcr_n);
	/* FP/SIMD free to use; SVE, SME and activity monitors trap (hidden). */
	write_sysreg(cptr_el2, CPTR_RES1 | CPTR_TZ | CPTR_TSM | CPTR_TAM);
	/* The guest may read the physical counter and use the EL1 physical timer. */
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}
