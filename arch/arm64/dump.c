/* Register dumps: for a guest that crashed, and for an exception in Domus itself. */
#include <domus/arch.h>
#include <asm/traps.h>
#include <asm/sysreg.h>
#include <asm/exits.h>
#include <domus/console.h>
#include <domus/domain.h>
#include <domus/percpu.h>

static void dump_gprs(const uint64_t *x)
{
	for (unsigned i = 0; i < 31; i += 3) {
		if (i + 2 < 31)
			pr_err("  x%-2u %016lx  x%-2u %016lx  x%-2u %016lx\n", i, x[i], i + 1,
			       x[i + 1], i + 2, x[i + 2]);
		else
			pr_err("  x%-2u %016lx\n", i, x[i]);
	}
}

static void dump_el2_syndrome(void)
{
	pr_err("  ESR_EL2 %016lx  FAR_EL2 %016lx  HPFAR_EL2 %016lx\n", read_sysreg(esr_el2),
	       read_sysreg(far_el2), read_sysreg(hpfar_el2));
	pr_err("  ELR_EL2 %016lx  SPSR_EL2 %016lx\n", read_sysreg(elr_el2),
	       read_sysreg(spsr_el2));
}

void dump_guest_state(struct vcpu *v, const char *why)
{
	pr_err("%s (d%u) vCPU %u: %s\n", v->dom->name, v->dom->id, v->id, why);
	dump_el2_syndrome();
	pr_err("  PC %016lx  PSTATE %016lx\n", v->arch.regs.pc, v->arch.regs.pstate);
	dump_gprs(v->arch.regs.x);
	pr_err("  SP_EL1 %016lx  ELR_EL1 %016lx  ESR_EL1 %016lx\n", read_sysreg(sp_el1),
	       read_sysreg(elr_el1), read_sysreg(esr_el1));
	pr_err("  FAR_EL1 %016lx  SCTLR_EL1 %016lx  VBAR_EL1 %016lx\n", read_sysreg(far_el1),
	       read_sysreg(sctlr_el1), read_sysreg(vbar_el1));
}

/* For the debug keys: the registers as the vCPU last left them at an exit. */
void arch_vcpu_dump(struct vcpu *v)
{
	pr_info("%s (d%u) vCPU %u: PC %016lx PSTATE %08lx%s\n", v->dom->name, v->dom->id, v->id,
		v->arch.regs.pc, v->arch.regs.pstate,
		v->loaded_on >= 0 ? " (as of its last exit)" : "");
	for (unsigned i = 0; i < 31; i += 4) {
		pr_info("  x%-2u %016lx x%-2u %016lx x%-2u %016lx x%-2u %016lx\n", i,
			v->arch.regs.x[i], i + 1, v->arch.regs.x[i + 1], i + 2,
			v->arch.regs.x[i + 2], i + 3, i + 3 < 31 ? v->arch.regs.x[i + 3] : 0);
	}
}

/* Called from entry.S with the saved registers; never returns. */
void hyp_trap(const uint64_t *frame, uint64_t kind)
{
	static const char *const kinds[] = { "synchronous exception", "IRQ", "FIQ", "SError" };
	struct vcpu *v = arch_this_cpu()->loaded;

	pr_err("PANIC on CPU%u: %s in Domus\n", arch_this_cpu()->id, kinds[kind & 3]);
	dump_el2_syndrome();
	pr_err("  PC %016lx  PSTATE %016lx  SP %016lx\n", frame[31], frame[32],
	       (uint64_t)(uintptr_t)frame + 36 * 8);
	dump_gprs(frame);
	if (v)
		pr_err("  loaded vCPU: %s (d%u) vCPU %u\n", v->dom->name, v->dom->id, v->id);
	panic("hypervisor fault");
}
