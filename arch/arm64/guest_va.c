/* Translating a guest virtual address through the vCPU's own stage-1 tables. */
#include <domus/arch.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <asm/p2m.h>
#include <asm/sysreg.h>

#define PAR_F      BIT(0)
#define PAR_PA     0x0000fffffffff000ull

/* Runs on the CPU holding the vCPU's EL1 state (we are handling its trap). */
bool arch_gva_to_ipa(struct vcpu *v, uint64_t va, bool write, uint64_t *ipa)
{
	uint64_t saved, par;

	/* Only the vCPU whose stage-1 registers are live here can be walked. */
	if (v->loaded_on != (int)arch_this_cpu()->id)
		return false;
	p2m_refresh(v->dom);	/* its tables may lie where this CPU's walks did not reach yet */
	saved = read_sysreg(par_el1);

	if (write)
		asm volatile("at s1e1w, %0" : : "r"(va));
	else
		asm volatile("at s1e1r, %0" : : "r"(va));
	isb();
	par = read_sysreg(par_el1);
	write_sysreg(par_el1, saved);	/* PAR_EL1 is the guest's register */
	if (par & PAR_F)
		return false;
	*ipa = (par & PAR_PA) | (va & 0xfff);
	return true;
}
